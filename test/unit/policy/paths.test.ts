import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGuard } from '../../../src/core/policy/createGuard';
import type { Guard, PathProbe, ShellParser } from '../../../src/core/policy/guard';
import { guardFor, makeWorkspace, type Workspace } from './harness';
import { shellParser } from './harness';
import { defaultSettings } from '../../../src/core/policy/settings';

const DEFAULT_DENY_READ = defaultSettings()['warden.paths.denyRead'];

/** Path decisions against a real temp workspace with real links. Rows: [behaviour, tool, path, decision, reason]. */
type Row = readonly [string, string, string, 'allow' | 'ask' | 'deny', string];

const write = (path: string): Record<string, unknown> => ({ path, content: 'x' });
const inputFor = (tool: string, path: string): Record<string, unknown> =>
  tool === 'write_file'
    ? write(path)
    : tool === 'edit_file'
      ? { path, old_text: 'a', new_text: 'b' }
      : tool === 'search_text'
        ? { query: 'q', path }
        : { path };

const traversal: Row[] = [
  ['reads a plain workspace file', 'read_file', 'src/a.ts', 'allow', 'read-allowed'],
  ['denies ../ escaping the root', 'read_file', '../outside/secret.txt', 'deny', 'outside-workspace'],
  ['denies ../ hidden mid-path', 'read_file', 'src/../../outside/secret.txt', 'deny', 'outside-workspace'],
  ['allows ../ that stays inside', 'read_file', 'src/../README.md', 'allow', 'read-allowed'],
  ['denies writes escaping by ..', 'write_file', 'src/../../x.txt', 'deny', 'outside-workspace'],
  ['denies listing the parent folder', 'list_files', '..', 'deny', 'outside-workspace'],
  ['denies searching from the parent', 'search_text', '../', 'deny', 'outside-workspace'],
  ['denies deep ../../../../etc/passwd', 'read_file', '../../../../../../../../etc/passwd', 'deny', 'outside-workspace'],
  ['denies a Windows-separator escape', 'read_file', '..\\outside\\secret.txt', 'deny', 'outside-workspace'],
  ['denies a Windows-separator write escape', 'write_file', 'src\\..\\..\\x', 'deny', 'outside-workspace'],
  ['denies a NUL byte', 'read_file', 'src/a.ts\u0000.png', 'deny', 'invalid-input'],
  ['denies a newline in a path', 'write_file', 'src/a\nb.ts', 'deny', 'invalid-input'],
  ['denies an escape character', 'read_file', 'src/\u001b[2Ja.ts', 'deny', 'invalid-input'],
  ['denies a C1 control character', 'read_file', 'src/\u0085a.ts', 'deny', 'invalid-input'],
  ['denies a Windows drive path', 'read_file', 'C:\\Windows\\win.ini', 'deny', 'invalid-input'],
  ['denies a UNC path', 'read_file', '\\\\server\\share\\x', 'deny', 'outside-workspace'],
];

const absolute: Row[] = [
  ['denies an absolute path outside', 'read_file', '/etc/passwd', 'deny', 'outside-workspace'],
  ['denies ~ (home)', 'read_file', '~', 'deny', 'outside-workspace'],
  ['denies ~/ files', 'read_file', '~/notes.txt', 'deny', 'outside-workspace'],
  ['denies ~/.ssh as denyRead even outside', 'read_file', '~/.ssh/id_rsa', 'deny', 'denied-read'],
  ['denies ~user', 'read_file', '~root/.bashrc', 'deny', 'invalid-input'],
  ['denies writing to /tmp', 'write_file', '/tmp/x', 'deny', 'outside-workspace'],
  ['denies deleting /etc/hosts', 'delete_file', '/etc/hosts', 'deny', 'outside-workspace'],
];

