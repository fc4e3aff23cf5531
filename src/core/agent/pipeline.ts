import { approvalAnswerSchema, type ApprovalAnswer, type ApprovalRequest, type Approver } from './approver';
import { approvalBinding, bindingDrift } from './approvalBinding';
import { sessionEvent, toolCallEvent, type AuditIdentity, type ToolCallAudit } from './auditRecord';
import { neutralise } from '../text/neutralise';
import type { SessionGrants } from './sessionGrants';
import { sanitise, sanitiseValue, toolResultText } from './untrusted';
import type { AgentEvents } from './events';
import type { AuditSink } from '../audit/event';
import type { Guard, GuardResult } from '../policy/guard';
import type { Redactor } from '../secrets/redactor';
import type { ToolRegistry } from '../tools/registry';
import type { GrantShape, ToolContext, ToolOutcome, ToolPlan, ValidCall } from '../tools/tool';
import { resolveAnswer } from './approvalFlow';
import { whyLine } from '../policy/explain';
import { suggestRules, type Suggestions } from '../policy/suggestRules';
import type { StepCheckpoints } from '../checkpoints/recorder';

/** Everything one tool call needs; built once per task. */
export interface PipelineDeps {
  readonly guard: Guard;
  readonly approver: Approver;
  readonly grants: SessionGrants;
  readonly audit: AuditSink;
  readonly redactor: Redactor;
  readonly tools: ToolContext;
  /** Tools offered to the model (built-in and MCP); any other name is denied as unknown. */
  readonly registry: ToolRegistry;
  readonly events: AgentEvents;
  readonly identity: AuditIdentity;
  /** Characters of one tool result the model sees (after redaction and neutralisation). */
  readonly maxResultChars: number;
  /** A fresh unguessable id per result, for the untrusted-data block's end marker. */
  readonly newNonce: () => string;
  /** Checkpoints around every step that can change the workspace (src/core/checkpoints); absent: none. */
  readonly checkpoints?: StepCheckpoints;
}

export interface ToolCallRequest {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
  /** Set when the model's input JSON did not parse. */
  readonly inputError: string | null;
}

export interface ToolCallResult {
  readonly content: string;
  readonly isError: boolean;
}

/** How a call left the pipeline: what the model is told and what the audit log records. */
export type Exit = Omit<ToolCallAudit, 'tool' | 'input'> & {
  readonly text: string;
  readonly isError: boolean;
  /** Tool output is wrapped as untrusted data; Warden's own messages are not. */
  readonly wrap: boolean;
  /** Warden's note before the data block (e.g. that a person edited the call). */
  readonly prefix?: string;
};

function denied(decided: Pick<GuardResult, 'decision' | 'reason' | 'rule' | 'message'>): Exit {
  const rule = decided.rule ? `, rule ${decided.rule}` : '';
  return {
    text: `Warden denied this call (${decided.reason}${rule}): ${decided.message}`,
    isError: true,
    wrap: false,
    decision: 'deny',
    reason: decided.reason,
    rule: decided.rule,
    approver: 'rule',
    answer: null,
    outcome: { status: 'denied' },
  };
}

/** Steps 1–3 of the pipeline: known tool, valid input, guard decision. Never throws; fails closed. */
export function decideCall(req: ToolCallRequest, deps: PipelineDeps): { call: ValidCall; decided: GuardResult } | { exit: Exit } {
  const tool = deps.registry.get(req.name);
  if (!tool) {
    return {
      exit: denied({
        decision: 'deny',
        reason: 'unknown-tool',
        rule: null,
        message: `There is no tool named ${JSON.stringify(req.name)} here.`,
      }),
    };
  }
  if (req.inputError !== null) {
    return {
      exit: denied({ decision: 'deny', reason: 'invalid-input', rule: null, message: `The input was not valid JSON (${req.inputError}).` }),
    };
  }
  const parsed = tool.parse(req.input);
  if (!parsed.ok) return { exit: denied({ decision: 'deny', reason: 'invalid-input', rule: null, message: parsed.error }) };
  const call: ValidCall = { tool: tool.name, input: parsed.input, entry: tool };
  let decided: GuardResult;
  try {
    decided = deps.guard.decideRequest(tool.request(call.input));
  } catch (err) {
    return {
      exit: denied({
        decision: 'deny',
        reason: 'policy-invalid',
        rule: null,
        message: `The guard failed (${err instanceof Error ? err.message : String(err)}); failing closed.`,
      }),
    };
  }
  return { call, decided };
}

