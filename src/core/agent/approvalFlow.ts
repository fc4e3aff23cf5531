import type { ApprovalAnswer } from './approver';
import type { Exit, PipelineDeps } from './pipeline';
import type { AuditEventInput } from '../audit/event';
import type { GuardResult } from '../policy/guard';
import type { GrantShape, ValidCall } from '../tools/tool';
import { pickScope } from './sessionGrants';

type Stop = {
  readonly kind: 'stop';
  readonly exit: Omit<Exit, 'decision' | 'reason' | 'rule'> & Partial<Pick<Exit, 'decision' | 'reason' | 'rule'>>;
};
type Go = {
  readonly kind: 'run';
  readonly call: ValidCall;
  readonly decided: GuardResult;
  readonly note: string;
  readonly answer: NonNullable<AuditEventInput['answer']>;
  readonly edits?: unknown;
  /** The session grant given with this answer: kept for the session once the call may run, and audited. */
  readonly grant?: NonNullable<AuditEventInput['grant']>;
};

function stop(
  text: string,
  answer: AuditEventInput['answer'],
  status: 'rejected' | 'denied' | 'error',
  edits?: unknown,
  feedback?: string,
): Stop {
  const outcome = feedback ? { status, feedback } : { status };
  return {
    kind: 'stop',
    exit: { text, isError: true, wrap: false, approver: 'person', answer, outcome, ...(edits !== undefined ? { edits } : {}) },
  };
}

/** The call the person's edit describes, or why the edit cannot apply. */
function editedCall(answer: Extract<ApprovalAnswer, { kind: 'approve-edited' }>, call: ValidCall): ValidCall | string {
  const editing = call.entry.editing;
  return editing ? editing.apply(call.input, answer) : `${call.tool} calls cannot be edited`;
}

/**
 * Turns a person's answer into what runs. An edited call is decided again by
 * the guard: a denial stands, whoever proposed it.
 */
export function resolveAnswer(
  answer: ApprovalAnswer,
  call: ValidCall,
  decided: GuardResult,
  shape: GrantShape,
  deps: Pick<PipelineDeps, 'guard'>,
): Stop | Go {
  switch (answer.kind) {
    case 'reject':
      return stop(
        `The person rejected this call.${answer.feedback ? ` Their feedback: ${answer.feedback}` : ''} Do not retry it in another form; adjust your plan or ask.`,
        'rejected',
        'rejected',
        undefined,
        answer.feedback,
      );
    case 'approve':
      return { kind: 'run', call, decided, note: '', answer: 'approved' };
    case 'approve-for-session': {
      // A scope that was not offered (or none at all) grants nothing: the call is approved once.
      const picked = pickScope(shape, answer.scope);
      if (!picked) return { kind: 'run', call, decided, note: '', answer: 'approved' };
      // Recorded in the session's grants by the pipeline only once the call passed its last check before running.
      const grant = { scope: picked.scope, key: picked.key, description: picked.description };
      return { kind: 'run', call, decided, note: '', answer: 'approved-for-session', grant };
    }
    case 'approve-edited': {
      const edited = editedCall(answer, call);
      const edits = answer.command !== undefined ? { command: answer.command } : { content: answer.content };
      if (typeof edited === 'string')
        return stop(`Warden did not run the call: the approval's edit was not usable (${edited}).`, 'approved-edited', 'error', edits);
      let again: GuardResult;
      try {
        again = deps.guard.decideRequest(edited.entry.request(edited.input));
      } catch (err) {
        return stop(
          `Warden did not run the edited call: the guard failed (${err instanceof Error ? err.message : String(err)}).`,
          'approved-edited',
          'denied',
          edits,
        );
      }
      if (again.decision === 'deny') {
        const rule = again.rule ? `, rule ${again.rule}` : '';
        const s = stop(
          `The person edited this call, and Warden denied the edited version (${again.reason}${rule}): ${again.message}`,
          'approved-edited',
          'denied',
          edits,
        );
        // The audit names the rule that denied the edited call.
        return { ...s, exit: { ...s.exit, decision: 'deny', reason: again.reason, rule: again.rule } };
      }
      const what = edited.entry.edited?.(edited.input).note ?? 'The person edited the call before approving it.';
      return { kind: 'run', call: edited, decided: again, note: what, answer: 'approved-edited', edits };
    }
  }
}
