import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/agent/approver';
import { lineSource, terminalApprover } from '../../../src/cli/terminalApprover';

const target = { absolute: '/ws/a.txt', relative: 'a.txt', root: '/ws', exists: true, protected: false };
const writeReq: ApprovalRequest = {
  callId: 't1',
  tool: 'write_file',
  input: { path: 'a.txt', content: 'new' },
  decision: { decision: 'ask', reason: 'needs-approval', rule: 'warden.paths.write: **', message: 'Writing a.txt needs approval.' },
  plan: { kind: 'write', tool: 'write_file', target, oldContent: 'old\n', newContent: 'new\n', diff: '--- a/a.txt\n+++ b/a.txt\n-old\n+new\n', summary: 'Replace a.txt' },
  sessionGrant: { allowed: true, description: 'writes to a.txt' },
  editable: 'content',
};
const cmdReq: ApprovalRequest = {
  ...writeReq,
  tool: 'run_command',
  input: { command: 'npm test' },
  plan: {
    kind: 'command', tool: 'run_command', command: 'npm test', cwd: '/ws', secrets: ['NPM_TOKEN'], sandbox: 'none', hosts: [], timeoutMs: 120_000, summary: 'Run "npm test"',
    commands: [{ argv: ['npm', 'test'], text: 'npm test', destructive: null, decision: { decision: 'ask', reason: 'needs-approval', rule: null, message: 'not in allow' } }],
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

describe('the terminal approver', () => {
  const table: Array<[string, ApprovalRequest, string, unknown]> = [
    ['a approves', writeReq, 'a\n', { kind: 'approve' }],
    ['y approves', writeReq, 'y\n', { kind: 'approve' }],
    ['r with words rejects with feedback', writeReq, 'r please use src/\n', { kind: 'reject', feedback: 'please use src/' }],
    ['n rejects', writeReq, 'n\n', { kind: 'reject' }],
    ['s approves for the session when offered', writeReq, 's\n', { kind: 'approve-for-session' }],
    ['s is refused when not offered, then the next answer counts', cmdReq, 's\nr\n', { kind: 'reject' }],
    ['e reads edited content up to a lone dot', writeReq, 'e\nline 1\nline 2\n.\n', { kind: 'approve-edited', content: 'line 1\nline 2\n' }],
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

  it('shows the parsed command, cwd, sandbox state, hosts and secret names before asking', async () => {
    const { shown } = await ask(cmdReq, 'r\n');
    assert.match(shown, /- \["npm","test"\] {2}→ ask \(needs-approval\)/);
    assert.match(shown, /cwd: \/ws/);
    assert.match(shown, /sandbox: NONE — runs with your full access/);
    assert.match(shown, /network: none/);
    assert.match(shown, /secrets: NPM_TOKEN/);
  });
});