async function runTool(
  call: ValidCall,
  decided: GuardResult,
  plan: ToolPlan,
  approvedByPerson: boolean,
  req: ToolCallRequest,
  deps: PipelineDeps,
  signal: AbortSignal,
): Promise<ToolOutcome> {
  if (signal.aborted) return { text: 'Cancelled before it ran.', isError: true, status: 'cancelled' };
  const streams = { stdout: deps.redactor.stream(), stderr: deps.redactor.stream() };
  const onOutput = (chunk: string, stream: 'stdout' | 'stderr'): void => {
    const safe = streams[stream].push(chunk);
    if (safe) deps.events({ type: 'tool_output', callId: req.id, stream, chunk: neutralise(safe) });
  };
  try {
    return await call.entry.run(call.input, decided, deps.tools, { signal, approvedByPerson, onOutput }, plan);
  } catch (err) {
    if (signal.aborted)
      return { text: 'Cancelled while running; a write either happened whole or not at all.', isError: true, status: 'cancelled' };
    return { text: `The tool failed: ${err instanceof Error ? err.message : String(err)}`, isError: true, status: 'error' };
  } finally {
    for (const s of ['stdout', 'stderr'] as const) {
      const rest = streams[s].flush();
      if (rest) deps.events({ type: 'tool_output', callId: req.id, stream: s, chunk: neutralise(rest) });
    }
  }
}

/** Suggestions as a person may see them: none at all when redaction would change a word (a rule must say what it allows). */
function shownSuggestions(s: Suggestions, redactor: Redactor): Suggestions {
  if ('none' in s) return { none: sanitise(s.none, redactor) };
  const clean = s.rules.every((r) => [r.label, ...r.entries].every((t) => sanitise(t, redactor) === t));
  return clean ? s : { none: 'a word of it is a secret value or holds hidden characters' };
}

/** The grants a person may give, as they see them (redacted, hidden characters made visible). */
function shownGrant(shape: GrantShape, redactor: Redactor): ApprovalRequest['sessionGrant'] {
  if (!('scopes' in shape)) return { allowed: false, description: sanitise(shape.refused, redactor) };
  const scopes = shape.scopes.map((s) => ({
    scope: s.scope,
    label: sanitise(s.label, redactor),
    description: sanitise(s.description, redactor),
  }));
  return { allowed: true, description: scopes[0]?.description ?? '', scopes };
}

/** Asks the approver; null when the task was cancelled meanwhile. A failed approval is a rejection. */
async function askPerson(
  req: ToolCallRequest,
  call: ValidCall,
  decided: GuardResult,
  plan: ToolPlan,
  shape: GrantShape,
  drift: readonly string[],
  deps: PipelineDeps,
  signal: AbortSignal,
): Promise<ApprovalAnswer | null> {
  const changed = drift.length ? `Changed since you approved it: ${drift.join(', ')}. ` : '';
  try {
    const answer = approvalAnswerSchema.parse(
      await deps.approver.request(
        {
          callId: req.id,
          tool: call.tool,
          input: sanitiseValue(call.input, deps.redactor),
          decision: {
            decision: decided.decision,
            reason: decided.reason,
            rule: decided.rule,
            message: sanitise(`${changed}${decided.message}`, deps.redactor),
          },
          plan: sanitiseValue(plan, deps.redactor) as ToolPlan,
          sessionGrant: shownGrant(shape, deps.redactor),
          editable: call.entry.editing?.kind ?? null,
          why: sanitise(`${changed}${whyLine(decided.why, decided.message)}`, deps.redactor),
          // A call that changed after approval gets no rule from it either.
          suggestions: drift.length
            ? { none: 'it changed after it was first approved' }
            : shownSuggestions(suggestRules(decided), deps.redactor),
        },
        signal,
      ),
    );
    // A task stopped while it waited: nobody decided, whatever the approver answered on its way out.
    return signal.aborted ? null : answer;
  } catch (err) {
    if (signal.aborted) return null;
    return { kind: 'reject', feedback: `The approval could not be completed (${err instanceof Error ? err.message : String(err)}).` };
  }
}

