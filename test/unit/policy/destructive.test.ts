import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { grantShape } from '../../../src/core/agent/sessionGrants';
import { toolModule } from '../../../src/core/tools/registry';
import type { Guard } from '../../../src/core/policy/guard';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * Deleting, rewriting history and publishing ask every time, even when a
 * broad rule allows the program, and are never granted for a session; the
 * same programs' read-only and constructive uses stay allowed.
 */
// `cargo` and `docker` can run code through their arguments (GTFOBins): `**` opts in, so only the destructive check is left to ask.
const ALLOW = ['git *', 'npm *', 'pnpm *', 'cargo **', 'rm *', 'rmdir *', 'chmod *', 'kill *', 'docker **', 'gh *', 'dd *'];

const DESTRUCTIVE: readonly (readonly [string, RegExp])[] = [
  ['git branch -d old', /branch -d/],
  ['git branch -D main', /branch -D/],
  ['git branch --delete main', /--delete/],
  ['git branch -m old new', /branch -m/],
  ['git branch -M main', /branch -M/],
  ['git branch --force main HEAD~3', /--force/],
  ['git push', /git push sends commits/],
  ['git push origin main', /git push sends commits/],
  ['git push --force origin main', /--force: rewrites or deletes remote history/],
  ['git push -f', /-f: rewrites/],
  ['git push --mirror', /--mirror/],
  ['git push origin --delete feature', /--delete/],
  ['git push origin +main', /forced or deleting refspec/],
  ['git push origin :feature', /forced or deleting refspec/],
  ['git -C repo push', /git push/],
  ['git reset --hard', /discards uncommitted work/],
  ['git reset --hard HEAD~1', /discards/],
  ['git reset HEAD~1', /git reset moves the branch/],
  ['git clean -fd', /deletes untracked files/],
  ['git clean -n', /deletes untracked files/],
  ['git checkout -- README.md', /overwrites files/],
  ['git checkout .', /overwrites files/],
  ['git checkout README.md', /overwrites files/],
  ['git checkout HEAD~1 src/a.ts', /overwrites files/],
  ['git checkout -f main', /overwrites files/],
  ['git restore README.md', /git restore overwrites files/],
  ['git restore --staged --worktree README.md', /git restore overwrites files/],
  ['git stash drop', /stash drop/],
  ['git stash clear', /stash clear/],
  ['git tag -d v1', /tag -d/],
  ['git tag --delete v1', /--delete/],
  ['git update-ref -d refs/heads/x', /update-ref/],
  ['git filter-branch --tree-filter x HEAD', /rewrites history/],
  ['git rebase -i HEAD~3', /rewrites history/],
  ['git reflog expire --all', /reflog expire/],
  ['git rm README.md', /git rm deletes/],
  ['npm publish', /npm publish/],
  ['npm unpublish pkg@1.0.0', /npm unpublish/],
  ['npm deprecate pkg "no"', /npm deprecate/],
  ['npm owner add bob pkg', /npm owner add/],
  ['npm dist-tag rm pkg beta', /npm dist-tag rm/],
  ['pnpm publish --access public', /pnpm publish/],
  ['cargo publish', /cargo publish/],
  ['cargo yank --version 1.0.0', /cargo yank/],
  ['rm README.md', /rm deletes/],
  ['rm -rf build', /rm deletes/],
  ['rmdir docs', /rmdir/],
  ['chmod 777 README.md', /chmod/],
  ['kill -9 1234', /kill/],
  ['dd if=README.md of=out.bin', /dd of=/],
  ['docker push img', /docker push/],
  ['docker system prune -a', /docker system/],
  ['gh repo delete me/x', /gh repo delete/],
  ['gh release delete v1', /gh release delete/],
  ['git status && git push', /git push/],
];

const STILL_ALLOWED = [
  'git status',
  'git log --oneline',
  'git diff HEAD~1',
  'git branch',
  'git branch -a',
  'git branch --list',
  'git checkout -b feature',
  'git checkout main',
  'git restore --staged README.md',
  'git stash list',
  'git stash show',
  'git tag',
  'git tag -l',
  'git show HEAD',
  'git rebase --abort',
  'git fetch',
  'npm test',
  'npm ls',
  'npm run build',
  'npm view pkg',
  'npm dist-tag ls pkg',
  'cargo build',
  'cargo test',
  'docker ps',
  'docker images',
  'gh pr list',
  'gh issue view 3',
  'dd if=README.md',
];

describe('destructive operations', () => {
  let ws: Workspace;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    ws.file('README.md');
    ws.file('src/a.ts');
    guard = guardFor(ws, await shellParser(), { user: { 'warden.commands.allow': ALLOW } });
  });
  after(() => ws.dispose());

  for (const [command, what] of DESTRUCTIVE) {
    it(`asks for ${JSON.stringify(command)} whatever the allow list says`, () => {
      const r = guard.decide({ tool: 'run_command', input: { command } });
      assert.equal(`${r.decision} ${r.reason}`, 'ask destructive-operation', `${command}: ${r.message}`);
      assert.match(r.message, what);
      assert.ok(r.details.kind === 'command' && r.details.commands.some((c) => c.destructive !== null && what.test(c.destructive)));
      const shape = grantShape({ tool: 'run_command', input: { command }, entry: toolModule('run_command') }, r);
      assert.ok('refused' in shape, `${command} must never be granted for a session`);
    });
  }

  for (const command of STILL_ALLOWED) {
    it(`still allows ${JSON.stringify(command)}`, () => {
      const r = guard.decide({ tool: 'run_command', input: { command } });
      assert.equal(`${r.decision} ${r.reason}`, 'allow command-allowed', `${command}: ${r.message}`);
    });
  }

  it('lets a deny rule win over destructive', async () => {
    const g = guardFor(ws, await shellParser(), { user: { 'warden.commands.allow': ALLOW, 'warden.commands.deny': ['git push *'] } });
    const r = g.decide({ tool: 'run_command', input: { command: 'git push --force' } });
    assert.equal(`${r.decision} ${r.reason}`, 'deny command-denied');
  });
});
