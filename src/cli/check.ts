import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { createGuard } from '../core/policy/createGuard';
import type { Guard } from '../core/policy/guard';
import { createPathProbe } from '../node/pathProbe';
import { detectSandbox } from '../node/sandboxProbe';
import { readSettingsFile } from '../node/settingsFiles';
import { loadManagedPolicy } from '../node/managedPolicy';
import { managedPolicyLines } from '../core/policy/managed';
import { loadShellParser, wasmDirFromNodeModules } from '../node/shellParser';
import type { CliIo } from './run';

const USAGE = 'usage: warden check --workspace DIR [--settings user.json] [--workspace-settings ws.json] [--sandbox available|unavailable]\n';

const flagsSchema = z.strictObject({
  workspace: z.string().min(1),
  settings: z.string().min(1).optional(),
  'workspace-settings': z.string().min(1).optional(),
  sandbox: z.enum(['available', 'unavailable']).optional(),
});
type Flags = z.infer<typeof flagsSchema>;

const lineSchema = z.strictObject({ tool: z.string(), input: z.unknown() });

function parseFlags(argv: readonly string[]): Flags | string {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) return `unexpected argument '${a}'`;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return `--${name} needs a value`;
    raw[name] = value;
  }
  const r = flagsSchema.safeParse(raw);
  return r.success ? r.data : r.error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}` : 'flags'}: ${i.message}`).join('; ');
}

/** The wasm files sit beside the bundle (dist/cli.js); from source, in node_modules. */
function wasmDir(): string {
  return __filename.endsWith('.js') ? dirname(__filename) : wasmDirFromNodeModules();
}

function answer(guard: Guard, line: string): string {
  let call: z.infer<typeof lineSchema> | null = null;
  try {
    const r = lineSchema.safeParse(JSON.parse(line));
    if (r.success) call = r.data;
  } catch {
    call = null;
  }
  const d = call ? guard.decide(call) : { decision: 'deny', reason: 'invalid-input', rule: null };
  return `${JSON.stringify({ decision: d.decision, reason: d.reason, rule: d.rule })}\n`;
}

/** `warden check`: JSON Lines tool calls on stdin, one decision line each on stdout. */
export async function runCheck(argv: readonly string[], io: CliIo, options: { managedDir?: string } = {}): Promise<number> {
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    io.stderr.write(`warden check: ${flags}\n${USAGE}`);
    return 2;
  }
  const files = { user: flags.settings, workspace: flags['workspace-settings'] };
  const values: Record<string, unknown> = {};
  for (const [level, path] of Object.entries(files)) {
    if (path === undefined) continue;
    const r = readSettingsFile(path);
    if (!r.ok) {
      io.stderr.write(`warden check: ${r.message}\n`);
      return 2;
    }
    values[level] = r.value;
  }
  const sandbox = flags.sandbox === undefined ? detectSandbox() : flags.sandbox === 'available';
  const guard = createGuard(
    { user: values.user ?? {}, workspace: values.workspace ?? {}, managed: loadManagedPolicy(options.managedDir !== undefined ? { dir: options.managedDir } : {}) },
    {
      roots: [resolve(flags.workspace)],
      home: homedir(),
      probe: createPathProbe(),
      shell: await loadShellParser(wasmDir()),
      sandboxAvailable: () => sandbox,
      trusted: () => true,
    },
  );
  if (guard.managed.inForce || guard.managed.refused.length) for (const l of managedPolicyLines(guard.managed)) io.stderr.write(`warden check: ${l}\n`);
  if (guard.problems.length) {
    for (const p of guard.problems) io.stderr.write(`warden check: invalid setting ${p.key}: ${p.message}\n`);
    return 2;
  }
  for (const ignored of guard.ignoredWorkspaceValues) {
    io.stderr.write(`warden check: ignored ${ignored.level} value ${ignored.key} = ${JSON.stringify(ignored.value)}: ${ignored.why}\n`);
  }
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    io.stdout.write(answer(guard, line));
  }
  return 0;
}
