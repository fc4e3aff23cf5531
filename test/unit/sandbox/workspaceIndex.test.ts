import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGuard } from '../../../src/core/policy/createGuard';
import { WorkspaceIndex } from '../../../src/node/fs/workspaceIndex';
import { createPathProbe } from '../../../src/node/pathProbe';
import { denyMatcher } from '../../../src/node/sandbox/layeredSandbox';

/** Lets a folder's modification time move past the index's racy window. */
const settle = () => new Promise((r) => setTimeout(r, 80));

describe('the workspace index (what the sandbox hides)', () => {
  let root: string;
  let ix: WorkspaceIndex;
  before(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-index-')));
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'a', 'b'), { recursive: true });
    mkdirSync(join(root, 'secrets', 'deep'), { recursive: true });
    writeFileSync(join(root, 'src', 'x.ts'), 'x');
    writeFileSync(join(root, '.env'), 'E');
    writeFileSync(join(root, 'node_modules', 'a', 'b', '.env'), 'N');
    writeFileSync(join(root, 'secrets', 'deep', 'k'), 'K');
    linkSync(join(root, 'secrets', 'deep', 'k'), join(root, 'src', 'k-alias'));
    ix = new WorkspaceIndex({
      root,
      isDenied: denyMatcher({ writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] }),
    });
    assert.equal(ix.state().complete, false);
    await ix.scan();
    await settle();
    ix.refresh();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('hides every denied name at any depth, node_modules included, a denied folder whole, and other names of a denied inode', () => {
    assert.deepEqual(ix.state(), { complete: true, entries: 11 });
    assert.deepEqual(ix.hidden(), ['.env', 'node_modules/a/b/.env', 'secrets', 'src/k-alias']);
  });

  it('decides as the guard does (same globs, same folder rule)', () => {
    const guard = createGuard(
      { user: {} },
      {
        roots: [root],
        home: homedir(),
        probe: createPathProbe(),
        shell: {
          parse: () => {
            throw new Error('unused');
          },
          confirm: () => {
            throw new Error('unused');
          },
        },
        sandboxAvailable: () => true,
        trusted: () => true,
      },
    );
    const deny = denyMatcher({ writableRoots: [root], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] });
    for (const rel of [
      '.env',
      'a/.env.local',
      'x.pem',
      'secrets',
      'secrets/k',
      'deep/.ssh',
      'deep/.ssh/id',
      'src/x.ts',
      '.envrc',
      'node_modules/p/.npmrc',
      'id_rsa.pub',
      '.docker/config.json',
    ]) {
      assert.equal(deny(rel), !guard.canRead(join(root, rel)), rel);
    }
  });

  it('keeps current by re-reading only changed folders: new, renamed and hard-linked names, replaced folders', async () => {
    const quiet = ix.refresh();
    assert.equal(quiet.reread, 0, 'nothing changed, nothing is read');
    writeFileSync(join(root, 'src', '.env.production'), 'P');
    linkSync(join(root, '.env'), join(root, 'node_modules', 'a', 'readme.txt'));
    renameSync(join(root, 'src', 'x.ts'), join(root, 'src', 'server.key'));
    const changed = ix.refresh();
    assert.ok(changed.reread >= 2 && changed.reread < changed.checked, JSON.stringify(changed));
    assert.deepEqual(ix.hidden(), [
      '.env',
      'node_modules/a/b/.env',
      'node_modules/a/readme.txt',
      'secrets',
      'src/.env.production',
      'src/k-alias',
      'src/server.key',
    ]);
    await settle();
    rmSync(join(root, 'secrets'), { recursive: true });
    mkdirSync(join(root, 'public'));
    writeFileSync(join(root, 'public', 'k'), 'K');
    rmSync(join(root, 'src', 'k-alias'));
    ix.refresh();
    assert.deepEqual(ix.hidden(), ['.env', 'node_modules/a/b/.env', 'node_modules/a/readme.txt', 'src/.env.production', 'src/server.key']);
  });

  it('a settings change is matching only, no folder read again', () => {
    ix.setPolicy(denyMatcher({ writableRoots: [root], denyRead: ['**/public/**'], hiddenPaths: [], readOnlyPaths: [], allowedHosts: [] }));
    assert.deepEqual(ix.hidden(), ['public']);
  });

  it('gives up over its cap and says so (commands then need approval)', async () => {
    const small = new WorkspaceIndex({ root, isDenied: () => false, maxEntries: 3 });
    await small.scan();
    assert.equal(small.state().complete, false);
    assert.match(small.state().why ?? '', /more than 3 entries/);
  });
});
