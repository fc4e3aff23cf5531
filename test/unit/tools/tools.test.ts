import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ToolName } from '../../../src/core/tools/schemas';
import { toolDefinitions, toolModule } from '../../../src/core/tools/registry';
import type { ToolContext, ToolOutcome, ToolPlan } from '../../../src/core/tools/tool';
import { handleToolCall } from '../../../src/core/agent/pipeline';
import { harness, makeWorkspace } from '../agent/harness';

async function call(
  root: string,
  tool: ToolName,
  input: Record<string, unknown>,
  opts: {
    settings?: Record<string, unknown>;
    tools?: Partial<ToolContext>;
    approved?: boolean;
    signal?: AbortSignal;
    planned?: ToolPlan | null;
  } = {},
): Promise<{ outcome: ToolOutcome; plan: ToolPlan; decision: string }> {
  const h = await harness({ root, settings: opts.settings ?? {}, ...(opts.tools ? { tools: opts.tools } : {}) });
  const decided = h.guard.decide({ tool, input });
  assert.notEqual(decided.decision, 'deny', `guard denied: ${decided.message}`);
  const mod = toolModule(tool);
  const plan = await mod.plan(input, decided, h.tools);
  const outcome = await mod.run(
    input,
    decided,
    h.tools,
    { signal: opts.signal ?? new AbortController().signal, approvedByPerson: opts.approved ?? true },
    opts.planned === undefined ? plan : opts.planned,
  );
  return { outcome, plan, decision: decided.decision };
}

