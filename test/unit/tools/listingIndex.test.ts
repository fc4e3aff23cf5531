import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Listing, RepoScope } from '../../../src/core/tools/ports';
import { toolModule } from '../../../src/core/tools/registry';
import { createRipgrepSearch } from '../../../src/node/search/ripgrep';
import { ListingIndex } from '../../../src/node/search/listingIndex';
import { RACY_MS, stampTree } from '../../../src/node/search/stamps';
import { createWorkspaceFs } from '../../../src/node/workspaceFs';
import { harness } from '../agent/harness';

/**
 * A listing handed out again must be exactly the listing ripgrep would give
 * now. Each row changes the tree in one way that changes what ripgrep lists,
 * after a listing was kept; the next listing must not be the kept one, and
 * must equal a fresh one.
 */

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function write(root: string, rel: string, content = 'x\n'): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

/** A workspace inside a folder of its own (so a test may put ignore files above it), a git repository unless `git` is false. */
function tree(git = true): { outer: string; root: string } {
  const outer = realpathSync(mkdtempSync(join(tmpdir(), 'warden-index-')));
  const root = join(outer, 'ws');
  mkdirSync(root);
  if (git) execFileSync('git', ['init', '-q'], { cwd: root, env: GIT_ENV });
  write(root, '.gitignore', 'build/\n*.log\n');
  write(root, 'src/a.ts');
  write(root, 'src/b.ts');
  write(root, 'src/only-ignored/x.log');
  write(root, 'build/out.js');
  write(root, 'docs/guide.md');
  mkdirSync(join(root, 'empty/deeper'), { recursive: true });
  write(root, 'node_modules/pkg/index.js');
  return { outer, root };
}

/** Runs `fn` on a fresh tree (tree()), removed afterwards. */
async function inTree(fn: (t: { outer: string; root: string }) => Promise<void>, git = true): Promise<void> {
  const t = tree(git);
  try {
    await fn(t);
  } finally {
    rmSync(t.outer, { recursive: true, force: true });
  }
}

const scopeOf = (root: string, path = ''): RepoScope => ({
  root,
  path,
  includeIgnored: false,
  exclude: [],
  signal: new AbortController().signal,
});

/** A search whose listings are kept however recent the tree's last change (the tests change it just before). */
const keeping = () => createRipgrepSearch({ index: { now: () => Date.now() + 10 * RACY_MS } });
/** A search that never keeps a listing: what ripgrep gives now. */
const fresh = createRipgrepSearch({ index: { now: () => 0 } });

function files(l: Listing): string[] {
  assert.ok(l.ok, l.ok ? '' : l.error);
  return [...l.files].sort();
}

/** Lists twice on an unchanged tree (the second is the kept one), so the stamp is certainly taken. */
async function kept(search: ReturnType<typeof createRipgrepSearch>, scope: RepoScope): Promise<Listing> {
  const first = await search.listFiles(scope);
  const again = await search.listFiles(scope);
  assert.equal(again, first, 'an unchanged tree is listed from the kept listing');
  return first;
}

