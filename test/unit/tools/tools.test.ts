import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ToolName } from '../../../src/core/tools/schemas';
import { toolDefinitions, toolModule } from '../../../src/core/tools/registry';
import type { ToolContext, ToolOutcome, ToolPlan } from '../../../src/core/tools/tool';
import { harness, makeWorkspace } from '../agent/harness';

async function call(root: string, tool: ToolName, input: Record<string, unknown>, opts: { settings?: Record<string, unknown>; tools?: Partial<ToolContext>; approved?: boolean; signal?: AbortSignal; planned?: ToolPlan | null } = {}): Promise<{ outcome: ToolOutcome; plan: ToolPlan; decision: string }> {
  const h = await harness({ root, settings: opts.settings ?? {}, ...(opts.tools ? { tools: opts.tools } : {}) });
  const decided = h.guard.decide({ tool, input });
  assert.notEqual(decided.decision, 'deny', `guard denied: ${decided.message}`);
  const mod = toolModule(tool);
  const plan = await mod.plan(input, decided, h.tools);
  const outcome = await mod.run(input, decided, h.tools, { signal: opts.signal ?? new AbortController().signal, approvedByPerson: opts.approved ?? true }, opts.planned === undefined ? plan : opts.planned);
  return { outcome, plan, decision: decided.decision };
}

describe('read_file', () => {
  it('returns the text of a file', async () => {
    const root = makeWorkspace({ 'src/a.ts': 'line0\nline1\nline2\n' });
    const { outcome } = await call(root, 'read_file', { path: 'src/a.ts' });
    assert.equal(outcome.isError, false);
    assert.equal(outcome.text, 'line0\nline1\nline2\n');
  });
  it('returns a line window with offset and limit', async () => {
    const root = makeWorkspace({ 'a.txt': 'l0\nl1\nl2\nl3\n' });
    const { outcome } = await call(root, 'read_file', { path: 'a.txt', offset: 1, limit: 2 });
    assert.equal(outcome.text, '[lines 1-2 of 5 in a.txt]\nl1\nl2');
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
  it('refuses a file over the read cap', async () => {
    const root = makeWorkspace({ 'big.txt': 'x'.repeat(2000) });
    const { outcome } = await call(root, 'read_file', { path: 'big.txt' }, { tools: { limits: { ...(await harness({ root })).tools.limits, maxReadBytes: 1000 } } });
    assert.match(outcome.text, /2000 bytes, over the 1000-byte read cap/);
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
    await assert.rejects(toolModule('write_file').run({ path: 'f.txt', content: 'new' }, decided, h.tools, { signal: controller.signal, approvedByPerson: true }, null));
    assert.equal(readFileSync(join(root, 'f.txt'), 'utf8'), 'original');
    assert.deepEqual(readdirSync(root), ['f.txt']);
  });
  it('refuses to write when the file changed after the plan was approved', async () => {
    const root = makeWorkspace({ 'f.txt': 'v1' });
    const stale: ToolPlan = { kind: 'write', tool: 'write_file', target: { absolute: join(root, 'f.txt'), relative: 'f.txt', root, exists: true, protected: false }, oldContent: 'v0', newContent: 'v2', diff: '', summary: '' };
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
      const out = await toolModule('edit_file').run({ path: 'f.ts', old_text, new_text: 'x' }, decided, h.tools, { signal: new AbortController().signal, approvedByPerson: true }, null);
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
    '.git/config': '[core]\n',
    'README.md': 'Read me. token\n',
  };
  it('lists files recursively without denied ones, folders marked, .git not entered', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'list_files', {});
    const lines = outcome.text.split('\n');
    assert.deepEqual(lines.sort(), ['.git/', 'README.md', 'certs/', 'config/', 'src/', 'src/index.ts', 'src/util.ts'].sort());
  });
  it('filters by glob', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'list_files', { path: 'src', glob: '*.ts' });
    assert.deepEqual(outcome.text.split('\n'), ['src/index.ts', 'src/util.ts']);
  });
  it('searches readable files only', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'search_text', { query: 'token' });
    assert.doesNotMatch(outcome.text, /supersecretvalue|prodsecret|inside secrets|pem/);
    assert.match(outcome.text, /src\/index\.ts:1: export const token/);
    assert.match(outcome.text, /README\.md:1: Read me\. token/);
  });
  it('searches with a regular expression, and reports an invalid one', async () => {
    const root = makeWorkspace(files);
    const { outcome } = await call(root, 'search_text', { query: 'function \\w+\\(', regex: true });
    assert.match(outcome.text, /src\/util\.ts:1:/);
    const bad = await call(root, 'search_text', { query: '(unclosed', regex: true });
    assert.equal(bad.outcome.isError, true);
    assert.match(bad.outcome.text, /regular expression is not valid/);
  });
  const risky: Array<[string, string]> = [
    ['a nested quantifier', '(a+)+$'],
    ['a nested star in a group', '(x*y*)*z'],
    ['a bounded repeat of a quantified group', '(\\w+\\s?){2,}!'],
    ['a backreference', '(a)\\1'],
    ['a nested group inside a repeated group', '((a+))+'],
    ['a repeated alternation', '(a|aa)*b'],
  ];
  for (const [name, query] of risky) {
    it(`refuses a regular expression with ${name} (exponential backtracking)`, async () => {
      const root = makeWorkspace({ 'a.txt': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' });
      const { outcome } = await call(root, 'search_text', { query, regex: true });
      assert.equal(outcome.isError, true);
      assert.match(outcome.text, /refused: .*exponential time/);
    });
  }
  it('keeps ordinary regular expressions working', async () => {
    const root = makeWorkspace({ 'a.ts': 'function foo(a, b) {}\nconst x = [1, 2]; // xabab\n' });
    for (const q of ['function\\s+\\w+\\(', '\\[\\d+, \\d+\\]', '(foo|bar)\\(', '^const', '(\\d+)?', 'x(ab)+', '[(+*]']) {
      const { outcome } = await call(root, 'search_text', { query: q, regex: true });
      assert.equal(outcome.isError, false, `${q}: ${outcome.text}`);
      assert.match(outcome.text, /a\.ts:\d:/);
    }
  });

  it('caps the number of matches with a note', async () => {
    const root = makeWorkspace({ 'many.txt': 'hit\n'.repeat(50) });
    const h = await harness({ root });
    const { outcome } = await call(root, 'search_text', { query: 'hit' }, { tools: { limits: { ...h.tools.limits, maxSearchMatches: 10 } } });
    assert.equal(outcome.text.split('\n').filter((l) => l.startsWith('many.txt:')).length, 10);
    assert.match(outcome.text, /\[stopped at 10 matches\]/);
  });
  it('does not list entries behind a link that leads out of the workspace', async () => {
    const outside = makeWorkspace({ 'private.txt': 'outside' });
    const root = makeWorkspace({ 'a.txt': 'a', 'escape': `->${outside}` });
    const { outcome } = await call(root, 'list_files', {});
    assert.doesNotMatch(outcome.text, /private\.txt/);
  });
});

describe('tool definitions', () => {
  it('are generated from the zod schemas as JSON Schema objects', () => {
    const defs = toolDefinitions();
    assert.deepEqual(defs.map((d) => d.name), ['read_file', 'list_files', 'search_text', 'write_file', 'edit_file', 'delete_file', 'run_command', 'fetch_url']);
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
