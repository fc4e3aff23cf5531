import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { planRestore } from '../../../src/core/checkpoints/restorePlan';
import { executeRestore } from '../../../src/core/checkpoints/restore';
import type { AuditEventInput } from '../../../src/core/audit/event';
import { makeWorkspace } from '../agent/harness';
import { meta, openStore, stateDir, treeListing } from './helpers';

const signal = new AbortController().signal;
const identity = { sessionId: 's', workspace: '', user: 'u', model: null };

/** Every object's content in a store, as one string (to look for bytes that must never be in it). */
function storeContents(gitDir: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch'], {
    env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).toString('latin1');
}

describe('the git checkpoint store', () => {
  it('restores written, edited, deleted, re-moded and re-linked files byte for byte, and removes folders the step made', async () => {
    const root = makeWorkspace({
      'a.txt': 'alpha\n',
      'src/b.ts': 'export const b = 1;\n',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
      link: '->a.txt',
      'bin.dat': '',
    });
    writeFileSync(join(root, 'bin.dat'), Buffer.from([0, 255, 13, 10, 1, 2, 3]));
    chmodSync(join(root, 'bin/run.sh'), 0o755);
    const before = treeListing(root);
    const store = await openStore(root);
    const c = await store.snapshot(meta('t1', 1), signal);
    writeFileSync(join(root, 'a.txt'), 'alpha\r\nchanged\n');
    unlinkSync(join(root, 'src/b.ts'));
    mkdirSync(join(root, 'new/deep'), { recursive: true });
    writeFileSync(join(root, 'new/deep/c.txt'), 'c');
    chmodSync(join(root, 'bin/run.sh'), 0o644);
    unlinkSync(join(root, 'link'));
    symlinkSync('src', join(root, 'link'));
    writeFileSync(join(root, 'bin.dat'), Buffer.from([9]));
    await store.snapshot(meta('t1', 1, 'after'), signal);
    const [task] = await store.history();
    assert.ok(task);
    const plan = await planRestore(store, task, c, () => true, signal);
    assert.deepEqual(plan.writes.map((w) => w.path).sort(), ['a.txt', 'bin.dat', 'bin/run.sh', 'link', 'new/deep/c.txt', 'src/b.ts']);
    assert.deepEqual(plan.conflicts, []);
    const events: AuditEventInput[] = [];
    const report = await executeRestore(store, plan, {
      overwrite: new Set(),
      audit: { append: (e) => (events.push(e), Promise.resolve()) },
      identity,
      by: 'test',
      signal,
    });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(treeListing(root), before);
    assert.equal(events.length, 1);
    assert.deepEqual((events[0]?.input as { written: string[] }).written.sort(), ['a.txt', 'bin.dat', 'bin/run.sh', 'link', 'src/b.ts']);
    assert.deepEqual((events[0]?.input as { deleted: string[] }).deleted, ['new/deep/c.txt']);
  });

  it("leaves out .gitignore'd files and node_modules by default; includeIgnored widens, exclude narrows", async () => {
    const files = {
      '.gitignore': 'dist/\n',
      'dist/out.js': 'built',
      'node_modules/x/index.js': 'dep',
      'src/a.ts': 'a',
      'logs/x.log': 'log',
    };
    const narrow = await openStore(makeWorkspace(files));
    const t1 = await narrow.snapshot(meta('t', 1), signal);
    assert.deepEqual([...(await narrow.versions(t1.tree, Object.keys(files))).keys()].sort(), ['.gitignore', 'logs/x.log', 'src/a.ts']);
    const wide = await openStore(makeWorkspace(files), { includeIgnored: true, exclude: ['node_modules/', '*.log'] });
    const t2 = await wide.snapshot(meta('t', 1), signal);
    assert.deepEqual([...(await wide.versions(t2.tree, Object.keys(files))).keys()].sort(), ['.gitignore', 'dist/out.js', 'src/a.ts']);
  });

  it('never reads a denied file into the store and never restores over one', async () => {
    const root = makeWorkspace({ '.env': 'TOKEN=never-in-store-7f3a\n', 'a.txt': 'a' });
    const dir = join(stateDir(), 'store');
    const store = await openStore(root, { dir, deny: (p) => p === '.env' || p.endsWith('/.env') });
    const c = await store.snapshot(meta('t', 1), signal);
    writeFileSync(join(root, '.env'), 'TOKEN=changed-by-step-91b2\n');
    writeFileSync(join(root, 'a.txt'), 'b');
    await store.snapshot(meta('t', 1, 'after'), signal);
    const [task] = await store.history();
    assert.ok(task);
    const plan = await planRestore(store, task, c, () => true, signal);
    await executeRestore(store, plan, { overwrite: new Set(), audit: { append: () => Promise.resolve() }, identity, by: 'test', signal });
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a');
    assert.equal(readFileSync(join(root, '.env'), 'utf8'), 'TOKEN=changed-by-step-91b2\n');
    const all = storeContents(join(dir, 'git'));
    assert.ok(!all.includes('never-in-store') && !all.includes('changed-by-step'), 'a denied file reached the store');
  });

  it('runs nothing a hostile repository configures: filters, textconv, fsmonitor, hooks, global config', async () => {
    const root = makeWorkspace();
    cpSync(join(__dirname, '..', '..', 'fixtures', 'workspaces', 'hostile-repo'), root, { recursive: true });
    const marker = join(stateDir(), 'ran');
    const home = stateDir();
    const evil = `[filter "evil"]\n\tclean = sh -c 'echo filter >> ${marker}'; cat\n\tsmudge = sh -c 'echo smudge >> ${marker}'; cat\n[diff "evil"]\n\ttextconv = sh -c 'echo textconv >> ${marker}'; cat\n[core]\n\tfsmonitor = sh -c 'echo fsmonitor >> ${marker}' #\n\thooksPath = ${home}/hooks\n`;
    writeFileSync(join(home, '.gitconfig'), evil);
    mkdirSync(join(home, 'hooks'));
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    execFileSync('git', ['init', '-q'], { cwd: root, env });
    appendFileSync(join(root, '.git', 'config'), readFileSync(join(root, 'tools', 'gitconfig')));
    // The fixture does attack a plain git: adding a .txt file runs its clean filter (tools/attack.sh writes AGENTS.md).
    // It runs with a private /tmp and /var/tmp (the test's own folders bound back in), so the attack's fixed-path
    // markers never land on the host, where the sandbox tests look for them while they run.
    const own = [...new Set([root, home, dirname(marker)])].flatMap((d) => ['--bind', d, d]);
    execFileSync(
      'bwrap',
      ['--dev-bind', '/', '/', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp', ...own, '--chdir', root, 'git', 'add', 'notes.txt'],
      { env },
    );
    assert.match(
      readFileSync(join(root, 'AGENTS.md'), 'utf8'),
      /pwned by clean/,
      'the hostile fixture did not run its filter under plain git',
    );
    rmSync(marker, { force: true });
    for (const p of ['AGENTS.md', 'CLAUDE.md', '.envrc']) rmSync(join(root, p), { force: true });

    const repoIndex = readFileSync(join(root, '.git', 'index'));
    const saved = { HOME: process.env.HOME, GIT_DIR: process.env.GIT_DIR, GIT_CONFIG_PARAMETERS: process.env.GIT_CONFIG_PARAMETERS };
    process.env.HOME = home;
    process.env.GIT_DIR = join(root, '.git');
    process.env.GIT_CONFIG_PARAMETERS = `'core.fsmonitor'='sh -c "echo env >> ${marker}" #'`;
    try {
      const store = await openStore(root);
      const c = await store.snapshot(meta('t', 1), signal);
      writeFileSync(join(root, 'notes.txt'), 'rewritten by a step\n');
      writeFileSync(join(root, 'added.txt'), 'new\n');
      await store.snapshot(meta('t', 1, 'after'), signal);
      const diff = await store.diff(c.tree, await store.snapshotTree(signal));
      assert.match(diff, /rewritten by a step/);
      const [task] = await store.history();
      assert.ok(task);
      const plan = await planRestore(store, task, c, () => true, signal);
      await executeRestore(store, plan, { overwrite: new Set(), audit: { append: () => Promise.resolve() }, identity, by: 'test', signal });
      assert.equal(existsSync(join(root, 'added.txt')), false);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    assert.equal(existsSync(marker), false, existsSync(marker) ? `ran: ${readFileSync(marker, 'utf8')}` : '');
    for (const p of ['AGENTS.md', 'CLAUDE.md', '.envrc']) assert.equal(existsSync(join(root, p)), false, `${p} was written by the attack`);
    assert.equal(existsSync('/tmp/warden-hostile-pwned'), false);
    // The workspace's own repository is untouched: its index is byte for byte what `git add` left.
    assert.deepEqual(readFileSync(join(root, '.git', 'index')), repoIndex);
  });

  it('refuses a store folder inside the workspace', async () => {
    const root = makeWorkspace({ 'a.txt': 'a' });
    await assert.rejects(openStore(root, { dir: join(root, '.warden-store') }), /may not be inside the workspace/);
  });

  it('prunes the oldest tasks beyond keepTasks, never the current one', async () => {
    const root = makeWorkspace({ 'a.txt': 'a' });
    const store = await openStore(root);
    for (const t of ['t1', 't2', 't3', 't4']) {
      writeFileSync(join(root, 'a.txt'), t);
      await store.snapshot(meta(t, 1), signal);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const r = await store.prune({ keepTasks: 2, maxBytes: 1e12, keep: 't1' });
    assert.equal(r.removedTasks, 2);
    assert.deepEqual((await store.history()).map((t) => t.taskId).sort(), ['t1', 't4']);
  });
});
