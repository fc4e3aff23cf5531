import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Guard } from '../../../src/core/policy/guard';
import type { ToolName } from '../../../src/core/tools/schemas';
import { toolModule } from '../../../src/core/tools/registry';
import { DEFAULT_TOOL_LIMITS, type ToolLimits } from '../../../src/core/tools/tool';
import { probeConfinement } from '../../../src/node/search/confine';
import { bigMatch, createRipgrepSearch, exclusionGlob } from '../../../src/node/search/ripgrep';
import { createWorkspaceFs } from '../../../src/node/workspaceFs';
import { harness, makeWorkspace } from '../agent/harness';

/**
 * A generated repository, built once for this file: tens of thousands of
 * files, a .gitignore'd build folder, node_modules (ignored at the root, not
 * ignored deeper), binary files, denied files and links. Every placed needle
 * is recorded with the reason it should or should not be found, so results
 * are checked against what was written, and against ripgrep's own answer.
 */
const NEEDLE = 'QUOKKA_7731';
const FILES = Number(process.env.WARDEN_REPO_FIXTURE_FILES ?? 24_000);
const SETTINGS = { 'warden.paths.denyRead': ['**/.env', '**/.env.*', '**/*.pem', '**/secrets/**', 'private', 'docs/internal-*.md'] };

type Kind = 'plain' | 'ignored' | 'node_modules' | 'binary' | 'denied';
interface Placed {
  readonly path: string;
  readonly line: number;
  readonly kind: Kind;
}

interface Fixture {
  readonly root: string;
  readonly placed: readonly Placed[];
  readonly textFiles: readonly string[];
  readonly tsFiles: number;
}

