import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { StampChecker } from '../../../src/node/search/stampCheck';
import { stampHolds, stampTree, type Stamp } from '../../../src/node/search/stamps';

/** A tree of `n` folders (a0 … a<n-1>, each with one file), stamped. */
async function stamped(n: number): Promise<{ root: string; stamp: Stamp }> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-stamps-')));
  for (let i = 0; i < n; i++) {
    mkdirSync(join(root, `a${i}`));
    writeFileSync(join(root, `a${i}`, 'f.txt'), 'x');
  }
  const stamp = await stampTree(root, true);
  if (typeof stamp === 'string') assert.fail(stamp);
  return { root, stamp };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('checking a stamp on two threads', () => {
  it('answers as one thread does, for a change in either half', async () => {
    const { root, stamp } = await stamped(300);
    try {
      const checker = new StampChecker(undefined, 100);
      checker.keep(stamp);
      assert.equal(await checker.holds(stamp), true);
      // The walk is depth-first from the end of the folder list, so one of the two is in each half.
      for (const dir of ['a0', 'a299']) {
        writeFileSync(join(root, dir, `new-${Date.now()}.txt`), 'x');
        assert.equal(stampHolds(stamp), false);
        assert.equal(await checker.holds(stamp), false, `a change in ${dir}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('checks everything itself when the other thread fails to start, dies, never answers, or does not know the stamp', async () => {
    const { root, stamp } = await stamped(300);
    try {
      const throwing = new StampChecker(() => {
        throw new Error('no worker here');
      }, 100);
      throwing.keep(stamp);
      assert.equal(await throwing.holds(stamp), true);
      const dying = new StampChecker(() => new Worker('process.exit(3)', { eval: true }), 100);
      dying.keep(stamp);
      await settle(300);
      assert.equal(await dying.holds(stamp), true);
      // One that never answers is waited for a while, then not at all.
      const silent = new StampChecker(() => new Worker('setInterval(() => undefined, 1000)', { eval: true }), 100, 200);
      silent.keep(stamp);
      const t = performance.now();
      assert.equal(await silent.holds(stamp), true);
      assert.ok(performance.now() - t < 3000);
      // One that answers null (it does not know the stamp).
      const forgetful = new StampChecker(
        () =>
          new Worker(
            "require('node:worker_threads').parentPort.on('message', (m) => m.kind === 'check' && require('node:worker_threads').parentPort.postMessage({ req: m.req, holds: null }))",
            { eval: true },
          ),
        100,
      );
      forgetful.keep(stamp);
      writeFileSync(join(root, 'a299', 'late.txt'), 'x');
      assert.equal(await forgetful.holds(stamp), false, 'the half it did not check is checked here');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('never keeps a process alive once idle', () => {
    const script = `
      const { StampChecker } = require(${JSON.stringify(join(__dirname, '../../../src/node/search/stampCheck.ts'))});
      const { stampTree } = require(${JSON.stringify(join(__dirname, '../../../src/node/search/stamps.ts'))});
      (async () => {
        const s = await stampTree(${JSON.stringify(realpathSync(join(__dirname, '../../..', 'src')))}, true);
        // One checker asked once, and one only handed a stamp (its thread started, never asked).
        const c = new StampChecker(undefined, 1);
        c.keep(s);
        console.log(await c.holds(s));
        new StampChecker(undefined, 1).keep(s);
      })();`;
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'the process exited by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'true');
  });
});
