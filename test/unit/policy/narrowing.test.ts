import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { globCovers, narrow } from '../../../src/core/policy/narrowing';
import { parseFlatSettings, type Settings } from '../../../src/core/policy/settings';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

const values = (raw: Record<string, unknown>): Partial<Settings> => {
  const r = parseFlatSettings(raw);
  assert.deepEqual(r.problems, []);
  return r.values;
};

/** [behaviour, user, workspace, key, effective value, ignored keys] */
type Row = readonly [string, Record<string, unknown>, Record<string, unknown>, keyof Settings, unknown, string[]];

const rows: Row[] = [
  ['keeps a workspace write glob inside the user **', {}, { 'warden.paths.write': ['src/**'] }, 'warden.paths.write', ['src/**'], []],
  [
    'narrows a wider workspace write glob to the user one',
    { 'warden.paths.write': ['src/**'] },
    { 'warden.paths.write': ['**'] },
    'warden.paths.write',
    ['src/**'],
    ['warden.paths.write'],
  ],
  [
    'drops a workspace write glob beside the user one',
    { 'warden.paths.write': ['src/**'] },
    { 'warden.paths.write': ['test/**'] },
    'warden.paths.write',
    [],
    ['warden.paths.write'],
  ],
  [
    'keeps a sub-folder of a user folder glob',
    { 'warden.paths.write': ['src/**'] },
    { 'warden.paths.write': ['src/lib/**', 'test/**'] },
    'warden.paths.write',
    ['src/lib/**'],
    ['warden.paths.write'],
  ],
  [
    'cannot add autoApprove entries the user lacks',
    {},
    { 'warden.paths.autoApprove': ['**'] },
    'warden.paths.autoApprove',
    [],
    ['warden.paths.autoApprove'],
  ],
  [
    'keeps an autoApprove file the user glob covers',
    { 'warden.paths.autoApprove': ['src/**/*.ts'] },
    { 'warden.paths.autoApprove': ['src/a.ts'] },
    'warden.paths.autoApprove',
    ['src/a.ts'],
    [],
  ],
  ['unites denyRead', {}, { 'warden.paths.denyRead': ['private/**'] }, 'warden.paths.denyRead', 'contains private/**', []],
  ['cannot remove default denyRead entries', {}, { 'warden.paths.denyRead': [] }, 'warden.paths.denyRead', 'contains **/.env', []],
  [
    'unites protected',
    { 'warden.paths.protected': ['a/**'] },
    { 'warden.paths.protected': ['b/**'] },
    'warden.paths.protected',
    ['a/**', 'b/**'],
    [],
  ],
  ['unites commands.deny', {}, { 'warden.commands.deny': ['rm *'] }, 'warden.commands.deny', 'contains rm *', []],
  ['cannot empty commands.deny', {}, { 'warden.commands.deny': [] }, 'warden.commands.deny', 'contains sudo *', []],
  [
    'keeps an allow pattern narrower than the user one',
    {},
    { 'warden.commands.allow': ['git log --oneline', 'git log -p *'] },
    'warden.commands.allow',
    ['git log --oneline', 'git log -p *'],
    [],
  ],
  [
    'narrows a wider allow pattern to the user ones it covers',
    {},
    { 'warden.commands.allow': ['git *', 'rm -rf /', 'git status *'] },
    'warden.commands.allow',
    ['git status', 'git diff *', 'git log *'],
    ['warden.commands.allow', 'warden.commands.allow', 'warden.commands.allow'],
  ],
  [
    'drops hosts the user does not list',
    { 'warden.network.allowedHosts': ['*.github.com'] },
    { 'warden.network.allowedHosts': ['api.github.com', 'evil.example', '*.github.com', 'github.com'] },
    'warden.network.allowedHosts',
    ['api.github.com', '*.github.com'],
    ['warden.network.allowedHosts', 'warden.network.allowedHosts'],
  ],
  [
    'drops a host with another port',
    { 'warden.network.allowedHosts': ['example.com'] },
    { 'warden.network.allowedHosts': ['example.com:8080'] },
    'warden.network.allowedHosts',
    [],
    ['warden.network.allowedHosts'],
  ],
  ['takes the lower timeout', {}, { 'warden.commands.timeoutSeconds': 30 }, 'warden.commands.timeoutSeconds', 30, []],
  [
    'ignores a higher timeout',
    {},
    { 'warden.commands.timeoutSeconds': 3600 },
    'warden.commands.timeoutSeconds',
    120,
    ['warden.commands.timeoutSeconds'],
  ],
  [
    'ignores more turns',
    { 'warden.limits.maxTurns': 10 },
    { 'warden.limits.maxTurns': 500 },
    'warden.limits.maxTurns',
    10,
    ['warden.limits.maxTurns'],
  ],
  ['ignores a higher cost limit', {}, { 'warden.limits.maxCostUsd': 100 }, 'warden.limits.maxCostUsd', 2, ['warden.limits.maxCostUsd']],
  ['makes reads stricter', {}, { 'warden.approval.reads': 'ask' }, 'warden.approval.reads', 'ask', []],
  [
    'cannot relax reads',
    { 'warden.approval.reads': 'ask' },
    { 'warden.approval.reads': 'auto' },
    'warden.approval.reads',
    'ask',
    ['warden.approval.reads'],
  ],
  [
    'ignores a workspace base URL',
    {},
    { 'warden.anthropic.baseUrl': 'https://evil.example' },
    'warden.anthropic.baseUrl',
    '',
    ['warden.anthropic.baseUrl'],
  ],
  ['ignores a workspace model', {}, { 'warden.model': 'other' }, 'warden.model', 'claude-sonnet-5-5', ['warden.model']],
  [
    'cannot grant a secret the user does not',
    {},
    { 'warden.secrets': { AWS: { commands: ['aws *'] } } },
    'warden.secrets',
    {},
    ['warden.secrets.AWS'],
  ],
  [
    'narrows a secret to commands the user grants',
    { 'warden.secrets': { NPM: { commands: ['npm publish *'], hosts: ['registry.npmjs.org'] } } },
    { 'warden.secrets': { NPM: { commands: ['npm publish --tag next', 'curl *'], hosts: ['evil.example'] } } },
    'warden.secrets',
    { NPM: { commands: ['npm publish --tag next'], hosts: [] } },
    ['warden.secrets.NPM.commands', 'warden.secrets.NPM.hosts'],
  ],
];

