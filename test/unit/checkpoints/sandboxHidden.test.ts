import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CommandRunner } from '../../../src/core/exec/runner';
import { GitCheckpointStore, storeDirFor } from '../../../src/node/checkpoints/gitStore';
import { BubblewrapRunner } from '../../../src/node/sandbox/bubblewrapRunner';
import type { RunnerCommonOptions } from '../../../src/node/sandbox/runnerOptions';
import { SandboxRuntimeRunner } from '../../../src/node/sandbox/sandboxRuntimeRunner';
import { makeWorkspace, req, requireTools } from '../../fixtures/sandbox/workspace';
import { meta } from './helpers';

const SECRET_LINE = 'checkpointed-content-5d1e';

const subjects: Array<{ kind: string; tools: string[]; make: (o: RunnerCommonOptions) => Promise<CommandRunner> }> = [
  {
    kind: 'bubblewrap',
    tools: ['bwrap'],
    make: (o) => {
      const r = BubblewrapRunner.create(o);
      if (!(r instanceof BubblewrapRunner)) throw new Error(r.unavailable);
      return Promise.resolve(r);
    },
  },
  {
    kind: 'sandbox-runtime',
    tools: ['bwrap', 'socat', 'rg'],
    make: async (o) => {
      const r = await SandboxRuntimeRunner.start(o);
      if (!(r instanceof SandboxRuntimeRunner)) throw new Error(r.unavailable);
      return r;
    },
  },
];

const HIDDEN_BY_THE_SANDBOX = ['/tmp', '/var/tmp', '/run', '/home', '/root', '/dev/shm'];

/** The checkout's .tmp when the sandbox shows it, else a system folder it shows (this test runs as root in CI). */
function visibleFolder(): string {
  const repoTmp = resolve(__dirname, '..', '..', '..', '.tmp');
  const shown = (p: string) => !HIDDEN_BY_THE_SANDBOX.some((h) => p === h || p.startsWith(`${h}/`));
  for (const candidate of [repoTmp, '/var/lib', '/opt', '/srv']) {
    if (!shown(candidate)) continue;
    try {
      mkdirSync(candidate, { recursive: true });
      accessSync(candidate, constants.W_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  throw new Error(`no writable folder the sandbox shows (tried ${repoTmp}, /var/lib, /opt, /srv)`);
}

for (const subject of subjects) {
  describe(`the checkpoint store is out of reach of a sandboxed command (${subject.kind})`, () => {
    const ws = makeWorkspace();
    // A folder the sandbox would otherwise show (read-only): not under /tmp, /var/tmp, /run, /home or /root,
    // which it hides anyway (so the control below would prove nothing there).
    const base = mkdtempSync(join(visibleFolder(), 'warden-checkpoint-state-'));
    const state = join(base, 'warden');
    const dir = storeDirFor(state, ws.root);
    let store: GitCheckpointStore;
    let runner: CommandRunner;
    before(async () => {
      requireTools(...subject.tools);
      writeFileSync(join(ws.root, 'src.txt'), `${SECRET_LINE}\n`);
      mkdirSync(state, { recursive: true });
      store = await GitCheckpointStore.open({
        root: ws.root,
        dir,
        exclude: [],
        includeIgnored: false,
        mayStore: (p) => !p.startsWith('secrets/') && p !== '.env',
      });
      await store.snapshot(meta('sandboxed', 1), new AbortController().signal);
      // As the CLI and the extension wire it: the state folder (the extension's storage) is one of the private folders.
      runner = await subject.make({ config: ws.config, privateDirs: [state] });
    });
    after(async () => {
      await runner?.dispose();
      ws.dispose();
      rmSync(base, { recursive: true, force: true });
    });

    it('would be readable without being a private folder (the attack below is a real one)', async () => {
      const bare = await subject.make({ config: ws.config });
      try {
        const r = await bare.run(
          req(ws, `git --git-dir=${dir}/git log --all --format=%s 2>&1; cat ${dir}/git/HEAD`, { approvedByPerson: true }),
        );
        assert.match(r.stdout, /"phase":"before"/, r.stdout + r.stderr);
      } finally {
        await bare.dispose();
      }
    });

    it('cannot list, read or change it, approved or not, and the history is intact afterwards', async () => {
      const head = readFileSync(join(dir, 'git', 'HEAD'));
      const history = JSON.stringify(await store.history());
      const attack = [
        `ls -laR ${state} 2>&1 | head -50`,
        `cat ${dir}/index ${dir}/git/HEAD 2>&1`,
        `git --git-dir=${dir}/git log --all --format=%s%n%b 2>&1`,
        `git --git-dir=${dir}/git cat-file --batch-all-objects --batch 2>&1 | head -c 20000`,
        `find / -path /proc -prune -o -name 'index' -path '*checkpoints*' -print 2>/dev/null | head`,
        `echo pwned > ${dir}/git/HEAD 2>&1`,
        `rm -rf ${dir} 2>&1`,
        `mkdir -p ${dir}/git/refs/warden/tasks 2>&1; echo 0000000000000000000000000000000000000000 > ${dir}/git/refs/warden/tasks/forged 2>&1`,
        'true',
      ].join('; ');
      for (const approvedByPerson of [false, true]) {
        const r = await runner.run(req(ws, attack, { approvedByPerson }));
        assert.ok(!r.stdout.includes(SECRET_LINE) && !r.stderr.includes(SECRET_LINE), `the store's content is readable:\n${r.stdout}`);
        assert.doesNotMatch(r.stdout, /"phase":"before"|refs\/warden|ref: refs\/heads/, `the store is visible:\n${r.stdout}`);
      }
      assert.deepEqual(readFileSync(join(dir, 'git', 'HEAD')), head);
      assert.equal(JSON.stringify(await store.history()), history);
    });
  });
}
