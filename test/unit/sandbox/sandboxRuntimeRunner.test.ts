import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunnerCommonOptions } from '../../../src/node/sandbox/runnerOptions';
import { SandboxRuntimeRunner } from '../../../src/node/sandbox/sandboxRuntimeRunner';
import { describeIsolation } from '../../fixtures/sandbox/isolationCases';
import { assertOwnerKillLeavesNothing } from '../../fixtures/sandbox/ownerKill';
import { eventually, makeWorkspace, marker, processesMatching, req, requireTools, type Workspace } from '../../fixtures/sandbox/workspace';

const TOOLS = ['bwrap', 'socat', 'rg'];

async function start(ws: Workspace, extra: Partial<RunnerCommonOptions> = {}): Promise<SandboxRuntimeRunner> {
  const r = await SandboxRuntimeRunner.start({ config: ws.config, ...extra });
  if (!(r instanceof SandboxRuntimeRunner)) throw new Error(`sandbox-runtime did not start: ${r.unavailable}`);
  return r;
}

describeIsolation({ kind: 'sandbox-runtime', tools: TOOLS, network: true, make: (ws, extra) => start(ws, extra) });

describe('sandbox-runtime host process', () => {
  let ws: Workspace;
  before(() => {
    requireTools(...TOOLS);
    ws = makeWorkspace();
  });
  after(() => ws?.dispose());

  it('kill -9 of the host leaves no sandboxed process behind, and the runner then refuses', async () => {
    const runner = await start(ws);
    const m = marker();
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const running = runner.run(
      req(ws, `(sleep ${m} &); echo started; sleep ${m}`, {
        onOutput: (c) => {
          if (c.includes('started')) started();
        },
      }),
    );
    await isStarted;
    assert.ok(processesMatching(`sleep ${m}`).length > 0, 'the command should be running');
    process.kill(runner.hostPid!, 'SIGKILL');
    await assert.rejects(running, /sandbox host stopped/);
    assert.ok(
      await eventually(() => processesMatching(`sleep ${m}`).length === 0),
      `left behind: ${processesMatching(`sleep ${m}`).join(',')}`,
    );
    await assert.rejects(runner.run(req(ws, 'echo hi')), /sandbox host stopped/);
    await runner.dispose();
  });

  it('kill -9 of the process that owns the runner takes the host and its commands down too', () =>
    assertOwnerKillLeavesNothing(ws, 'sandbox-runtime'));

  it('dispose stops the host and every command it runs', async () => {
    const runner = await start(ws);
    const m = marker();
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const running = runner.run(req(ws, `echo started; sleep ${m}`, { onOutput: () => started() }));
    await isStarted;
    const pid = runner.hostPid!;
    const rejected = assert.rejects(running, /disposed/);
    await runner.dispose();
    await rejected;
    assert.ok(await eventually(() => processesMatching(`sleep ${m}`).length === 0));
    assert.ok(
      await eventually(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }),
      'host still alive',
    );
  });

  it('refuses a cwd outside the workspace and invalid input, naming the problem', async () => {
    const runner = await start(ws);
    try {
      await assert.rejects(runner.run(req(ws, 'pwd', { cwd: ws.outside })), /outside every workspace folder/);
      await assert.rejects(runner.run(req(ws, 'env', { secretEnv: { 'BAD-NAME': 'x' } })), /secretEnv/);
      await assert.rejects(runner.run(req(ws, 'env', { timeoutMs: 0 })), /timeoutMs/);
    } finally {
      await runner.dispose();
    }
  });
});
