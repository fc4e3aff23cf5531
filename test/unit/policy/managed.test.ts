import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCheck } from '../../../src/cli/check';
import { createGuard, effectiveSettings } from '../../../src/core/policy/createGuard';
import type { ShellParser } from '../../../src/core/policy/guard';
import { describeManagedPolicy, managedPolicyLines } from '../../../src/core/policy/managed';
import { narrow } from '../../../src/core/policy/narrowing';
import { parseFlatSettings, type Settings } from '../../../src/core/policy/settings';
import { loadManagedPolicy, managedPolicyDir } from '../../../src/node/managedPolicy';
import { createPathProbe } from '../../../src/node/pathProbe';
import { makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * The managed policy: real files in a real folder, with real owners and
 * modes (the tests run as root; `nobody` owns the files that must be refused).
 */
const isRoot = userInfo().uid === 0;
const NOBODY = 65534;

const values = (raw: Record<string, unknown>): Partial<Settings> => {
  const r = parseFlatSettings(raw);
  assert.deepEqual(r.problems, []);
  return r.values;
};

describe('managed policy folder per platform', () => {
  const rows: [string, NodeJS.Platform, Record<string, string>, string][] = [
    ['Linux reads /etc/warden', 'linux', {}, '/etc/warden'],
    ['macOS reads /Library/Application Support/Warden', 'darwin', {}, '/Library/Application Support/Warden'],
    ['Windows reads %ProgramData%\\Warden', 'win32', { ProgramData: 'D:\\ProgramData' }, 'D:\\ProgramData\\Warden'],
    ['Windows without ProgramData falls back to C:\\ProgramData', 'win32', {}, 'C:\\ProgramData\\Warden'],
  ];
  for (const [name, platform, env, dir] of rows) it(name, () => assert.equal(managedPolicyDir(platform, env), dir));
});

describe('managed policy files: owner and mode', { skip: !isRoot && 'needs root to chown files' }, () => {
  let base: string;
  let dir: string;
  const write = (rel: string, content: unknown, mode = 0o644, uid = 0): string => {
    const p = join(dir, rel);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    chmodSync(p, mode);
    chownSync(p, uid, 0);
    return p;
  };
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'warden-managed-'));
  });
  beforeEach(() => {
    dir = mkdtempSync(join(base, 'etc-'));
    chmodSync(dir, 0o755);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('no folder: no policy and nothing refused', () => {
    const m = loadManagedPolicy({ dir: join(base, 'absent') });
    assert.deepEqual(m, { sources: [], values: {}, refused: [], unreadable: [] });
  });

  it('reads a root-owned file no one else may write', () => {
    const f = write('managed-settings.json', { 'warden.commands.deny': ['curl *'] });
    const m = loadManagedPolicy({ dir });
    assert.deepEqual(m.sources, [f]);
    assert.deepEqual(m.values, { 'warden.commands.deny': ['curl *'] });
    assert.deepEqual(m.refused, []);
  });

  const refusals: [string, () => void, RegExp][] = [
    [
      'a file owned by another user',
      () => write('managed-settings.json', { 'warden.limits.maxTurns': 1 }, 0o644, NOBODY),
      /owned by uid 65534, not root/,
    ],
    ['a file others may write', () => write('managed-settings.json', { 'warden.limits.maxTurns': 1 }, 0o646), /writable by others/],
    ['a file its group may write', () => write('managed-settings.json', { 'warden.limits.maxTurns': 1 }, 0o664), /writable by its group/],
    [
      'a symbolic link',
      () => {
        const target = join(base, `target-${Math.random()}.json`);
        writeFileSync(target, '{}');
        symlinkSync(target, join(dir, 'managed-settings.json'));
      },
      /symbolic link/,
    ],
  ];
  for (const [name, make, why] of refusals) {
    it(`ignores ${name}, saying why`, () => {
      make();
      const m = loadManagedPolicy({ dir });
      assert.deepEqual(m.sources, []);
      assert.deepEqual(m.values, {});
      assert.equal(m.refused.length, 1);
      assert.match(m.refused[0] ?? '', why);
    });
  }

  it('ignores everything in a folder others may write', () => {
    write('managed-settings.json', { 'warden.limits.maxTurns': 1 });
    chmodSync(dir, 0o757);
    const m = loadManagedPolicy({ dir });
    assert.deepEqual(m.sources, []);
    assert.match(m.refused[0] ?? '', /the folder .* is writable by others/);
  });

  it('ignores everything in a folder owned by another user', () => {
    write('managed-settings.json', { 'warden.limits.maxTurns': 1 });
    chownSync(dir, NOBODY, 0);
    const m = loadManagedPolicy({ dir });
    assert.deepEqual(m.sources, []);
    assert.match(m.refused[0] ?? '', /owned by uid 65534/);
  });

  it('merges drop-ins after the main file, in name order, skipping a refused one', () => {
    write('managed-settings.json', { 'warden.limits.maxTurns': 10, 'warden.commands.deny': ['curl *'] });
    mkdirSync(join(dir, 'managed-settings.d'), { mode: 0o755 });
    write('managed-settings.d/20-org.json', { 'warden.managed.organizationId': 'acme', 'warden.limits.maxTurns': 5 });
    write('managed-settings.d/10-base.json', { 'warden.limits.maxTurns': 20, 'warden.managed.forbidAutoReads': true });
    write('managed-settings.d/30-user.json', { 'warden.limits.maxTurns': 500 }, 0o666);
    write('managed-settings.d/notes.txt', 'not json');
    const m = loadManagedPolicy({ dir });
    assert.deepEqual(
      m.sources.map((s) => s.slice(dir.length + 1)),
      ['managed-settings.json', 'managed-settings.d/10-base.json', 'managed-settings.d/20-org.json'],
    );
    assert.deepEqual(m.values, {
      'warden.limits.maxTurns': 5,
      'warden.commands.deny': ['curl *'],
      'warden.managed.forbidAutoReads': true,
      'warden.managed.organizationId': 'acme',
    });
    assert.equal(m.refused.length, 1);
    assert.match(m.refused[0] ?? '', /30-user\.json: ignored because .* is writable by its group and others/);
  });

  it('a trusted file with bad JSON fails closed: every call is denied, naming the file', async () => {
    const f = write('managed-settings.json', '{ "warden.limits.maxTurns": ');
    const e = effectiveSettings({ user: {}, managed: loadManagedPolicy({ dir }) });
    assert.equal(e.problems.length, 1);
    assert.ok(e.problems[0]?.message.includes(f));
    const ws = makeWorkspace();
    try {
      const g = createGuard(
        { user: {}, managed: loadManagedPolicy({ dir }) },
        {
          roots: [ws.root],
          home: ws.home,
          probe: createPathProbe(),
          shell: await shellParser(),
          sandboxAvailable: () => true,
          trusted: () => true,
        },
      );
      assert.equal(g.decide({ tool: 'read_file', input: { path: 'a' } }).reason, 'policy-invalid');
    } finally {
      ws.dispose();
    }
  });

  it('a trusted file with an invalid value fails closed, naming the key', () => {
    write('managed-settings.json', { 'warden.commands.allow': ['a * b'] });
    const e = effectiveSettings({ user: {}, managed: loadManagedPolicy({ dir }) });
    assert.equal(e.problems[0]?.key, 'warden.commands.allow');
    assert.match(e.problems[0]?.message ?? '', /managed policy/);
  });
});