const CANCELLED_WAITING = {
  text: 'Cancelled while waiting for approval.',
  isError: true,
  wrap: false,
  approver: 'person',
  answer: null,
  outcome: { status: 'cancelled' },
} as const;

type Resolved = ReturnType<typeof resolveAnswer>;

/**
 * The approved call, checked once more before it runs: unchanged, it runs
 * with the fresh decision; denied now, it is denied; changed (another cwd or
 * file behind a link, the file edited on disk, another sandbox…), the drift
 * is audited and the person asked again — no session grant then — and a
 * second change refuses the call.
 */
async function confirmApproved(
  req: ToolCallRequest,
  call: ValidCall,
  decided: GuardResult,
  plan: ToolPlan,
  approved: Extract<Resolved, { kind: 'run' }>,
  deps: PipelineDeps,
  signal: AbortSignal,
): Promise<Resolved & { plan?: ToolPlan }> {
  const stopWith = (exit: Extract<Resolved, { kind: 'stop' }>['exit']): Resolved => ({ kind: 'stop', exit });
  const first = await unchanged(call, decided, plan, deps);
  if (first.decided.decision === 'deny') return stopWith(denied(first.decided));
  if (!('drift' in first)) return { ...approved, decided: first.decided, plan: first.plan };
  await deps.audit.append(
    sessionEvent(
      deps.identity,
      `${call.tool} call ${req.id}: what would run changed after it was approved (${first.drift.join(', ')}); asked again`,
      deps.redactor,
    ),
  );
  const refusal = { refused: 'It changed after it was first approved.' };
  const answer = await askPerson(req, call, first.decided, first.plan, refusal, first.drift, deps, signal);
  if (answer === null) return stopWith({ ...CANCELLED_WAITING });
  const resolved = resolveAnswer(answer.kind === 'approve-for-session' ? { kind: 'approve' } : answer, call, first.decided, refusal, deps);
  if (resolved.kind !== 'run' || resolved.call !== call) return resolved;
  const second = await unchanged(call, first.decided, first.plan, deps);
  if (second.decided.decision === 'deny') return stopWith(denied(second.decided));
  if ('drift' in second) {
    const text = `Warden did not run the call: what would run changed again after it was approved (${second.drift.join(', ')}).`;
    return stopWith({
      decision: 'ask',
      reason: second.decided.reason,
      rule: second.decided.rule,
      text,
      isError: true,
      wrap: false,
      approver: 'person',
      answer: 'approved',
      outcome: { status: 'error', error: text },
    });
  }
  return { ...resolved, decided: second.decided, plan: second.plan };
}

/**
 * Decides and plans the approved call again, now: the same binding
 * (src/core/agent/approvalBinding.ts) means it may run as approved; else
 * what drifted, with the new decision and plan to show.
 */
