import { flagIssues, splitArgs } from './valueFlags';
import { homedir, userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import * as z from 'zod';
import { runAgent } from '../core/agent/agentLoop';
import { denyingApprover, type Approver } from '../core/agent/approver';
import { sessionEvent } from '../core/agent/auditRecord';
import type { AgentEvent, AgentStatus } from '../core/agent/events';
import { SessionGrants } from '../core/agent/sessionGrants';
import type { AuditSink } from '../core/audit/event';
import { API_KEY_SECRET } from '../core/secrets/store';
import { agentOptions } from '../node/agentDeps';
import { createTaskScope } from '../node/taskScope';
import { policySnapshot } from '../core/policy/snapshot';
import { LiveSecrets } from '../core/secrets/liveSecrets';
import { auditKeyFromEnv, fileAnchorStore } from '../node/audit/anchorFile';
import { openJsonlAuditWriter } from '../node/audit/jsonlWriter';
import { cliAuditExport } from './auditShip';
import { createPathProbe } from '../node/pathProbe';
import { selectRunner } from '../node/sandbox/selectRunner';
import { cliStateDir } from '../node/checkpoints/stateDir';
import { openTaskCheckpoints } from '../node/checkpoints/taskCheckpoints';
import { shortId } from '../core/checkpoints/model';
import { loadShellParser, wasmDirFromNodeModules } from '../node/shellParser';
import { loadManagedPolicy } from '../node/managedPolicy';
import { managedPolicyLines } from '../core/policy/managed';
import type { CliIo } from './run';
import { loadWorkspaceFolders, takeWorkspaceFlags } from './workspaceFlags';
import { lineSource, terminalApprover } from './terminalApprover';
import { mcpSecretNames, openMcpForRun } from '../node/mcp/forTask';
import { fileRuleWriter } from './fileRuleWriter';

const USAGE = `usage: warden run --workspace DIR [--workspace-settings ws.json] [--workspace DIR2 [--workspace-settings ws2.json] …]
                  [--settings user.json] [--audit FILE [--anchor A]] [--approve ask|deny] [--max-turns N] [--model ID]
                  [--mcp-pins FILE] "task"
Each --workspace-settings narrows the policy of the --workspace before it.
The audit log's anchor (its last seq and hash) is kept in A, by default FILE.anchor;
WARDEN_AUDIT_KEY (64 hex digits) seals it with an HMAC.
exit: 0 the model finished, 1 error, 3 a limit stopped it (2: bad usage)
`;

const flagsSchema = z.strictObject({
  settings: z.string().min(1).optional(),
  audit: z.string().min(1).optional(),
  anchor: z.string().min(1).optional(),
  approve: z.enum(['ask', 'deny']).default('ask'),
  'max-turns': z.coerce.number().int().min(1).max(500).optional(),
  model: z.string().min(1).max(200).optional(),
  'mcp-pins': z.string().min(1).optional(),
  task: z.string().min(1, 'the task is empty'),
});
type Flags = z.infer<typeof flagsSchema>;

export interface RunEnvironment {
  /** The CLI's own environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL and the values of warden.secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Cancels the run (SIGINT in the real CLI). */
  readonly signal?: AbortSignal;
  /** The managed policy folder (tests); default: the system's (src/node/managedPolicy.ts). */
  readonly managedDir?: string;
}

function parseFlags(argv: readonly string[]): Flags | string {
  const split = splitArgs(argv);
  if (typeof split === 'string') return split;
  const { raw, positional } = split;
  if (positional.length !== 1) return `expected exactly one task argument, got ${positional.length}`;
  const r = flagsSchema.safeParse({ ...raw, task: positional[0] });
  return r.success ? r.data : flagIssues(r.error);
}

function wasmDir(): string {
  return __filename.endsWith('.js') ? dirname(__filename) : wasmDirFromNodeModules();
}

/** Renders the agent's events on the terminal: the model's text as it streams, one line per tool step. */
export function eventPrinter(out: Writable): (e: AgentEvent) => void {
  let midLine = false;
  let thinking = false;
  const line = (s: string) => {
    out.write(`${midLine ? '\n' : ''}${s}\n`);
    midLine = false;
    thinking = false;
  };
  const write = (s: string) => {
    out.write(s);
    midLine = !s.endsWith('\n');
  };
  return (e) => {
    switch (e.type) {
      case 'text_delta':
        if (thinking) line('');
        write(e.text);
        break;
      case 'thinking_delta':
        if (!thinking) {
          if (midLine) line('');
          write('[thinking] ');
          thinking = true;
        }
        write(e.text.replace(/\n/g, '\n[thinking] '));
        break;
      case 'thinking_redacted':
        line('[thinking: redacted by the API]');
        break;
      case 'tool_proposed':
        line(`» ${e.tool} ${JSON.stringify(e.input).slice(0, 300)}`);
        break;
      case 'tool_decided':
        line(`  ${e.decision} (${e.reason}${e.rule ? `, rule ${e.rule}` : ''})${e.decision === 'allow' ? '' : `: ${e.message}`}`);
        break;
      case 'tool_answered':
        line(`  person: ${e.answer}${e.note ? ` — ${e.note.slice(0, 200)}` : ''}`);
        break;
      case 'tool_result':
        line(`  ${e.isError ? '✗' : '✓'} ${e.status}${e.isError ? `: ${e.preview.split('\n')[0]?.slice(0, 200) ?? ''}` : ''}`);
        break;
      case 'model_retry':
        line(
          `[model call failed: ${e.why} — retrying in ${Math.max(1, Math.round(e.delayMs / 1000))} s (attempt ${e.attempt} of ${e.maxAttempts}); the failed attempt's output is void]`,
        );
        break;
      case 'usage':
        line(
          `[turn ${e.turn}: ${e.total.inputTokens + e.total.cacheReadInputTokens + e.total.cacheCreationInputTokens} in (${e.total.cacheReadInputTokens} cache read, ${e.total.cacheCreationInputTokens} cache written) / ${e.total.outputTokens} out tokens, ${e.costUsd === null ? 'cost unknown' : `$${e.costUsd.toFixed(4)} of $${e.maxCostUsd}`}]`,
        );
        break;
      case 'checkpoint':
        if (e.files.length)
          line(
            `  checkpoint ${shortId(e.checkpointId)} (before step ${e.step}): changed ${e.files.length} file${e.files.length === 1 ? '' : 's'}: ${e.files
              .slice(0, 10)
              .map((f) => `${f.status === 'added' ? '+' : f.status === 'deleted' ? '-' : '~'}${f.path}`)
              .join(' ')}${e.files.length > 10 ? ' …' : ''}`,
          );
        break;
      case 'warning':
        line(`warning: ${e.message}`);
        break;
      case 'done':
        line(`[${e.outcome.status}] ${e.outcome.message}`);
        break;
      case 'tool_output':
        for (const l of e.chunk.split('\n')) if (l) line(`  │ ${l}`);
        break;
      case 'turn_start':
        if (thinking || midLine) line('');
        break;
    }
  };
}

/** The real CLI's cancel: the first Ctrl-C stops the run (mid-stream or mid-command); a second one exits. */
function sigintSignal(): AbortSignal {
  const c = new AbortController();
  process.once('SIGINT', () => c.abort());
  return c.signal;
}

const EXIT: Record<AgentStatus, number> = { done: 0, limit: 3, error: 1, cancelled: 1, refused: 1 };

/** `warden run`: the agent headless. Returns the exit code. */
export async function runAgentCommand(
  argv: readonly string[],
  io: CliIo,
  run: RunEnvironment = { env: process.env, signal: sigintSignal() },
): Promise<number> {
  const taken = takeWorkspaceFlags(argv);
  const flags = typeof taken === 'string' ? taken : parseFlags(taken.rest);
  const usage = typeof taken === 'string' ? taken : typeof flags === 'string' ? flags : null;
  if (usage !== null || typeof taken === 'string' || typeof flags === 'string') {
    io.stderr.write(`warden run: ${usage ?? ''}\n${USAGE}`);
    return 2;
  }
  const fail = (msg: string) => (io.stderr.write(`warden run: ${msg}\n`), 1);
  const workspace = loadWorkspaceFolders(taken.folders, flags.settings);
  if (typeof workspace === 'string') return fail(workspace);
  const levels = { ...workspace.levels, managed: loadManagedPolicy(run.managedDir !== undefined ? { dir: run.managedDir } : {}) };
  let sandboxWorks = (): boolean => false;
  const snapshot = policySnapshot(levels, {
    roots: workspace.roots,
    home: homedir(),
    probe: createPathProbe(),
    shell: await loadShellParser(wasmDir()),
    sandboxAvailable: () => sandboxWorks(),
    trusted: () => true,
  });
  const { guard, settings } = snapshot;
  if (guard.problems.length) return fail(`invalid settings: ${guard.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  for (const i of guard.ignoredWorkspaceValues) io.stderr.write(`warden run: ignored ${i.level} value ${i.key}: ${i.why}\n`);
  if (guard.managed.inForce || guard.managed.refused.length)
    for (const l of managedPolicyLines(guard.managed)) io.stderr.write(`warden run: ${l}\n`);

  const apiKey = run.env[API_KEY_SECRET] ?? '';
  const secretNames = [...new Set([...Object.keys(settings['warden.secrets']), ...mcpSecretNames(settings)])];
  const secretValues = Object.fromEntries(secretNames.flatMap((n) => (run.env[n] ? [[n, run.env[n]]] : [])));
  const liveSecrets = new LiveSecrets();

  let audit: AuditSink & { close?: () => Promise<void> } = { append: () => Promise.resolve() };
  if (flags.audit) {
    try {
      const key = auditKeyFromEnv(run.env);
      audit = await openJsonlAuditWriter({
        file: flags.audit,
        redact: (t) => liveSecrets.redact(t),
        anchor: { store: fileAnchorStore(flags.anchor ?? `${flags.audit}.anchor`), key },
      });
    } catch (e) {
      io.stderr.write(`warden run: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  } else io.stderr.write('warden run: no --audit file given: tool calls are not recorded\n');
  const shipping = flags.audit ? await cliAuditExport(flags.audit, settings, run.env, io) : null;

  // The checkpoint store (under the state folder) is hidden from every command, like the audit log.
  const stateDir = cliStateDir(run.env);
  // The settings files are read once: the run's policy is its start snapshot.
  const scope = await createTaskScope({
    policy: () => snapshot,
    secretValues: Object.values(secretValues),
    apiKey,
    grants: new SessionGrants(),
    liveSecrets,
    sandbox: (config) => selectRunner({ config, privateDirs: [stateDir] }),
    envBaseUrl: run.env.ANTHROPIC_BASE_URL,
    ...(flags.model !== undefined ? { modelOverride: flags.model } : {}),
    keyHint: 'cli',
    user: userInfo().username,
  });
  const selection = scope.sandbox;
  const { identity, redactor } = scope;
  // A command runs unasked only in a sandbox that knows what to hide (fail closed while its view is incomplete).
  sandboxWorks = () => selection.kind !== 'none' && selection.runner.viewState?.().complete !== false;
  const view = selection.runner.viewState?.();
  if (view !== undefined && !view.complete)
    io.stderr.write(`warden run: commands need approval: ${view.why ?? 'the sandbox does not yet know what to hide'}\n`);
  io.stderr.write(`warden run: sandbox: ${selection.state}${selection.notes.length ? ` (${selection.notes.join('; ')})` : ''}\n`);

  const events = eventPrinter(io.stdout);
  const checkpoints = await openTaskCheckpoints({
    stateDir,
    root: scope.roots[0] ?? '',
    settings,
    guard,
    taskId: identity.sessionId,
    events,
    audit,
    identity,
    redactor,
  });
  const mcp = await openMcpForRun({
    settings,
    roots: workspace.roots,
    guard,
    env: run.env,
    pinsFile: flags['mcp-pins'],
    audit: (note) => audit.append(sessionEvent(identity, note, redactor)),
    log: (line) => io.stderr.write(`warden run: ${redactor.redact(line)}\n`),
  });
  const lines = flags.approve === 'ask' ? lineSource(io.stdin) : null;
  const approver: Approver = lines
    ? terminalApprover(lines, io.stdout, flags.settings ? fileRuleWriter(flags.settings) : null)
    : denyingApprover;
  const controller = new AbortController();
  run.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    await audit.append(
      sessionEvent(
        identity,
        `sandbox: ${selection.state}${selection.notes.length ? ` — ${selection.notes.join('; ')}` : ''}`,
        redactor,
        'sandbox',
      ),
    );
    await audit.append(sessionEvent(identity, `warden run started (approve: ${flags.approve})`, redactor));
    const outcome = await runAgent(
      agentOptions(settings, flags.task, controller.signal, flags['max-turns'] !== undefined ? { maxTurns: flags['max-turns'] } : {}),
      {
        ...scope.agentDeps({
          audit,
          approver,
          events,
          secretValues: (names) =>
            Promise.resolve(Object.fromEntries(names.flatMap((n) => (secretValues[n] ? [[n, secretValues[n]]] : [])))),
          extraTools: mcp.tools,
        }),
        ...(checkpoints ? { checkpoints: checkpoints.checkpoints } : {}),
      },
    );
    await audit.append(sessionEvent(identity, `warden run ended: ${outcome.status}: ${outcome.message}`, redactor));
    if (outcome.status === 'error') io.stderr.write(`warden run: ${outcome.message}\n`);
    const made = checkpoints?.checkpoints.made() ?? [];
    if (made.length)
      io.stdout.write(
        `checkpoints: ${made.map(shortId).join(' ')} (warden checkpoints list|diff|restore --workspace ${scope.roots[0] ?? ''})\n`,
      );
    return EXIT[outcome.status];
  } finally {
    lines?.close();
    await mcp.close();
    await selection.runner.dispose();
    scope.close();
    await audit.close?.();
    await shipping?.finish();
  }
}
