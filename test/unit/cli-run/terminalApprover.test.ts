import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/agent/approver';
import { fileRuleWriter } from '../../../src/cli/fileRuleWriter';
import { lineSource, terminalApprover } from '../../../src/cli/terminalApprover';

const target = { absolute: '/ws/a.txt', relative: 'a.txt', root: '/ws', exists: true, protected: false };
const writeReq: ApprovalRequest = {
  callId: 't1',
  tool: 'write_file',
  input: { path: 'a.txt', content: 'new' },
  decision: { decision: 'ask', reason: 'needs-approval', rule: 'warden.paths.write: **', message: 'Writing a.txt needs approval.' },
  plan: {
    kind: 'write',
    tool: 'write_file',
    target,
    oldContent: 'old\n',
    newContent: 'new\n',
    diff: '--- a/a.txt\n+++ b/a.txt\n-old\n+new\n',
    summary: 'Replace a.txt',
  },
  sessionGrant: { allowed: true, description: 'writes to a.txt' },
  editable: 'content',
};
const cmdReq: ApprovalRequest = {
  ...writeReq,
  tool: 'run_command',
  input: { command: 'npm test' },
  plan: {
    kind: 'command',
    tool: 'run_command',
    command: 'npm test',
    cwd: '/ws',
    secrets: ['NPM_TOKEN'],
    sandbox: 'none',
    hosts: [],
    timeoutMs: 120_000,
    summary: 'Run "npm test"',
    commands: [
      {
        argv: ['npm', 'test'],
        text: 'npm test',
        destructive: null,
        decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'not in allow' },
      },
    ],
  },
  sessionGrant: { allowed: false, description: 'Commands receiving secrets always ask.' },
  editable: 'command',
};

async function ask(req: ApprovalRequest, input: string) {
  const stdin = new PassThrough();
  const out = new PassThrough();
  let shown = '';
  out.on('data', (d: Buffer) => (shown += d.toString()));
  stdin.end(input);
  const lines = lineSource(stdin);
  const answer = await terminalApprover(lines, out).request(req, new AbortController().signal);
  lines.close();
  return { answer, shown };
}

const scopedReq: ApprovalRequest = {
  ...writeReq,
  sessionGrant: {
    allowed: true,
    description: 'writes to src/lib/a.ts (file)',
    scopes: [
      { scope: 'file', label: 'this file', description: 'writes to src/lib/a.ts (file)' },
      { scope: 'folder', label: 'folder src/lib/**', description: 'writes under src/lib/** (folder)' },
    ],
  },
};
const fileOnlyReq: ApprovalRequest = {
  ...writeReq,
  sessionGrant: {
    allowed: true,
    description: 'writes to a.txt (file)',
    scopes: [{ scope: 'file', label: 'this file', description: 'writes to a.txt (file)' }],
  },
};
const exactReq: ApprovalRequest = {
  ...cmdReq,
  sessionGrant: {
    allowed: true,
    description: 'runs `ls` in /ws',
    scopes: [{ scope: 'exact', label: 'exactly this call', description: 'runs `ls` in /ws' }],
  },
};

describe('the terminal approver', () => {
  const table: Array<[string, ApprovalRequest, string, unknown]> = [
    ['a approves', writeReq, 'a\n', { kind: 'approve' }],
    ['y approves', writeReq, 'y\n', { kind: 'approve' }],
    ['r with words rejects with feedback', writeReq, 'r please use src/\n', { kind: 'reject', feedback: 'please use src/' }],
    ['n rejects', writeReq, 'n\n', { kind: 'reject' }],
    ['s approves for the session when offered', writeReq, 's\n', { kind: 'approve-for-session' }],
    ['s is refused when not offered, then the next answer counts', cmdReq, 's\nr\n', { kind: 'reject' }],
    ['f grants this file for the session', scopedReq, 'f\n', { kind: 'approve-for-session', scope: 'file' }],
    ['d grants this folder for the session', scopedReq, 'd\n', { kind: 'approve-for-session', scope: 'folder' }],
    ['folder (the word) grants this folder', scopedReq, 'folder\n', { kind: 'approve-for-session', scope: 'folder' }],
    ['s grants the narrowest offered (this file)', scopedReq, 's\n', { kind: 'approve-for-session', scope: 'file' }],
    [
      'd is refused for a file in the workspace folder itself, then the next answer counts',
      fileOnlyReq,
      'd\nf\n',
      { kind: 'approve-for-session', scope: 'file' },
    ],
    ['f is refused for a command, then the next answer counts', exactReq, 'f\ns\n', { kind: 'approve-for-session', scope: 'exact' }],
    [
      'e reads edited content up to a lone dot',
      writeReq,
      'e\nline 1\nline 2\n.\n',
      { kind: 'approve-edited', content: 'line 1\nline 2\n' },
    ],
    ['e reads an edited command line', cmdReq, 'e\nnpm test -- --ci\n', { kind: 'approve-edited', command: 'npm test -- --ci' }],
    ['end of input rejects', writeReq, '', { kind: 'reject', feedback: 'No answer was given (input ended).' }],
    ['three unknown answers reject', writeReq, 'what\nhuh\nmaybe\n', { kind: 'reject', feedback: 'No valid answer was given.' }],
  ];
  for (const [name, req, input, expected] of table) {
    it(name, async () => {
      const { answer } = await ask(req, input);
      assert.deepEqual(answer, expected);
    });
  }

  it('shows the diff of a write before asking', async () => {
    const { shown } = await ask(writeReq, 'a\n');
    assert.match(shown, /── approval needed: write_file — needs-approval \(warden\.paths\.write: \*\*\)/);
    assert.match(shown, /-old\n\+new/);
  });

  it('names each grant scope offered with its letter and what it covers', async () => {
    const { shown: scoped } = await ask(scopedReq, 'a\n');
    assert.match(
      scoped,
      /, f = this file for this session \(writes to src\/lib\/a\.ts \(file\)\), d = folder src\/lib\/\*\* for this session \(writes under src\/lib\/\*\* \(folder\)\)/,
    );
  });

  it('shows the parsed command, cwd, sandbox state, hosts and secret names before asking', async () => {
    const { shown } = await ask(cmdReq, 'r\n');
    assert.match(shown, /- \["npm","test"\] {2}→ ask \(needs-approval\)/);
    assert.match(shown, /cwd: \/ws/);
    assert.match(shown, /sandbox: NONE — runs with your full access/);
    assert.match(shown, /network: none/);
    assert.match(shown, /secrets: NPM_TOKEN/);
  });
});

