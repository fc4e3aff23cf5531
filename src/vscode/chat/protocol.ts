import * as z from 'zod';
import { GRANT_SCOPE_KINDS } from '../../core/tools/tool';

/**
 * Messages between the chat webview and the extension host: one discriminated
 * union per direction, validated with zod on arrival on both sides. This file
 * imports nothing from `vscode`, so the webview bundle shares it.
 */

const verdict = z.enum(['allow', 'ask', 'deny']);

export const toolCardSchema = z.object({
  id: z.string(),
  tool: z.string(),
  /** One line saying what the call does (`write src/a.ts`, `run: git status`). */
  summary: z.string(),
  decision: verdict.nullable(),
  reason: z.string().nullable(),
  rule: z.string().nullable(),
  /** Whose decision let the call run or stopped it: a rule, the person, the person with their edit, or a session grant. */
  approver: z.enum(['rule', 'person', 'person-edited', 'session-grant']).nullable(),
  /** pending: waiting for the guard or a person; then what happened. */
  status: z.enum(['pending', 'awaiting-approval', 'running', 'done', 'denied', 'rejected', 'failed', 'cancelled']),
  outcome: z.string().nullable(),
  /** While it asks (and after): the one line saying why (policy/explain.ts). */
  why: z.string().nullable().optional(),
  /** A proposal whose person's side differs from the model's right now (set live while it waits). */
  edited: z.boolean().optional(),
  /** While it asks: the session grants the person may give instead of approving once, narrowest first. */
  grants: z
    .array(z.object({ scope: z.enum(GRANT_SCOPE_KINDS), label: z.string(), description: z.string() }))
    .max(3)
    .optional(),
});
export type ToolCard = z.infer<typeof toolCardSchema>;

/** What a notice's button does: a command, or `retry` (send the failed message again). */
export const noticeActionSchema = z.enum(['setApiKey', 'manageTrust', 'openSettings', 'newChat', 'retry']);
export type NoticeAction = z.infer<typeof noticeActionSchema>;

export const chatItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), text: z.string() }),
  z.object({ kind: z.literal('assistant'), id: z.string(), text: z.string() }),
  /** The model's thinking, shown collapsed and as plain text only; `live` while it streams; `redacted`: blocks the API encrypted. */
  z.object({ kind: z.literal('thinking'), id: z.string(), text: z.string(), redacted: z.number().int().min(0), live: z.boolean() }),
  z.object({ kind: z.literal('tool'), id: z.string(), card: toolCardSchema }),
  z.object({
    kind: z.literal('notice'),
    id: z.string(),
    level: z.enum(['info', 'warning', 'error']),
    text: z.string(),
    action: noticeActionSchema.nullable(),
  }),
  /** A step changed files: the checkpoint taken before it (Compare, Restore) and its task (Restore to here). */
  z.object({
    kind: z.literal('checkpoint'),
    id: z.string(),
    taskId: z.string(),
    checkpointId: z.string(),
    step: z.number().int(),
    files: z.array(z.object({ path: z.string(), status: z.enum(['added', 'modified', 'deleted']) })).max(10_000),
  }),
]);
export type ChatItem = z.infer<typeof chatItemSchema>;

export const viewStateSchema = z.object({
  busy: z.boolean(),
  trusted: z.boolean(),
  sandbox: z.string(),
  model: z.string(),
  apiKeySet: z.boolean(),
  /** Settings problems: while any exists every call is denied. */
  policyProblems: z.array(z.string()),
  /** Workspace values ignored because they would widen the user's policy. */
  ignoredWorkspaceValues: z.array(z.string()),
  /** Rule lint (policy/ruleLint.ts): allow rules that grant more than they seem to. Warnings only. */
  ruleWarnings: z.array(z.string()).default([]),
  /** User values ignored because they would widen the managed policy. */
  ignoredUserValues: z.array(z.string()).default([]),
  /** What the managed policy in force forbids, one line each; empty when none is in force. */
  managedPolicy: z.array(z.string()).default([]),
  /** Token totals of the task: uncached input, cache reads and cache writes (prompt caching). */
  meter: z.object({
    turns: z.number(),
    maxTurns: z.number(),
    costUsd: z.number().nullable(),
    maxCostUsd: z.number(),
    inputTokens: z.number().default(0),
    cacheReadTokens: z.number().default(0),
    cacheWriteTokens: z.number().default(0),
  }),
});
export type ViewState = z.infer<typeof viewStateSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), items: z.array(chatItemSchema), state: viewStateSchema }),
  z.object({ type: z.literal('state'), state: viewStateSchema }),
  z.object({ type: z.literal('item'), item: chatItemSchema }),
  z.object({ type: z.literal('textDelta'), id: z.string(), text: z.string() }),
  z.object({ type: z.literal('thinkingDelta'), id: z.string(), text: z.string() }),
  /** An item taken back (the partial text of a model call that is being retried). */
  z.object({ type: z.literal('remove'), id: z.string() }),
  z.object({ type: z.literal('cleared') }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export const viewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('send'), text: z.string().min(1).max(100_000) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('openLink'), href: z.string().max(8192) }),
  z.object({ type: z.literal('action'), action: noticeActionSchema }),
  /** Approve once, reject, or approve and grant one of the offered scopes for the session. */
  z.object({
    type: z.literal('approval'),
    id: z.string(),
    answer: z.enum(['approve', 'reject', 'approve-for-session']),
    scope: z.enum(GRANT_SCOPE_KINDS).optional(),
  }),
  /** Compare a step's files with now, restore to before the step, or restore the whole task. */
  z.object({
    type: z.literal('checkpoint'),
    action: z.enum(['compare', 'restore', 'restoreTask']),
    checkpointId: z.string().regex(/^[0-9a-f]{40,64}$/),
    taskId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  }),
]);
export type ViewMessage = z.infer<typeof viewMessageSchema>;
