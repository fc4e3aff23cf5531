import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Listings handed out again while nothing that decides them has changed, the
 * way git's index answers `git ls-files` without walking the tree.
 *
 * What decides a listing: the entries of every folder ripgrep could enter,
 * and the ignore files it reads. A stamp records, for every folder under the
 * listed one (all of them, ignored or not, except `.git` and — when ignored
 * files are left out — `node_modules`, which ripgrep never enters), its inode
 * and ctime: adding, removing or renaming an entry changes the ctime of the
 * folder that holds it, and no process can set a ctime back. It also records
 * every `.gitignore`, `.ignore` and `.rgignore` in those folders and above
 * the listed one, and each `.git/info/exclude`, by name, present or not. A
 * kept listing is handed out only when every recorded stamp is exactly as it
 * was; otherwise ripgrep walks again.
 *
 * A stamp whose newest change falls within RACY_MS before the walk started is
 * not kept: that change may have landed between ripgrep reading the folder
 * and the stamp reading it (git calls this "racily clean"). So a listing made
 * right after a change is not kept, and the next one walks again.
 */
export const RACY_MS = 2000;

/** Folders a stamp records at most; a larger tree is listed afresh each time (and not walked for a stamp again). */
const MAX_FOLDERS = 200_000;
const IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'] as const;

/** The tree holds something a stamp cannot vouch for. */
class NotStamped extends Error {}

export interface Stamp {
  readonly paths: string[];
  /** Per path, FIELDS numbers: inode, ctime (ms, to a fraction of a µs), size and mode; all -1 for an absent path. */
  marks: Float64Array;
}

const FIELDS = 4;
/** A `.git` above the listed folder is stamped by its kind only (git rewrites its files all the time): KIND_MARK, then its kind. */
const KIND_MARK = -2;
const kindOf = (st: Stats | undefined): number => (st === undefined ? 0 : st.isDirectory() ? 1 : st.isFile() ? 2 : 3);
const stat = (path: string): Stats | undefined => lstatSync(path, { throwIfNoEntry: false });

class StampBuilder implements Stamp {
  readonly paths: string[] = [];
  marks = new Float64Array(1024 * FIELDS);
  /** Newest ctime recorded, in ms. */
  newestMs = 0;

  private slot(path: string): number {
    const at = this.paths.length * FIELDS;
    if (at + FIELDS > this.marks.length) {
      const grown = new Float64Array(this.marks.length * 2);
      grown.set(this.marks);
      this.marks = grown;
    }
    this.paths.push(path);
    return at;
  }

  add(path: string): Stats | undefined {
    const st = stat(path);
    const at = this.slot(path);
    if (st === undefined) this.marks.fill(-1, at, at + FIELDS);
    else {
      this.marks[at] = st.ino;
      this.marks[at + 1] = st.ctimeMs;
      this.marks[at + 2] = st.size;
      this.marks[at + 3] = st.mode;
      if (st.ctimeMs > this.newestMs) this.newestMs = st.ctimeMs;
    }
    return st;
  }

  addKind(path: string): Stats | undefined {
    const st = stat(path);
    const at = this.slot(path);
    this.marks.fill(KIND_MARK, at, at + FIELDS);
    this.marks[at + 1] = kindOf(st);
    return st;
  }

  /**
   * Records `.git/info/exclude` of the repository at `dotGit`, by name (a
   * folder, or absent: then by the name it would have), or for a `.git` file
   * (a linked worktree) the file and the exclude files of the folders it names.
   */
  addGit(dotGit: string, isDir: boolean): void {
    let gitDir = dotGit;
    if (!isDir) {
      const m = /^gitdir: (.+)$/m.exec(this.readSmall(dotGit));
      if (!m?.[1]) return;
      gitDir = resolve(dirname(dotGit), m[1].trim());
      const common = join(gitDir, 'commondir');
      if (lstatSync(common, { throwIfNoEntry: false }) === undefined) this.add(common);
      else {
        const c = this.readSmall(common).trim();
        this.ignoreFile(join(isAbsolute(c) ? c : resolve(gitDir, c), 'info', 'exclude'));
      }
    }
    this.ignoreFile(join(gitDir, 'info', 'exclude'));
  }

  /** An ignore file, by name: absent, or a plain file (one that is a link or anything else cannot be stamped). */
  ignoreFile(path: string): void {
    const st = this.add(path);
    if (st !== undefined && !st.isFile()) throw new NotStamped(`${path} is not a plain file`);
  }

  /** A small plain file's text, stamped. */
  private readSmall(path: string): string {
    const st = this.add(path);
    if (st === undefined || !st.isFile() || st.size > 4096) throw new NotStamped(`${path} is not a small plain file`);
    return readFileSync(path, 'utf8');
  }
}

/** Whether every recorded stamp (those at positions [from, to)) is still exactly as it was. */
export function stampHolds(s: Stamp, from = 0, to = s.paths.length): boolean {
  const m = s.marks;
  for (let i = from, at = from * FIELDS; i < to; i++, at += FIELDS) {
    const st = stat(s.paths[i] as string);
    if (m[at] === KIND_MARK) {
      if (kindOf(st) !== m[at + 1]) return false;
    } else if (st === undefined) {
      if (m[at] !== -1) return false;
    } else if (st.ino !== m[at] || st.ctimeMs !== m[at + 1] || st.size !== m[at + 2] || st.mode !== m[at + 3]) return false;
  }
  return true;
}

/** The stamps from position `from` on, as a stamp of their own (to hand to another thread). */
export function stampFrom(s: Stamp, from: number): Stamp {
  return { paths: s.paths.slice(from), marks: s.marks.slice(from * FIELDS, s.paths.length * FIELDS) };
}

/**
 * Stamps the tree under `start` (absolute), yielding to the event loop every
 * few hundred folders so that other work goes on meanwhile. A string
 * says why the tree cannot be stamped (it is then listed afresh each time).
 */
export async function stampTree(start: string, skipNodeModules: boolean): Promise<StampBuilder | string> {
  const s = new StampBuilder();
  try {
    for (let dir = dirname(start); ; dir = dirname(dir)) {
      for (const name of IGNORE_FILES) s.ignoreFile(join(dir, name));
      const git = s.addKind(join(dir, '.git'));
      if (git === undefined || git.isDirectory() || git.isFile()) s.addGit(join(dir, '.git'), git === undefined || git.isDirectory());
      else return `${join(dir, '.git')} is neither a folder nor a file`;
      if (dir === dirname(dir)) break;
    }
    const stack = [start];
    let folders = 0;
    for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
      if (++folders > MAX_FOLDERS) return `more than ${MAX_FOLDERS} folders`;
      if (folders % 256 === 0) await nextTurn();
      // The folder first, then its entries: a change after this read changes the ctime recorded here.
      s.add(dir);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.name === '.git') {
          if (!e.isDirectory() && !e.isFile()) return `${path} is neither a folder nor a file`;
          s.addGit(path, e.isDirectory());
        } else if ((IGNORE_FILES as readonly string[]).includes(e.name)) {
          s.ignoreFile(path);
        } else if (e.isDirectory() && !(skipNodeModules && e.name === 'node_modules')) {
          stack.push(path);
        }
      }
    }
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return s;
}
