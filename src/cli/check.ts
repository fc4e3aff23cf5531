import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { narrow } from '../core/policy/narrowing';
import { lintRules, warningLine } from '../core/policy/ruleLint';
import { parseFlatSettings } from '../core/policy/settings';
import { policySnapshot } from '../core/policy/snapshot';
import type { Guard } from '../core/policy/guard';
import { createPathProbe } from '../node/pathProbe';
import { detectSandbox } from '../node/sandboxProbe';
import { loadManagedPolicy } from '../node/managedPolicy';
import { managedPolicyLines } from '../core/policy/managed';
import { loadShellParser, wasmDirFromNodeModules } from '../node/shellParser';
import type { CliIo } from './run';
import { loadWorkspaceFolders, takeWorkspaceFlags } from './workspaceFlags';
import { parseValueFlags } from './valueFlags';

const USAGE = `usage: warden check --workspace DIR [--workspace-settings ws.json] [--workspace DIR2 [--workspace-settings ws2.json] …]
                    [--settings user.json] [--sandbox available|unavailable]
Each --workspace-settings narrows the policy of the --workspace before it.
`;

const flagsSchema = z.strictObject({
  settings: z.string().min(1).optional(),
  sandbox: z.enum(['available', 'unavailable']).optional(),
});

const lineSchema = z.strictObject({ tool: z.string(), input: z.unknown() });

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
  const taken = takeWorkspaceFlags(argv);
  const flags = typeof taken === 'string' ? taken : parseValueFlags(taken.rest, flagsSchema);
  const usage = typeof taken === 'string' ? taken : typeof flags === 'string' ? flags : null;
  if (usage !== null || typeof taken === 'string' || typeof flags === 'string') {
    io.stderr.write(`warden check: ${usage ?? ''}\n${USAGE}`);
    return 2;
  }
  const workspace = loadWorkspaceFolders(taken.folders, flags.settings);
  if (typeof workspace === 'string') {
    io.stderr.write(`warden check: ${workspace}\n`);
    return 2;
  }
  const sandbox = flags.sandbox === undefined ? detectSandbox() : flags.sandbox === 'available';
  const { guard } = policySnapshot(
    { ...workspace.levels, managed: loadManagedPolicy(options.managedDir !== undefined ? { dir: options.managedDir } : {}) },
    {
      roots: workspace.roots,
      home: homedir(),
      probe: createPathProbe(),
      shell: await loadShellParser(wasmDir()),
      sandboxAvailable: () => sandbox,
      trusted: () => true,
    },
  );
  if (guard.managed.inForce || guard.managed.refused.length)
    for (const l of managedPolicyLines(guard.managed)) io.stderr.write(`warden check: ${l}\n`);
  if (guard.problems.length) {
    for (const p of guard.problems) io.stderr.write(`warden check: invalid setting ${p.key}: ${p.message}\n`);
    return 2;
  }
  // Rule lint of the user's rules (a workspace can only narrow them): warnings only; the settings stay in force.
  for (const warning of lintRules(narrow(parseFlatSettings(workspace.levels.user).values, {}).effective))
    io.stderr.write(`warden check: rule warning ${warningLine(warning)} (source: ${warning.source})\n`);
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
