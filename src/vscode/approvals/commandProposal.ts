import type { ApprovalAnswer, ApprovalRequest } from '../../core/agent/approver';
import { hostsNamedIn } from '../../core/policy/commandHosts';
import type { GuardResult, SimpleCommandVerdict } from '../../core/policy/guard';
import { hiddenSummary } from './hiddenFlags';
import type { CommandProposal } from './previewMessages';

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

type Verdict = { decision: 'allow' | 'ask' | 'deny'; reason: string; rule: string | null; message: string };
const verdict = (x: Verdict): Verdict => ({
  decision: x.decision,
  reason: clip(x.reason, 200),
  rule: x.rule === null ? null : clip(x.rule, 2000),
  message: clip(x.message, 4000),
});

/** The hosts the commands name, each decided against the hosts the sandbox lets this command reach. */
function reaches(commands: readonly SimpleCommandVerdict[], allowedHosts: readonly string[]): CommandProposal['reaches'] {
  return hostsNamedIn(
    commands.map((c) => c.argv),
    allowedHosts,
  )
    .slice(0, 100)
    .map((h) => ({ host: clip(h.host, 300), allowed: h.allowed, entry: h.entry === null ? null : clip(h.entry, 500) }));
}

/**
 * What the preview shows for the text the person is editing: the guard's
 * verdict for each simple command of it and the hosts it names (decided
 * against `allowedHosts`, the hosts the proposal's sandbox allows), or why
 * it has none. Pure.
 */
export function checkedCommands(
  result: GuardResult,
  allowedHosts: readonly string[],
): { commands: CommandProposal['commands']; reaches: CommandProposal['reaches']; problem: string | null } {
  if (result.details.kind !== 'command' || result.details.commands.length === 0) {
    return {
      commands: [],
      reaches: [],
      problem: clip(`${result.decision === 'deny' ? 'Denied' : 'No simple commands'}: ${result.message}`, 4000),
    };
  }
  return {
    commands: result.details.commands.slice(0, 500).map((c) => ({ text: clip(c.text, 20_000), ...verdict(c.decision) })),
    reaches: reaches(result.details.commands, allowedHosts),
    problem: null,
  };
}

/** What the preview shows for a call of an MCP server's tool: like a command, not editable, with the tool and its arguments. Pure. */
function toMcpProposal(req: ApprovalRequest): CommandProposal | null {
  const p = req.plan;
  if (p.kind !== 'mcp') return null;
  const hidden = hiddenSummary(p.arguments) ?? hiddenSummary(p.serverTool);
  return {
    callId: req.callId,
    command: clip(`${p.serverTool} ${p.arguments.replace(/\s*\n\s*/g, ' ')}`, 20_000),
    summary: clip(p.summary, 4000),
    decision: verdict(req.decision),
    commands: [],
    cwd: '',
    secrets: p.secrets.slice(0, 200).map((s) => clip(s, 200)),
    sandbox: clip(p.where, 100),
    hosts: [],
    reaches: [],
    timeoutMs: 120_000,
    sessionGrant:
      hidden === null
        ? { allowed: req.sessionGrant.allowed, description: clip(req.sessionGrant.description, 4000) }
        : { allowed: false, description: 'Not offered: the arguments hold hidden characters.' },
    editable: false,
    ...(req.why ? { why: clip(req.why, 4000) } : {}),
    alwaysAllow: req.suggestions !== undefined && 'rules' in req.suggestions && hidden === null,
    mcp: {
      server: clip(p.server, 200),
      tool: clip(p.tool, 400),
      serverTool: clip(p.serverTool, 400),
      description: clip(p.description, 4000),
      arguments: clip(p.arguments, 20_000),
      where: clip(p.where, 2000),
      hint: p.annotations.destructiveHint ? 'destructive' : p.annotations.readOnlyHint ? 'read-only' : null,
    },
  };
}

/** What the command preview shows for a run_command or MCP tool approval, or null for other calls. Pure. */
export function toCommandProposal(req: ApprovalRequest): CommandProposal | null {
  const p = req.plan;
  if (p.kind === 'mcp') return toMcpProposal(req);
  if (p.kind !== 'command') return null;
  const d = (x: { decision: 'allow' | 'ask' | 'deny'; reason: string; rule: string | null; message: string }) => ({
    decision: x.decision,
    reason: clip(x.reason, 200),
    rule: x.rule === null ? null : clip(x.rule, 2000),
    message: clip(x.message, 4000),
  });
  return {
    callId: req.callId,
    command: clip(p.command, 20_000),
    summary: clip(p.summary, 4000),
    decision: d(req.decision),
    commands: p.commands.slice(0, 500).map((c) => ({ text: clip(c.text, 20_000), ...d(c.decision) })),
    cwd: clip(p.cwd, 4000),
    secrets: p.secrets.slice(0, 200).map((s) => clip(s, 200)),
    sandbox: p.sandbox,
    hosts: p.hosts.slice(0, 500).map((h) => clip(h, 500)),
    reaches: reaches(p.commands, p.hosts),
    timeoutMs: Math.max(0, Math.round(p.timeoutMs)),
    // A command with hidden characters is approved once, after a look, never for the session.
    sessionGrant:
      hiddenSummary(p.command) === null
        ? { allowed: req.sessionGrant.allowed, description: clip(req.sessionGrant.description, 4000) }
        : { allowed: false, description: 'Not offered: the command holds hidden characters.' },
    editable: req.editable === 'command',
    ...(req.why ? { why: clip(req.why, 4000) } : {}),
    alwaysAllow: req.suggestions !== undefined && 'rules' in req.suggestions && hiddenSummary(p.command) === null,
  };
}

/** Run with what the field holds: the proposal as it was, or the person's edit (which the guard decides again). */
export function commandAnswer(proposed: string, field: string, editable: boolean): ApprovalAnswer {
  if (field === proposed) return { kind: 'approve' };
  if (!editable) return { kind: 'reject', feedback: 'The command was changed but this call cannot be edited; nothing ran.' };
  return { kind: 'approve-edited', command: field };
}