describe('terminal approver: always allow', () => {
  const suggested: ApprovalRequest = {
    ...writeReq,
    why: 'Asks: src/a.txt is not in warden.paths.autoApprove',
    suggestions: {
      rules: [
        { setting: 'warden.paths.autoApprove', entries: ['src/a.txt'], label: 'writes to src/a.txt only', narrowest: true },
        { setting: 'warden.paths.autoApprove', entries: ['src/**'], label: 'writes anywhere under src/', narrowest: false },
      ],
    },
  };
  async function askWith(req: ApprovalRequest, input: string, file: string | null) {
    const stdin = new PassThrough();
    const out = new PassThrough();
    let shown = '';
    out.on('data', (d: Buffer) => (shown += d.toString()));
    stdin.end(input);
    const lines = lineSource(stdin);
    const answer = await terminalApprover(lines, out, file ? fileRuleWriter(file) : null).request(req, new AbortController().signal);
    lines.close();
    return { answer, shown };
  }
  const settingsFile = (content: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rules-'));
    writeFileSync(join(dir, 'user.json'), content);
    return join(dir, 'user.json');
  };

  it('shows the why-line first, then writes the chosen rule only after y, keeping the other keys', async () => {
    const file = settingsFile('{"warden.model": "claude-sonnet-5-5"}\n');
    const { answer, shown } = await askWith(suggested, 'w\n2\ny\n', file);
    assert.deepEqual(answer, { kind: 'approve' });
    assert.match(
      shown,
      /── approval needed: write_file — needs-approval \(warden\.paths\.write: \*\*\)\nAsks: src\/a\.txt is not in warden\.paths\.autoApprove\n/,
    );
    assert.match(shown, / {2}1\) warden\.paths\.autoApprove \+= "src\/a\.txt" {3}\(writes to src\/a\.txt only, narrowest\)/);
    assert.match(shown, /will write to user settings file .*:\n {2}"warden\.paths\.autoApprove": \["src\/\*\*"\]\nwrite it\? \[y\/N\]/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
      'warden.model': 'claude-sonnet-5-5',
      'warden.paths.autoApprove': ['src/**'],
    });
  });

  it('writes nothing when the person declines, and asks again', async () => {
    const file = settingsFile('{}\n');
    const { answer, shown } = await askWith(suggested, 'w\n1\nn\nr\n', file);
    assert.equal(answer.kind, 'reject');
    assert.match(shown, /not written/);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {});
  });

  it('starts a setting the file lacks from its default list', async () => {
    const file = settingsFile('{}\n');
    const req: ApprovalRequest = {
      ...cmdReq,
      suggestions: { rules: [{ setting: 'warden.commands.allow', entries: ['npm test'], label: "exactly 'npm test'", narrowest: true }] },
    };
    await askWith(req, 'w\n1\ny\n', file);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
      'warden.commands.allow': ['git status', 'git diff *', 'git log *', 'ls *', 'pwd', 'npm test'],
    });
  });

  it('refuses to rewrite a settings file with comments, and says so', async () => {
    const file = settingsFile('{\n  // mine\n  "warden.model": "claude-sonnet-5-5"\n}\n');
    const { answer, shown } = await askWith(suggested, 'w\n1\ny\nr\n', file);
    assert.equal(answer.kind, 'reject');
    assert.match(shown, /could not write the rule: settings file .* holds comments/);
    assert.match(readFileSync(file, 'utf8'), /\/\/ mine/);
  });

  it('offers nothing without a settings file, or when no rule would help', async () => {
    assert.match((await askWith(suggested, 'w\nr\n', null)).shown, /no rule offered: no --settings file/);
    const none: ApprovalRequest = { ...writeReq, suggestions: { none: 'a rule would not stop this asking: destructive (rm -rf x)' } };
    const r = await askWith(none, 'w\nr\n', settingsFile('{}'));
    assert.doesNotMatch(r.shown, /\[w\] always allow/);
    assert.match(r.shown, /no rule offered: a rule would not stop this asking/);
  });
});
