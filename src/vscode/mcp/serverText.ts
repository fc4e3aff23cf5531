import { DEFINITION_CHANGED, TOOLS_NOT_REVIEWED, describeServer } from '../../core/mcp/config';
import type { McpToolInfo } from '../../core/mcp/mcpTool';
import type { GuardResult } from '../../core/policy/guard';
import type { ServerView } from '../../node/mcp/windowServers';

/** Texts of the Servers view and its dialogs. Pure (no `vscode`), so tests read them directly. */

const STATE: Record<ServerView['state'], string> = {
  running: 'running',
  paused: 'paused',
  failed: 'failed',
  stopped: 'stopped',
  'awaiting-approval': 'waiting for your approval',
  'not-started': 'not started',
};

export const stateLabel = (s: ServerView['state']): string => STATE[s];

/** A server's line in the view: its state, where it came from, and how many tools it offers. */
export function serverDescription(v: ServerView): string {
  const from = v.origin === 'user' ? 'user settings' : `proposed in ${v.origin}`;
  const n = v.tools.length;
  const tools = v.state === 'running' ? ` · ${n} tool${n === 1 ? '' : 's'}` : '';
  return `${stateLabel(v.state)}${tools} · ${from}`;
}

/** What a tool's decision says in the view: allow (runs unasked), ask, or deny, with the rule. */
export function decisionLabel(d: GuardResult): string {
  const what = d.decision === 'allow' ? 'runs unasked' : d.decision === 'ask' ? 'asks' : 'denied';
  return `${what}${d.rule ? ` (${d.rule})` : ''}`;
}

const hints = (t: McpToolInfo): string =>
  t.annotations.destructiveHint ? ' [declared destructive]' : t.annotations.readOnlyHint ? ' [declared read-only]' : '';

/** The dialog that approves a server the workspace proposes: exactly what would start, nothing started yet. */
export function approvalDialog(v: ServerView): { message: string; detail: string; action: string } {
  return {
    message: `Start the MCP server "${v.name}" that ${v.origin} proposes?`,
    detail: [
      v.detail === DEFINITION_CHANGED
        ? 'Its definition CHANGED since you approved it: check it again.'
        : 'The workspace, not you, wrote this definition. Approve it only if you would run this yourself.',
      '',
      ...describeServer(v.entry).map((l) => l.trim()),
      '',
      'You approve exactly this definition: any change to it needs your approval again. Its tools are shown to you before the agent sees them.',
    ].join('\n'),
    action: 'Approve and Start',
  };
}

/** The document a person reads while the review dialog is open: every tool, its decision, hints, inputs and full description. */
export function toolListDocument(v: ServerView, decisions: ReadonlyMap<string, GuardResult>): string {
  const lines = [
    `Tools of the MCP server "${v.name}" (${v.origin === 'user' ? 'user settings' : `proposed in ${v.origin}`})`,
    `State: ${stateLabel(v.state)}: ${v.detail}`,
    '',
    "Each description is the server's own words (hidden characters shown as <U+XXXX>); the agent reads them.",
    '',
  ];
  for (const t of v.tools) {
    const d = decisions.get(t.name);
    const props = Object.keys((t.inputSchema.properties as Record<string, unknown> | undefined) ?? {});
    lines.push(
      `${t.serverTool}${hints(t)} — ${d ? decisionLabel(d) : 'asks'}`,
      `  name for the agent: ${t.name}`,
      `  inputs: ${props.length ? props.join(', ') : 'none'}`,
      ...(t.description || '(no description)').split('\n').map((l) => `  ${l}`),
      '',
    );
  }
  return lines.join('\n');
}

/**
 * The dialog that accepts a tool list (the first one of a proposed server,
 * or one that changed after it was pinned): counts and the tools that matter
 * most, short enough to fit any window; the whole list is in the document
 * opened beside it.
 */
export function reviewDialog(
  v: ServerView,
  decisions: ReadonlyMap<string, GuardResult>,
): { message: string; detail: string; action: string } {
  const changed = v.detail !== TOOLS_NOT_REVIEWED;
  const by = (k: GuardResult['decision']) => v.tools.filter((t) => decisions.get(t.name)?.decision === k).map((t) => t.serverTool);
  const allowed = by('allow');
  const denied = by('deny');
  const destructive = v.tools.filter((t) => t.annotations.destructiveHint).map((t) => t.serverTool);
  const list = (names: string[]) =>
    names.length > 12 ? `${names.slice(0, 12).join(', ')} and ${names.length - 12} more` : names.join(', ');
  return {
    message: `${changed ? 'The tools of' : 'Offer the tools of'} the MCP server "${v.name}"${changed ? ' changed. Offer the new list to the agent?' : ' to the agent?'}`,
    detail: [
      changed ? `Paused: ${v.detail}.` : `${v.tools.length} tools.`,
      "Each one, with its description (the server's own words, which the agent reads), is open in the editor behind this dialog.",
      '',
      `Run unasked: ${allowed.length ? list(allowed) : 'none'}`,
      `Denied: ${denied.length ? list(denied) : 'none'}`,
      `Ask: ${v.tools.length - allowed.length - denied.length}`,
      `Declared destructive (always ask): ${destructive.length ? list(destructive) : 'none'}`,
      '',
      'Accepting pins exactly this list; any later change pauses the server again.',
    ].join('\n'),
    action: 'Accept Tools',
  };
}
