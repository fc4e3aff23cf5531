import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunnerRefusedError } from '../../../src/core/exec/runner';
import { findExecutable } from '../../../src/node/sandbox/findExecutable';
import { selectRunner } from '../../../src/node/sandbox/selectRunner';
import { makeWorkspace, req, requireTools, type Workspace } from '../../fixtures/sandbox/workspace';

/** A PATH holding only the named tools (symlinks to the real ones). */
function pathWith(dir: string, tools: readonly string[]): string {
  mkdirSync(dir);
  for (const t of tools) {
    const real = findExecutable(t, process.env.PATH);
    if (real === null) throw new Error(`${t} is not installed`);
    symlinkSync(real, join(dir, t));
  }
  return dir;
}

const BASICS = ['bash', 'sh', 'which', 'env', 'cat', 'ls', 'echo'];

describe('selectRunner', () => {
  let ws: Workspace;
  let bins: string;
  before(() => {
    requireTools('bwrap', 'socat', 'rg');
    ws = makeWorkspace();
    bins = mkdtempSync(join(tmpdir(), 'warden-bins-'));
  });
  after(() => {
    ws?.dispose();
    rmSync(bins, { recursive: true, force: true });
  });

  it('chooses sandbox-runtime when its tools are present and the smoke test passes', async () => {
    const s = await selectRunner({ config: ws.config });
    try {
      assert.equal(s.kind, 'sandbox-runtime');
      assert.equal(s.state, 'sandboxed');
      assert.deepEqual(s.notes, []);
    } finally {
      await s.runner.dispose();
    }
  });

  it('falls back to bubblewrap without socat, and says so', async () => {
    const path = pathWith(join(bins, 'no-socat'), [...BASICS, 'bwrap', 'rg']);
    const s = await selectRunner({ config: ws.config, pathEnv: path });
    try {
      assert.equal(s.kind, 'bubblewrap', s.notes.join('\n'));
      assert.equal(s.state, 'fallback (bubblewrap, no network)');
      assert.match(s.notes.join('\n'), /sandbox-runtime: .*socat/);
      const r = await s.runner.run(req(ws, 'echo inside'));
      assert.equal(r.stdout, 'inside\n');
      assert.equal(r.sandbox, 'bubblewrap');
    } finally {
      await s.runner.dispose();
    }
  });

  it('ends with no sandbox when neither works, says so, and runs only approved commands', async () => {
    const path = pathWith(join(bins, 'nothing'), BASICS);
    const s = await selectRunner({ config: ws.config, pathEnv: path });
    try {
      assert.equal(s.kind, 'none');
      assert.equal(s.state, 'none');
      assert.match(s.notes.join('\n'), /bubblewrap: bwrap is not on the PATH/);
      await assert.rejects(s.runner.run(req(ws, 'echo hi')), RunnerRefusedError);
      const r = await s.runner.run(req(ws, 'echo hi', { approvedByPerson: true }));
      assert.equal(r.stdout, 'hi\n');
      assert.equal(r.fullAccess, true);
    } finally {
      await s.runner.dispose();
    }
  });
});
