import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RunnerRefusedError } from '../../../src/core/exec/runner';
import { FULL_ACCESS_WARNING, UnsandboxedRunner } from '../../../src/node/sandbox/unsandboxedRunner';
import { AMBIENT_SECRET } from '../../fixtures/sandbox/isolationCases';
import { eventually, makeWorkspace, marker, processesMatching, req, type Workspace } from '../../fixtures/sandbox/workspace';

describe('unsandboxed runner', () => {
  let ws: Workspace;
  let runner: UnsandboxedRunner;
  before(() => {
    ws = makeWorkspace();
    runner = new UnsandboxedRunner({ config: ws.config });
  });
  after(async () => {
    await runner?.dispose();
    ws?.dispose();
  });

  for (const [name, approved] of [
    ['not approved', false],
    ['approval missing (undefined)', undefined],
  ] as const) {
    it(`refuses when ${name}, naming why`, async () => {
      const request = { ...req(ws, 'touch refused-marker'), approvedByPerson: approved as unknown as boolean };
      await assert.rejects(
        runner.run(request),
        (e: unknown) => e instanceof RunnerRefusedError && /approved this exact command/.test(e.message),
      );
    });
  }

  it('runs an approved command and says it ran with full access', async () => {
    const r = await runner.run(req(ws, 'echo hi; touch approved.txt && echo wrote', { approvedByPerson: true }));
    assert.equal(r.stdout, 'hi\nwrote\n');
    assert.equal(r.sandbox, 'none');
    assert.equal(r.fullAccess, true);
    assert.match(FULL_ACCESS_WARNING, /full access/);
  });

  it('still scrubs the environment and injects only granted secrets', async () => {
    const r = await runner.run(req(ws, 'env', { approvedByPerson: true, secretEnv: { GRANTED: 'g-1' } }));
    assert.match(r.stdout, /^GRANTED=g-1$/m);
    assert.ok(!r.stdout.includes(AMBIENT_SECRET));
  });

  it('still kills the whole tree on timeout', async () => {
    const m = marker();
    const r = await runner.run(req(ws, `(sleep ${m} &); sleep ${m}`, { approvedByPerson: true, timeoutMs: 1000 }));
    assert.equal(r.timedOut, true);
    assert.ok(await eventually(() => processesMatching(`sleep ${m}`).length === 0));
  });
});
