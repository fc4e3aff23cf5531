import type { ApprovalRequest } from '../../core/agent/approver';

const MAX = 4000;
const cut = (s: string): string => (s.length > MAX ? `${s.slice(0, MAX)}\n… (${s.length - MAX} more characters)` : s);

/** What a chat card shows of a call waiting for approval: the resolved target and the diff, or the parsed command. */
export function planText(req: ApprovalRequest): string {
  const p = req.plan;
  const why = `Why it asks: ${req.decision.message}${req.decision.rule ? ` (rule ${req.decision.rule})` : ''}`;
  switch (p.kind) {
    case 'write': {
      const mark = p.target.protected ? ' [protected path]' : '';
      return cut(`${why}\nTarget: ${p.target.absolute}${mark}\n${p.diff}`);
    }
    case 'command': {
      const lines = p.commands.map(
        (c) =>
          `  ${c.argv ? c.argv.join(' ') : c.text}  → ${c.decision.decision} (${c.decision.reason}${c.decision.rule ? `, ${c.decision.rule}` : ''})`,
      );
      return cut(
        [
          why,
          `Command: ${p.command}`,
          'Simple commands:',
          ...lines,
          `cwd: ${p.cwd}`,
          `sandbox: ${p.sandbox}${p.sandbox === 'none' ? ' — runs with FULL access to this machine' : ''}`,
          `hosts: ${p.hosts.length ? p.hosts.join(', ') : 'none'}`,
          `secrets: ${p.secrets.length ? p.secrets.join(', ') : 'none'}`,
        ].join('\n'),
      );
    }
    case 'fetch':
      return `${why}\nURL: ${p.url}\nHost: ${p.host}`;
    case 'read':
      return `${why}\nRead: ${p.target.absolute}`;
    case 'mcp':
      return cut(
        [
          why,
          `MCP tool: ${p.serverTool} on server ${p.server} (${p.where})`,
          `Description: ${p.description}`,
          `secrets: ${p.secrets.length ? p.secrets.join(', ') : 'none'}`,
          `Arguments:\n${p.arguments}`,
        ].join('\n'),
      );
    case 'invalid':
      return p.error;
  }
}
