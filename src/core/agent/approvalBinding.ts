import { sha256Hex } from '../audit/hash';
import type { GuardResult } from '../policy/guard';
import type { ToolContext, ToolPlan } from '../tools/tool';
import type { ValidCall } from '../tools/tool';

/**
 * What a person approved, reduced to the facts that decide what will happen:
 * for a command, every simple command's argv, the real cwd, the secrets
 * (the environment names it receives), the sandbox it runs in and the hosts
 * it may reach; for a write, the real target and the hashes of the content
 * on disk and of the content to write; for a fetch, the URL. Taken when the
 * approval is asked and again just before the call runs: any difference
 * means the person approved something else, so Warden asks again.
 */
export type ApprovalBinding = Readonly<Record<string, string>>;

const h = (s: string | null): string => (s === null ? 'none' : sha256Hex(s));

export function approvalBinding(
  call: ValidCall,
  decided: GuardResult,
  plan: ToolPlan,
  ctx: Pick<ToolContext, 'runner' | 'allowedHosts'>,
): ApprovalBinding {
  const out: Record<string, string> = { tool: call.tool, decision: `${decided.decision} ${decided.reason}` };
  const d = decided.details;
  if (d.kind === 'command') {
    out.commands = JSON.stringify(d.commands.map((c) => c.argv ?? c.text));
    out.cwd = d.cwd?.absolute ?? '';
    out.secrets = JSON.stringify([...d.secrets].sort());
    out.sandbox = ctx.runner?.kind ?? 'no runner';
    out.hosts = JSON.stringify([...ctx.allowedHosts].sort());
  } else if (d.kind === 'path') {
    out.target = d.target.absolute;
    out.protected = String(d.target.protected);
    if (plan.kind === 'write') {
      out.onDisk = h(plan.oldContent);
      out.content = h(plan.newContent);
    }
  } else if (d.kind === 'url') out.url = d.url;
  else if (d.kind === 'mcp') {
    out.server = d.server;
    if (plan.kind === 'mcp') {
      out.arguments = h(plan.arguments);
      out.where = plan.where;
      out.description = h(plan.description);
    }
  }
  return out;
}

const LABELS: Readonly<Record<string, string>> = {
  decision: "the guard's decision",
  commands: 'the simple commands',
  cwd: 'the working folder it resolves to',
  secrets: 'the secrets it receives',
  sandbox: 'the sandbox',
  hosts: 'the hosts it may reach',
  target: 'the file it resolves to',
  protected: 'whether the file is protected',
  onDisk: 'the file on disk',
  content: 'the content to write',
  url: 'the URL',
  server: 'the MCP server',
  arguments: 'the arguments',
  where: 'where the server runs',
  description: "the tool's description",
};

/**
 * What changed between two bindings, in words; empty when they match. A
 * decision that became `allow` (the person just added a rule that covers
 * the call) is no drift: the same facts run, with less said against them.
 */
export function bindingDrift(approved: ApprovalBinding, now: ApprovalBinding): string[] {
  const keys = new Set([...Object.keys(approved), ...Object.keys(now)]);
  const loosened = (k: string): boolean => k === 'decision' && (now[k] ?? '').startsWith('allow ');
  return [...keys].filter((k) => approved[k] !== now[k] && !loosened(k)).map((k) => LABELS[k] ?? k);
}