describe('user and workspace settings can only narrow the managed policy', () => {
  /** [behaviour, managed, user, workspace, key, effective, ignored "level:key"] */
  type Row = readonly [
    string,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    keyof Settings,
    unknown,
    string[],
  ];
  const rows: Row[] = [
    [
      'a user allow rule wider than the managed list is cut to it',
      { 'warden.commands.allow': ['git status', 'npm test'] },
      { 'warden.commands.allow': ['git *', 'npm test'] },
      {},
      'warden.commands.allow',
      ['git status', 'npm test'],
      ['user:warden.commands.allow'],
    ],
    [
      'a user allow rule the managed list lacks is dropped',
      { 'warden.commands.allow': ['npm test'] },
      { 'warden.commands.allow': ['curl *'] },
      {},
      'warden.commands.allow',
      [],
      ['user:warden.commands.allow'],
    ],
    [
      'a workspace cannot bring back what the managed policy left out',
      { 'warden.commands.allow': ['npm test'] },
      {},
      { 'warden.commands.allow': ['curl *'] },
      'warden.commands.allow',
      [],
      ['workspace:warden.commands.allow'],
    ],
    [
      'user settings set freely what the managed policy leaves unset',
      { 'warden.commands.deny': ['curl *'] },
      { 'warden.commands.allow': ['npm test'] },
      {},
      'warden.commands.allow',
      ['npm test'],
      [],
    ],
    [
      'a user cannot remove a managed deny rule',
      { 'warden.commands.deny': ['curl *'] },
      { 'warden.commands.deny': [] },
      {},
      'warden.commands.deny',
      ['curl *'],
      [],
    ],
    [
      'a user deny rule adds to the managed ones',
      { 'warden.commands.deny': ['curl *'] },
      { 'warden.commands.deny': ['wget *'] },
      {},
      'warden.commands.deny',
      ['curl *', 'wget *'],
      [],
    ],
    [
      'a user cannot raise a managed limit',
      { 'warden.limits.maxCostUsd': 1 },
      { 'warden.limits.maxCostUsd': 50 },
      {},
      'warden.limits.maxCostUsd',
      1,
      ['user:warden.limits.maxCostUsd'],
    ],
    [
      'a user may lower a managed limit',
      { 'warden.limits.maxCostUsd': 1 },
      { 'warden.limits.maxCostUsd': 0.5 },
      {},
      'warden.limits.maxCostUsd',
      0.5,
      [],
    ],
    [
      'a user host the managed list does not cover is dropped',
      { 'warden.network.allowedHosts': ['*.corp.example'] },
      { 'warden.network.allowedHosts': ['evil.example', 'git.corp.example'] },
      {},
      'warden.network.allowedHosts',
      ['git.corp.example'],
      ['user:warden.network.allowedHosts'],
    ],
    [
      'a user cannot change a model the managed policy fixes',
      { 'warden.model': 'claude-haiku-5-5' },
      { 'warden.model': 'claude-opus-5-5' },
      {},
      'warden.model',
      'claude-haiku-5-5',
      ['user:warden.model'],
    ],
    [
      "a user cannot relax the managed 'ask' for reads",
      { 'warden.approval.reads': 'ask' },
      { 'warden.approval.reads': 'auto' },
      {},
      'warden.approval.reads',
      'ask',
      ['user:warden.approval.reads'],
    ],
    [
      "forbidAutoReads makes every read ask and reports a user 'auto'",
      { 'warden.managed.forbidAutoReads': true },
      { 'warden.approval.reads': 'auto' },
      {},
      'warden.approval.reads',
      'ask',
      ['user:warden.approval.reads'],
    ],
    [
      'forbidAutoReads binds even with no lower value',
      { 'warden.managed.forbidAutoReads': true },
      {},
      {},
      'warden.approval.reads',
      'ask',
      [],
    ],
    [
      'a user base URL off the allowed endpoints is replaced by the first allowed',
      { 'warden.managed.allowedModelEndpoints': ['https://llm.corp.example'] },
      { 'warden.anthropic.baseUrl': 'https://evil.example' },
      {},
      'warden.anthropic.baseUrl',
      'https://llm.corp.example',
      ['user:warden.anthropic.baseUrl'],
    ],
    [
      'a user base URL on the allowed endpoints is kept',
      { 'warden.managed.allowedModelEndpoints': ['https://a.example', 'https://b.example/'] },
      { 'warden.anthropic.baseUrl': 'https://b.example' },
      {},
      'warden.anthropic.baseUrl',
      'https://b.example',
      [],
    ],
    [
      'a user may only tighten a managed-only key: switching one on is kept',
      {},
      { 'warden.managed.forbidAutoReads': true },
      {},
      'warden.approval.reads',
      'ask',
      [],
    ],
    [
      'a user cannot change the organisation id the managed policy sets',
      { 'warden.managed.organizationId': 'acme' },
      { 'warden.managed.organizationId': 'mine' },
      {},
      'warden.managed.organizationId',
      'acme',
      ['user:warden.managed.organizationId'],
    ],
    [
      'a user cannot add an endpoint to the managed list',
      { 'warden.managed.allowedModelEndpoints': ['https://a.example'] },
      { 'warden.managed.allowedModelEndpoints': ['https://a.example', 'https://evil.example'] },
      {},
      'warden.managed.allowedModelEndpoints',
      ['https://a.example'],
      ['user:warden.managed.allowedModelEndpoints'],
    ],
    [
      'narrowing effective settings again keeps the managed rules (a folder or a running task)',
      {},
      {},
      {},
      'warden.managed.forbidUnsandboxedRunner',
      false,
      [],
    ],
    [
      'a managed-only key cannot be switched off by a user',
      { 'warden.managed.forbidUnsandboxedRunner': true },
      { 'warden.managed.forbidUnsandboxedRunner': false },
      {},
      'warden.managed.forbidUnsandboxedRunner',
      true,
      ['user:warden.managed.forbidUnsandboxedRunner'],
    ],
    [
      'a workspace cannot set an export endpoint',
      {},
      {},
      { 'warden.audit.export.syslog.address': 'evil.example:514' },
      'warden.audit.export.syslog.address',
      '',
      ['workspace:warden.audit.export.syslog.address'],
    ],
    [
      'a user cannot turn off a managed export',
      { 'warden.audit.export.syslog.address': 'siem.corp.example:6514' },
      { 'warden.audit.export.syslog.address': '' },
      {},
      'warden.audit.export.syslog.address',
      'siem.corp.example:6514',
      ['user:warden.audit.export.syslog.address'],
    ],
    [
      'without a managed policy nothing changes for the user',
      {},
      { 'warden.commands.allow': ['npm test'], 'warden.approval.reads': 'auto' },
      {},
      'warden.commands.allow',
      ['npm test'],
      [],
    ],
  ];
  for (const [name, managed, user, ws, key, expected, ignoredKeys] of rows) {
    it(name, () => {
      const { effective, ignored } = narrow(values(user), values(ws), values(managed));
      assert.deepEqual(effective[key], expected);
      assert.deepEqual(
        ignored.map((i) => `${i.level}:${i.key}`),
        ignoredKeys,
      );
      for (const i of ignored) assert.ok(i.why.length > 10, i.why);
    });
  }
});

