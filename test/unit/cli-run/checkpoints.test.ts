import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { makeWorkspace } from '../agent/harness';
import { stateDir, treeListing } from '../checkpoints/helpers';
import { runWarden } from './helpers';

const use = (name: string, input: unknown) => ({ type: 'tool_use' as const, name, input });
const KEY = 'sk-ant-test-0123456789';

const START = {
  'greet.txt': 'hello world\n',
  'old.txt': 'to be deleted\n',
  'data.txt': 'one two\none\n',
  'src/more.txt': 'one more\n',
  '.gitignore': 'node_modules/\n',
  'node_modules/dep/index.js': 'dep\n',
};
/** The workspace after each step, as a listing (step 4: the command rewrote two files). */
function expectedAfter(step: number): Record<string, string> {
  const files: Record<string, string> = { ...START };
  if (step >= 1) files['notes/new.md'] = '# new\n';
  if (step >= 2) files['greet.txt'] = 'hello warden\n';
  if (step >= 3) delete files['old.txt'];
  if (step >= 4) {
    files['data.txt'] = 'ONE two\nONE\n';
    files['src/more.txt'] = 'ONE more\n';
  }
  return treeListing(makeWorkspace(files));
}

const SCRIPT: FakeScript = {
  turns: [
    { content: [use('write_file', { path: 'notes/new.md', content: '# new\n' })] },
    { content: [use('edit_file', { path: 'greet.txt', old_text: 'world', new_text: 'warden' })] },
    { content: [use('delete_file', { path: 'old.txt' })] },
    { content: [use('run_command', { command: "sed -i -e 's/one/ONE/g' data.txt src/more.txt" })] },
    { content: [{ type: 'text', text: 'Done.' }] },
  ],
};

/** Runs the scripted task (every step approved); returns the checkpoint ids `warden run` printed. */
async function scriptedTask(root: string, env: Record<string, string>): Promise<string[]> {
  const fake = await startFakeAnthropic(SCRIPT);
  try {
    const r = await runWarden(['run', '--workspace', root, '--approve', 'ask', 'Change things.'], {
      env: { ...env, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: KEY },
      stdin: 'a\na\na\na\n',
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(fake.invalid(), []);
    assert.match(r.stdout, /checkpoint [0-9a-f]{12} \(before step 4\): changed 2 files: ~data\.txt ~src\/more\.txt/);
    const ids = /^checkpoints: ((?:[0-9a-f]{12} ?)+)/m.exec(r.stdout)?.[1]?.trim().split(' ') ?? [];
    assert.equal(ids.length, 4, r.stdout);
    return ids;
  } finally {
    await fake.close();
  }
}

describe('warden checkpoints over a scripted task', () => {
  it('rolls a write, an edit, a delete and a rewriting command back step by step to byte-identical content, each restore audited', async () => {
    const root = makeWorkspace(START);
    const env = { XDG_STATE_HOME: stateDir() };
    const ids = await scriptedTask(root, env);
    assert.deepEqual(treeListing(root), expectedAfter(4));
    const audit = join(makeWorkspace(), 'audit.jsonl');
    const list = await runWarden(['checkpoints', 'list', '--workspace', root], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /store: [\d.]+ MiB, 1 task/);
    assert.match(list.stdout, /before step 4: run_command sed -i .* — changed 2 files/);
    const diff = await runWarden(['checkpoints', 'diff', '--workspace', root, ids[3] ?? ''], { env });
    assert.match(diff.stdout, /-one two\n-one\n\+ONE two\n\+ONE\n/);
    for (let step = 4; step >= 1; step--) {
      const r = await runWarden(['checkpoints', 'restore', '--workspace', root, '--audit', audit, ids[step - 1] ?? ''], {
        env,
        stdin: 'y\n',
      });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(treeListing(root), expectedAfter(step - 1), `after restoring step ${step}:\n${r.stdout}`);
    }
    const events = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { note?: string; input?: { written?: string[]; deleted?: string[] } });
    const restores = events.filter((e) => e.note?.startsWith('checkpoint restore'));
    assert.equal(restores.length, 4);
    assert.deepEqual(
      restores.map((e) => [...(e.input?.written ?? []), ...(e.input?.deleted ?? []).map((d) => `-${d}`)].sort()),
      [['data.txt', 'src/more.txt'], ['old.txt'], ['greet.txt'], ['-notes/new.md']],
    );
    const verify = await runWarden(['audit', 'verify', audit]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  it('rolls the whole task back at once, and refuses to overwrite a file the person changed since unless told to', async () => {
    const root = makeWorkspace(START);
    const env = { XDG_STATE_HOME: stateDir() };
    const ids = await scriptedTask(root, env);
    const whole = ids[0] ?? '';
    const asked = await runWarden(['checkpoints', 'restore', '--workspace', root, whole], { env, stdin: 'n\n' });
    assert.equal(asked.code, 1);
    assert.match(
      asked.stdout,
      /restore to [0-9a-f]{12} .*: 5 files\n {2}write {3}data\.txt\n {2}write {3}greet\.txt\n {2}delete {2}notes\/new\.md\n {2}write {3}old\.txt\n {2}write {3}src\/more\.txt\n/,
    );
    assert.match(asked.stdout, /not restored/);
    assert.deepEqual(treeListing(root), expectedAfter(4));
    // The person edits a file the task changed: that file is theirs now.
    const mine = 'ONE two\nmy own line\n';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, 'data.txt'), mine);
    const refused = await runWarden(['checkpoints', 'restore', '--workspace', root, '--yes', whole], { env });
    assert.equal(refused.code, 0, refused.stdout + refused.stderr);
    assert.match(
      refused.stdout,
      /conflict: data\.txt changed after the task: checkpoint [0-9a-f]{12} \(100644\), task left [0-9a-f]{12} \(100644\), now [0-9a-f]{12} \(100644\)/,
    );
    assert.match(refused.stdout, /restored: 3 written, 1 deleted, 1 left as changed since/);
    assert.equal(readFileSync(join(root, 'data.txt'), 'utf8'), mine);
    const forced = await runWarden(['checkpoints', 'restore', '--workspace', root, '--yes', '--overwrite-changed', whole], { env });
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.match(forced.stdout, /conflict: data\.txt changed by someone else between two steps/);
    assert.deepEqual(treeListing(root), expectedAfter(0));
  });
});