async function unchanged(
  call: ValidCall,
  decided: GuardResult,
  plan: ToolPlan,
  deps: PipelineDeps,
): Promise<{ decided: GuardResult; plan: ToolPlan } | { drift: string[]; decided: GuardResult; plan: ToolPlan }> {
  const approved = approvalBinding(call, decided, plan, deps.tools);
  let again: GuardResult;
  let planNow: ToolPlan;
  try {
    again = deps.guard.decideRequest(call.entry.request(call.input));
    planNow = await call.entry.plan(call.input, again, deps.tools);
  } catch (err) {
    const message = `could not check the call again (${err instanceof Error ? err.message : String(err)})`;
    return { drift: [message], decided, plan: { kind: 'invalid', tool: call.tool, error: message } };
  }
  const drift = bindingDrift(approved, approvalBinding(call, again, planNow, deps.tools));
  return drift.length === 0 ? { decided: again, plan: planNow } : { drift, decided: again, plan: planNow };
}

/** What runs of a call the person edited, for the card: the command, or how long their content is. */
function editedSummary(call: ValidCall): { command: string } | { chars: number } | undefined {
  return call.entry.edited?.(call.input).summary;
}

/** One line naming what a step changes, for the checkpoint's record. */
function stepSummary(plan: ToolPlan): string {
  if (plan.kind === 'command') return plan.command.slice(0, 300);
  if (plan.kind === 'write') return `${plan.tool} ${plan.target.relative}`.slice(0, 300);
  return plan.tool;
}

