import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ApprovalAnswer } from '../../../src/core/agent/approver';
import { handleToolCall } from '../../../src/core/agent/pipeline';
import { pickScope } from '../../../src/core/agent/sessionGrants';
import { enclosingFolders } from '../../../src/core/tools/builtin';
import { harness, makeWorkspace, type Harness } from './harness';

const signal = () => new AbortController().signal;
let id = 0;
function callOf(h: Harness, name: string, input: unknown) {
  return handleToolCall({ id: `toolu_g${++id}`, name, input, inputError: null }, h, signal());
}

/** What happened to a call once `src/lib/**` was granted: ran unasked, asked (and was rejected), or denied by the guard. */
type Fate = 'granted' | 'asks' | 'denied';

async function fateOf(h: Harness, tool: string, input: Record<string, unknown>): Promise<Fate> {
  const asked = h.approverLog.length;
  const r = await callOf(h, tool, input);
  const last = h.auditLog.at(-1);
  if (h.approverLog.length > asked) return 'asks';
  if (last?.decision === 'deny') return 'denied';
  assert.equal(r.isError, false, `a granted call runs: ${JSON.stringify(r.content)}`);
  assert.equal(last?.answer, 'approved-for-session');
  return 'granted';
}

/** A real outside folder, for links that point out of the workspace. */
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'warden-outside-')));
writeFileSync(join(outside, 'target.txt'), 'outside\n');

function workspace(): string {
  const root = makeWorkspace({
    'src/lib/a.ts': 'a\n',
    'src/lib2/x.ts': 'x\n',
    'src/libx.ts': 'x\n',
    'src/other/o.ts': 'o\n',
    'top.ts': 't\n',
    'src/lib/out': `->${outside}`,
    'src/lib/evil.ts': `->${join(outside, 'target.txt')}`,
    'src/lib/back': '->../other',
  });
  mkdirSync(join(root, 'src/lib/.git'), { recursive: true });
  return root;
}

/** A session in which the person approved src/lib/a.ts with "this folder for the session"; every later ask is rejected. */
async function folderGranted(settings: Record<string, unknown> = {}): Promise<Harness> {
  const root = workspace();
  const h = await harness({ root, settings, answers: [{ kind: 'approve-for-session', scope: 'folder' }] });
  const first = await callOf(h, 'write_file', { path: 'src/lib/a.ts', content: 'a2\n' });
  assert.equal(first.isError, false);
  return h;
}

describe('session grants: a folder grant (src/lib/**)', () => {
  const rows: Array<[string, string, Record<string, unknown>, Fate]> = [
    // Benign: must still run unasked.
    ['a new file in the folder', 'write_file', { path: 'src/lib/b.ts', content: 'b\n' }, 'granted'],
    ['a file in a nested folder', 'write_file', { path: 'src/lib/deep/er/c.ts', content: 'c\n' }, 'granted'],
    ['the same file again', 'write_file', { path: 'src/lib/a.ts', content: 'a3\n' }, 'granted'],
    [
      'an edit of a file in the folder (edit_file shares write grants)',
      'edit_file',
      { path: 'src/lib/a.ts', old_text: 'a2', new_text: 'a4' },
      'granted',
    ],
    ['a ./ prefix', 'write_file', { path: './src/lib/d.ts', content: 'd\n' }, 'granted'],
    ['a detour through .. that lands in the folder', 'write_file', { path: 'src/other/../lib/e.ts', content: 'e\n' }, 'granted'],
    // Attacks and near misses: ask, or the guard denies.
    ['a sibling with a common prefix (src/lib2)', 'write_file', { path: 'src/lib2/x.ts', content: 'x\n' }, 'asks'],
    ['a file named like the folder (src/libx.ts)', 'write_file', { path: 'src/libx.ts', content: 'x\n' }, 'asks'],
    ['the parent folder', 'write_file', { path: 'src/new.ts', content: 'n\n' }, 'asks'],
    ['a file in the workspace folder itself', 'write_file', { path: 'top.ts', content: 't2\n' }, 'asks'],
    ['../ out of the granted folder into a sibling', 'write_file', { path: 'src/lib/../other/o.ts', content: 'o2\n' }, 'asks'],
    ['../ out of the workspace', 'write_file', { path: 'src/lib/../../../escape.txt', content: 'e\n' }, 'denied'],
    ['a folder link in the granted folder pointing outside', 'write_file', { path: 'src/lib/out/target.txt', content: 'p\n' }, 'denied'],
    ['a file link in the granted folder pointing outside', 'write_file', { path: 'src/lib/evil.ts', content: 'p\n' }, 'denied'],
    ['a folder link in the granted folder pointing to a sibling', 'write_file', { path: 'src/lib/back/o.ts', content: 'o3\n' }, 'asks'],
    ['.git under the granted folder (protected)', 'write_file', { path: 'src/lib/.git/config', content: '[core]\n' }, 'asks'],
    ['.vscode under the granted folder (protected)', 'write_file', { path: 'src/lib/.vscode/settings.json', content: '{}' }, 'asks'],
    ['.envrc under the granted folder (protected)', 'write_file', { path: 'src/lib/.envrc', content: 'export X=1\n' }, 'asks'],
    ['a case variant of the folder (SRC/lib)', 'write_file', { path: 'SRC/lib/c.ts', content: 'c\n' }, 'asks'],
    ['a case variant of the folder (src/LIB)', 'write_file', { path: 'src/LIB/c.ts', content: 'c\n' }, 'asks'],
    ['a NUL byte in the path', 'write_file', { path: 'src/lib/a.ts\u0000.txt', content: 'n\n' }, 'denied'],
    ['a delete in the granted folder (deletes always ask)', 'delete_file', { path: 'src/lib/a.ts' }, 'asks'],
  ];
  for (const [name, tool, input, expected] of rows) {
    it(`${expected === 'granted' ? 'runs unasked' : expected}: ${name}`, async () => {
      const h = await folderGranted();
      assert.equal(await fateOf(h, tool, input), expected);
      if (expected !== 'granted') assert.equal(readFileSync(join(outside, 'target.txt'), 'utf8'), 'outside\n');
    });
  }

  it('never reaches what the guard denies under the folder (a denyRead glob)', async () => {
    const h = await folderGranted({ 'warden.paths.denyRead': ['**/*.pem'] });
    assert.equal(await fateOf(h, 'write_file', { path: 'src/lib/key.pem', content: 'k\n' }), 'denied');
  });

  it('lets an absolute path inside the folder run unasked', async () => {
    const h = await folderGranted();
    assert.equal(await fateOf(h, 'write_file', { path: join(h.root, 'src/lib/abs.ts'), content: 'x\n' }), 'granted');
  });
});

