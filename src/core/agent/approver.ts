import * as z from 'zod';
import type { Decision } from '../policy/decision';
import { GRANT_SCOPE_KINDS, type GrantScopeKind, type ToolPlan } from '../tools/tool';
import type { Suggestions } from '../policy/suggestRules';

/**
 * The port through which a person approves a tool call: the VS Code diff and
 * command panes, the CLI's terminal prompt. Every string in the request has
 * been redacted and neutralised (hidden characters made visible) already.
 */
export interface ApprovalRequest {
  readonly callId: string;
  readonly tool: string;
  readonly input: unknown;
  readonly decision: Decision;
  readonly plan: ToolPlan;
  /**
   * Whether "approve for this session" may be offered for this call, what the
   * narrowest grant would cover (or why none may be given), and every scope
   * the person may pick, narrowest first (`approve-for-session` names one).
   */
  readonly sessionGrant: {
    readonly allowed: boolean;
    readonly description: string;
    readonly scopes?: readonly { readonly scope: GrantScopeKind; readonly label: string; readonly description: string }[];
  };
  /** Which edits the person may make: the new file content, or the command line. */
  readonly editable: 'content' | 'command' | null;
  /** One line, shown before the details: what stands between the call and `allow`, and the closest rule (policy/explain.ts). */
  readonly why?: string;
  /** "Always allow…": rules that would let calls like this run unasked, narrowest first, or why none would (policy/suggestRules.ts). */
  readonly suggestions?: Suggestions;
}

export const approvalAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('approve') }),
  z.strictObject({
    kind: z.literal('approve-edited'),
    content: z.string().max(5_000_000).optional(),
    command: z.string().min(1).max(20000).optional(),
  }),
  /** Approve, and let later calls in `scope` run unasked for the session; no scope: the narrowest offered. */
  z.strictObject({ kind: z.literal('approve-for-session'), scope: z.enum(GRANT_SCOPE_KINDS).optional() }),
  z.strictObject({ kind: z.literal('reject'), feedback: z.string().max(10_000).optional() }),
]);

export type ApprovalAnswer = z.infer<typeof approvalAnswerSchema>;

export interface Approver {
  /** Resolves with the person's answer; on abort, rejects or resolves with a reject. */
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}

/** An approver that refuses everything a person would have to decide (CI, `--approve deny`). */
export const denyingApprover: Approver = {
  request: () => Promise.resolve({ kind: 'reject', feedback: 'No person is available to approve calls in this run (--approve deny).' }),
};