const symlinks: Row[] = [
  ['denies reading through a link to outside', 'read_file', 'out/secret.txt', 'deny', 'outside-workspace'],
  ['denies writing through a link to outside', 'write_file', 'out/new.txt', 'deny', 'outside-workspace'],
  ['denies writing a dangling link that points outside', 'write_file', 'dang', 'deny', 'outside-workspace'],
  ['denies writing through a dangling link inside a folder', 'write_file', 'src/dang2', 'deny', 'outside-workspace'],
  ['denies a chain of links that ends outside', 'read_file', 'chain1/secret.txt', 'deny', 'outside-workspace'],
  ['denies a dangling chain that ends outside', 'write_file', 'dchain1', 'deny', 'outside-workspace'],
  ['denies a link loop', 'read_file', 'loop1/x', 'deny', 'invalid-input'],
  ['denies reading .env through an innocent-looking link', 'read_file', 'notes.txt', 'deny', 'denied-read'],
  ['denies writing secrets/ through a link', 'write_file', 'keys/new', 'deny', 'denied-read'],
  ['allows reading through a link that stays inside', 'read_file', 'inlink/a.ts', 'allow', 'read-allowed'],
  ['asks for a write through a link that stays inside', 'write_file', 'inlink/b.ts', 'allow', 'auto-approved'],
  ['denies link/.. walking out physically', 'read_file', 'deep/../secret.txt', 'deny', 'outside-workspace'],
  ['protects .git reached through a link', 'write_file', 'gitlink/config', 'ask', 'protected-path'],
];

const denyRead: Row[] = [
  ['denies .env', 'read_file', '.env', 'deny', 'denied-read'],
  ['denies nested .env', 'read_file', 'src/.env', 'deny', 'denied-read'],
  ['denies .env.local', 'read_file', '.env.local', 'deny', 'denied-read'],
  ['denies a .pem key', 'read_file', 'certs/server.pem', 'deny', 'denied-read'],
  ['denies id_rsa', 'read_file', 'id_rsa', 'deny', 'denied-read'],
  ['denies id_ed25519.pub', 'read_file', 'keys2/id_ed25519.pub', 'deny', 'denied-read'],
  ['denies .aws credentials', 'read_file', '.aws/credentials', 'deny', 'denied-read'],
  ['denies .docker/config.json', 'read_file', '.docker/config.json', 'deny', 'denied-read'],
  ['denies listing secrets/', 'list_files', 'secrets/sub', 'deny', 'denied-read'],
  ['denies searching secrets/', 'search_text', 'secrets/sub', 'deny', 'denied-read'],
  ['denies writing .env', 'write_file', '.env', 'deny', 'denied-read'],
  ['denies deleting .npmrc', 'delete_file', '.npmrc', 'deny', 'denied-read'],
  ['denies ./.env spelled with ./', 'read_file', './.env', 'deny', 'denied-read'],
  ['denies .env spelled with a trailing slash', 'read_file', '.env/', 'deny', 'denied-read'],
  ['denies .env spelled with doubled slashes', 'read_file', 'src//.env', 'deny', 'denied-read'],
];

const caseAndUnicode: Row[] = [
  ['denies the NFD spelling of a denied NFC folder', 'read_file', 'cafe\u0301/menu', 'deny', 'denied-read'],
  ['denies the NFC spelling of a denied folder', 'read_file', 'caf\u00e9/menu', 'deny', 'denied-read'],
  ['an accented look-alike of secrets is another name', 'read_file', 'se\u0301crets/x', 'allow', 'read-allowed'],
  ['treats NFC and NFD of the same name alike', 'write_file', 'caf\u0065\u0301.txt', 'allow', 'auto-approved'],
  ['does not fold case on a case-sensitive file system', 'read_file', '.ENV', 'allow', 'read-allowed'],
  ['fullwidth dots are a plain name, not ..', 'read_file', '\uff0e\uff0e/outside', 'allow', 'read-allowed'],
  ['denies a right-to-left override in a name', 'write_file', 'src/\u202egnp.ts', 'deny', 'invalid-input'],
  ['denies a zero-width space in a name', 'read_file', '.en\u200bv', 'deny', 'invalid-input'],
  ['denies a byte-order mark in a name', 'read_file', '\ufeff.env', 'deny', 'invalid-input'],
];

const writes: Row[] = [
  ['auto-approves a write inside autoApprove', 'write_file', 'src/new.ts', 'allow', 'auto-approved'],
  ['auto-approves an edit inside autoApprove', 'edit_file', 'src/a.ts', 'allow', 'auto-approved'],
  ['asks for a write outside autoApprove', 'write_file', 'README.md', 'ask', 'needs-approval'],
  ['asks before any delete, even auto-approved', 'delete_file', 'src/a.ts', 'ask', 'needs-approval'],
  ['denies a write outside paths.write', 'write_file', 'vendor/x.js', 'deny', 'not-writable'],
  ['denies writing the root itself', 'write_file', '.', 'deny', 'not-writable'],
];

