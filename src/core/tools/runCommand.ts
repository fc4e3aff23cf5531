import { defineBuiltin, str } from './builtin';
import { effectiveTimeoutMs } from '../exec/limits';
import { planSecretEnv } from '../secrets/secretEnv';
import type { ToolInput } from './schemas';
import { exactGrant, fail, type GrantShape, type ToolContext, type ToolModule, type ToolOutcome, type ValidCall } from './tool';
import { decideChanges, describeChanges } from '../exec/changePolicy';
import type { RunResult } from '../exec/runner';
import type { GuardResult } from '../policy/guard';
import { hostEntryCovers, parseHostEntry } from '../policy/hostEntry';

/**
 * Exactly this command line in this cwd may be granted for the session;
 * commands receiving secrets and destructive commands always ask.
 */
function commandGrant(input: ToolInput<'run_command'>, decided: GuardResult): GrantShape {
  const d = decided.details;
  if (d.kind !== 'command') return { refused: 'No parsed command.' };
  if ((input.secrets ?? []).length > 0 || d.secrets.length > 0) return { refused: 'Commands receiving secrets always ask.' };
  if (decided.reason === 'destructive-operation' || d.commands.some((c) => c.destructive !== null)) {
    return { refused: 'Commands that delete, rewrite history or publish always ask.' };
  }
  const cwd = d.cwd?.absolute ?? '';
  return exactGrant(`run_command\u0000${input.command}\u0000${cwd}`, `runs \`${input.command}\` in ${cwd || 'the workspace folder'}`);
}

const NOT_COMMAND = 'Warden refused: the guard gave no parsed command for this call, so nothing was run.';

/** The call's timeout: the model's `timeout_s`, capped by the setting (`effectiveTimeoutMs`), else the default. */
function timeoutMs(input: ToolInput<'run_command'>, ctx: ToolContext): number {
  if (input.timeout_s === undefined) return Math.min(ctx.limits.defaultTimeoutMs, ctx.limits.maxTimeoutMs);
  return effectiveTimeoutMs(input.timeout_s, ctx.limits.maxTimeoutMs / 1000);
}

function cwdOf(decided: GuardResult, ctx: ToolContext): string | null {
  if (decided.details.kind !== 'command') return null;
  return decided.details.cwd?.absolute ?? ctx.roots[0] ?? null;
}

/**
 * The hosts a command holding `secrets` may reach: each secret's own `hosts`
 * (none listed: none) that `warden.network.allowedHosts` also admits, and for
 * several secrets only the hosts every one of them permits.
 */
export function hostsForSecrets(secrets: readonly string[], ctx: Pick<ToolContext, 'allowedHosts' | 'secretGrants'>): string[] {
  const allowed = ctx.allowedHosts.map(parseHostEntry).filter((e) => e !== null);
  let hosts: string[] | null = null;
  for (const name of secrets) {
    const own = [...(ctx.secretGrants?.[name]?.hosts ?? [])];
    hosts = hosts === null ? own : hosts.filter((h) => own.includes(h));
  }
  return (hosts ?? []).filter((h) => {
    const e = parseHostEntry(h);
    return e !== null && allowed.some((a) => hostEntryCovers(a, e));
  });
}

export function formatRunResult(r: RunResult, roots: readonly string[] = []): ToolOutcome {
  const head = r.cancelled
    ? 'Command cancelled.'
    : r.timedOut
      ? 'Command timed out and was stopped.'
      : `Exit code ${r.exitCode ?? 'none'}${r.signal ? ` (signal ${r.signal})` : ''}.`;
  const changes = describeChanges(r.changes, roots);
  const parts = [head, ...changes];
  if (r.stdout) parts.push(`stdout:\n${r.stdout}`);
  if (r.stderr) parts.push(`stderr:\n${r.stderr}`);
  if (r.droppedBytes.stdout || r.droppedBytes.stderr) {
    parts.push(`[output truncated: ${r.droppedBytes.stdout} stdout and ${r.droppedBytes.stderr} stderr bytes dropped]`);
  }
  if (!r.stdout && !r.stderr) parts.push('(no output)');
  const status = r.cancelled ? 'cancelled' : r.timedOut ? 'timeout' : r.exitCode === 0 ? 'ok' : 'error';
  return {
    text: parts.join('\n'),
    isError: status !== 'ok',
    status,
    exitCode: r.exitCode,
    bytes: r.stdout.length + r.stderr.length,
    // The audit record names every path a command tried to change and what became of it.
    ...(changes.length > 0 ? { diff: changes.join('\n') } : {}),
  };
}