describe('session grants: scopes offered and picked', () => {
  it('offers this file and its folder for a write, narrowest first, and refuses grants for protected paths and deletes', async () => {
    const root = workspace();
    const h = await harness({ root, answers: [{ kind: 'reject' }, { kind: 'reject' }, { kind: 'reject' }, { kind: 'reject' }] });
    await callOf(h, 'write_file', { path: 'src/lib/new.ts', content: 'n\n' });
    await callOf(h, 'write_file', { path: 'top.ts', content: 't\n' });
    await callOf(h, 'write_file', { path: 'src/lib/.vscode/settings.json', content: '{}' });
    await callOf(h, 'delete_file', { path: 'src/lib/a.ts' });
    const offered = h.approverLog.map((r) => (r.sessionGrant.scopes ?? []).map((s) => `${s.scope}: ${s.description}`));
    assert.deepEqual(offered, [
      ['file: writes to src/lib/new.ts (file)', 'folder: writes under src/lib/** (folder)'],
      ['file: writes to top.ts (file)'],
      [],
      [],
    ]);
    assert.equal(h.approverLog[2]?.sessionGrant.description, 'Writes to protected paths always ask.');
    assert.equal(h.approverLog[3]?.sessionGrant.description, 'Deletes always ask.');
  });

  it('a file grant covers that file only; the folder still asks', async () => {
    const root = workspace();
    const h = await harness({ root, answers: [{ kind: 'approve-for-session', scope: 'file' }, { kind: 'reject' }] });
    await callOf(h, 'write_file', { path: 'src/lib/a.ts', content: '1\n' });
    assert.equal(await fateOf(h, 'write_file', { path: 'src/lib/a.ts', content: '2\n' }), 'granted');
    assert.equal(await fateOf(h, 'write_file', { path: 'src/lib/b.ts', content: '2\n' }), 'asks');
  });

  it('a scope that was not offered grants nothing: the call is approved once', async () => {
    const root = workspace();
    const h = await harness({ root, answers: [{ kind: 'approve-for-session', scope: 'folder' }, { kind: 'reject' }] });
    const r = await callOf(h, 'write_file', { path: 'top.ts', content: '1\n' });
    assert.equal(r.isError, false);
    assert.equal(h.auditLog.at(-1)?.answer, 'approved');
    assert.equal(h.grants.list().length, 0);
    assert.equal(await fateOf(h, 'write_file', { path: 'top.ts', content: '2\n' }), 'asks');
  });

  it('revoking the folder grant takes effect at the next call', async () => {
    const h = await folderGranted();
    assert.equal(await fateOf(h, 'write_file', { path: 'src/lib/b.ts', content: '1\n' }), 'granted');
    const [g] = h.grants.list();
    assert.equal(g?.description, 'writes under src/lib/** (folder)');
    assert.ok(h.grants.revoke(g?.key ?? ''));
    assert.equal(await fateOf(h, 'write_file', { path: 'src/lib/b.ts', content: '2\n' }), 'asks');
    assert.equal(readFileSync(join(h.root, 'src/lib/b.ts'), 'utf8'), '1\n');
  });

  it('audits which grant allowed a call: the one given with the answer, then the one that covered the next call', async () => {
    const h = await folderGranted();
    await callOf(h, 'write_file', { path: 'src/lib/deep/f.ts', content: 'f\n' });
    const [given, covered] = h.auditLog.filter((e) => e.kind === 'tool_call').slice(-2);
    const expected = {
      scope: 'folder',
      key: `write<U+0000>folder<U+0000>${h.root}<U+0000>src/lib`,
      description: 'writes under src/lib/** (folder)',
    };
    assert.deepEqual(given?.grant, expected);
    assert.deepEqual(covered?.grant, expected);
    assert.equal(covered?.answer, 'approved-for-session');
    const approved = await harness({ root: h.root, answers: [{ kind: 'approve' }] });
    await callOf(approved, 'write_file', { path: 'src/lib/g.ts', content: 'g\n' });
    assert.equal(approved.auditLog.at(-1)?.grant, undefined, 'a call approved once names no grant');
  });

  it('with the folder and the file both granted, the narrowest (the file) is named as the one that allowed it', async () => {
    const root = workspace();
    const h = await harness({
      root,
      answers: [
        { kind: 'approve-for-session', scope: 'file' },
        { kind: 'approve-for-session', scope: 'folder' },
      ],
    });
    await callOf(h, 'write_file', { path: 'src/lib/a.ts', content: '1\n' });
    await callOf(h, 'write_file', { path: 'src/lib/b.ts', content: '1\n' });
    await callOf(h, 'write_file', { path: 'src/lib/a.ts', content: '2\n' });
    assert.equal(h.auditLog.at(-1)?.grant?.scope, 'file');
  });

  it('a folder granted for a call that then changed (the file edited meanwhile) and was rejected is not kept', async () => {
    const root = workspace();
    const base = await harness({ root });
    const answers: Array<() => ApprovalAnswer> = [
      () => (writeFileSync(join(root, 'src/lib/a.ts'), 'changed by someone\n'), { kind: 'approve-for-session', scope: 'folder' }),
      () => ({ kind: 'reject' }),
    ];
    let asked = 0;
    const h: Harness = { ...base, approver: { request: () => Promise.resolve((answers[asked++] ?? (() => ({ kind: 'reject' })))()) } };
    const r = await callOf(h, 'write_file', { path: 'src/lib/a.ts', content: 'model\n' });
    assert.equal(asked, 2, 'asked again after the change');
    assert.equal(r.isError, true);
    assert.deepEqual(h.grants.list(), []);
    assert.equal(readFileSync(join(root, 'src/lib/a.ts'), 'utf8'), 'changed by someone\n');
  });

  it('a command keeps its one scope: exactly this command line in this cwd', async () => {
    const root = workspace();
    const h = await harness({ root, answers: [{ kind: 'reject' }] });
    await callOf(h, 'run_command', { command: 'touch made.txt' });
    assert.deepEqual(h.approverLog[0]?.sessionGrant.scopes, [
      { scope: 'exact', label: 'exactly this call', description: `runs \`touch made.txt\` in ${root}` },
    ]);
  });
});

