import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Checkpoint, CheckpointMeta, FileChange, FileVersion, TaskHistory } from '../../core/checkpoints/model';
import type { ApplyReport, CheckpointStore, RestoreWrite } from '../../core/checkpoints/port';
import { git, zsplit, type GitPlace } from './git';

export interface GitStoreOptions {
  /** The workspace folder (its real path). */
  readonly root: string;
  /** The store's own folder, outside the workspace (the extension's storage, or the CLI's state folder). */
  readonly dir: string;
  /** gitignore-style patterns never snapshotted (warden.checkpoints.exclude). */
  readonly exclude: readonly string[];
  /** Also files the workspace's .gitignore files leave out (warden.checkpoints.includeIgnored). */
  readonly includeIgnored: boolean;
  /** False for a workspace-relative path the store may never read or write (warden.paths.denyRead). */
  readonly mayStore: (relative: string) => boolean;
}

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbe4904b';
const REF_PREFIX = 'refs/warden/tasks/';
/** Attributes of every path, above any .gitattributes of the workspace: no filter, no conversion, no driver. */
const ATTRIBUTES = '* -text -filter -ident !diff !merge !eol !working-tree-encoding -export-subst\n';
const BATCH = 400;

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** The metadata line of a checkpoint commit. */
function encodeMeta(m: CheckpointMeta): string {
  return JSON.stringify({
    v: 1,
    task: m.taskId,
    step: m.step,
    call: m.callId,
    tool: m.tool,
    phase: m.phase,
    at: m.at,
    summary: m.summary.replace(/[\r\n\0]+/g, ' '),
  });
}

function decodeMeta(line: string): CheckpointMeta | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (
      o.v !== 1 ||
      typeof o.task !== 'string' ||
      typeof o.step !== 'number' ||
      (o.phase !== 'before' && o.phase !== 'after' && o.phase !== 'restore')
    )
      return null;
    return {
      taskId: o.task,
      step: o.step,
      callId: typeof o.call === 'string' ? o.call : null,
      tool: typeof o.tool === 'string' ? o.tool : null,
      phase: o.phase,
      at: typeof o.at === 'string' ? o.at : '',
      summary: typeof o.summary === 'string' ? o.summary : '',
    };
  } catch {
    return null;
  }
}

/** A task id fit for a ref name. */
function taskRef(taskId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(taskId) || taskId.includes('..') || taskId.endsWith('.lock'))
    throw new Error(`invalid task id ${JSON.stringify(taskId)}`);
  return REF_PREFIX + taskId;
}

/** A name git printed that Warden can write back: valid UTF-8, relative, no `.git` component. */
function usablePath(p: string): boolean {
  return (
    p.length > 0 &&
    !p.includes('\uFFFD') &&
    !p.startsWith('/') &&
    !p.split('/').some((c) => c === '' || c === '.' || c === '..' || c.toLowerCase() === '.git')
  );
}

/**
 * The shadow history of one workspace folder: a git repository in Warden's
 * storage whose work tree is the workspace. Its index lives in the store
 * too, so the workspace's own repository (if any) is never touched. Files
 * are added path by path after the denyRead check, so a denied file is
 * never read into it.
 */
export class GitCheckpointStore implements CheckpointStore {
  private readonly place: GitPlace;
  private checkedIndex = false;

  private constructor(private readonly o: GitStoreOptions) {
    this.place = { gitDir: join(o.dir, 'git'), workTree: o.root, indexFile: join(o.dir, 'index'), home: join(o.dir, 'home') };
  }

  get root(): string {
    return this.o.root;
  }