const protectedFiles: Row[] = [
  ['protects .vscode/settings.json', 'write_file', '.vscode/settings.json', 'ask', 'protected-path'],
  ['protects .vscode/tasks.json inside autoApprove', 'write_file', 'src/.vscode/tasks.json', 'ask', 'protected-path'],
  ['protects .git/hooks', 'write_file', '.git/hooks/pre-commit', 'ask', 'protected-path'],
  ['protects a .git file (worktree pointer)', 'write_file', 'src/sub/.git', 'ask', 'protected-path'],
  ['protects .github workflows', 'write_file', '.github/workflows/ci.yml', 'ask', 'protected-path'],
  ['protects *.code-workspace', 'write_file', 'src/w.code-workspace', 'ask', 'protected-path'],
  ['protects .devcontainer', 'write_file', '.devcontainer/devcontainer.json', 'ask', 'protected-path'],
  ['protects .gitmodules', 'write_file', '.gitmodules', 'ask', 'protected-path'],
  ['protects .gitattributes', 'write_file', 'src/.gitattributes', 'ask', 'protected-path'],
  ['protects .envrc', 'write_file', '.envrc', 'ask', 'protected-path'],
  ['protects .husky hooks', 'write_file', '.husky/pre-push', 'ask', 'protected-path'],
  ['protects .claude settings', 'write_file', 'src/.claude/settings.json', 'ask', 'protected-path'],
  ['protects .cursor rules', 'write_file', '.cursor/rules/x.mdc', 'ask', 'protected-path'],
  ['protects .roo', 'write_file', '.roo/x', 'ask', 'protected-path'],
  ['protects .clinerules', 'write_file', 'src/.clinerules', 'ask', 'protected-path'],
  ['protects .mcp.json', 'write_file', 'src/.mcp.json', 'ask', 'protected-path'],
  ['protects AGENTS.md at any depth', 'write_file', 'src/deep/AGENTS.md', 'ask', 'protected-path'],
  ['protects CLAUDE.md', 'write_file', 'CLAUDE.md', 'ask', 'protected-path'],
  ["protects Warden's own .warden config", 'write_file', '.warden/policy.json', 'ask', 'protected-path'],
  ['protects a user-added protected glob', 'write_file', 'src/generated/x.ts', 'ask', 'protected-path'],
  ['asks before deleting a protected file', 'delete_file', '.github/CODEOWNERS', 'ask', 'protected-path'],
  ['protects .VSCODE spelled in another case only where case folds (not here)', 'write_file', 'src/.VSCODE/x', 'allow', 'auto-approved'],
];