describe('narrowing the effective settings once more (a folder, a running task)', () => {
  it('keeps every managed rule and reports nothing', () => {
    const managed = values({
      'warden.managed.organizationId': 'acme',
      'warden.managed.forbidUnsandboxedRunner': true,
      'warden.managed.allowedModelEndpoints': ['https://a.example'],
      'warden.commands.allow': ['npm test'],
    });
    const first = narrow({}, {}, managed).effective;
    const again = narrow(first, values({ 'warden.commands.allow': ['npm test'] }));
    assert.deepEqual(again.ignored, []);
    for (const k of [
      'warden.managed.organizationId',
      'warden.managed.forbidUnsandboxedRunner',
      'warden.managed.allowedModelEndpoints',
      'warden.commands.allow',
    ] as const)
      assert.deepEqual(again.effective[k], first[k], k);
  });
});

describe('requireAuditExport', () => {
  it('fails closed when no destination is set', () => {
    const e = effectiveSettings({
      user: {},
      managed: { sources: ['/etc/warden/managed-settings.json'], values: { 'warden.managed.requireAuditExport': true }, refused: [] },
    });
    assert.equal(e.problems[0]?.key, 'warden.managed.requireAuditExport');
  });
  it('is satisfied by a managed syslog destination', () => {
    const e = effectiveSettings({
      user: {},
      managed: {
        sources: ['/etc/warden/managed-settings.json'],
        values: { 'warden.managed.requireAuditExport': true, 'warden.audit.export.syslog.address': 'siem.example:6514' },
        refused: [],
      },
    });
    assert.deepEqual(e.problems, []);
  });
});