/** Steps 4–6: plan, approval, run. Returns the exit to audit. */
async function planApproveRun(
  req: ToolCallRequest,
  call: ValidCall,
  decided: GuardResult,
  deps: PipelineDeps,
  signal: AbortSignal,
): Promise<Exit> {
  const base = { decision: decided.decision, reason: decided.reason, rule: decided.rule } as const;
  let plan: ToolPlan;
  try {
    plan = await call.entry.plan(call.input, decided, deps.tools);
  } catch (err) {
    plan = { kind: 'invalid', tool: call.tool, error: `Could not prepare the call: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (plan.kind === 'invalid') {
    return {
      ...base,
      text: plan.error,
      isError: true,
      wrap: false,
      approver: 'rule',
      answer: null,
      outcome: { status: 'error', error: plan.error },
    };
  }
  let run: { call: ValidCall; decided: GuardResult; plan: ToolPlan; approvedByPerson: boolean; note: string } = {
    call,
    decided,
    plan,
    approvedByPerson: false,
    note: '',
  };
  let person: Pick<Exit, 'approver' | 'answer' | 'edits' | 'grant'> = { approver: 'rule', answer: null };
  if (decided.decision === 'ask') {
    const shape = call.entry.grant(call.input, decided);
    const granted = deps.grants.covering(shape);
    if (granted) {
      deps.events({
        type: 'tool_answered',
        callId: req.id,
        answer: 'session-grant',
        note: sanitise(`approved for this session: ${granted.description}`, deps.redactor),
      });
      run = { ...run, approvedByPerson: true };
      person = {
        approver: 'person',
        answer: 'approved-for-session',
        grant: { scope: granted.scope, key: granted.key, description: granted.description },
      };
    } else {
      const answer = await askPerson(req, call, decided, plan, shape, [], deps, signal);
      if (answer === null) return { ...base, ...CANCELLED_WAITING };
      let resolved: Resolved & { plan?: ToolPlan } = resolveAnswer(answer, call, decided, shape, deps);
      // What the person approved must still be what would run: decided and planned again just before it runs.
      if (resolved.kind === 'run' && resolved.call === call)
        resolved = await confirmApproved(req, call, decided, plan, resolved, deps, signal);
      const edited = resolved.kind === 'run' && resolved.call !== call ? editedSummary(resolved.call) : undefined;
      deps.events({
        type: 'tool_answered',
        callId: req.id,
        answer: answer.kind,
        note: resolved.kind === 'run' ? resolved.note : resolved.exit.text,
        ...(edited ? { edited } : {}),
      });
      if (resolved.kind === 'stop') return { ...base, ...resolved.exit };
      if (resolved.grant) deps.grants.add({ ...resolved.grant, tool: call.tool });
      run = { call: resolved.call, decided: resolved.decided, plan: resolved.plan ?? plan, approvedByPerson: true, note: resolved.note };
      person = {
        approver: 'person',
        answer: resolved.answer,
        ...(resolved.edits !== undefined ? { edits: resolved.edits } : {}),
        ...(resolved.grant !== undefined ? { grant: resolved.grant } : {}),
      };
    }
  }
  const execute = () => runTool(run.call, run.decided, run.plan, run.approvedByPerson, req, deps, signal);
  const changing = deps.checkpoints && (run.plan.kind === 'write' || run.plan.kind === 'command');
  const outcome =
    changing && deps.checkpoints
      ? await deps.checkpoints.around({ callId: req.id, tool: call.tool, summary: stepSummary(run.plan) }, execute)
      : await execute();
  return {
    ...base,
    ...person,
    text: outcome.text,
    isError: outcome.isError,
    wrap: true,
    ...(run.note ? { prefix: run.note } : {}),
    ...(outcome.diff !== undefined ? { diff: outcome.diff } : {}),
    outcome: {
      status: outcome.status,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.bytes !== undefined ? { bytes: outcome.bytes } : {}),
      ...(outcome.isError ? { error: outcome.text.slice(0, 500) } : {}),
    },
  };
}

/** The whole pipeline for one tool_use block: decide, approve, run, sanitise, audit (once, at every exit). */
export async function handleToolCall(req: ToolCallRequest, deps: PipelineDeps, signal: AbortSignal): Promise<ToolCallResult> {
  const shown = sanitiseValue(req.input, deps.redactor);
  deps.events({
    type: 'tool_proposed',
    callId: req.id,
    tool: neutralise(req.name),
    input: shown,
    summary: sanitise(deps.registry.summary(req.name, shown), deps.redactor),
  });
  const first = decideCall(req, deps);
  let exit: Exit;
  if ('exit' in first) {
    exit = first.exit;
  } else {
    const d = first.decided;
    deps.events({
      type: 'tool_decided',
      callId: req.id,
      tool: first.call.tool,
      decision: d.decision,
      reason: d.reason,
      rule: d.rule,
      message: sanitise(d.message, deps.redactor),
    });
    exit = d.decision === 'deny' ? denied(d) : await planApproveRun(req, first.call, d, deps, signal);
  }
  if ('exit' in first) {
    const e = first.exit;
    deps.events({
      type: 'tool_decided',
      callId: req.id,
      tool: neutralise(req.name),
      decision: 'deny',
      reason: e.reason ?? 'invalid-input',
      rule: e.rule,
      message: sanitise(e.text, deps.redactor),
    });
  }
  await deps.audit.append(
    toolCallEvent(
      deps.identity,
      {
        tool: req.name,
        input: req.input,
        decision: exit.decision,
        reason: exit.reason,
        rule: exit.rule,
        approver: exit.approver,
        answer: exit.answer,
        outcome: exit.outcome,
        ...(exit.grant !== undefined ? { grant: exit.grant } : {}),
        ...(exit.edits !== undefined ? { edits: exit.edits } : {}),
        ...(exit.diff !== undefined ? { diff: exit.diff } : {}),
      },
      deps.redactor,
    ),
  );
  const body = exit.wrap
    ? toolResultText(exit.text, { tool: req.name, nonce: deps.newNonce(), redactor: deps.redactor, maxChars: deps.maxResultChars })
    : sanitise(exit.text, deps.redactor);
  const content = exit.prefix ? `${sanitise(exit.prefix, deps.redactor)}\n${body}` : body;
  deps.events({
    type: 'tool_result',
    callId: req.id,
    tool: neutralise(req.name),
    isError: exit.isError,
    status: exit.outcome?.status ?? 'error',
    preview: sanitise(exit.text, deps.redactor).slice(0, 2000),
  });
  return { content, isError: exit.isError };
}