const CHANGES: readonly { name: string; change: (root: string, outer: string) => void; git?: false }[] = [
  { name: 'a file added at the root', change: (r) => write(r, 'new.txt') },
  { name: 'a file added in an empty folder two levels down', change: (r) => write(r, 'empty/deeper/found.ts') },
  { name: 'a file added in a folder that held only ignored files', change: (r) => write(r, 'src/only-ignored/y.ts') },
  { name: 'a file deleted', change: (r) => unlinkSync(join(r, 'src/b.ts')) },
  { name: 'a folder renamed', change: (r) => renameSync(join(r, 'docs'), join(r, 'manual')) },
  { name: 'a folder added with a file in it', change: (r) => write(r, 'lib/new/c.ts') },
  { name: '.gitignore edited to list what it ignored', change: (r) => writeFileSync(join(r, '.gitignore'), '*.log\n') },
  { name: '.gitignore edited to the same size', change: (r) => writeFileSync(join(r, '.gitignore'), 'docs/\n*.log\n') },
  { name: 'an .ignore added in a folder', change: (r) => write(r, 'src/.ignore', 'a.ts\n') },
  { name: 'a .rgignore added at the root', change: (r) => write(r, '.rgignore', 'docs/\n') },
  { name: '.git/info/exclude edited', change: (r) => appendFileSync(join(r, '.git/info/exclude'), 'src/\n') },
  // ripgrep reads ignore files above the folder it lists up to a repository's root: here there is none.
  {
    name: 'a .gitignore added above a workspace that is not a repository',
    change: (_r, o) => write(o, '.gitignore', 'docs/\n'),
    git: false,
  },
  {
    name: 'a file replaced by a link to it (links are not listed)',
    change: (r) => {
      renameSync(join(r, 'src/a.ts'), join(r, 'a-target.ts'));
      symlinkSync('../a-target.ts', join(r, 'src/a.ts'));
    },
  },
  {
    name: 'a file added, and the folder times set back to hide it',
    change: (r) => {
      write(r, 'src/hidden.ts');
      utimesSync(join(r, 'src'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    },
  },
];

describe('the listing index: a kept listing is handed out only while its tree is unchanged', () => {
  for (const { name, change, git } of CHANGES) {
    it(`lists afresh after ${name}`, async () => {
      await inTree(async ({ outer, root }) => {
        const search = keeping();
        const before = await kept(search, scopeOf(root));
        change(root, outer);
        const after = await search.listFiles(scopeOf(root));
        assert.notEqual(after, before, 'the kept listing was not handed out');
        const now = files(await fresh.listFiles(scopeOf(root)));
        assert.deepEqual(files(after), now);
        assert.notDeepEqual(now, files(before), 'the change does change the listing');
      }, git);
    });
  }

  it('hands the kept listing out again after a file is edited in place or node_modules changes', async () => {
    await inTree(async ({ root }) => {
      const search = keeping();
      const first = await kept(search, scopeOf(root));
      writeFileSync(join(root, 'src/a.ts'), 'changed content, same name\n');
      write(root, 'node_modules/pkg/more.js');
      assert.equal(await search.listFiles(scopeOf(root)), first);
      assert.deepEqual(files(first), files(await fresh.listFiles(scopeOf(root))));
    });
  });

  it('lists afresh after a change in an ignored folder (every folder ripgrep could enter is stamped), with the same files', async () => {
    await inTree(async ({ root }) => {
      const search = keeping();
      const first = await kept(search, scopeOf(root));
      write(root, 'build/more.js');
      const again = await search.listFiles(scopeOf(root));
      assert.notEqual(again, first);
      assert.deepEqual(files(again), files(first));
    });
  });

  it('keeps listings of a subfolder and of ignored files apart', async () => {
    await inTree(async ({ root }) => {
      const search = keeping();
      const all = await kept(search, scopeOf(root));
      const src = await kept(search, scopeOf(root, 'src'));
      const ignored = await search.listFiles({ ...scopeOf(root), includeIgnored: true });
      assert.deepEqual(files(src), ['src/a.ts', 'src/b.ts']);
      assert.ok(files(ignored).includes('build/out.js') && files(ignored).includes('node_modules/pkg/index.js'));
      assert.ok(!files(all).includes('build/out.js'));
      write(root, 'node_modules/pkg/new.js');
      assert.notEqual(await search.listFiles({ ...scopeOf(root), includeIgnored: true }), ignored, 'node_modules is stamped when listed');
    });
  });
});

describe('the listing index and the time of a change', () => {
  it('does not keep a listing of a tree changed moments before it', async () => {
    await inTree(async ({ root }) => {
      const why: string[] = [];
      const search = createRipgrepSearch({ index: { onNotKept: (w) => why.push(w) } });
      const first = await search.listFiles(scopeOf(root));
      assert.notEqual(await search.listFiles(scopeOf(root)), first);
      assert.deepEqual(why, ['the tree changed moments before', 'the tree changed moments before']);
    });
  });

  it('catches a file added between the walk and the stamp, and the clock rule is what catches it', async () => {
    for (const [clock, caught] of [
      [() => Date.now(), true],
      // The control: with the rule defeated (a clock far ahead), the stale listing is handed out.
      [() => Date.now() + 10 * RACY_MS, false],
    ] as const) {
      await inTree(async ({ root }) => {
        const index = new ListingIndex({ now: clock });
        const walker = createRipgrepSearch({ index: { now: () => 0 } });
        const scope = scopeOf(root);
        const walk = async (): Promise<Listing> => {
          const l = await walker.listFiles(scope);
          // ripgrep has read src; the new file lands before the stamp is taken.
          write(root, 'src/late.ts');
          return l;
        };
        const first = await index.list(scope, walk);
        assert.ok(!files(first).includes('src/late.ts'));
        const second = await index.list(scope, () => walker.listFiles(scope));
        assert.equal(files(second).includes('src/late.ts'), caught);
      });
    }
  });
});

describe('what the listing index cannot vouch for', () => {
  it('keeps no listing that failed or stopped early', async () => {
    await inTree(async ({ root }) => {
      const index = new ListingIndex({ now: () => Date.now() + 10 * RACY_MS });
      const scope = scopeOf(root);
      const real = await fresh.listFiles(scope);
      assert.ok(real.ok);
      for (const partial of [{ ok: false, error: 'ripgrep failed' } as const, { ...real, stopped: true }]) {
        await index.list(scope, () => Promise.resolve(partial));
        const next = await index.list(scope, () => fresh.listFiles(scope));
        assert.notEqual(next, partial);
        assert.deepEqual(files(next), files(await fresh.listFiles(scope)));
        // Leave nothing kept for the next row.
        write(root, `row-${Date.now()}.txt`);
      }
    });
  });

  it('lists afresh each time when a .git is neither a folder nor a file, never reads it, and stops trying to stamp it', async () => {
    await inTree(async ({ root }) => {
      mkdirSync(join(root, 'vendor'));
      execFileSync('mkfifo', [join(root, 'vendor/.git')]);
      assert.match((await stampTree(root, true)) as string, /vendor\/\.git is neither a folder nor a file/);
      const why: string[] = [];
      const search = createRipgrepSearch({ index: { now: () => Date.now() + 10 * RACY_MS, onNotKept: (w) => why.push(w) } });
      const first = await search.listFiles(scopeOf(root));
      const second = await search.listFiles(scopeOf(root));
      assert.notEqual(second, first);
      assert.notEqual(await search.listFiles(scopeOf(root)), second);
      assert.deepEqual(why, [`${join(root, 'vendor/.git')} is neither a folder nor a file`]);
    });
  });

  it('lists afresh when an ignore file is a link (its target could change unseen)', async () => {
    await inTree(async ({ outer, root }) => {
      write(outer, 'shared-ignore', 'docs/\n');
      symlinkSync('../../shared-ignore', join(root, 'src/.ignore'));
      assert.match((await stampTree(root, true)) as string, /src\/\.ignore is not a plain file/);
    });
  });

  it("stamps a linked worktree by its .git file and the main repository's exclude file", async () => {
    await inTree(async ({ outer, root }) => {
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init'], {
        cwd: root,
        env: GIT_ENV,
      });
      const wt = join(outer, 'wt');
      execFileSync('git', ['worktree', 'add', '-q', wt], { cwd: root, env: GIT_ENV });
      write(wt, 'docs/guide.md');
      const search = keeping();
      const before = await kept(search, scopeOf(wt));
      appendFileSync(join(root, '.git/info/exclude'), 'docs/\n');
      const after = await search.listFiles(scopeOf(wt));
      assert.notEqual(after, before);
      assert.deepEqual(files(after), files(await fresh.listFiles(scopeOf(wt))));
    });
  });
});

