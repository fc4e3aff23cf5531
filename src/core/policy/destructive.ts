import { programName } from './wrappers';

/**
 * Operations that destroy work or send it away, which a person approves each
 * time whatever the allow list says, and which are never granted for a
 * session: the least-privilege table hardening guides give for agents
 * (delete, rewrite history, publish), plus what the peer suites mark
 * destructive (test/fixtures/peer-cases: vscode's default deny rules —
 * `rm`, `rmdir`, `kill`, `chmod`, `chown`, `git branch -D` —, codex's
 * `git reset` and forced `rm`). Each check returns what the operation
 * destroys or sends, or null.
 */
type Check = (args: readonly string[], isPath: (word: string) => boolean) => string | null;

const GIT_GLOBAL_WITH_VALUE = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--super-prefix',
  '--exec-path',
  '--config-env',
]);

/** A short-option cluster or long option among `args` (`-D`, `-fd`, `--delete`, `--delete=x`). */
function option(args: readonly string[], shorts: string, longs: readonly string[]): string | null {
  for (const a of args) {
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.split('=')[0] ?? a;
      if (longs.includes(name)) return name;
    } else if (/^-[A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) if (shorts.includes(c)) return `-${c}`;
    }
  }
  return null;
}

const operands = (args: readonly string[]): string[] => {
  const out: string[] = [];
  let rest = false;
  for (const a of args) {
    if (rest) out.push(a);
    else if (a === '--') rest = true;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
};

const GIT: Readonly<Record<string, Check>> = {
  branch: (a) => {
    const o = option(a, 'dDmMcCf', ['--delete', '--move', '--copy', '--force', '--set-upstream-to', '--unset-upstream']);
    return o ? `git branch ${o} deletes, renames or overwrites a branch` : null;
  },
  push: (a) => {
    const forced =
      option(a, 'fd', ['--force', '--force-with-lease', '--force-if-includes', '--mirror', '--delete', '--prune']) ??
      (a.some((x) => x.startsWith('+') || x.startsWith(':')) ? 'a forced or deleting refspec' : null);
    return `git push sends commits to a remote${forced ? ` (${forced}: rewrites or deletes remote history)` : ''}`;
  },
  reset: (a) =>
    `git reset moves the branch${option(a, '', ['--hard', '--merge', '--keep']) ? ' and discards uncommitted work' : ' (and with --hard discards work)'}`,
  clean: () => 'git clean deletes untracked files',
  checkout: (a, isPath) => {
    const o = option(a, 'fp', ['--force', '--ours', '--theirs', '--patch', '--overwrite-ignore', '--pathspec-from-file']);
    if (o) return `git checkout ${o} overwrites files`;
    const ops = operands(a);
    if (a.includes('--') || ops.includes('.') || ops.length > 1 || ops.some(isPath)) return 'git checkout of paths overwrites files';
    return null;
  },
  restore: (a) => (option(a, 'S', ['--staged']) && !option(a, 'W', ['--worktree']) ? null : 'git restore overwrites files'),
  stash: (a) => (['drop', 'clear'].includes(operands(a)[0] ?? '') ? `git stash ${operands(a)[0]} deletes stashed work` : null),
  tag: (a) => {
    const o = option(a, 'df', ['--delete', '--force']);
    return o ? `git tag ${o} deletes or overwrites a tag` : null;
  },
  'update-ref': () => 'git update-ref rewrites or deletes a ref',
  'filter-branch': () => 'git filter-branch rewrites history',
  'filter-repo': () => 'git filter-repo rewrites history',
  rebase: (a) => (option(a, '', ['--abort', '--show-current-patch']) ? null : 'git rebase rewrites history'),
  reflog: (a) => (['expire', 'delete'].includes(operands(a)[0] ?? '') ? `git reflog ${operands(a)[0]} deletes history` : null),
  worktree: (a) => (['remove', 'prune'].includes(operands(a)[0] ?? '') ? `git worktree ${operands(a)[0]} deletes a work tree` : null),
  rm: () => 'git rm deletes files',
  gc: (a) => (a.some((x) => x.startsWith('--prune')) ? 'git gc --prune deletes unreachable history' : null),
};

function git(args: readonly string[], isPath: (word: string) => boolean): string | null {
  let i = 0;
  while (i < args.length && (args[i] ?? '').startsWith('-')) i += GIT_GLOBAL_WITH_VALUE.has(args[i] ?? '') ? 2 : 1;
  const sub = args[i] ?? '';
  const check = Object.hasOwn(GIT, sub) ? GIT[sub] : undefined;
  return check ? check(args.slice(i + 1), isPath) : null;
}

const PUBLISH = new Set(['publish', 'unpublish', 'deprecate', 'undeprecate']);

/** npm, pnpm, yarn, bun: publishing, unpublishing, and changing who owns or how a package is tagged. */
function packageManager(name: string): Check {
  return (args) => {
    const ops = operands(args);
    const sub = ops[0] ?? '';
    if (PUBLISH.has(sub)) return `${name} ${sub} changes a published package`;
    if (
      (sub === 'owner' || sub === 'dist-tag' || sub === 'access' || sub === 'team') &&
      ['add', 'rm', 'remove', 'set', 'grant', 'revoke'].includes(ops[1] ?? '')
    ) {
      return `${name} ${sub} ${ops[1]} changes who owns or gets a published package`;
    }
    return null;
  };
}

const DESTRUCTIVE: Readonly<Record<string, Check>> = {
  git,
  rm: () => 'rm deletes files',
  rmdir: () => 'rmdir deletes folders',
  unlink: () => 'unlink deletes a file',
  shred: () => 'shred destroys a file',
  truncate: () => 'truncate cuts a file',
  kill: () => 'kill stops processes',
  pkill: () => 'pkill stops processes',
  killall: () => 'killall stops processes',
  chmod: () => 'chmod changes permissions',
  chown: () => 'chown changes ownership',
  chgrp: () => 'chgrp changes ownership',
  dd: (a) => (a.some((x) => x.startsWith('of=')) ? 'dd of= overwrites a file or device' : null),
  npm: packageManager('npm'),
  pnpm: packageManager('pnpm'),
  yarn: packageManager('yarn'),
  bun: packageManager('bun'),
  cargo: (a) => (['publish', 'yank', 'owner'].includes(operands(a)[0] ?? '') ? `cargo ${operands(a)[0]} changes a published crate` : null),
  gem: (a) => (['push', 'yank', 'owner'].includes(operands(a)[0] ?? '') ? `gem ${operands(a)[0]} changes a published gem` : null),
  twine: (a) => (operands(a)[0] === 'upload' ? 'twine upload publishes a package' : null),
  docker: (a) => {
    const sub = operands(a)[0] ?? '';
    return ['push', 'rm', 'rmi', 'prune', 'kill'].includes(sub) || (sub === 'system' && operands(a)[1] === 'prune')
      ? `docker ${sub} sends or deletes images or containers`
      : null;
  },
  gh: (a) => {
    const [what = '', verb = ''] = operands(a);
    return ['delete', 'close', 'merge', 'create', 'edit', 'archive'].includes(verb) &&
      ['repo', 'release', 'pr', 'issue', 'gist', 'secret', 'variable'].includes(what)
      ? `gh ${what} ${verb} changes a remote repository`
      : null;
  },
};

/**
 * What `argv` destroys or sends away, or null. `isPath` tells whether a word
 * names an existing file (`git checkout NAME` overwrites NAME if it is one).
 * Wrappers are not looked through here: they never allow anyway.
 */
export function destructiveOperation(argv: readonly string[], isPath: (word: string) => boolean = () => false): string | null {
  const name = programName(argv[0] ?? '');
  const check = Object.hasOwn(DESTRUCTIVE, name) ? DESTRUCTIVE[name] : undefined;
  return check ? check(argv.slice(1), isPath) : null;
}
