import { flagIssues, splitArgs } from './valueFlags';
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { AuditSink } from '../core/audit/event';
import { findCheckpoint, shortId, type Checkpoint, type FileVersion, type TaskHistory } from '../core/checkpoints/model';
import { executeRestore } from '../core/checkpoints/restore';
import { planRestore, type RestorePlan } from '../core/checkpoints/restorePlan';
import { createGuard } from '../core/policy/createGuard';
import { narrow } from '../core/policy/narrowing';
import { parseFlatSettings } from '../core/policy/settings';
import { createRedactor } from '../core/secrets/createRedactor';
import { neutralise } from '../core/text/neutralise';
import { auditKeyFromEnv, fileAnchorStore } from '../node/audit/anchorFile';
import { openJsonlAuditWriter } from '../node/audit/jsonlWriter';
import { cliStateDir } from '../node/checkpoints/stateDir';
import { openCheckpointStore } from '../node/checkpoints/taskCheckpoints';
import type { GitCheckpointStore } from '../node/checkpoints/gitStore';
import { createPathProbe } from '../node/pathProbe';
import { readSettingsFile } from '../node/settingsFiles';
import { loadShellParser, wasmDirFromNodeModules } from '../node/shellParser';
import type { CliIo } from './run';
import { lineSource } from './terminalApprover';

const USAGE = `usage: warden checkpoints list    --workspace DIR [--settings user.json]
       warden checkpoints diff    --workspace DIR [--settings user.json] ID [PATH...]
       warden checkpoints restore --workspace DIR [--settings user.json] [--audit FILE [--anchor A]]
                                  [--yes] [--overwrite-changed] ID
ID is a checkpoint id (or 7+ of its first hex digits) that warden run printed or list shows.
diff: what changed from the checkpoint to the workspace now. restore: puts back every file the
step taken after ID and every later step of its task changed, as it was at ID; it shows the plan
and asks first (--yes: no question), and refuses files changed since by someone else than the
task unless --overwrite-changed. The store: $XDG_STATE_HOME/warden (default ~/.local/state/warden).
`;

const flagsSchema = z.strictObject({
  workspace: z.string().min(1),
  settings: z.string().min(1).optional(),
  audit: z.string().min(1).optional(),
  anchor: z.string().min(1).optional(),
  yes: z.literal(true).optional(),
  'overwrite-changed': z.literal(true).optional(),
});
type Flags = z.infer<typeof flagsSchema>;

const BOOLEAN = new Set(['yes', 'overwrite-changed']);

function parseArgs(argv: readonly string[]): { flags: Flags; positional: string[] } | string {
  const split = splitArgs(argv, BOOLEAN);
  if (typeof split === 'string') return split;
  const r = flagsSchema.safeParse(split.raw);
  return r.success ? { flags: r.data, positional: split.positional } : flagIssues(r.error);
}

function wasmDir(): string {
  return __filename.endsWith('.js') ? dirname(__filename) : wasmDirFromNodeModules();
}

const when = (c: Checkpoint) => c.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const version = (v: FileVersion | null) => (v ? `${v.oid.slice(0, 12)} (${v.mode})` : 'absent');
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function list(store: GitCheckpointStore, tasks: readonly TaskHistory[], io: CliIo): Promise<number> {
  const usage = await store.usage();
  io.stdout.write(`store: ${mib(usage.bytes)}, ${usage.tasks} task${usage.tasks === 1 ? '' : 's'} (workspace ${store.root})\n`);
  for (const t of tasks) {
    io.stdout.write(`task ${t.taskId}\n`);
    const steps = t.checkpoints.filter((c) => c.phase !== 'after');
    for (const c of steps) {
      const next = t.checkpoints[t.checkpoints.indexOf(c) + 1];
      const changed = c.phase === 'before' && next ? (await store.changes(c.tree, next.tree)).length : null;
      const what =
        c.phase === 'restore'
          ? `after the restore: ${c.summary}`
          : c.tool === null
            ? c.summary
            : `before step ${c.step}: ${c.tool} ${c.summary}`;
      io.stdout.write(
        `  ${shortId(c.id)}  ${when(c)}  ${neutralise(what)}${changed !== null ? ` — changed ${changed} file${changed === 1 ? '' : 's'}` : ''}\n`,
      );
    }
  }
  return 0;
}

function printPlan(plan: RestorePlan, io: CliIo): void {
  const conflicted = new Set(plan.conflicts.map((c) => c.path));
  io.stdout.write(
    `restore to ${shortId(plan.checkpoint.id)} (task ${plan.taskId}, before step ${plan.checkpoint.step}): ${plan.writes.length} file${plan.writes.length === 1 ? '' : 's'}\n`,
  );
  for (const w of plan.writes)
    io.stdout.write(
      `  ${w.to === null ? 'delete ' : 'write  '} ${neutralise(w.path)}${conflicted.has(w.path) ? '  (changed since — see below)' : ''}\n`,
    );
  for (const s of plan.skipped) io.stdout.write(`  skip    ${neutralise(s)} (warden.paths.denyRead: never restored over)\n`);
  for (const c of plan.conflicts) {
    const why = c.why === 'changed-since' ? 'changed after the task' : 'changed by someone else between two steps';
    io.stdout.write(
      `conflict: ${neutralise(c.path)} ${why}: checkpoint ${version(c.checkpoint)}, task left ${version(c.agent)}, now ${version(c.now)}\n`,
    );
  }
}