function build(): Fixture {
  const root = makeWorkspace({ '.gitignore': 'build/\n*.log\n/node_modules/\n' });
  const placed: Placed[] = [];
  const textFiles: string[] = [];
  let tsFiles = 0;
  const write = (rel: string, content: string | Buffer): void => {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  const file = (rel: string, kind: Kind, needleAt: number | null, lines = 12): void => {
    const body: string[] = [];
    for (let i = 0; i < lines; i++)
      body.push(i === needleAt ? `const x${i} = "${NEEDLE}"; // ${kind}` : `export const v${i} = ${i}; // filler text`);
    write(rel, body.join('\n') + '\n');
    if (needleAt !== null) placed.push({ path: rel, line: needleAt + 1, kind });
    if (kind === 'plain') {
      textFiles.push(rel);
      if (rel.endsWith('.ts')) tsFiles++;
    }
  };
  for (let i = 0; i < FILES; i++) {
    const pkg = `packages/p${i % 40}/src/m${Math.floor(i / 40) % 25}`;
    const needle = i % 97 === 0 ? i % 12 : null;
    file(`${pkg}/f${i}.${i % 3 === 0 ? 'js' : 'ts'}`, 'plain', needle);
  }
  for (let i = 0; i < 600; i++) file(`build/out/chunk${i}.js`, 'ignored', i % 5 === 0 ? 3 : null);
  for (let i = 0; i < 50; i++) file(`logs/run${i}.log`, 'ignored', 1);
  for (let i = 0; i < 400; i++)
    file(`node_modules/dep${i % 20}/index.js`.replace('index', `i${i}`), 'node_modules', i % 4 === 0 ? 2 : null);
  file('packages/p1/node_modules/nested/a.js', 'node_modules', 0);
  for (let i = 0; i < 30; i++) {
    write(`assets/blob${i}.bin`, Buffer.concat([Buffer.from(`${NEEDLE}\n`), Buffer.from([0, 1, 2, 0]), Buffer.from(`\n${NEEDLE}\n`)]));
    placed.push({ path: `assets/blob${i}.bin`, line: 1, kind: 'binary' });
  }
  file('.env', 'denied', 0);
  file('packages/p2/.env.local', 'denied', 1);
  file('certs/server.pem', 'denied', 2);
  file('packages/p3/secrets/token.txt', 'denied', 0);
  file('private/notes.txt', 'denied', 0);
  file('private/deeper/more.txt', 'denied', 5);
  file('docs/internal-plan.md', 'denied', 3);
  file('docs/public-plan.md', 'plain', 3);
  file('docs/sub/internal-plan.md', 'plain', 4);
  file('tools/cert.pem.txt', 'plain', 1);
  file('.github/workflows/ci.yml', 'plain', 2);
  // A minified file: one line of 60 KB holding the needle twice, quotes, backslashes and non-ASCII text.
  write('packages/p5/dist/bundle.min.js', `${'var a="\\"é\\\\";'.repeat(3000)}${NEEDLE}${'x'.repeat(5000)}${NEEDLE}\n`);
  placed.push({ path: 'packages/p5/dist/bundle.min.js', line: 1, kind: 'plain' });
  textFiles.push('packages/p5/dist/bundle.min.js');
  mkdirSync(join(root, 'links'));
  symlinkSync('../private/notes.txt', join(root, 'links/to-private.txt'));
  symlinkSync('../docs', join(root, 'links/docs-dir'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  return { root, placed, textFiles, tsFiles };
}

async function run(
  root: string,
  tool: ToolName,
  input: Record<string, unknown>,
  limits: Partial<ToolLimits> = {},
): Promise<{ text: string; isError: boolean }> {
  const h = await harness({ root, settings: SETTINGS, tools: { limits: { ...DEFAULT_TOOL_LIMITS, ...limits } } });
  const decided = h.guard.decide({ tool, input });
  assert.equal(decided.decision, 'allow', decided.message);
  const out = await toolModule(tool).run(input, decided, h.tools, { signal: new AbortController().signal, approvedByPerson: false }, null);
  return { text: out.text, isError: out.isError };
}

/** The policy as a listing applies it: the file and every folder above it readable. */
function readable(guard: Guard, root: string, rel: string): boolean {
  const parts = rel.split('/');
  return parts.every((_, i) => guard.canRead(join(root, ...parts.slice(0, i + 1))));
}

const hits = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('['))
    .map((l) => /^(.*?):(\d+): /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}`)
    .sort();
const expected = (placed: readonly Placed[], kinds: readonly Kind[]): string[] =>
  placed
    .filter((p) => kinds.includes(p.kind))
    .map((p) => `${p.path}:${p.line}`)
    .sort();

describe('search_text and list_files on a generated repository', () => {
  let fx: Fixture;
  before(() => {
    fx = build();
  });
  const all = { maxSearchMatches: 1_000_000, maxListEntries: 1_000_000, maxListChars: 100_000_000 };

  it('finds every match that policy allows and no ignored, node_modules, binary or denied one', async () => {
    const r = await run(fx.root, 'search_text', { query: NEEDLE }, all);
    assert.equal(r.isError, false, r.text);
    assert.deepEqual(hits(r.text), expected(fx.placed, ['plain']));
    assert.match(r.text, /\[not covered: files ignored by \.gitignore.*include_ignored: true/);
  });

  it('finds what ripgrep itself finds, less what policy denies (a denied folder hides all below it)', async () => {
    const rg = execFileSync(
      'rg',
      ['--no-config', '-n', '--hidden', '--no-require-git', '-g', '!.git', '-g', '!node_modules', '-F', NEEDLE],
      { cwd: fx.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const h = await harness({ root: fx.root, settings: SETTINGS });
    const rgHits = rg
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':').slice(0, 2).join(':'))
      .filter((l) => readable(h.guard, fx.root, l.split(':')[0] ?? ''))
      .sort();
    const r = await run(fx.root, 'search_text', { query: NEEDLE }, all);
    assert.deepEqual(hits(r.text), rgHits);
  });

  it('searches ignored files and node_modules when asked, never binary or denied ones', async () => {
    const r = await run(fx.root, 'search_text', { query: NEEDLE, include_ignored: true }, all);
    assert.deepEqual(hits(r.text), expected(fx.placed, ['plain', 'ignored', 'node_modules']));
  });

  it('applies the cap after filtering, and says first exactly how many matches it left out and where', async () => {
    const want = expected(fx.placed, ['plain']).length;
    const r = await run(fx.root, 'search_text', { query: NEEDLE }, { maxSearchMatches: 20 });
    const [first, second] = r.text.split('\n');
    assert.equal(first, `[${want} matching lines in ${want} files; the first 20 shown]`);
    assert.match(second ?? '', new RegExp(`^\\[left out: ${want - 20} matching lines, under packages \\(\\d+\\)`));
    assert.equal(hits(r.text).length, 20);
  });

  it('counts every match of a common word, beyond the cap', async () => {
    const r = await run(fx.root, 'search_text', { query: 'filler text', path: 'packages/p7' });
    const files = fx.textFiles.filter((f) => f.startsWith('packages/p7/'));
    const lines = files.length * 12 - fx.placed.filter((p) => p.kind === 'plain' && p.path.startsWith('packages/p7/')).length;
    assert.match(
      r.text,
      new RegExp(
        `^\\[${lines.toLocaleString('en-US')} matching lines in ${files.length} files; the first 200 shown\\]\\n\\[left out: ${(lines - 200).toLocaleString('en-US')} matching lines, under packages/p7/src \\(`,
      ),
    );
  });

  it('limits a search to a folder and a glob', async () => {
    const r = await run(fx.root, 'search_text', { query: NEEDLE, path: 'packages/p0', glob: '*.js' }, all);
    assert.deepEqual(
      hits(r.text),
      expected(fx.placed, ['plain']).filter((p) => p.startsWith('packages/p0/') && p.includes('.js:')),
    );
  });

  it('lists every allowed file, glob applied before the cap', async () => {
    const r = await run(fx.root, 'list_files', { glob: '**/*.ts' });
    assert.match(
      r.text,
      new RegExp(
        `^\\[${fx.tsFiles.toLocaleString('en-US')} files matching "\\*\\*/\\*\\.ts"; the first 2,000 entries shown\\]\\n\\[left out: ${(fx.tsFiles - 2000).toLocaleString('en-US')} entries`,
      ),
    );
    const full = await run(fx.root, 'list_files', {}, all);
    const listed = full.text.split('\n').filter((l) => !l.startsWith('[') && !l.endsWith('/'));
    const wanted = [...fx.textFiles, ...fx.placed.filter((p) => p.kind === 'binary').map((p) => p.path), '.gitignore'];
    assert.deepEqual(listed.sort(), [...new Set(wanted)].sort());
  });

  it('keeps a capped root listing under the result cap with its notes first', async () => {
    const r = await run(fx.root, 'list_files', {});
    assert.ok(r.text.length < 100_000, `${r.text.length} characters`);
    assert.match(
      r.text,
      /^\[\d[\d,]* files in \d[\d,]* folders; the first 2,000 entries shown\]\n\[left out: [\d,]+ entries \([\d,]+ files\), under packages \([\d,]+\)/,
    );
    assert.ok(r.text.split('\n').includes('packages/'));
  });

  it('lists ignored files when asked, never denied ones or what links lead to', async () => {
    const r = await run(fx.root, 'list_files', { include_ignored: true }, all);
    const lines = new Set(r.text.split('\n'));
    for (const p of ['build/out/chunk0.js', 'logs/run0.log', 'node_modules/dep0/i0.js', 'packages/p1/node_modules/nested/a.js'])
      assert.ok(lines.has(p), p);
    for (const p of fx.placed.filter((x) => x.kind === 'denied')) assert.ok(!lines.has(p.path), p.path);
    assert.deepEqual(
      [...lines].filter((l) => /^(private|links|\.git)\b|^docs\/internal-/.test(l)),
      [],
    );
    assert.ok(lines.has('docs/sub/internal-plan.md'));
  });
});

describe('exclusion globs handed to ripgrep', () => {
  const cases: Array<[string, string | null]> = [
    ['**/.env', '!**/.env'],
    ['*.pem', '!/*.pem'],
    ['secrets/**', '!/secrets/**'],
    ['docs/internal-*.md', '!/docs/internal-*.md'],
    ['**/{a,b}.txt', null],
    ['!(x)', null],
    ['/abs/path', null],
  ];
  for (const [glob, want] of cases) {
    it(`turns ${glob} into ${String(want)} (never wider than the policy glob)`, () => {
      assert.equal(exclusionGlob(glob), want);
    });
  }
});

describe('the ripgrep adapter', () => {
  const scope = (root: string) => ({ root, path: '', includeIgnored: false, exclude: [], signal: new AbortController().signal });
  it('runs ripgrep read-only in bubblewrap where bubblewrap works, and says so', async () => {
    const root = makeWorkspace({ 'a.txt': 'a\n' });
    const conf = await probeConfinement(process.env.PATH);
    const r = await createRipgrepSearch().listFiles(scope(root));
    assert.equal(r.ok && r.confinement, conf.kind === 'bwrap' ? 'ripgrep, read-only in bubblewrap' : `ripgrep, unconfined: ${conf.why}`);
  });
  it('says when bubblewrap is missing rather than failing', async () => {
    assert.deepEqual(await probeConfinement('/nonexistent'), {
      kind: 'none',
      why: 'bubblewrap (bwrap) is not installed, so ripgrep runs unconfined',
    });
  });
  it('fails the call with a clear message when ripgrep is missing', async () => {
    const root = makeWorkspace({ 'a.txt': 'needle\n' });
    const h = await harness({ root, tools: { fs: createWorkspaceFs(createRipgrepSearch({ rg: null })) } });
    for (const [tool, input] of [
      ['search_text', { query: 'needle' }],
      ['list_files', {}],
    ] as const) {
      const out = await toolModule(tool).run(
        input,
        h.guard.decide({ tool, input }),
        h.tools,
        { signal: new AbortController().signal, approvedByPerson: false },
        null,
      );
      assert.equal(out.isError, true);
      assert.match(out.text, /failed, so nothing is reported: ripgrep \(rg\) is not installed/);
    }
  });
});

describe('large match messages read without parsing them whole', () => {
  const lines = [
    `${'plain text '.repeat(2000)}`,
    `${'q"uo\\te\\\\ '.repeat(1500)}`,
    `${'é€😀\u0001\t'.repeat(2000)}`,
    `short "line" with \\ and 😀`,
  ];
  for (const [i, text] of lines.entries()) {
    for (const max of [1, 7, 300, 299, 5000]) {
      it(`line ${i}, first ${max} characters: the same as a full parse`, () => {
        const msg = JSON.stringify({
          type: 'match',
          data: {
            path: { text: 'a.js' },
            lines: { text },
            line_number: 42,
            absolute_offset: 0,
            submatches: [{ match: { text: '"line_number":1' }, start: 0, end: 1 }],
          },
        });
        const got = bigMatch(Buffer.from(msg), max);
        const want = text.slice(0, max);
        assert.deepEqual(got, { line: 42, text: want });
      });
    }
  }
});