describe('what the report says', () => {
  it('names the files, the organisation and everything forbidden', () => {
    const managed = {
      sources: ['/etc/warden/managed-settings.json'],
      values: {
        'warden.managed.organizationId': 'acme',
        'warden.managed.forbidUnsandboxedRunner': true,
        'warden.managed.forbidWorkspaceMcpServers': true,
        'warden.managed.forbidAutoReads': true,
        'warden.managed.allowedModelEndpoints': ['https://llm.acme.example'],
        'warden.managed.requireAuditExport': true,
        'warden.audit.export.syslog.address': 'siem.acme.example:6514',
        'warden.commands.deny': ['curl *'],
      },
      refused: ['/etc/warden/managed-settings.d/x.json: ignored because it is writable by others'],
    };
    const e = effectiveSettings({ user: {}, managed });
    const r = describeManagedPolicy(managed, e.effective);
    assert.equal(r.inForce, true);
    assert.equal(r.organizationId, 'acme');
    assert.deepEqual(r.sets, ['warden.audit.export.syslog.address', 'warden.commands.deny']);
    const text = managedPolicyLines(r).join('\n');
    for (const s of [
      '/etc/warden/managed-settings.json',
      'organisation acme',
      'without a sandbox',
      'MCP servers proposed by a workspace',
      'approval.reads: auto',
      'https://llm.acme.example',
      'audit export off',
      'widening warden.audit.export.syslog.address, warden.commands.deny',
      'Ignored: /etc/warden/managed-settings.d/x.json',
    ]) {
      assert.ok(text.includes(s), `${s} in\n${text}`);
    }
  });
  it('says when no policy is in force', () => {
    const e = effectiveSettings({ user: {} });
    assert.deepEqual(managedPolicyLines(e.managed), ['No managed policy is in force.']);
  });
});