/** `warden checkpoints list|diff|restore`. */
export async function runCheckpoints(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'diff' && sub !== 'restore') {
    io.stderr.write(`warden checkpoints: expected list, diff or restore\n${USAGE}`);
    return 2;
  }
  const parsed = parseArgs(rest);
  if (typeof parsed === 'string') {
    io.stderr.write(`warden checkpoints: ${parsed}\n${USAGE}`);
    return 2;
  }
  const { flags, positional } = parsed;
  const fail = (msg: string, code = 1) => (io.stderr.write(`warden checkpoints: ${msg}\n`), code);
  let root: string;
  try {
    root = realpathSync(flags.workspace);
  } catch {
    return fail(`the workspace ${flags.workspace} does not exist`);
  }
  let user: unknown = {};
  if (flags.settings) {
    const r = readSettingsFile(flags.settings);
    if (!r.ok) return fail(r.message);
    user = r.value;
  }
  const guard = createGuard(
    { user, workspace: {} },
    {
      roots: [root],
      home: homedir(),
      probe: createPathProbe(),
      shell: await loadShellParser(wasmDir()),
      sandboxAvailable: () => false,
      trusted: () => true,
    },
  );
  if (guard.problems.length) return fail(`invalid settings: ${guard.problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  const settings = narrow(parseFlatSettings(user).values, {}).effective;
  const store = await openCheckpointStore(cliStateDir(env), root, settings, guard);
  const tasks = await store.history();
  if (sub === 'list') {
    if (positional.length) return fail('list takes no arguments', 2);
    return list(store, tasks, io);
  }
  const [ref, ...paths] = positional;
  if (!ref) return fail(`${sub} needs a checkpoint id`, 2);
  const found = findCheckpoint(tasks, ref);
  if (typeof found === 'string') return fail(found);
  const controller = new AbortController();
  if (sub === 'diff') {
    const now = await store.snapshotTree(controller.signal);
    io.stdout.write(neutralise(await store.diff(found.checkpoint.tree, now, paths)));
    return 0;
  }
  if (paths.length) return fail('restore takes one checkpoint id', 2);
  if (found.checkpoint.phase !== 'before')
    return fail(
      `${shortId(found.checkpoint.id)} is a ${found.checkpoint.phase} checkpoint; restore to one taken before a step (warden checkpoints list)`,
    );
  const plan = await planRestore(store, found.task, found.checkpoint, (p) => guard.readFilter().allows(root, p, false), controller.signal);
  printPlan(plan, io);
  if (plan.writes.length === 0) {
    io.stdout.write('nothing to restore: the files are as they were\n');
    return 0;
  }
  const overwrite = flags['overwrite-changed'] ? new Set(plan.conflicts.map((c) => c.path)) : new Set<string>();
  if (plan.conflicts.length && !flags['overwrite-changed']) {
    io.stdout.write(
      `${plan.conflicts.length} file${plan.conflicts.length === 1 ? '' : 's'} changed since will be left as they are (--overwrite-changed to restore them too; warden checkpoints diff ${shortId(plan.checkpoint.id)} PATH shows the change)\n`,
    );
    if (plan.conflicts.length === plan.writes.length) return fail('refused: every file to restore was changed since', 4);
  }
  if (!flags.yes) {
    io.stdout.write('restore? [y/N] ');
    const lines = lineSource(io.stdin);
    const answer = await lines.next();
    lines.close();
    if (!/^y(es)?$/i.test((answer ?? '').trim())) {
      io.stdout.write('\nnot restored\n');
      return 1;
    }
  }
  const redactor = createRedactor([]);
  let audit: AuditSink & { close?: () => Promise<void> } = { append: () => Promise.resolve() };
  if (flags.audit)
    audit = await openJsonlAuditWriter({
      file: flags.audit,
      redact: (t) => redactor.redact(t),
      anchor: { store: fileAnchorStore(flags.anchor ?? `${flags.audit}.anchor`), key: auditKeyFromEnv(env) },
    });
  else io.stderr.write('warden checkpoints: no --audit file given: the restore is not recorded in an audit log\n');
  try {
    const identity = { sessionId: randomUUID(), workspace: root, user: userInfo().username, model: null };
    const report = await executeRestore(store, plan, {
      overwrite,
      audit,
      identity,
      by: 'warden checkpoints restore',
      signal: controller.signal,
    });
    io.stdout.write(
      `restored: ${report.written.length} written, ${report.deleted.length} deleted${report.kept.length ? `, ${report.kept.length} left as changed since` : ''}${report.failed.length ? `, ${report.failed.length} failed` : ''}${report.recorded ? ` (recorded as ${shortId(report.recorded)})` : ''}\n`,
    );
    for (const f of report.failed) io.stdout.write(`  failed ${neutralise(f.path)}: ${f.why}\n`);
    return report.failed.length ? 1 : 0;
  } finally {
    await audit.close?.();
  }
}
