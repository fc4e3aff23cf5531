import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { makeWorkspace } from '../agent/harness';
import { runWarden } from './helpers';

const text = (t: string) => ({ type: 'text' as const, text: t });
const use = (name: string, input: unknown) => ({ type: 'tool_use' as const, name, input });

async function withFake<T>(script: FakeScript, fn: (url: string, requests: () => unknown[]) => Promise<T>): Promise<T> {
  const fake = await startFakeAnthropic(script);
  try {
    return await fn(fake.url, () => fake.requests.map((r) => r.body));
  } finally {
    await fake.close();
  }
}

describe('warden run end to end against the fake server', () => {
  it('runs a multi-turn task with thinking (plain and redacted) on a 5.5-style model, every request valid, with a retry notice', async () => {
    const root = makeWorkspace({ 'greet.txt': 'hello world\n' });
    const fake = await startFakeAnthropic({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'First I read the file.' },
            { type: 'redacted_thinking' },
            text(''),
            use('read_file', { path: 'greet.txt' }),
          ],
        },
        { content: [{ type: 'thinking', thinking: 'Half a thought' }], endWithoutStop: true },
        {
          content: [
            { type: 'thinking', thinking: 'It says hello world; now the edit.' },
            use('edit_file', { path: 'greet.txt', old_text: 'world', new_text: 'warden' }),
          ],
        },
        { content: [{ type: 'thinking', thinking: 'Edited.' }, text('Greeted warden.')] },
      ],
    });
    try {
      const settings = join(makeWorkspace(), 'user.json');
      writeFileSync(settings, JSON.stringify({ 'warden.model': 'claude-sonnet-5-5', 'warden.thinking.effort': 'high' }));
      const r = await runWarden(['run', '--workspace', root, '--settings', settings, '--approve', 'ask', 'Greet warden.'], {
        env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' },
        stdin: 'a\n',
      });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(fake.invalid(), []);
      assert.equal(readFileSync(join(root, 'greet.txt'), 'utf8'), 'hello warden\n');
      assert.match(r.stdout, /\[thinking\] First I read the file\./);
      assert.match(r.stdout, /\[thinking: redacted by the API\]/);
      assert.match(r.stdout, /retrying in 1 s \(attempt 2 of 5\)/);
      assert.match(r.stdout, /\[thinking\] It says hello world; now the edit\./);
      assert.match(r.stdout, /Greeted warden\./);
      const bodies = fake.requests.map(
        (q) => q.body as { thinking: unknown; output_config: unknown; messages: Array<{ content: Array<{ type: string }> }> },
      );
      assert.deepEqual(bodies[0]?.thinking, { type: 'adaptive', display: 'summarized' });
      assert.deepEqual(bodies[0]?.output_config, { effort: 'high' });
      assert.deepEqual(
        bodies[3]?.messages[1]?.content.map((b) => b.type),
        ['thinking', 'redacted_thinking', 'tool_use'],
      );
    } finally {
      await fake.close();
    }
  });

  it('completes a scripted multi-turn task: read, edit with approval, edited write, an allowed command', async () => {
    const root = makeWorkspace({ 'greet.txt': 'hello world\n' });
    const audit = join(makeWorkspace(), 'audit.jsonl');
    const script: FakeScript = {
      turns: [
        { content: [text('Let me look.'), use('read_file', { path: 'greet.txt' })] },
        { content: [use('edit_file', { path: 'greet.txt', old_text: 'world', new_text: 'warden' })] },
        { content: [use('write_file', { path: 'notes/todo.md', content: '- model idea\n' })] },
        { content: [use('run_command', { command: 'ls' })] },
        { content: [text('All done.')] },
      ],
    };
    const r = await withFake(script, async (url, requests) => {
      const res = await runWarden(['run', '--workspace', root, '--audit', audit, '--approve', 'ask', 'Greet warden and note a todo.'], {
        env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' },
        stdin: 'a\ne\n- person idea\n.\n',
      });
      return { ...res, requests: requests() };
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(readFileSync(join(root, 'greet.txt'), 'utf8'), 'hello warden\n');
    assert.equal(readFileSync(join(root, 'notes/todo.md'), 'utf8'), '- person idea\n');
    assert.match(r.stdout, /Let me look\./);
    assert.match(r.stdout, /» read_file \{"path":"greet.txt"\}\n {2}allow \(read-allowed\)/);
    assert.match(r.stdout, /── approval needed: edit_file/);
    assert.match(r.stdout, /-hello world\n\+hello warden/);
    assert.match(
      r.stdout,
      /» run_command \{"command":"ls"\}\n {2}(allow \(command-allowed, rule warden\.commands\.allow: ls \*\)|ask \(no-sandbox)/,
    );
    assert.match(r.stdout, /All done\./);
    assert.match(r.stdout, / {2}│ greet\.txt\n/, 'command output streams to the terminal');
    assert.equal(r.requests.length, 5);
    const lsResult = JSON.stringify((r.requests[4] as { messages: unknown[] }).messages.at(-1));
    assert.match(lsResult, /greet\.txt/);
    const events = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; tool: string | null; decision: string | null; answer: string | null; prev: string });
    const calls = events.filter((e) => e.kind === 'tool_call');
    assert.deepEqual(calls.map((e) => [e.tool, e.decision, e.answer]).slice(0, 3), [
      ['read_file', 'allow', null],
      ['edit_file', 'ask', 'approved'],
      ['write_file', 'ask', 'approved-edited'],
    ]);
    assert.equal(calls.length, 4);
    assert.ok(events.every((e) => typeof e.prev === 'string'));
    assert.doesNotMatch(readFileSync(audit, 'utf8'), /sk-ant-test-0123456789/);
  });

  it('gives a granted secret from its environment only to the approved command, and redacts it before the model sees the output', async () => {
    const root = makeWorkspace();
    const settings = join(makeWorkspace(), 'user.json');
    writeFileSync(settings, JSON.stringify({ 'warden.secrets': { DEPLOY_TOKEN: { commands: ['printenv DEPLOY_TOKEN'] } } }));
    const script: FakeScript = {
      turns: [
        { content: [use('run_command', { command: 'printenv DEPLOY_TOKEN', secrets: ['DEPLOY_TOKEN'] })] },
        { content: [use('run_command', { command: 'env', secrets: ['DEPLOY_TOKEN'] })] },
        { content: [use('run_command', { command: 'printenv DEPLOY_TOKEN' })] },
        { content: [text('done')] },
      ],
    };
    const r = await withFake(script, async (url, requests) => {
      const res = await runWarden(['run', '--workspace', root, '--settings', settings, '--approve', 'ask', 'deploy'], {
        env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k', DEPLOY_TOKEN: 'tok-9f8e7d6c5b4a', UNRELATED_SECRET: 'unrelated-1234' },
        stdin: 'a\na\n',
      });
      return { ...res, requests: JSON.stringify(requests()) };
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.requests, /tok-9f8e7d6c5b4a|unrelated-1234/);
    assert.match(r.requests, /Exit code 0\.\\nstdout:\\n\[REDACTED\]/, 'the approved command received the value, which was redacted');
    assert.match(r.requests, /secret-not-allowed/, 'a command the secret is not granted to is denied');
    assert.match(r.requests, /Exit code 1\./, 'without asking for the secret, the command does not have it');
    assert.doesNotMatch(r.stdout + r.stderr, /tok-9f8e7d6c5b4a/);
  });

  it('with --approve ask, d grants the folder: the next write into it runs unasked, a sibling still asks, the audit names the grant', async () => {
    const root = makeWorkspace({ 'src/lib/a.txt': 'a\n', 'src/lib2/x.txt': 'x\n' });
    const audit = join(makeWorkspace(), 'audit.jsonl');
    const script: FakeScript = {
      turns: [
        { content: [use('write_file', { path: 'src/lib/a.txt', content: 'a2\n' })] },
        { content: [use('write_file', { path: 'src/lib/deep/b.txt', content: 'b\n' })] },
        { content: [use('write_file', { path: 'src/lib2/x.txt', content: 'x2\n' })] },
        { content: [text('Done.')] },
      ],
    };
    const r = await withFake(script, (url) =>
      runWarden(['run', '--workspace', root, '--audit', audit, '--approve', 'ask', 'write'], {
        env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'sk-ant-test-grants-0123456789' },
        stdin: 'd\nr\n',
      }),
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(
      r.stdout,
      /f = this file for this session \(writes to src\/lib\/a\.txt \(file\)\), d = folder src\/lib\/\*\* for this session/,
    );
    assert.equal(readFileSync(join(root, 'src/lib/deep/b.txt'), 'utf8'), 'b\n');
    assert.equal(readFileSync(join(root, 'src/lib2/x.txt'), 'utf8'), 'x\n', 'the sibling folder asked and was rejected');
    assert.equal(r.stdout.match(/── approval needed/g)?.length, 2, 'asked for a.txt and for the sibling only');
    const calls = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; answer: string | null; grant?: { scope: string; description: string } })
      .filter((e) => e.kind === 'tool_call');
    assert.deepEqual(
      calls.map((e) => [e.answer, e.grant?.scope ?? null, e.grant?.description ?? null]),
      [
        ['approved-for-session', 'folder', 'writes under src/lib/** (folder)'],
        ['approved-for-session', 'folder', 'writes under src/lib/** (folder)'],
        ['rejected', null, null],
      ],
    );
  });

  it('with --approve deny, rejects every call that needs a person and still finishes', async () => {
    const root = makeWorkspace({ 'a.txt': 'keep\n' });
    const r = await withFake(
      { turns: [{ content: [use('write_file', { path: 'a.txt', content: 'changed' })] }, { content: [text('ok, not changed')] }] },
      (url) =>
        runWarden(['run', '--workspace', root, '--approve', 'deny', 'change a'], {
          env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' },
        }),
    );
    assert.equal(r.code, 0);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'keep\n');
    assert.match(r.stdout, /person: reject/);
  });

  it('exits 3 when a limit stops the model', async () => {
    const root = makeWorkspace({ 'a.txt': 'x' });
    const again = { content: [use('read_file', { path: 'a.txt' })] };
    const r = await withFake({ turns: [again, again, again] }, (url) =>
      runWarden(['run', '--workspace', root, '--approve', 'deny', '--max-turns', '2', 'loop'], {
        env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' },
      }),
    );
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /\[limit\] Stopped: the task reached the limit of 2 model turns/);
  });

  it('exits 1 and says how to set the key when the API refuses it', async () => {
    const root = makeWorkspace();
    const r = await withFake(
      { turns: [{ httpError: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' } }] },
      (url) =>
        runWarden(['run', '--workspace', root, '--approve', 'deny', 'hi'], { env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'bad' } }),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ANTHROPIC_API_KEY/);
  });

  it('exits 1 naming the bad key when settings are invalid, before calling the model', async () => {
    const root = makeWorkspace();
    const settings = join(makeWorkspace(), 'user.json');
    writeFileSync(settings, JSON.stringify({ 'warden.paths.write': 'not-a-list' }));
    const r = await withFake({ turns: [] }, (url) =>
      runWarden(['run', '--workspace', root, '--settings', settings, 'hi'], { env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'k' } }),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /warden\.paths\.write/);
  });

  const usage: Array<[string, string[]]> = [
    ['no task', ['run', '--workspace', '.']],
    ['two tasks', ['run', '--workspace', '.', 'a', 'b']],
    ['a bad --approve', ['run', '--workspace', '.', '--approve', 'maybe', 't']],
    ['a non-numeric --max-turns', ['run', '--workspace', '.', '--max-turns', 'many', 't']],
    ['an unknown flag', ['run', '--workspace', '.', '--yolo', 'yes', 't']],
  ];
  for (const [name, args] of usage) {
    it(`exits 2 with usage on ${name}`, async () => {
      const r = await runWarden(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /usage: warden run/);
    });
  }
});