describe('read_file', () => {
  it('returns the text of a file', async () => {
    const root = makeWorkspace({ 'src/a.ts': 'line0\nline1\nline2\n' });
    const { outcome } = await call(root, 'read_file', { path: 'src/a.ts' });
    assert.equal(outcome.isError, false);
    assert.equal(outcome.text, 'line0\nline1\nline2\n');
  });
  const windows: Array<[string, string, Record<string, number>, string]> = [
    [
      'a window with offset and limit, numbered from 1',
      'l0\nl1\nl2\nl3\n',
      { offset: 1, limit: 2 },
      '[a.txt: 12 bytes, 4 lines; lines 2-3 shown; next: offset 3]\n2\tl1\n3\tl2',
    ],
    ['the last lines, saying the file ends', 'l0\nl1\nl2', { offset: 2 }, '[a.txt: 8 bytes, 3 lines; lines 3-3 shown; end of file]\n3\tl2'],
    ['an offset past the end', 'l0\n', { offset: 9 }, '[a.txt: 3 bytes, 1 lines; no lines (the file has 1) shown; end of file]\n'],
  ];
  for (const [name, content, input, expected] of windows) {
    it(`returns ${name}`, async () => {
      const root = makeWorkspace({ 'a.txt': content });
      const { outcome } = await call(root, 'read_file', { path: 'a.txt', ...input });
      assert.equal(outcome.text, expected);
    });
  }
  it('returns the first window of a large file, with its size, line count and where to go on', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `row ${i} ${'y'.repeat(20)}`);
    const content = lines.join('\n') + '\n';
    const root = makeWorkspace({ 'big.log': content });
    const { outcome } = await call(root, 'read_file', { path: 'big.log' });
    const [head, ...body] = outcome.text.split('\n');
    assert.equal(
      head,
      `[big.log: ${Buffer.byteLength(content).toLocaleString('en-US')} bytes, 30,000 lines; lines 1-2000 shown; next: offset 2000]`,
    );
    assert.deepEqual(
      body,
      lines.slice(0, 2000).map((l, i) => `${i + 1}\t${l}`),
    );
    const next = await call(root, 'read_file', { path: 'big.log', offset: 29_998 });
    assert.deepEqual(next.outcome.text.split('\n').slice(1), ['29999\trow 29998 ' + 'y'.repeat(20), '30000\trow 29999 ' + 'y'.repeat(20)]);
  });
  it('reads a window of a file over the read cap', async () => {
    const root = makeWorkspace({ 'big.txt': 'x\n'.repeat(2000) });
    const h = await harness({ root });
    const { outcome } = await call(
      root,
      'read_file',
      { path: 'big.txt', offset: 10, limit: 1 },
      { tools: { limits: { ...h.tools.limits, maxReadBytes: 1000 } } },
    );
    assert.equal(outcome.text, '[big.txt: 4,000 bytes, 2,000 lines; lines 11-11 shown; next: offset 11]\n11\tx');
  });
  const secret = 'sk-live-0123456789abcdefSECRET';
  const multiLine = secret.slice(0, 10) + '\n' + secret.slice(10);
  const straddling: Array<[string, string, Record<string, unknown>, Record<string, number>]> = [
    [
      "the window's first line is the end of a secret that began above",
      `a\nkey=${multiLine} tail\nb\n`,
      { KEY: multiLine },
      { offset: 2, limit: 2 },
    ],
    [
      "the window's last line is the start of a secret that goes on below",
      `a\nkey=${multiLine} tail\nb\n`,
      { KEY: multiLine },
      { offset: 0, limit: 2 },
    ],
    ['a long line is cut inside a secret', `${'z'.repeat(3990)}${secret}\n`, { KEY: secret }, { offset: 0 }],
    [
      "the window's character budget ends inside a secret",
      `${'w'.repeat(3000)}\n`.repeat(26) + `${secret}${'v'.repeat(2900)}\n`,
      { KEY: secret },
      { offset: 0 },
    ],
  ];
  for (const [name, content, secrets, input] of straddling) {
    it(`shows no part of a secret when ${name}`, async () => {
      const root = makeWorkspace({ 'a.txt': content });
      const h = await harness({ root, secrets: secrets as Record<string, string> });
      const r = await handleToolCall(
        { id: 'toolu_1', name: 'read_file', input: { path: 'a.txt', ...input }, inputError: null },
        h,
        new AbortController().signal,
      );
      assert.equal(r.isError, false, r.content);
      assert.doesNotMatch(r.content, /sk-live|0123456789|abcdef|SECRET/);
    });
  }
  it('cuts a minified line to what it shows, redacted, counting the characters left on it', async () => {
    const line = `${'m'.repeat(1000)}${secret}${'n'.repeat(300_000)}${secret}`;
    const root = makeWorkspace({ 'min.js': `${line}\nsecond\n` });
    const h = await harness({ root, secrets: { KEY: secret } });
    const r = await handleToolCall(
      { id: 'toolu_1', name: 'read_file', input: { path: 'min.js', offset: 0 }, inputError: null },
      h,
      new AbortController().signal,
    );
    assert.equal(r.isError, false, r.content);
    assert.doesNotMatch(r.content, /sk-live|SECRET/);
    const first = r.content.split('\n').find((l) => l.startsWith('1\t')) ?? '';
    const more = Number(/\[… (\d+) more characters on this line\]$/.exec(first)?.[1]);
    // What is left is counted on the redacted line: the original length less the 4,000 shown, less what redaction shortened.
    assert.ok(more > 290_000 && more < line.length - 4000, `${more} more characters`);
  });
  it('windows a file too large to read in one call the same way, line count included', async () => {
    const lines = Array.from({ length: 700_000 }, (_, i) => `row ${i} ${'q'.repeat(20)}`);
    const root = makeWorkspace({ 'huge.log': lines.join('\n') + '\n' });
    const size = Buffer.byteLength(lines.join('\n') + '\n');
    assert.ok(size > 16 * 1024 * 1024);
    const { outcome } = await call(root, 'read_file', { path: 'huge.log', offset: 654_321, limit: 2 });
    assert.equal(
      outcome.text,
      `[huge.log: ${size.toLocaleString('en-US')} bytes, 700,000 lines; lines 654322-654323 shown; next: offset 654323]\n654322\t${lines[654_321]}\n654323\t${lines[654_322]}`,
    );
  });
  it('refuses a binary file with a clear message', async () => {
    const root = makeWorkspace();
    writeFileSync(join(root, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    const { outcome } = await call(root, 'read_file', { path: 'img.png' });
    assert.equal(outcome.isError, true);
    assert.match(outcome.text, /img\.png is a binary file/);
  });
  it('refuses invalid UTF-8 as binary', async () => {
    const root = makeWorkspace();
    writeFileSync(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const { outcome } = await call(root, 'read_file', { path: 'latin1.txt' });
    assert.match(outcome.text, /binary file/);
  });
  it('reads through a link inside the workspace at the resolved target', async () => {
    const root = makeWorkspace({ 'real/data.txt': 'real data', 'alias.txt': '->real/data.txt' });
    const { outcome, plan } = await call(root, 'read_file', { path: 'alias.txt' });
    assert.equal(outcome.text, 'real data');
    assert.equal(plan.kind === 'read' ? plan.target.relative : '', 'real/data.txt');
  });
});

describe('write_file', () => {
  it('creates a file and its folders, leaving no temp file behind', async () => {
    const root = makeWorkspace();
    const { outcome, plan } = await call(root, 'write_file', { path: 'new/dir/f.txt', content: 'hi\n' });
    assert.equal(outcome.isError, false, outcome.text);
    assert.equal(readFileSync(join(root, 'new/dir/f.txt'), 'utf8'), 'hi\n');
    assert.deepEqual(readdirSync(join(root, 'new/dir')), ['f.txt']);
    assert.equal(plan.kind, 'write');
    if (plan.kind === 'write') {
      assert.equal(plan.oldContent, null);
      assert.match(plan.diff, /--- \/dev\/null\n\+\+\+ b\/new\/dir\/f\.txt/);
      assert.match(plan.diff, /\n\+hi/);
    }
  });
  it('shows old content, new content and a unified diff when replacing', async () => {
    const root = makeWorkspace({ 'f.txt': 'a\nb\n' });
    const { plan } = await call(root, 'write_file', { path: 'f.txt', content: 'a\nc\n' });
    assert.ok(plan.kind === 'write');
    assert.equal(plan.oldContent, 'a\nb\n');
    assert.equal(plan.newContent, 'a\nc\n');
    assert.match(plan.diff, /-b\n\+c/);
  });
  it('writes nothing when cancelled before the rename', async () => {
    const root = makeWorkspace({ 'f.txt': 'original' });
    const controller = new AbortController();
    controller.abort();
    const h = await harness({ root });
    const decided = h.guard.decide({ tool: 'write_file', input: { path: 'f.txt', content: 'new' } });
    await assert.rejects(
      toolModule('write_file').run(
        { path: 'f.txt', content: 'new' },
        decided,
        h.tools,
        { signal: controller.signal, approvedByPerson: true },
        null,
      ),
    );
    assert.equal(readFileSync(join(root, 'f.txt'), 'utf8'), 'original');
    assert.deepEqual(readdirSync(root), ['f.txt']);
  });
  it('refuses to write when the file changed after the plan was approved', async () => {
    const root = makeWorkspace({ 'f.txt': 'v1' });
    const stale: ToolPlan = {
      kind: 'write',
      tool: 'write_file',
      target: { absolute: join(root, 'f.txt'), relative: 'f.txt', root, exists: true, protected: false },
      oldContent: 'v0',
      newContent: 'v2',
      diff: '',
      summary: '',
    };
    const { outcome } = await call(root, 'write_file', { path: 'f.txt', content: 'v2' }, { planned: stale });
    assert.equal(outcome.isError, true);
    assert.match(outcome.text, /changed after/);
    assert.equal(readFileSync(join(root, 'f.txt'), 'utf8'), 'v1');
  });
  it('writes through an in-workspace link to the resolved target, keeping the link', async () => {
    const root = makeWorkspace({ 'real.txt': 'old', 'link.txt': '->real.txt' });
    await call(root, 'write_file', { path: 'link.txt', content: 'new' });
    assert.equal(readFileSync(join(root, 'real.txt'), 'utf8'), 'new');
  });
});

describe('edit_file', () => {
  it('replaces exactly one occurrence', async () => {
    const root = makeWorkspace({ 'f.ts': 'const a = 1;\nconst b = 2;\n' });
    const { outcome } = await call(root, 'edit_file', { path: 'f.ts', old_text: 'b = 2', new_text: 'b = 3' });
    assert.equal(outcome.isError, false);
    assert.equal(readFileSync(join(root, 'f.ts'), 'utf8'), 'const a = 1;\nconst b = 3;\n');
  });
  const failing: Array<[string, string, RegExp]> = [
    ['old_text is absent', 'zzz', /not found/],
    ['old_text occurs several times', 'const', /more than once/],
  ];
  for (const [name, old_text, msg] of failing) {
    it(`changes nothing and says why when ${name}`, async () => {
      const root = makeWorkspace({ 'f.ts': 'const a = 1;\nconst b = 2;\n' });
      const h = await harness({ root });
      const decided = h.guard.decide({ tool: 'edit_file', input: { path: 'f.ts', old_text, new_text: 'x' } });
      const plan = await toolModule('edit_file').plan({ path: 'f.ts', old_text, new_text: 'x' }, decided, h.tools);
      assert.equal(plan.kind, 'invalid');
      assert.match(plan.kind === 'invalid' ? plan.error : '', msg);
      const out = await toolModule('edit_file').run(
        { path: 'f.ts', old_text, new_text: 'x' },
        decided,
        h.tools,
        { signal: new AbortController().signal, approvedByPerson: true },
        null,
      );
      assert.equal(out.isError, true);
      assert.equal(readFileSync(join(root, 'f.ts'), 'utf8'), 'const a = 1;\nconst b = 2;\n');
    });
  }
  it('says to use write_file for a missing file', async () => {
    const root = makeWorkspace();
    const { outcome } = await call(root, 'edit_file', { path: 'nope.ts', old_text: 'a', new_text: 'b' }, { planned: null });
    assert.match(outcome.text, /does not exist; use write_file/);
  });
});

describe('delete_file', () => {
  it('deletes a file', async () => {
    const root = makeWorkspace({ 'gone.txt': 'bye' });
    const { outcome, decision } = await call(root, 'delete_file', { path: 'gone.txt' });
    assert.equal(decision, 'ask');
    assert.equal(outcome.isError, false);
    assert.equal(existsSync(join(root, 'gone.txt')), false);
  });
  it('refuses a folder', async () => {
    const root = makeWorkspace({ 'd/x.txt': 'x' });
    const { outcome, plan } = await call(root, 'delete_file', { path: 'd' }, { planned: null });
    assert.equal(plan.kind, 'invalid');
    assert.equal(outcome.isError, true);
    assert.ok(existsSync(join(root, 'd/x.txt')));
  });
});

describe('list_files and search_text omit what the guard may not read', () => {
  const files = {
    'src/index.ts': 'export const token = process.env.TOKEN;\n',
    'src/util.ts': 'export function util() { return "token"; }\n',
    '.env': 'TOKEN=supersecretvalue\n',
    'config/.env.production': 'TOKEN=prodsecret\n',
    'secrets/key.txt': 'token inside secrets\n',
    'certs/server.pem': 'token pem\n',
    '.git/config': '[core] token\n',
    'README.md': 'Read me. token\n',
  };
  const entries = (text: string): string[] => text.split('\n').filter((l) => !l.startsWith('['));
  it('lists files recursively without denied ones (nor folders holding only those), shallow first, folders marked, .git left out', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'list_files', {});
    assert.deepEqual(entries(outcome.text), ['README.md', 'src/', 'src/index.ts', 'src/util.ts']);
    assert.match(outcome.text, /^\[3 files in 1 folders; all shown\]/);
  });
  it('filters by glob', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'list_files', { path: 'src', glob: '*.ts' });
    assert.deepEqual(entries(outcome.text), ['src/index.ts', 'src/util.ts']);
  });
  it('searches readable files only', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'search_text', { query: 'token' });
    assert.doesNotMatch(outcome.text, /supersecretvalue|prodsecret|inside secrets|pem|\[core\]/);
    assert.match(outcome.text, /src\/index\.ts:1: export const token/);
    assert.match(outcome.text, /README\.md:1: Read me\. token/);
    assert.match(outcome.text, /^\[3 matching lines in 3 files; all shown\]/);
  });
  it('searches with a regular expression, and reports an invalid one', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'search_text', { query: 'function \\w+\\(', regex: true });
    assert.match(outcome.text, /src\/util\.ts:1:/);
    const bad = await call(root, 'search_text', { query: '(unclosed', regex: true });
    assert.equal(bad.outcome.isError, true);
    assert.match(bad.outcome.text, /The search failed, so nothing is reported: .*regex parse error/s);
  });
  it('runs patterns that backtrack exponentially in JavaScript in linear time', async () => {
    const root = makeWorkspace({ 'a.txt': 'a'.repeat(5000) + '!\n' });
    for (const q of ['(a+)+$', '(a|aa)*b', '(x*y*)*z']) {
      const { outcome } = await call(root, 'search_text', { query: q, regex: true });
      assert.equal(outcome.isError, false, `${q}: ${outcome.text}`);
    }
  });
  it('caps the matching lines shown, counting the rest first in the result', async () => {
    const root = makeWorkspace({ 'many.txt': 'hit\n'.repeat(50), 'sub/more.txt': 'hit\n'.repeat(5) });
    const h = await harness({ root });
    const { outcome } = await call(
      root,
      'search_text',
      { query: 'hit' },
      { tools: { limits: { ...h.tools.limits, maxSearchMatches: 10 } } },
    );
    assert.equal(outcome.text.split('\n').filter((l) => /^(many|sub\/more)\.txt:\d+: hit$/.test(l)).length, 10);
    assert.match(outcome.text, /^\[55 matching lines in 2 files; the first 10 shown\]\n\[left out: 45 matching lines, under /);
  });
  it('does not list entries behind a link that leads out of the workspace', async () => {
    const outside = makeWorkspace({ 'private.txt': 'outside' });
    const root = makeWorkspace({ 'a.txt': 'a', escape: `->${outside}` });
    const { outcome } = await call(root, 'list_files', {});
    assert.doesNotMatch(outcome.text, /private\.txt/);
  });
});

describe('tool definitions', () => {
  it('are generated from the zod schemas as JSON Schema objects', () => {
    const defs = toolDefinitions();
    assert.deepEqual(
      defs.map((d) => d.name),
      ['read_file', 'list_files', 'search_text', 'write_file', 'edit_file', 'delete_file', 'run_command', 'fetch_url'],
    );
    for (const d of defs) {
      assert.equal(d.inputSchema.type, 'object');
      assert.equal(d.inputSchema.additionalProperties, false);
      assert.equal('$schema' in d.inputSchema, false);
    }
    const edit = defs.find((d) => d.name === 'edit_file');
    assert.deepEqual((edit?.inputSchema.required as string[]).sort(), ['new_text', 'old_text', 'path']);
  });
});

describe('workspace folder without the write', () => {
  it('keeps writes atomic: the final file is whole or absent', async () => {
    const root = makeWorkspace();
    mkdirSync(join(root, 'd'));
    const big = 'y'.repeat(3_000_000);
    await call(root, 'write_file', { path: 'd/big.txt', content: big });
    assert.equal(readFileSync(join(root, 'd/big.txt'), 'utf8').length, big.length);
    assert.deepEqual(readdirSync(join(root, 'd')), ['big.txt']);
  });
});