  /** Opens (or creates) the store; refuses a store folder inside the workspace. */
  static async open(o: GitStoreOptions): Promise<GitCheckpointStore> {
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    const dir = realpathSync(o.dir);
    const root = realpathSync(o.root);
    if (inside(dir, root) || inside(root, dir))
      throw new Error(`the checkpoint store ${dir} may not be inside the workspace ${root} (nor hold it)`);
    const store = new GitCheckpointStore({ ...o, dir, root });
    mkdirSync(store.place.home, { recursive: true, mode: 0o700 });
    if (!existsSync(join(store.place.gitDir, 'HEAD'))) {
      await git(store.place, ['init', '--bare', '--quiet', '--template=', store.place.gitDir]);
      writeFileSync(join(dir, 'workspace'), `${root}\n`);
    }
    mkdirSync(join(store.place.gitDir, 'info'), { recursive: true });
    writeFileSync(join(store.place.gitDir, 'info', 'attributes'), ATTRIBUTES);
    writeFileSync(join(store.place.gitDir, 'info', 'exclude'), o.exclude.map((p) => p.replace(/[\r\n]/g, '')).join('\n') + '\n');
    return store;
  }

  /** Brings the store's index up to the workspace, path by path; returns the tree. */
  private async index(signal: AbortSignal): Promise<string> {
    const lsOthers = [
      'ls-files',
      '-z',
      '--others',
      ...(this.o.includeIgnored ? [`--exclude-from=${join(this.place.gitDir, 'info', 'exclude')}`] : ['--exclude-standard']),
    ];
    const [others, changed] = await Promise.all([
      git(this.place, lsOthers, { signal }),
      git(this.place, ['ls-files', '-z', '--modified', '--deleted'], { signal }),
    ]);
    const candidates = new Set([...zsplit(others.stdout), ...zsplit(changed.stdout)]);
    if (!this.checkedIndex) {
      // Once per store: anything indexed that is denied now leaves the index.
      for (const p of zsplit((await git(this.place, ['ls-files', '-z'], { signal })).stdout)) if (!this.o.mayStore(p)) candidates.add(p);
      this.checkedIndex = true;
    }
    const add: string[] = [];
    const remove: string[] = [];
    for (const p of candidates) {
      // An embedded repository shows as `dir/`; names Warden could not write back are left out.
      if (p.endsWith('/') || !usablePath(p)) continue;
      if (!this.o.mayStore(p)) {
        remove.push(p);
        continue;
      }
      let kind: 'file' | 'none' | 'other';
      try {
        const st = lstatSync(join(this.o.root, p));
        kind = st.isFile() || st.isSymbolicLink() ? 'file' : st.isDirectory() ? 'none' : 'other';
      } catch {
        kind = 'none';
      }
      if (kind === 'file') add.push(p);
      else if (kind === 'none') remove.push(p);
    }
    if (remove.length)
      await git(this.place, ['update-index', '-z', '--force-remove', '--stdin'], { input: remove.join('\0') + '\0', signal });
    if (add.length) await git(this.place, ['update-index', '-z', '--add', '--remove', '--stdin'], { input: add.join('\0') + '\0', signal });
    return (await git(this.place, ['write-tree'], { signal })).stdout.toString('utf8').trim();
  }

  snapshotTree(signal: AbortSignal): Promise<string> {
    return this.index(signal);
  }

  async snapshot(meta: CheckpointMeta, signal: AbortSignal): Promise<Checkpoint> {
    return this.commit(meta, await this.index(signal), signal);
  }

