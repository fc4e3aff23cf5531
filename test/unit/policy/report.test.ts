import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { minimatch } from 'minimatch';
import { parseCommandPattern, patternMatches } from '../../../src/core/policy/commandPattern';
import { createGuard } from '../../../src/core/policy/createGuard';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { hostEntryAdmits, parseHostEntry } from '../../../src/core/policy/hostEntry';
import { folderPolicy, policyReport, reportMarkdown, type PolicyReport } from '../../../src/core/policy/report';
import type { ProposedCall } from '../../../src/core/tools/schemas';
import { envFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * The policy report against the guard's own decisions: on calls generated
 * with fast-check (commands built from the rules' words plus other words
 * and dangerous arguments, writes and reads of many paths, fetches of many
 * hosts), everything the guard allows is something the report says runs
 * unasked. The report never claims less than the guard allows. Run on the
 * sample workspace with realistic user settings and on a hostile fixture
 * whose workspace settings try to widen them.
 */
const FIX = join(__dirname, '..', '..', 'fixtures');
const USER = JSON.parse(readFileSync(join(FIX, 'policy/realistic-user-settings.json'), 'utf8')) as Record<string, unknown>;
const HOSTILE = JSON.parse(readFileSync(join(FIX, 'policy/hostile-workspace-settings.json'), 'utf8')) as Record<string, unknown>;

const WORDS = [
  'git',
  'status',
  'diff',
  'log',
  'ls',
  'pwd',
  'npm',
  'test',
  'install',
  'wc',
  '-l',
  'cat',
  'grep',
  '-n',
  'make',
  'python3',
  'bash',
  'curl',
  '-c',
  '-e',
  '--output=x',
  '-o',
  'README.md',
  'src/todo.mjs',
  '.env',
  'todo',
  '&&',
  '|',
  ';',
  '$(id)',
  '**',
];
const PATHS = [
  'src/a.mjs',
  'src/todo.mjs',
  'test/x.test.mjs',
  'docs/u.md',
  'README.md',
  '.vscode/settings.json',
  '.env',
  'notes/n.txt',
  'src/.git/config',
  'AGENTS.md',
  'x/y.txt',
  '../out.txt',
];
const HOSTS = ['registry.npmjs.org', 'api.github.com', 'github.com', 'evil.example', 'example.com', '127.0.0.1', 'a.b.github.com'];

const callArb: fc.Arbitrary<ProposedCall> = fc.oneof(
  fc
    .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 })
    .map((w) => ({ tool: 'run_command', input: { command: w.join(' ') } })),
  fc
    .tuple(fc.constantFrom('write_file', 'read_file', 'delete_file'), fc.constantFrom(...PATHS))
    .map(([tool, path]) => (tool === 'write_file' ? { tool, input: { path, content: 'x' } } : { tool, input: { path } }) as ProposedCall),
  fc
    .tuple(fc.constantFrom('https', 'http'), fc.constantFrom(...HOSTS))
    .map(([scheme, host]) => ({ tool: 'fetch_url', input: { url: `${scheme}://${host}/p` } })),
);

/** Why the report does not cover an allowed call, or null when it does. */
function uncovered(report: PolicyReport, call: ProposedCall, guard: Guard): string | null {
  const d = guard.decide(call);
  if (d.decision !== 'allow') return null;
  const det = d.details;
  if (det.kind === 'command') {
    for (const c of det.commands) {
      const ok = report.commands.unasked.some((g) => {
        const p = parseCommandPattern(g.rule);
        return g.runsUnasked && typeof p !== 'string' && c.argv !== null && patternMatches(p, c.argv);
      });
      if (!ok) return `command '${c.text}' runs unasked, but the report names no rule for it`;
    }
    return null;
  }
  if (det.kind === 'url') {
    const url = new URL(det.url);
    const ok = report.hosts.fetchUrl.some((h) => {
      const e = parseHostEntry(h);
      return e !== null && hostEntryAdmits(e, url.hostname, url.port === '' ? null : url.port);
    });
    return ok ? null : `fetch of ${det.url} is allowed, but the report lists no host for it`;
  }
  if (det.kind === 'path') {
    const rel = det.target.relative;
    if (report.writes.never.some((g) => minimatch(rel, g, { dot: true }))) return `${rel} is allowed but the report says never`;
    if (
      call.tool === 'write_file' &&
      !report.writes.withoutAsking.some((g) => minimatch(rel, g, { dot: true }) || (g.endsWith('/**') && rel === g.slice(0, -3)))
    ) {
      return `write of ${rel} runs unasked, but the report lists no glob for it`;
    }
  }
  return null;
}

