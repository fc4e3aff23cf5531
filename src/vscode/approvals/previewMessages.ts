import * as z from 'zod';

/**
 * Messages between the command preview webview and the extension host: one
 * discriminated union per direction, validated with zod on arrival on both
 * sides. No `vscode` import, so the webview bundle shares it.
 */

const text = (max: number) => z.string().max(max);
const callId = z.string().min(1).max(200);

export const previewCommandSchema = z.strictObject({
  text: text(20_000),
  decision: z.enum(['allow', 'ask', 'deny']),
  reason: text(200),
  rule: text(2_000).nullable(),
  message: text(4_000),
});

/** A host the command names, and whether the sandbox lets it through (commandHosts.ts). */
export const namedHostSchema = z.strictObject({ host: text(300), allowed: z.boolean(), entry: text(500).nullable() });

export const commandProposalSchema = z.strictObject({
  callId,
  command: text(20_000),
  summary: text(4_000),
  decision: z.strictObject({
    decision: z.enum(['allow', 'ask', 'deny']),
    reason: text(200),
    rule: text(2_000).nullable(),
    message: text(4_000),
  }),
  commands: z.array(previewCommandSchema).max(500),
  cwd: text(4_000),
  secrets: z.array(text(200)).max(200),
  sandbox: text(100),
  hosts: z.array(text(500)).max(500),
  /** Hosts named in the command, each said allowed or blocked. */
  reaches: z.array(namedHostSchema).max(100),
  timeoutMs: z.number().int().min(0),
  sessionGrant: z.strictObject({ allowed: z.boolean(), description: text(4_000) }),
  editable: z.boolean(),
  /** The one line saying why it asks, shown before the details. */
  why: text(4_000).optional(),
  /** "Always allow…" is offered (some rule would let calls like this run unasked). */
  alwaysAllow: z.boolean().optional(),
  /** Set for a call of an MCP server's tool: the preview shows the tool and its arguments instead of a command field. */
  mcp: z
    .strictObject({
      server: text(200),
      tool: text(400),
      serverTool: text(400),
      /** The server's own words, neutralised: untrusted. */
      description: text(4_000),
      arguments: text(20_000),
      where: text(2_000),
      hint: z.enum(['destructive', 'read-only']).nullable(),
    })
    .optional(),
});
export type CommandProposal = z.infer<typeof commandProposalSchema>;

export const previewStateSchema = z.enum(['waiting', 'running', 'done', 'failed', 'rejected', 'stopped']);
export type PreviewState = z.infer<typeof previewStateSchema>;

export const previewHostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('show'), proposal: commandProposalSchema }),
  z.strictObject({ type: z.literal('output'), callId, stream: z.enum(['stdout', 'stderr']), chunk: text(1_000_000) }),
  z.strictObject({ type: z.literal('state'), callId, state: previewStateSchema, text: text(4_000) }),
  /** The guard's verdicts for the text the person is editing (asked for with `check`). */
  z.strictObject({
    type: z.literal('checked'),
    callId,
    command: text(20_000),
    commands: z.array(previewCommandSchema).max(500),
    reaches: z.array(namedHostSchema).max(100),
    problem: text(4_000).nullable(),
  }),
]);
export type PreviewHostMessage = z.infer<typeof previewHostMessageSchema>;

export const previewViewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** Run what the field holds (the host compares it with the proposal to tell an edit). */
  z.strictObject({ type: z.literal('run'), callId, command: z.string().min(1).max(20_000) }),
  z.strictObject({ type: z.literal('run-for-session'), callId }),
  /** "Always allow…": the host offers the suggested rules, confirms one and writes it to user settings, then runs the call. */
  z.strictObject({ type: z.literal('always-allow'), callId }),
  z.strictObject({ type: z.literal('reject'), callId, feedback: z.string().max(10_000).optional() }),
  z.strictObject({ type: z.literal('stop'), callId }),
  /** Asks the guard (on the extension side) about the edited text; changes nothing. */
  z.strictObject({ type: z.literal('check'), callId, command: z.string().min(1).max(20_000) }),
]);
export type PreviewViewMessage = z.infer<typeof previewViewMessageSchema>;
