import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/core/agent/approver';
import { bindingDrift } from '../../../src/core/agent/approvalBinding';
import { handleToolCall } from '../../../src/core/agent/pipeline';
import { UnsandboxedRunner } from '../../../src/node/sandbox/unsandboxedRunner';
import { harness, makeWorkspace, type Harness } from './harness';

/**
 * An approval binds what will happen (argv, real cwd, secrets, sandbox,
 * hosts; a write's real target and the content on disk and to write): if it
 * changed while the person looked, Warden asks again, says what changed,
 * and audits it; if it changes again, nothing runs.
 */
type Step = (req: ApprovalRequest) => ApprovalAnswer;

async function withApprover(
  root: string,
  steps: Step[],
  extra: Parameters<typeof harness>[0] = { root },
): Promise<Harness & { asked: ApprovalRequest[] }> {
  const h = await harness({ ...extra, root });
  const asked: ApprovalRequest[] = [];
  return {
    ...h,
    asked,
    approver: {
      request: (req) => {
        asked.push(req);
        const step = steps.shift();
        return Promise.resolve(step ? step(req) : { kind: 'reject', feedback: 'no step left' });
      },
    },
  };
}

let n = 0;
const call = (h: Harness, name: string, input: unknown) =>
  handleToolCall({ id: `toolu_b${++n}`, name, input, inputError: null }, h, new AbortController().signal);
const notes = (h: Harness) => h.auditLog.filter((e) => e.kind === 'session').map((e) => e.note ?? '');