describe('the policy report claims at least what the guard allows', () => {
  let ws: Workspace;
  let shell: ShellParser;
  before(async () => {
    ws = makeWorkspace();
    cpSync(join(__dirname, '..', '..', '..', 'sample-workspace'), ws.root, { recursive: true });
    ws.file('docs/u.md');
    ws.file('notes/n.txt');
    shell = await shellParser();
  });
  after(() => ws.dispose());

  const cases = [
    { name: 'the sample workspace with realistic user settings', workspace: {} },
    { name: 'a hostile workspace whose settings try to widen them', workspace: HOSTILE },
  ];
  for (const sandbox of [true, false]) {
    for (const c of cases) {
      it(`${c.name}, sandbox ${sandbox ? 'available' : 'missing'}`, () => {
        const guard = createGuard({ user: USER, workspace: c.workspace }, envFor(ws, shell, { sandbox }));
        assert.deepEqual(guard.problems, []);
        const report = policyReport(
          folderPolicy(ws.root, USER, c.workspace, { available: sandbox, state: sandbox ? 'sandboxed' : 'none' }),
        );
        let allowed = 0;
        fc.assert(
          fc.property(callArb, (call) => {
            if (guard.decide(call).decision === 'allow') allowed++;
            const why = uncovered(report, call, guard);
            assert.equal(why, null, `${JSON.stringify(call)}: ${why ?? ''}`);
          }),
          { numRuns: 300, seed: 7 },
        );
        assert.ok(allowed >= 30, `only ${allowed} generated calls were allowed: the comparison would say little`);
        if (!sandbox)
          assert.ok(
            report.commands.unasked.every((g) => !g.runsUnasked),
            'without a sandbox nothing runs unasked',
          );
      });
    }
  }

  it('names every auto-allowed command with its implication, every host, every secret, and what the hostile workspace was refused', () => {
    const report = policyReport(folderPolicy(ws.root, USER, HOSTILE, { available: true, state: 'sandboxed' }));
    const rules = report.commands.unasked.map((g) => g.rule);
    assert.deepEqual([...rules].sort(), ['git status', 'ls ![x](https://evil.example/p.png)']);
    const full = policyReport(folderPolicy(ws.root, USER, {}, { available: true, state: 'sandboxed' }));
    assert.deepEqual(
      full.commands.unasked.map((g) => g.rule),
      USER['warden.commands.allow'],
    );
    const implied = (rule: string) => full.commands.unasked.find((g) => g.rule === rule)?.implies.map((i) => i.kind) ?? [];
    assert.deepEqual(implied('npm test'), ['runs-repository-code']);
    assert.deepEqual(implied('git status'), ['runs-configured-programs']);
    assert.ok(implied('make **').includes('runs-repository-code') && implied('make **').includes('runs-any-code'));
    assert.ok(implied('python3 *').includes('runs-any-code'));
    assert.deepEqual(implied('wc -l *'), []);
    assert.deepEqual(full.hosts.fetchUrl, ['registry.npmjs.org', '*.github.com']);
    assert.deepEqual(
      full.secrets.map((s) => [s.name, s.commands, s.hosts]),
      [['NPM_TOKEN', ['npm install', 'npm whoami'], ['registry.npmjs.org']]],
    );
    // The hostile values: every widening named as ignored.
    const ignored = report.ignoredWorkspaceValues.map((i) => i.key);
    for (const k of [
      'warden.commands.allow',
      'warden.paths.autoApprove',
      'warden.network.allowedHosts',
      'warden.secrets.NPM_TOKEN.commands',
      'warden.secrets.NPM_TOKEN.hosts',
    ])
      assert.ok(ignored.includes(k), `${k} not reported as ignored: ${ignored.join(', ')}`);
    assert.deepEqual(report.hosts.fetchUrl, ['registry.npmjs.org']);
    assert.ok(report.writes.never.includes('notes/**'), 'a narrowing workspace value is kept');
    assert.equal(report.managedPolicy, null);
    // Words from the workspace never become markup on the page: no link or image syntax survives unescaped.
    const md = reportMarkdown(report);
    assert.doesNotMatch(md.replace(/`[^`]*`/g, ''), /!\[|\]\(/);
  });
});
