import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../../src/core/policy/settings';
import { detectSandbox } from '../../../src/node/sandboxProbe';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { variantsOf } from '../../fixtures/policy/dangerousVariants';
import { makeWorkspace } from '../agent/harness';
import { runWarden } from './helpers';

/**
 * A realistic session (explore, edit, run the tests, fix, run them again:
 * 40 tool calls) played twice by the strict fake Messages API through the
 * real `warden run --approve ask`, in the real sandbox. In the first run
 * every prompt that offers "always allow" is answered with it (the widest
 * rule offered, confirmed with y); the second run starts from the user
 * settings file the first one wrote. It must ask at most a quarter as
 * often, and no rule written may let the real guard (`warden check`) allow
 * a dangerous-argument variant of its program.
 */
const REPO = join(__dirname, '..', '..', '..');
const SAMPLE = join(REPO, 'sample-workspace');
const use = (name: string, input: unknown) => ({ content: [{ type: 'tool_use' as const, name, input }] });
const run = (command: string) => use('run_command', { command });

const FIX = 'export function removeItem(items, index) {\n  return items.filter((_, i) => i !== index);\n}\n';
const calls = [
  use('list_files', { path: '.' }),
  use('read_file', { path: 'README.md' }),
  use('read_file', { path: 'package.json' }),
  use('read_file', { path: 'src/todo.mjs' }),
  use('read_file', { path: 'src/cli.mjs' }),
  use('read_file', { path: 'test/todo.test.mjs' }),
  use('search_text', { query: 'parseLine' }),
  run('git status'),
  run('ls src test'),
  run('wc -l src/todo.mjs src/cli.mjs'),
  run('head -n 20 src/cli.mjs'),
  run('grep -n export src/todo.mjs'),
  run('npm test'),
  use('edit_file', {
    path: 'src/todo.mjs',
    old_text: 'export function formatItem',
    new_text: 'export function removeItem(items, index) {\n  return items.slice(index);\n}\n\nexport function formatItem',
  }),
  use('write_file', {
    path: 'test/remove.test.mjs',
    content:
      "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { removeItem } from '../src/todo.mjs';\n\ntest('removes one item', () => {\n  assert.deepEqual(removeItem(['a', 'b', 'c'], 1), ['a', 'c']);\n});\n",
  }),
  run('npm test'),
  use('read_file', { path: 'src/todo.mjs' }),
  use('edit_file', {
    path: 'src/todo.mjs',
    old_text: 'export function removeItem(items, index) {\n  return items.slice(index);\n}\n',
    new_text: FIX,
  }),
  run('npm test'),
  run('node --test test/remove.test.mjs'),
  use('edit_file', { path: 'test/remove.test.mjs', old_text: "test('removes one item'", new_text: "test('removes exactly one item'" }),
  run('node --test test/remove.test.mjs'),
  run('git diff'),
  use('read_file', { path: 'README.md' }),
  use('edit_file', { path: 'README.md', old_text: '# ', new_text: '# ' }),
  run('wc -l src/todo.mjs test/remove.test.mjs'),
  run('cat package.json'),
  use('write_file', { path: 'docs/usage.md', content: '# Usage\n\n`todo remove N` removes item N.\n' }),
  run('grep -n export src/cli.mjs'),
  run('head -n 20 src/todo.mjs'),
  use('list_files', { path: 'test' }),
  run('npm test'),
  run('rm -f todo.txt'),
  use('edit_file', { path: 'src/cli.mjs', old_text: '\n', new_text: '\n' }),
  run('npm test'),
  run('git status'),
  run('ls -la'),
  use('read_file', { path: 'docs/usage.md' }),
  use('search_text', { query: 'removeItem' }),
  run('cat docs/usage.md'),
];
const script: FakeScript = { turns: [...calls, { content: [{ type: 'text', text: 'Added removeItem with a test; the tests pass.' }] }] };

/**
 * The scripted person: answers each prompt as it appears on the real CLI's
 * stdout. `always`: take "always allow" where offered (the widest rule,
 * confirmed with y), else approve; otherwise approve every time.
 */