  async commit(meta: CheckpointMeta, tree: string, signal: AbortSignal): Promise<Checkpoint> {
    const ref = taskRef(meta.taskId);
    const parent = (await git(this.place, ['rev-parse', '--verify', '--quiet', ref], { okCodes: [1], signal })).stdout
      .toString('utf8')
      .trim();
    const id = (await git(this.place, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', encodeMeta(meta)], { signal })).stdout
      .toString('utf8')
      .trim();
    await git(this.place, ['update-ref', ref, id, ...(parent ? [parent] : [''])], { signal });
    return { ...meta, id, tree };
  }

  async history(): Promise<TaskHistory[]> {
    const refs = zsplit((await git(this.place, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)%00', REF_PREFIX])).stdout)
      .map((s) => s.replace(/^\n/, ''))
      .filter((s) => s.startsWith(REF_PREFIX));
    const out: TaskHistory[] = [];
    for (const ref of refs) {
      const log = (await git(this.place, ['log', '--no-show-signature', '--reverse', '--format=%H%x1f%T%x1f%s%x1e', ref])).stdout.toString(
        'utf8',
      );
      const checkpoints: Checkpoint[] = [];
      for (const rec of log.split('\x1e')) {
        const [id, tree, subject] = rec.trim().split('\x1f');
        if (!id || !tree || subject === undefined) continue;
        const meta = decodeMeta(subject);
        if (meta) checkpoints.push({ ...meta, id, tree });
      }
      out.push({ taskId: ref.slice(REF_PREFIX.length), checkpoints });
    }
    return out;
  }

  async changes(fromTree: string, toTree: string): Promise<FileChange[]> {
    if (fromTree === toTree) return [];
    const parts = zsplit(
      (
        await git(this.place, [
          'diff-tree',
          '-z',
          '-r',
          '--no-renames',
          '--no-ext-diff',
          '--no-textconv',
          '--name-status',
          fromTree || EMPTY_TREE,
          toTree || EMPTY_TREE,
        ])
      ).stdout,
    );
    const out: FileChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const s = parts[i] ?? '';
      const path = parts[i + 1] ?? '';
      out.push({ path, status: s === 'A' ? 'added' : s === 'D' ? 'deleted' : 'modified' });
    }
    return out;
  }

  async versions(tree: string, paths: readonly string[]): Promise<Map<string, FileVersion>> {
    const out = new Map<string, FileVersion>();
    for (let i = 0; i < paths.length; i += BATCH) {
      const batch = paths.slice(i, i + BATCH);
      const lines = zsplit((await git(this.place, ['ls-tree', '-z', '-r', '--full-tree', tree, '--', ...batch])).stdout);
      for (const l of lines) {
        const m = /^(\d{6}) (\w+) ([0-9a-f]{40,64})\t(.*)$/s.exec(l);
        if (m && m[2] === 'blob') out.set(m[4] as string, { mode: m[1] as string, oid: m[3] as string });
      }
    }
    return out;
  }

  async diff(fromTree: string, toTree: string, paths: readonly string[] = []): Promise<string> {
    const r = await git(this.place, [
      'diff-tree',
      '-p',
      '-r',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      '--no-color',
      fromTree || EMPTY_TREE,
      toTree || EMPTY_TREE,
      ...(paths.length ? ['--', ...paths] : []),
    ]);
    return r.stdout.toString('utf8');
  }

  async read(version: FileVersion): Promise<Uint8Array> {
    return (await git(this.place, ['cat-file', 'blob', version.oid])).stdout;
  }

  /** The real folder for a workspace path's parent, made as needed, never through a link; null when a link or a file is in the way. */
  private parentDir(path: string, create: boolean): string | null {
    const parts = path.split('/').slice(0, -1);
    let dir = this.o.root;
    for (const part of parts) {
      dir = join(dir, part);
      let st;
      try {
        st = lstatSync(dir);
      } catch {
        if (!create) return null;
        mkdirSync(dir);
        continue;
      }
      if (!st.isDirectory()) return null;
    }
    return dir;
  }

  async apply(writes: readonly RestoreWrite[], targetTree: string): Promise<ApplyReport> {
    const written: string[] = [];
    const deleted: string[] = [];
    const failed: { path: string; why: string }[] = [];
    const emptied = new Set<string>();
    for (const w of writes) {
      if (!usablePath(w.path) || !this.o.mayStore(w.path)) {
        failed.push({ path: w.path, why: 'not a path Warden restores' });
        continue;
      }
      const dir = this.parentDir(w.path, w.to !== null);
      const abs = join(this.o.root, w.path);
      if (w.to === null) {
        if (dir === null) {
          deleted.push(w.path);
          continue;
        }
        try {
          const st = lstatSync(abs);
          if (st.isDirectory()) {
            failed.push({ path: w.path, why: 'a folder is there now' });
            continue;
          }
          unlinkSync(abs);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            failed.push({ path: w.path, why: (e as Error).message });
            continue;
          }
        }
        deleted.push(w.path);
        emptied.add(dirname(w.path));
        continue;
      }
      if (dir === null) {
        failed.push({ path: w.path, why: 'a link or a file is in the way of its folder' });
        continue;
      }
      try {
        const existing = lstatSync(abs, { throwIfNoEntry: false });
        if (existing?.isDirectory()) {
          failed.push({ path: w.path, why: 'a folder is there now' });
          continue;
        }
        const body = await this.read(w.to);
        const tmp = join(dir, `.warden-restore-${randomBytes(6).toString('hex')}`);
        if (w.to.mode === '120000') symlinkSync(Buffer.from(body).toString('utf8'), tmp);
        else {
          writeFileSync(tmp, body, { flag: 'wx', mode: 0o600 });
          chmodSync(tmp, w.to.mode === '100755' ? 0o755 : 0o644);
        }
        renameSync(tmp, abs);
        written.push(w.path);
      } catch (e) {
        failed.push({ path: w.path, why: (e as Error).message });
      }
    }
    await this.removeEmptied(emptied, targetTree);
    return { written, deleted, failed };
  }

  /** Folders a restore emptied that the checkpoint does not hold go too (a folder the task made). */
  private async removeEmptied(dirs: ReadonlySet<string>, targetTree: string): Promise<void> {
    const seen = new Set<string>();
    for (let d of dirs) {
      while (d !== '.' && d !== '' && !seen.has(d)) {
        seen.add(d);
        const abs = join(this.o.root, d);
        let entries: string[];
        try {
          if (!lstatSync(abs).isDirectory()) break;
          entries = readdirSync(abs);
        } catch {
          break;
        }
        if (entries.length > 0) break;
        const held = zsplit((await git(this.place, ['ls-tree', '-z', '--full-tree', targetTree, '--', d])).stdout).length > 0;
        if (held) break;
        try {
          rmdirSync(abs);
        } catch {
          break;
        }
        d = dirname(d);
      }
    }
  }

  async usage(): Promise<{ bytes: number; tasks: number }> {
    const refs = zsplit((await git(this.place, ['for-each-ref', '--format=%(refname)%00', REF_PREFIX])).stdout).filter((s) => s.trim());
    return { bytes: folderBytes(this.place.gitDir) + fileBytes(this.place.indexFile), tasks: refs.length };
  }

  async prune(limits: { keepTasks: number; maxBytes: number; keep?: string }): Promise<{ removedTasks: number; bytes: number }> {
    const refs = zsplit((await git(this.place, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)%00', REF_PREFIX])).stdout)
      .map((s) => s.trim())
      .filter((s) => s.startsWith(REF_PREFIX));
    const keep = limits.keep ? REF_PREFIX + limits.keep : null;
    const others = refs.filter((r) => r !== keep);
    const drop = others.slice(Math.max(0, limits.keepTasks - (keep && refs.includes(keep) ? 1 : 0)));
    const dropRefs = async (list: readonly string[]) => {
      for (const r of list) await git(this.place, ['update-ref', '-d', r]);
      if (list.length) await git(this.place, ['prune', '--expire=now']);
    };
    await dropRefs(drop);
    let removed = drop.length;
    let bytes = (await this.usage()).bytes;
    const left = others.filter((r) => !drop.includes(r));
    while (bytes > limits.maxBytes && left.length > 0) {
      await dropRefs([left.pop() as string]);
      removed++;
      bytes = (await this.usage()).bytes;
    }
    return { removedTasks: removed, bytes };
  }
}

function fileBytes(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile()) total += fileBytes(p);
  }
  return total;
}

/** Where the store of a workspace folder lives under a state folder: one folder per workspace, named by a hash of its real path. */
export function storeDirFor(stateDir: string, root: string): string {
  return join(stateDir, 'checkpoints', createHash('sha256').update(root).digest('hex').slice(0, 16));
}
