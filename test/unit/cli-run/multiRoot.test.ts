import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import { runWarden } from './helpers';

const fixture = join(__dirname, '..', '..', 'fixtures', 'workspaces', 'multi-root');
const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use' as const, id, name, input });

interface Event {
  kind: string;
  tool: string | null;
  decision: string | null;
  reason: string | null;
  workspace: string;
  output?: unknown;
}

describe('warden run: a workspace of two folders', () => {
  it('decides each call in the folder its path names, by that folder settings, and records both folders', async () => {
    const ws = realpathSync(mkdtempSync(join(tmpdir(), 'warden-multi-run-')));
    cpSync(fixture, ws, { recursive: true });
    const audit = join(ws, 'audit.jsonl');
    const fake = await startFakeAnthropic({
      turns: [
        { content: [use('t1', 'read_file', { path: 'notes.txt' })] },
        { content: [use('t2', 'read_file', { path: 'app:notes.txt' })] },
        { content: [use('t3', 'read_file', { path: 'lib:notes.txt' })] },
        { content: [use('t4', 'write_file', { path: 'app:new.txt', content: 'in app\n' })] },
        { content: [use('t5', 'write_file', { path: 'lib:new.txt', content: 'in lib\n' })] },
        { content: [use('t6', 'run_command', { command: 'ls', cwd: 'lib:' })] },
        { content: [{ type: 'text', text: 'Done.' }] },
      ],
    });
    try {
      const r = await runWarden(
        [
          'run',
          '--workspace',
          join(ws, 'app'),
          '--workspace-settings',
          join(ws, 'app/.vscode/settings.json'),
          '--workspace',
          join(ws, 'lib'),
          '--workspace-settings',
          join(ws, 'lib/.vscode/settings.json'),
          '--settings',
          join(ws, 'user-settings.json'),
          '--audit',
          audit,
          '--approve',
          'deny',
          'Look at both folders.',
        ],
        { env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' } },
      );
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(fake.invalid(), []);
      // The system prompt names both folders and the address form.
      const system = JSON.stringify((fake.requests[0]?.body as { system: unknown }).system);
      assert.match(system, new RegExp(`- app: ${join(ws, 'app')}`));
      assert.match(system, new RegExp(`- lib: ${join(ws, 'lib')}`));
      assert.match(system, /folder-name:relative\/path/);
      // The ambiguous bare name came back to the model as an error naming both candidates.
      const second = JSON.stringify((fake.requests[1]?.body as { messages: unknown }).messages);
      assert.match(second, /several workspace folders \(app, lib\)/);

      const events = readFileSync(audit, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Event);
      const calls = events.filter((e) => e.kind === 'tool_call').map((e) => [e.tool, e.decision, e.reason]);
      assert.deepEqual(calls.slice(0, 5), [
        ['read_file', 'deny', 'invalid-input'],
        ['read_file', 'allow', 'read-allowed'],
        ['read_file', 'deny', 'denied-read'],
        ['write_file', 'allow', 'auto-approved'],
        ['write_file', 'ask', 'needs-approval'],
      ]);
      assert.equal(calls[5]?.[0], 'run_command');
      // Written in app (auto-approved there); not in lib (it asks there, and --approve deny refused).
      assert.equal(readFileSync(join(ws, 'app/new.txt'), 'utf8'), 'in app\n');
      assert.equal(existsSync(join(ws, 'lib/new.txt')), false);
      // The audit identity names both folders.
      assert.ok(
        events.every((e) => e.workspace === [join(ws, 'app'), join(ws, 'lib')].join(delimiter)),
        JSON.stringify(events.map((e) => e.workspace)),
      );
    } finally {
      await fake.close();
    }
  });
});