export const runCommandTool: ToolModule<'run_command'> = defineBuiltin({
  name: 'run_command',
  description:
    'Run a bash command line in the workspace (cwd relative to the root). Commands run in a sandbox with no network except allowed hosts. Read-only commands on the allow list run at once; anything else waits for a person. secrets names environment variables the command needs (only those the settings grant).',
  risk: 'execute',
  plan(input, decided, ctx) {
    const cwd = cwdOf(decided, ctx);
    if (decided.details.kind !== 'command' || cwd === null)
      return Promise.resolve({ kind: 'invalid', tool: 'run_command', error: NOT_COMMAND });
    const sandbox = ctx.runner?.kind ?? 'none';
    return Promise.resolve({
      kind: 'command',
      tool: 'run_command',
      command: input.command,
      commands: decided.details.commands,
      cwd,
      secrets: decided.details.secrets,
      sandbox,
      hosts:
        sandbox === 'none'
          ? ['(no sandbox: full network access)']
          : (input.secrets ?? []).length > 0
            ? hostsForSecrets(input.secrets ?? [], ctx)
            : ctx.allowedHosts,
      timeoutMs: timeoutMs(input, ctx),
      summary: `Run ${JSON.stringify(input.command)}${sandbox === 'none' ? ' WITHOUT a sandbox (full access)' : ` in the ${sandbox} sandbox`}`,
    });
  },
  async run(input, decided, ctx, facts) {
    const cwd = cwdOf(decided, ctx);
    if (decided.details.kind !== 'command' || cwd === null) return fail(NOT_COMMAND);
    if (!ctx.runner) return fail('No command runner is available here, so the command was not run.');
    if (ctx.runner.kind === 'none' && !facts.approvedByPerson) {
      return fail('Warden refused: no sandbox works here, and only a command a person approved may run unsandboxed.');
    }
    const requested = input.secrets ?? [];
    let secretEnv: Readonly<Record<string, string>> = {};
    let secretRun: { allowedHosts: string[]; workspace: 'writable' | 'read-only' } | null = null;
    if (requested.length > 0) {
      const plan = planSecretEnv({
        granted: ctx.guard.secretsGrantedTo(input.command),
        requested,
        approvedByPerson: facts.approvedByPerson,
      });
      if (plan.notGranted.length > 0)
        return fail(`Warden refused: warden.secrets does not grant ${plan.notGranted.join(', ')} to this command.`);
      if (!facts.approvedByPerson) return fail('Warden refused: a command receiving secrets needs a person’s approval.');
      secretEnv = await ctx.secretValues(plan.inject);
      // A secret keeps to its grant: only its hosts, and no file left behind for a later command unless it says writable.
      secretRun = {
        allowedHosts: hostsForSecrets(requested, ctx),
        workspace: requested.every((n) => ctx.secretGrants?.[n]?.writable === true) ? 'writable' : 'read-only',
      };
    }
    const result = await ctx.runner.run({
      command: input.command,
      cwd,
      secretEnv,
      timeoutMs: timeoutMs(input, ctx),
      maxOutputBytes: ctx.limits.maxCommandOutputBytes,
      approvedByPerson: facts.approvedByPerson,
      signal: facts.signal,
      ...(facts.onOutput ? { onOutput: facts.onOutput } : {}),
      ...(secretRun ?? {}),
      decideChanges: (changes) => decideChanges(ctx.guard, changes, { approvedByPerson: facts.approvedByPerson }),
    });
    return formatRunResult(result, ctx.roots);
  },
  request: (input) => ({ kind: 'command', command: input.command, cwd: input.cwd, secrets: input.secrets }),
  grant: commandGrant,
  summary: (i) => `run: ${str(i, 'command')}`,
  editing: {
    kind: 'command',
    apply(input, answer): ValidCall | string {
      if (answer.command === undefined || answer.content !== undefined) return 'an edit of a command must carry the edited command only';
      const r = runCommandTool.parse({ ...input, command: answer.command });
      return r.ok ? { tool: 'run_command', input: r.input, entry: runCommandTool } : r.error;
    },
  },
  edited: (input) => ({
    summary: { command: input.command },
    note: `The person edited the command before approving it; this ran instead: ${input.command}`,
  }),
});