describe('the CLI and the extension agree', { skip: !isRoot && 'needs root to chown files' }, () => {
  let ws: Workspace;
  let dir: string;
  let shell: ShellParser;
  before(async () => {
    ws = makeWorkspace();
    ws.file('src/a.ts');
    shell = await shellParser();
    dir = mkdtempSync(join(tmpdir(), 'warden-managed-cli-'));
    chmodSync(dir, 0o755);
    writeFileSync(
      join(dir, 'managed-settings.json'),
      JSON.stringify({
        'warden.commands.allow': ['git status'],
        'warden.commands.deny': ['curl *'],
        'warden.managed.forbidUnsandboxedRunner': true,
        'warden.managed.forbidAutoReads': true,
      }),
    );
    ws.file(
      '/'.concat(join(ws.home, 'user.json')),
      JSON.stringify({ 'warden.commands.allow': ['git *', 'npm test'], 'warden.approval.reads': 'auto' }),
    );
    ws.file('/'.concat(join(ws.home, 'ws.json')), JSON.stringify({ 'warden.commands.deny': [] }));
  });
  after(() => {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const calls = [
    { tool: 'run_command', input: { command: 'git status' } },
    { tool: 'run_command', input: { command: 'git push' } },
    { tool: 'run_command', input: { command: 'npm test' } },
    { tool: 'run_command', input: { command: 'curl https://example.com' } },
    { tool: 'read_file', input: { path: 'src/a.ts' } },
  ];

  for (const sandbox of ['available', 'unavailable'] as const) {
    it(`warden check and the guard the extension builds decide alike (sandbox ${sandbox})`, async () => {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      stdin.end(calls.map((c) => JSON.stringify(c)).join('\n') + '\n');
      const code = await runCheck(
        [
          '--workspace',
          ws.root,
          '--settings',
          join(ws.home, 'user.json'),
          '--workspace-settings',
          join(ws.home, 'ws.json'),
          '--sandbox',
          sandbox,
        ],
        { stdin, stdout, stderr },
        { managedDir: dir },
      );
      assert.equal(code, 0, err);
      const cli = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      // What the extension's GuardHolder builds: the same loader, the same createGuard.
      const user = JSON.parse(
        JSON.stringify({ 'warden.commands.allow': ['git *', 'npm test'], 'warden.approval.reads': 'auto' }),
      ) as unknown;
      const g = createGuard(
        { user, workspace: { 'warden.commands.deny': [] }, managed: loadManagedPolicy({ dir }) },
        {
          roots: [ws.root],
          home: ws.home,
          probe: createPathProbe(),
          shell,
          sandboxAvailable: () => sandbox === 'available',
          trusted: () => true,
        },
      );
      const ext = calls.map((c) => {
        const d = g.decide(c);
        return { decision: d.decision, reason: d.reason, rule: d.rule };
      });
      assert.deepEqual(cli, ext);
      const reasons = ext.map((d) => d.reason);
      if (sandbox === 'available')
        assert.deepEqual(reasons, ['command-allowed', 'destructive-operation', 'needs-approval', 'command-denied', 'needs-approval']);
      else assert.deepEqual(reasons, ['managed-policy', 'managed-policy', 'managed-policy', 'managed-policy', 'needs-approval']);
      assert.match(err, /Managed policy in force from .*managed-settings\.json/);
      assert.match(err, /ignored user value warden\.commands\.allow = "git \*"/);
      assert.match(err, /ignored user value warden\.approval\.reads/);
    });
  }
});