describe('approvals bound to what runs', () => {
  it('asks once when nothing changed', async () => {
    const root = makeWorkspace({ 'a.txt': 'one\n' });
    const h = await withApprover(root, [() => ({ kind: 'approve' })]);
    const r = await call(h, 'write_file', { path: 'a.txt', content: 'two\n' });
    assert.equal(r.isError, false, r.content);
    assert.equal(h.asked.length, 1);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'two\n');
  });

  it('asks again, naming the change, when the file on disk changed while the person looked', async () => {
    const root = makeWorkspace({ 'a.txt': 'one\n' });
    const h = await withApprover(root, [
      () => {
        writeFileSync(join(root, 'a.txt'), 'the person typed this meanwhile\n');
        return { kind: 'approve' };
      },
      () => ({ kind: 'reject' }),
    ]);
    const r = await call(h, 'write_file', { path: 'a.txt', content: 'two\n' });
    assert.equal(h.asked.length, 2);
    assert.match(h.asked[1]?.decision.message ?? '', /^Changed since you approved it: the file on disk\./);
    assert.equal(h.asked[1]?.sessionGrant.allowed, false);
    assert.equal(r.isError, true);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'the person typed this meanwhile\n');
    assert.match(
      notes(h).join('\n'),
      /write_file call toolu_b\d+: what would run changed after it was approved \(the file on disk\); asked again/,
    );
    assert.equal(h.auditLog.at(-1)?.answer, 'rejected');
  });

  it('writes what the person approved the second time, against the new disk content', async () => {
    const root = makeWorkspace({ 'a.txt': 'one\n' });
    const h = await withApprover(root, [
      () => {
        writeFileSync(join(root, 'a.txt'), 'changed\n');
        return { kind: 'approve' };
      },
      (req) => {
        assert.equal(req.plan.kind === 'write' ? req.plan.oldContent : null, 'changed\n');
        return { kind: 'approve' };
      },
    ]);
    const r = await call(h, 'write_file', { path: 'a.txt', content: 'two\n' });
    assert.equal(r.isError, false, r.content);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'two\n');
  });

  it('asks again when the write target behind a link moved, and refuses when it moves again', async () => {
    const root = makeWorkspace({ 'x/a.txt': 'x\n', 'y/a.txt': 'y\n', 'z/a.txt': 'z\n' });
    symlinkSync('x', join(root, 'dir'));
    const swap = (to: string) => {
      rmSync(join(root, 'dir'));
      symlinkSync(to, join(root, 'dir'));
    };
    const h = await withApprover(root, [
      () => (swap('y'), { kind: 'approve' }),
      (req) => {
        assert.match(req.decision.message, /the file it resolves to/);
        swap('z');
        return { kind: 'approve' };
      },
    ]);
    const r = await call(h, 'write_file', { path: 'dir/a.txt', content: 'new\n' });
    assert.equal(r.isError, true);
    assert.match(r.content, /what would run changed again after it was approved \(the file it resolves to/);
    assert.deepEqual(
      ['x', 'y', 'z'].map((d) => readFileSync(join(root, d, 'a.txt'), 'utf8')),
      ['x\n', 'y\n', 'z\n'],
    );
  });

  it('denies, without asking again, a write that now resolves into a denied folder', async () => {
    const root = makeWorkspace({ 'x/a.txt': 'x\n', 'secrets/a.txt': 's\n' });
    symlinkSync('x', join(root, 'dir'));
    const h = await withApprover(root, [
      () => {
        rmSync(join(root, 'dir'));
        symlinkSync('secrets', join(root, 'dir'));
        return { kind: 'approve' };
      },
    ]);
    const r = await call(h, 'write_file', { path: 'dir/a.txt', content: 'new\n' });
    assert.equal(h.asked.length, 1);
    assert.equal(r.isError, true);
    assert.match(r.content, /denied-read/);
    assert.equal(readFileSync(join(root, 'secrets/a.txt'), 'utf8'), 's\n');
  });

  it("asks again when a command's working folder now resolves elsewhere", async () => {
    const root = makeWorkspace({ 'x/keep': '', 'y/keep': '' });
    symlinkSync('x', join(root, 'work'));
    const runner = new UnsandboxedRunner({ config: { writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] } });
    const h = await withApprover(
      root,
      [
        () => {
          rmSync(join(root, 'work'));
          symlinkSync('y', join(root, 'work'));
          return { kind: 'approve-for-session' };
        },
        (req) => {
          assert.match(req.decision.message, /^Changed since you approved it: the working folder it resolves to\./);
          return { kind: 'reject' };
        },
      ],
      { root, runner },
    );
    const r = await call(h, 'run_command', { command: 'touch made-here', cwd: 'work' });
    assert.equal(r.isError, true);
    assert.equal(existsSync(join(root, 'x/made-here')) || existsSync(join(root, 'y/made-here')), false);
    await runner.dispose();
  });

  it('runs an approved command whose facts held', async () => {
    const root = makeWorkspace();
    mkdirSync(join(root, 'w'));
    const runner = new UnsandboxedRunner({ config: { writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] } });
    const h = await withApprover(root, [() => ({ kind: 'approve' })], { root, runner });
    const r = await call(h, 'run_command', { command: 'touch made', cwd: 'w' });
    assert.equal(r.isError, false, r.content);
    assert.ok(existsSync(join(root, 'w/made')));
    assert.equal(h.asked.length, 1);
    await runner.dispose();
  });
});

describe('binding drift and a rule added while the call waited', () => {
  const rows: Array<[string, Record<string, string>, Record<string, string>, string[]]> = [
    [
      'no drift when the decision became allow (the person just added a covering rule)',
      { decision: 'ask needs-approval', target: '/w/a' },
      { decision: 'allow auto-approved', target: '/w/a' },
      [],
    ],
    [
      'drift when the decision became stricter',
      { decision: 'ask needs-approval', target: '/w/a' },
      { decision: 'ask protected-path', target: '/w/a' },
      ["the guard's decision"],
    ],
    [
      'drift when the target moved, whatever the decision',
      { decision: 'ask needs-approval', target: '/w/a' },
      { decision: 'allow auto-approved', target: '/w/b' },
      ['the file it resolves to'],
    ],
  ];
  for (const [name, approved, now, drift] of rows) it(name, () => assert.deepEqual(bindingDrift(approved, now), drift));
});
