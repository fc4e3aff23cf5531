import { mkdtempSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Approver, ApprovalAnswer, ApprovalRequest } from '../../../src/core/agent/approver';
import type { AgentEvent } from '../../../src/core/agent/events';
import type { PipelineDeps } from '../../../src/core/agent/pipeline';
import { SessionGrants } from '../../../src/core/agent/sessionGrants';
import type { AuditEventInput, AuditSink } from '../../../src/core/audit/event';
import type { CommandRunner } from '../../../src/core/exec/runner';
import { createGuard } from '../../../src/core/policy/createGuard';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { createRedactor } from '../../../src/core/secrets/createRedactor';
import type { Redactor } from '../../../src/core/secrets/redactor';
import { createToolRegistry } from '../../../src/core/tools/registry';
import { DEFAULT_TOOL_LIMITS, type ToolContext } from '../../../src/core/tools/tool';
import { createPathProbe } from '../../../src/node/pathProbe';
import { loadShellParser, wasmDirFromNodeModules } from '../../../src/node/shellParser';
import { createWorkspaceFs } from '../../../src/node/workspaceFs';

let shell: Promise<ShellParser> | null = null;
export function shellParser(): Promise<ShellParser> {
  return (shell ??= loadShellParser(wasmDirFromNodeModules()));
}

/** A real temp folder (real path) with the given files; `->target` values make symlinks. */
export function makeWorkspace(files: Record<string, string> = {}): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-ws-')));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), abs);
    else writeFileSync(abs, content);
  }
  return root;
}

export async function realGuard(
  root: string,
  user: Record<string, unknown> = {},
  opts: { sandbox?: boolean; workspace?: Record<string, unknown> } = {},
): Promise<Guard> {
  return createGuard(
    { user, workspace: opts.workspace ?? {} },
    {
      roots: [root],
      home: '/root',
      probe: createPathProbe(),
      shell: await shellParser(),
      sandboxAvailable: () => opts.sandbox ?? true,
      trusted: () => true,
    },
  );
}

export function memoryAudit(): AuditSink & { events: AuditEventInput[] } {
  const events: AuditEventInput[] = [];
  return { events, append: (e) => (events.push(e), Promise.resolve()) };
}

/** Answers approvals from a list, in order; records every request. Runs out → reject. */
export function scriptedApprover(answers: ApprovalAnswer[]): Approver & { requests: ApprovalRequest[] } {
  const requests: ApprovalRequest[] = [];
  return {
    requests,
    request(req) {
      requests.push(req);
      return Promise.resolve(answers.shift() ?? { kind: 'reject', feedback: 'no scripted answer left' });
    },
  };
}

export interface Harness extends PipelineDeps {
  readonly root: string;
  readonly auditLog: AuditEventInput[];
  readonly seen: AgentEvent[];
  readonly approverLog: ApprovalRequest[];
}

export async function harness(opts: {
  root: string;
  guard?: Guard;
  settings?: Record<string, unknown>;
  answers?: ApprovalAnswer[];
  runner?: CommandRunner | null;
  secrets?: Record<string, string>;
  redactor?: Redactor;
  tools?: Partial<ToolContext>;
  maxResultChars?: number;
}): Promise<Harness> {
  const guard = opts.guard ?? (await realGuard(opts.root, opts.settings ?? {}));
  const audit = memoryAudit();
  const seen: AgentEvent[] = [];
  const approver = scriptedApprover(opts.answers ?? []);
  const secrets = opts.secrets ?? {};
  let n = 0;
  const redactor = opts.redactor ?? createRedactor(Object.values(secrets));
  return {
    root: opts.root,
    guard,
    approver,
    approverLog: approver.requests,
    grants: new SessionGrants(),
    audit,
    auditLog: audit.events,
    redactor,
    tools: {
      fs: createWorkspaceFs(),
      fetcher: null,
      runner: opts.runner ?? null,
      guard,
      redactor,
      roots: [opts.root],
      limits: DEFAULT_TOOL_LIMITS,
      allowedHosts: [],
      secretValues: (names) => Promise.resolve(Object.fromEntries(names.filter((k) => k in secrets).map((k) => [k, secrets[k] as string]))),
      ...opts.tools,
    },
    registry: createToolRegistry(),
    events: (e) => seen.push(e),
    seen,
    identity: { sessionId: 's-test', workspace: opts.root, user: 'tester', model: 'claude-sonnet-4-6' },
    maxResultChars: opts.maxResultChars ?? 100_000,
    newNonce: () => `nonce${++n}`,
  };
}