function person(always: boolean): (pending: string) => string | null {
  return (pending) => {
    if (/rule \(1-(\d+)\) > $/.test(pending)) return /rule \(1-(\d+)\) > $/.exec(pending)?.[1] ?? '1';
    if (/write it\? \[y\/N\] > $/.test(pending)) return 'y';
    if (/\[a\]pprove .*> $/.test(pending)) return always && pending.includes('[w] always allow') ? 'w' : 'a';
    return null;
  };
}

function runInteractive(
  args: readonly string[],
  env: Record<string, string>,
  answer: (pending: string) => string | null,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let answeredAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const pending = stdout.slice(answeredAt);
      const a = answer(pending);
      if (a !== null) {
        answeredAt = stdout.length;
        child.stdin.write(`${a}\n`);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function session(userFile: string, always: boolean): Promise<{ asks: number; stdout: string }> {
  const root = makeWorkspace();
  cpSync(SAMPLE, root, { recursive: true });
  const fake = await startFakeAnthropic(script);
  try {
    const r = await runInteractive(
      ['run', '--workspace', root, '--settings', userFile, '--approve', 'ask', '--max-turns', '60', 'Add a remove command with a test.'],
      { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' },
      person(always),
    );
    assert.equal(r.code, 0, `${r.stdout.slice(-3000)}\n${r.stderr}`);
    assert.deepEqual(fake.invalid(), []);
    return { asks: (r.stdout.match(/── approval needed/g) ?? []).length, stdout: r.stdout };
  } finally {
    await fake.close();
  }
}

describe(
  'fewer prompts after accepting the suggested rules',
  { skip: detectSandbox() ? false : 'no working bubblewrap sandbox here: every command would ask (no-sandbox)' },
  () => {
    it(
      'asks at most a quarter as often the second time, and no rule written admits a dangerous argument',
      { timeout: 600_000 },
      async () => {
        assert.equal(calls.length, 40);
        const dir = makeWorkspace();
        const userFile = join(dir, 'user.json');
        writeFileSync(userFile, '{}\n');

        const first = await session(userFile, true);
        const second = await session(userFile, false);

        const written = JSON.parse(readFileSync(userFile, 'utf8')) as Record<string, string[]>;
        console.log(`fewer prompts: first run ${first.asks} asks, second run ${second.asks}; rules written: ${JSON.stringify(written)}`);
        assert.ok(first.asks >= 8, `the first run asked only ${first.asks} times`);
        assert.ok(second.asks * 4 <= first.asks, `second run asked ${second.asks} times, first ${first.asks}`);
        // Every prompt says why it asks, first.
        for (const p of first.stdout.split('── approval needed').slice(1)) assert.match(p.split('\n')[1] ?? '', /^Asks: /);

        // No written command rule lets the real guard allow a dangerous-argument variant of its program.
        const defaults = new Set(defaultSettings()['warden.commands.allow']);
        const added = (written['warden.commands.allow'] ?? []).filter((r) => !defaults.has(r));
        assert.ok(added.length >= 5, `only ${added.length} command rules were written`);
        const lines = added.flatMap((rule) => {
          const words = rule.split(' ');
          const fixed = words.at(-1) === '*' ? words.slice(0, -1) : words;
          return variantsOf(fixed[0] ?? '').flatMap((v) => [
            [...fixed, ...v],
            [fixed[0] ?? '', ...v],
          ]);
        });
        const root = makeWorkspace();
        cpSync(SAMPLE, root, { recursive: true });
        const input = lines
          .map((argv) =>
            JSON.stringify({ tool: 'run_command', input: { command: argv.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ') } }),
          )
          .join('\n');
        const check = await runWarden(['check', '--workspace', root, '--settings', userFile, '--sandbox', 'available'], {
          stdin: `${input}\n`,
        });
        assert.equal(check.code, 0, check.stderr);
        const decisions = check.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { decision: string }).decision);
        assert.equal(decisions.length, lines.length);
        const leaked = lines.filter((_, i) => decisions[i] === 'allow').map((a) => a.join(' '));
        assert.deepEqual(leaked, []);
      },
    );
  },
);
