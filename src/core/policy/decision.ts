/**
 * What the guard answers for every tool call. The reason codes are a stable,
 * documented contract: the CLI prints them, the audit log stores them and
 * tests assert them.
 */
export type Verdict = 'allow' | 'ask' | 'deny';

export const REASON_CODES = {
  'unknown-tool': 'The tool is not one Warden knows or it is disabled.',
  'invalid-input': 'The tool input failed its schema.',
  'policy-invalid': 'The settings failed to validate; every call is denied until they are fixed.',
  'outside-workspace': 'The path (after resolving links) is outside every workspace folder, or a cwd is.',
  'denied-read': 'The path, or a command argument, matches warden.paths.denyRead.',
  'not-writable': 'The path is not matched by warden.paths.write.',
  'protected-path': 'The path is protected: a write always asks.',
  'auto-approved': 'The write is inside warden.paths.autoApprove.',
  'needs-approval': 'Nothing forbids the call, but a person must approve it.',
  'destructive-operation':
    'The command deletes, rewrites history or publishes: a person approves it every time, whatever the allow list says.',
  'read-allowed': 'A read inside the workspace, outside denyRead.',
  'command-denied': 'A simple command matches warden.commands.deny.',
  'command-allowed': 'Every simple command matches warden.commands.allow, with nothing dangerous around it.',
  'unparsed-command': 'The command did not parse cleanly; it cannot be analysed.',
  'parser-disagreement':
    'A second, independent bash parser does not see the same simple commands and redirections, or sees syntax outside the allowable subset.',
  'dangerous-construct': 'The command holds a substitution, expansion, redirection, wrapper or dangerous argument.',
  'no-sandbox': 'The command would be allowed, but no sandbox works, so a person must approve it.',
  'host-not-allowed': 'The host is not in warden.network.allowedHosts, or the URL is not acceptable.',
  'host-allowed': 'The URL is https/http to an allowed host.',
  'secret-not-allowed': 'A secret was requested that warden.secrets does not grant to this command.',
  'secret-use': 'The command receives secrets: a person must approve it.',
  'restricted-mode': 'The workspace is not trusted: nothing is written and no command runs.',
  'mcp-tool-denied': 'The MCP tool matches warden.mcp.tools.deny.',
  'mcp-tool-allowed': 'The MCP tool matches warden.mcp.tools.allow, and its server does not declare it destructive.',
  'mcp-tool-ask': 'The MCP tool matches warden.mcp.tools.ask, or no MCP rule names it (the default is ask).',
  'mcp-destructive-hint': 'The MCP tool would be allowed, but its server declares it destructive (destructiveHint): a person approves it.',
  'managed-policy': 'The managed policy an administrator set forbids it (warden.managed.*).',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASON_CODES;

export interface Decision {
  readonly decision: Verdict;
  readonly reason: ReasonCode;
  /** The rule that decided, as `setting: pattern` (e.g. `warden.commands.deny: sudo *`), or null. */
  readonly rule: string | null;
  /** One sentence for people and for the model, naming what was wrong. */
  readonly message: string;
}

const rank: Record<Verdict, number> = { allow: 0, ask: 1, deny: 2 };

/** Combining decisions takes the most restrictive; on a tie, the first. */
export function mostRestrictive(first: Decision, ...rest: Decision[]): Decision {
  return rest.reduce((a, b) => (rank[b.decision] > rank[a.decision] ? b : a), first);
}

export function decision(verdict: Verdict, reason: ReasonCode, rule: string | null, message: string): Decision {
  return { decision: verdict, reason, rule, message };
}