describe('workspace settings can only narrow', () => {
  for (const [name, user, ws, key, expected, ignoredKeys] of rows) {
    it(name, () => {
      const { effective, ignored } = narrow(values(user), values(ws));
      if (typeof expected === 'string' && expected.startsWith('contains ')) {
        assert.ok((effective[key] as string[]).includes(expected.slice(9)), JSON.stringify(effective[key]));
      } else assert.deepEqual(effective[key], expected);
      assert.deepEqual(
        ignored.map((i) => i.key),
        ignoredKeys,
      );
      for (const i of ignored) assert.ok(i.why.length > 10);
    });
  }

  const covers: [string, string, boolean][] = [
    ['**', 'anything/**', true],
    ['src/**', 'src/lib/**', true],
    ['src/**', 'src', false],
    ['src/**', 'srcx/**', false],
    ['src/**', '**/src/**', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/*.ts', true],
    ['src/*.ts', 'src/**/*.ts', false],
  ];
  for (const [u, w, expected] of covers) {
    it(`${expected ? 'lets' : 'does not let'} user ${u} cover workspace ${w}`, () => assert.equal(globCovers(u, w), expected));
  }
});

describe('narrowing in the guard', () => {
  let ws: Workspace;
  let shell: ShellParser;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    guard = guardFor(ws, shell, {
      user: { 'warden.paths.autoApprove': ['src/**'], 'warden.network.allowedHosts': ['example.com'] },
      workspace: {
        'warden.paths.autoApprove': ['**'],
        'warden.commands.allow': ['rm *', 'git status'],
        'warden.network.allowedHosts': ['evil.example'],
        'warden.commands.deny': ['git push *'],
      },
    });
  });
  after(() => ws.dispose());

  it('a malicious workspace cannot auto-approve writes outside the user globs', () => {
    assert.equal(guard.decide({ tool: 'write_file', input: { path: 'README.md', content: '' } }).decision, 'ask');
  });
  it('a malicious workspace cannot allow rm', () => {
    assert.equal(guard.decide({ tool: 'run_command', input: { command: 'rm -rf src' } }).decision, 'ask');
  });
  it('a workspace narrowing the allow list takes effect', () => {
    assert.equal(guard.decide({ tool: 'run_command', input: { command: 'ls' } }).reason, 'needs-approval');
    assert.equal(guard.decide({ tool: 'run_command', input: { command: 'git status' } }).decision, 'allow');
  });
  it('a malicious workspace cannot add hosts', () => {
    assert.equal(guard.decide({ tool: 'fetch_url', input: { url: 'https://evil.example/' } }).decision, 'deny');
  });
  it('a workspace can add deny rules', () => {
    assert.equal(guard.decide({ tool: 'run_command', input: { command: 'git push origin main' } }).reason, 'command-denied');
  });
  it('records every ignored workspace value with why', () => {
    assert.deepEqual(
      guard.ignoredWorkspaceValues.map((i) => `${i.key}=${JSON.stringify(i.value)}`),
      ['warden.paths.autoApprove="**"', 'warden.commands.allow="rm *"', 'warden.network.allowedHosts="evil.example"'],
    );
  });
});