describe('list_files on a kept listing', () => {
  it('gives the same text from the kept listing, and a stricter policy never sees a looser one', async () => {
    await inTree(async ({ root }) => {
      write(root, 'src/secret.pem', 'key\n');
      const fs = createWorkspaceFs(keeping());
      const run = async (settings: Record<string, unknown>): Promise<string> => {
        const h = await harness({ root, settings, tools: { fs } });
        // Nothing excluded up front, so both policies share one kept listing: only the per-entry filter (and its key) tells them apart.
        const guard = { ...h.guard, readFilter: () => ({ ...h.guard.readFilter(), globs: [] }) };
        const out = await toolModule('list_files').run(
          {},
          h.guard.decide({ tool: 'list_files', input: {} }),
          { ...h.tools, guard },
          { signal: new AbortController().signal, approvedByPerson: false },
          null,
        );
        assert.equal(out.isError, false, out.text);
        return out.text;
      };
      const loose = { 'warden.paths.denyRead': [] };
      const first = await run(loose);
      assert.match(first, /src\/secret\.pem/);
      assert.equal(await run(loose), first);
      const strict = await run({ 'warden.paths.denyRead': ['**/*.pem'] });
      assert.doesNotMatch(strict, /secret\.pem/);
      assert.match(strict, /src\/a\.ts/);
    });
  });
});
