import { spawn } from 'node:child_process';
import { findExecutable } from '../sandbox/findExecutable';

/**
 * The system `git`, run so that nothing a workspace configures can run or
 * change what it does: no system or global config, no hooks, no fsmonitor,
 * no attribute filters, text conversion or diff drivers, no pager, no
 * submodules, no replace refs, literal pathspecs, and an environment that
 * holds nothing of the caller's but PATH.
 */
export interface GitPlace {
  readonly gitDir: string;
  readonly workTree: string;
  readonly indexFile: string;
  /** An empty folder used as HOME and XDG_CONFIG_HOME. */
  readonly home: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'failed' | 'aborted',
  ) {
    super(message);
  }
}

/** Config given on every call: `-c` beats every file git could read, and the repository's own config is Warden's. */
const OVERRIDES = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  'core.attributesFile=/dev/null',
  'core.excludesFile=/dev/null',
  'core.autocrlf=false',
  'core.safecrlf=false',
  'core.eol=lf',
  'core.symlinks=true',
  'core.fileMode=true',
  'core.ignoreCase=false',
  'core.precomposeUnicode=false',
  'core.protectNTFS=true',
  'core.quotePath=false',
  'core.sparseCheckout=false',
  'core.splitIndex=false',
  'core.bare=false',
  'core.pager=cat',
  'core.logAllRefUpdates=false',
  'core.askPass=',
  'index.sparse=false',
  'submodule.recurse=false',
  'diff.external=',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'diff.renames=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'commit.gpgSign=false',
  'protocol.allow=never',
  'uploadpack.packObjectsHook=',
  'color.ui=false',
];

let gitBinary: string | null | undefined;

/** The git executable (resolved once, from the process PATH). */
export function gitExecutable(): string | null {
  if (gitBinary === undefined) gitBinary = findExecutable('git', process.env.PATH ?? '/usr/bin:/bin');
  return gitBinary;
}

export interface GitRun {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs git with `args` at `place`; rejects with GitError on a non-zero exit or an abort. */
export function git(
  place: GitPlace,
  args: readonly string[],
  opts: { input?: Buffer | string; signal?: AbortSignal; okCodes?: readonly number[] } = {},
): Promise<GitRun> {
  const file = gitExecutable();
  if (file === null) return Promise.reject(new GitError('git is not installed (checkpoints need the system git)', 'not-found'));
  if (opts.signal?.aborted) return Promise.reject(new GitError('stopped', 'aborted'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: place.home,
    XDG_CONFIG_HOME: place.home,
    LC_ALL: 'C',
    GIT_DIR: place.gitDir,
    GIT_WORK_TREE: place.workTree,
    GIT_INDEX_FILE: place.indexFile,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_AUTHOR_NAME: 'Warden checkpoints',
    GIT_AUTHOR_EMAIL: 'checkpoints@warden.invalid',
    GIT_COMMITTER_NAME: 'Warden checkpoints',
    GIT_COMMITTER_EMAIL: 'checkpoints@warden.invalid',
  };
  // `init` makes the repository: it gets the folder as an argument and no work tree.
  const init = args[0] === 'init';
  if (init) for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[k];
  const argv = [...OVERRIDES.flatMap((o) => ['-c', o]), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: init ? place.home : place.workTree, env, stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) =>
      reject(
        opts.signal?.aborted
          ? new GitError('stopped', 'aborted')
          : new GitError(`git ${args[0] ?? ''} failed to start: ${e.message}`, 'failed'),
      ),
    );
    child.on('close', (code) => {
      if (opts.signal?.aborted) return reject(new GitError('stopped', 'aborted'));
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) return resolve({ stdout: Buffer.concat(out), stderr: err });
      reject(
        new GitError(
          `git ${args[0] ?? ''} exited ${code ?? 'by a signal'}: ${err.trim().split('\n').slice(-2).join(' ').slice(0, 400)}`,
          'failed',
        ),
      );
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** NUL-separated output as strings (the last empty field dropped). */
export function zsplit(b: Buffer): string[] {
  const s = b.toString('utf8');
  const parts = s.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