describe('session grants: helpers', () => {
  const folders: Array<[string, string[]]> = [
    ['src/lib/a.ts', ['src/lib', 'src']],
    ['a.ts', []],
    ['src/a.ts', ['src']],
    ['', []],
    ['../a/b.ts', []],
    ['src/./a.ts', []],
    ['/abs/a.ts', []],
    ['src//a.ts', []],
    ['src\\lib/a.ts', []],
  ];
  for (const [relative, expected] of folders) {
    it(`the folders holding ${JSON.stringify(relative)} are ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(enclosingFolders(relative), expected);
    });
  }

  const file = { scope: 'file', key: 'k1', label: 'this file', description: 'd1' } as const;
  const folder = { scope: 'folder', key: 'k2', label: 'folder a/**', description: 'd2' } as const;
  const picks: Array<[string, ApprovalAnswer & { kind: 'approve-for-session' }, string | null]> = [
    ['no scope named: the narrowest', { kind: 'approve-for-session' }, 'k1'],
    ['the folder', { kind: 'approve-for-session', scope: 'folder' }, 'k2'],
    ['a scope not offered', { kind: 'approve-for-session', scope: 'exact' }, null],
  ];
  for (const [name, answer, key] of picks) {
    it(`picks ${name}`, () => {
      assert.equal(pickScope({ scopes: [file, folder], covers: ['k1', 'k2'] }, answer.scope)?.key ?? null, key);
    });
  }
  it('picks nothing when grants are refused', () => {
    assert.equal(pickScope({ refused: 'no' }, undefined), null);
  });
});