describe('path decisions', () => {
  let ws: Workspace;
  let shell: ShellParser;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    ws.file('src/a.ts');
    ws.file('README.md');
    ws.file('.env');
    ws.file('secrets/sub/k');
    ws.file(`${ws.outside}/secret.txt`);
    ws.file(`${ws.outside}/sub/deeper/x`);
    ws.file('.git/config');
    ws.link('out', ws.outside);
    ws.link('dang', `${ws.outside}/new.txt`);
    ws.link('src/dang2', '../../outside/also-new.txt');
    ws.link('chain1', 'chain2');
    ws.link('chain2', ws.outside);
    ws.link('dchain1', 'dchain2');
    ws.link('dchain2', `${ws.outside}/nope/new.txt`);
    ws.link('loop1', 'loop2');
    ws.link('loop2', 'loop1');
    ws.link('notes.txt', '.env');
    ws.link('keys', 'secrets');
    ws.link('inlink', 'src');
    ws.link('deep', `${ws.outside}/sub`);
    ws.link('gitlink', '.git');
    guard = guardFor(ws, shell, {
      user: {
        'warden.paths.write': [
          'src/**',
          'inlink/**',
          'README.md',
          '.vscode/**',
          '.git/**',
          '.github/**',
          '*',
          '.*/**',
          'gitlink/**',
          '**/*.txt',
          '.env',
          '.npmrc',
          'keys/**',
          'CLAUDE.md',
          'secrets/**',
        ],
        'warden.paths.autoApprove': ['src/**', '*.txt', 'caf*'],
        'warden.paths.protected': ['src/generated/**'],
        'warden.paths.denyRead': [...DEFAULT_DENY_READ, '**/caf\u00e9/**'],
      },
    });
  });
  after(() => ws.dispose());

  const groups: [string, Row[]][] = [
    ['traversal', traversal],
    ['absolute and ~ paths', absolute],
    ['symlinks (in and out, dangling, chains)', symlinks],
    ['denyRead', denyRead],
    ['case and Unicode tricks', caseAndUnicode],
    ['writes', writes],
    ['protected files', protectedFiles],
  ];
  for (const [group, rows] of groups) {
    describe(group, () => {
      for (const [name, tool, path, verdict, reason] of rows) {
        it(name, () => {
          const r = guard.decide({ tool, input: inputFor(tool, path) });
          assert.equal(`${r.decision} ${r.reason}`, `${verdict} ${reason}`, r.message);
        });
      }
    });
  }

  it('reports where a write really lands (the resolved target)', () => {
    const r = guard.decide({ tool: 'write_file', input: write('inlink/b.ts') });
    assert.equal(r.details.kind, 'path');
    if (r.details.kind === 'path') {
      assert.equal(r.details.target.relative, 'src/b.ts');
      assert.equal(r.details.target.absolute, `${ws.root}/src/b.ts`);
    }
  });

  it('names the rule that decided', () => {
    assert.equal(guard.decide({ tool: 'read_file', input: { path: '.env' } }).rule, 'warden.paths.denyRead: **/.env');
    assert.equal(guard.decide({ tool: 'write_file', input: write('.git/x') }).rule, 'warden.paths.protected (built-in): **/.git/**');
  });

  it('asks for reads when approval.reads is ask', () => {
    const g = guardFor(ws, shell, { user: { 'warden.approval.reads': 'ask' } });
    assert.equal(g.decide({ tool: 'read_file', input: { path: 'src/a.ts' } }).decision, 'ask');
    assert.equal(g.decide({ tool: 'read_file', input: { path: '.env' } }).decision, 'deny');
  });

  it('in Restricted Mode denies writes and deletes but still decides reads', () => {
    const g = guardFor(ws, shell, { trusted: false, user: { 'warden.paths.autoApprove': ['**'] } });
    assert.equal(g.decide({ tool: 'write_file', input: write('src/a.ts') }).reason, 'restricted-mode');
    assert.equal(g.decide({ tool: 'delete_file', input: { path: 'src/a.ts' } }).reason, 'restricted-mode');
    assert.equal(g.decide({ tool: 'read_file', input: { path: 'src/a.ts' } }).decision, 'allow');
    assert.equal(g.decide({ tool: 'read_file', input: { path: '.env' } }).reason, 'denied-read');
  });

  it('canRead hides denied and outside entries from listings', () => {
    assert.equal(guard.canRead(`${ws.root}/src/a.ts`), true);
    assert.equal(guard.canRead(`${ws.root}/.env`), false);
    assert.equal(guard.canRead(`${ws.root}/secrets/sub/k`), false);
    assert.equal(guard.canRead(`${ws.root}/notes.txt`), false);
    assert.equal(guard.canRead(`${ws.outside}/secret.txt`), false);
    assert.equal(guard.canRead(`${ws.root}/out/secret.txt`), false);
  });

  it('folds case where the file system folds it', () => {
    const probe = { realpath: (p: string) => p, isCaseInsensitive: () => true, readlink: () => null, listDir: () => null };
    const folded = createFoldingGuard(ws, shell, probe);
    assert.equal(folded.decide({ tool: 'read_file', input: { path: '.ENV' } }).reason, 'denied-read');
    assert.equal(folded.decide({ tool: 'write_file', input: write('SRC/.VSCODE/settings.json') }).reason, 'protected-path');
    assert.equal(folded.decide({ tool: 'read_file', input: { path: ws.root.toUpperCase() + '/src/a.ts' } }).decision, 'allow');
  });
});

/** A probe for a case-folding file system, over the real workspace paths. */
function createFoldingGuard(ws: Workspace, shell: ShellParser, probe: PathProbe): Guard {
  return createGuard(
    { user: { 'warden.paths.autoApprove': ['src/**'] } },
    { roots: [ws.root], home: ws.home, probe, shell, sandboxAvailable: () => true, trusted: () => true },
  );
}
