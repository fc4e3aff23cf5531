import { type Dirent, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * What the sandbox must hide in one workspace folder, kept current without
 * walking the folder again before every command.
 *
 * The first scan walks everything (node_modules included, links listed and
 * never followed) and records, per folder, its inode and modification time,
 * and per file its inode. Before a command `refresh()` stats every known
 * folder once: a folder whose entries changed (a file created, removed,
 * renamed or linked there) has a new modification time, and only such
 * folders are read again. A folder modified within RACY_MS of the moment it
 * was read is read again next time too, since a change in the same clock
 * tick leaves the time as it was.
 *
 * Hidden: every entry `isDenied` matches (a denied folder whole), and every
 * other name of a denied file's inode (a hard link, made before or between
 * commands). Over `maxEntries` the index gives up and says so: the view is
 * then incomplete and commands must be approved.
 */
export interface WorkspaceIndexOptions {
  /** Absolute real path of the workspace folder. */
  readonly root: string;
  /** The denyRead decision for a workspace-relative path (`/` separators). */
  readonly isDenied: (rel: string) => boolean;
  readonly maxEntries?: number;
  /** Folders read per slice of the first scan before yielding to the event loop. */
  readonly sliceDirs?: number;
}

export const DEFAULT_MAX_INDEXED_ENTRIES = 500_000;
const RACY_MS = 50;

interface FileEntry {
  readonly kind: 'file';
  readonly key: string;
  /** Counted in `deniedKeys` (the name or a folder above it is denied). */
  denied: boolean;
}
interface OtherEntry {
  readonly kind: 'dir' | 'link' | 'other';
}
type Entry = FileEntry | OtherEntry;

interface DirNode {
  key: string;
  mtimeMs: number;
  readAt: number;
  entries: Map<string, Entry>;
}

export interface IndexState {
  readonly complete: boolean;
  readonly entries: number;
  readonly why?: string;
}

export interface RefreshStats {
  /** Folders whose modification time was checked. */
  readonly checked: number;
  /** Folders read again. */
  readonly reread: number;
  readonly ms: number;
}

const childRel = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);

function inodeKey(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

export class WorkspaceIndex {
  private readonly dirs = new Map<string, DirNode>();
  /** inode → every workspace-relative name it has here. */
  private readonly names = new Map<string, Set<string>>();
  private isDenied: (rel: string) => boolean;
  /** Entries whose own name denyRead matches. */
  private readonly deniedNames = new Set<string>();
  /** inode → how many denied names (or names under a denied folder) it has. */
  private readonly deniedKeys = new Map<string, number>();
  private count = 0;
  private scanned = false;
  private overCap = false;
  private scanning: Promise<void> | null = null;
  private readonly maxEntries: number;

  constructor(private readonly options: WorkspaceIndexOptions) {
    this.isDenied = options.isDenied;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_INDEXED_ENTRIES;
  }

  get root(): string {
    return this.options.root;
  }

  state(): IndexState {
    if (this.overCap)
      return {
        complete: false,
        entries: this.count,
        why: `the workspace ${this.options.root} holds more than ${this.maxEntries} entries, more than Warden indexes to know what to hide`,
      };
    if (!this.scanned)
      return {
        complete: false,
        entries: this.count,
        why: `Warden is still indexing ${this.options.root} (${this.count} entries so far) to know what to hide`,
      };
    return { complete: true, entries: this.count };
  }

  /** The first full scan, in slices that yield to the event loop; idempotent. */
  scan(): Promise<void> {
    this.scanning ??= this.fullScan();
    return this.scanning;
  }

  /** A new denyRead decision (settings changed): only matching is redone, no folder is read. */
  setPolicy(isDenied: (rel: string) => boolean): void {
    this.isDenied = isDenied;
    this.deniedNames.clear();
    this.deniedKeys.clear();
    const visit = (rel: string, under: boolean): void => {
      const node = this.dirs.get(rel);
      if (node === undefined) return;
      for (const [name, e] of node.entries) {
        const p = childRel(rel, name);
        const own = isDenied(p);
        if (own) this.deniedNames.add(p);
        if (e.kind === 'file') {
          e.denied = own || under;
          if (e.denied) this.bump(e.key, 1);
        } else if (e.kind === 'dir') visit(p, own || under);
      }
    };
    visit('', false);
  }

  /** Brings the index up to date with the folder; cheap when little changed. Call before every command. */
  refresh(): RefreshStats {
    const t0 = performance.now();
    if (!this.scanned) return { checked: 0, reread: 0, ms: 0 };
    let checked = 0;
    let reread = 0;
    const dirty: string[] = [];
    for (const [rel, node] of this.dirs) {
      checked++;
      let st: Stats;
      try {
        st = lstatSync(rel === '' ? this.options.root : join(this.options.root, rel));
      } catch {
        dirty.push(rel);
        continue;
      }
      if (!st.isDirectory() || inodeKey(st) !== node.key || st.mtimeMs !== node.mtimeMs || node.mtimeMs >= node.readAt - RACY_MS)
        dirty.push(rel);
    }
    // Parents first: re-reading a parent may drop or add whole subtrees.
    dirty.sort((a, b) => a.length - b.length);
    for (const rel of dirty) {
      if (rel !== '' && !this.dirs.has(rel)) continue;
      reread++;
      this.readDir(rel, (sub) => {
        this.readTree(sub);
      });
    }
    return { checked, reread, ms: performance.now() - t0 };
  }

  /**
   * Workspace-relative paths to hide, fewest that cover everything: a
   * denied folder stands for what it holds; other names of a denied file's
   * inode are added.
   */
  hidden(): string[] {
    const out = new Set<string>();
    for (const p of this.deniedNames) if (!this.underDenied(p)) out.add(p);
    for (const key of this.deniedKeys.keys()) {
      for (const alias of this.names.get(key) ?? []) if (!out.has(alias) && !this.underDenied(alias)) out.add(alias);
    }
    return [...out].sort();
  }

  /** Whether a folder above `rel` is denied. */
  private underDenied(rel: string): boolean {
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) if (this.deniedNames.has(rel.slice(0, i))) return true;
    return false;
  }

  private bump(key: string, by: number): void {
    const n = (this.deniedKeys.get(key) ?? 0) + by;
    if (n > 0) this.deniedKeys.set(key, n);
    else this.deniedKeys.delete(key);
  }

  private async fullScan(): Promise<void> {
    const queue = [''];
    const slice = this.options.sliceDirs ?? 200;
    while (queue.length > 0 && !this.overCap) {
      for (let i = 0; i < slice && queue.length > 0 && !this.overCap; i++) {
        const rel = queue.pop() as string;
        this.readDir(rel, (sub) => queue.push(sub));
      }
      await new Promise((r) => setImmediate(r));
    }
    this.scanned = !this.overCap;
  }

  private readTree(rel: string): void {
    const queue = [rel];
    while (queue.length > 0 && !this.overCap) this.readDir(queue.pop() as string, (sub) => queue.push(sub));
  }

  /** Reads one folder, updating its entries; `onNewDir` gets sub-folders that need reading. */
  private readDir(rel: string, onNewDir: (rel: string) => void): void {
    const abs = rel === '' ? this.options.root : join(this.options.root, rel);
    const old = this.dirs.get(rel);
    let st: Stats;
    let list: Dirent[];
    const readAt = Date.now();
    try {
      st = lstatSync(abs);
      if (!st.isDirectory()) throw new Error('not a folder');
      list = readdirSync(abs, { withFileTypes: true });
    } catch {
      if (old !== undefined) this.forget(rel);
      return;
    }
    const node: DirNode = { key: inodeKey(st), mtimeMs: st.mtimeMs, readAt, entries: new Map() };
    const replaced = old !== undefined && old.key !== node.key;
    if (replaced) {
      this.forget(rel);
    }
    const previous = replaced ? undefined : old?.entries;
    this.dirs.set(rel, node);
    const seen = new Set<string>();
    for (const d of list) {
      seen.add(d.name);
      const p = childRel(rel, d.name);
      const before = previous?.get(d.name);
      let entry: Entry;
      if (d.isDirectory()) {
        entry = before?.kind === 'dir' ? before : { kind: 'dir' };
        if (before?.kind !== 'dir') {
          this.replace(p, before);
          onNewDir(p);
        }
        // An existing sub-folder keeps its own node; refresh() checks it separately.
      } else if (d.isFile()) {
        let fst: Stats;
        try {
          fst = lstatSync(join(abs, d.name));
        } catch {
          continue;
        }
        const key = inodeKey(fst);
        if (before?.kind === 'file' && before.key === key) entry = before;
        else {
          this.replace(p, before);
          const denied = this.deniedNames.has(p) || this.underDenied(p);
          entry = { kind: 'file', key, denied };
          if (denied) this.bump(key, 1);
          this.addName(key, p);
        }
      } else {
        const kind = d.isSymbolicLink() ? 'link' : 'other';
        entry = before?.kind === kind ? before : { kind };
        if (before?.kind !== kind) this.replace(p, before);
      }
      node.entries.set(d.name, entry);
    }
    if (previous !== undefined) {
      for (const [name, e] of previous) {
        if (seen.has(name)) continue;
        this.dropEntry(childRel(rel, name), e);
        this.count--;
      }
    }
  }

  /** A name appears (or changes kind): forget what was there, count it, note whether denyRead matches it. */
  private replace(rel: string, before: Entry | undefined): void {
    if (before !== undefined) this.dropEntry(rel, before);
    else this.counted(1);
    if (this.isDenied(rel)) this.deniedNames.add(rel);
  }

  private counted(n: number): void {
    this.count += n;
    if (this.count > this.maxEntries) this.overCap = true;
  }

  private addName(key: string, rel: string): void {
    let set = this.names.get(key);
    if (set === undefined) {
      set = new Set();
      this.names.set(key, set);
    }
    set.add(rel);
  }

  private dropEntry(rel: string, e: Entry): void {
    this.deniedNames.delete(rel);
    if (e.kind === 'file') {
      if (e.denied) this.bump(e.key, -1);
      const set = this.names.get(e.key);
      set?.delete(rel);
      if (set?.size === 0) this.names.delete(e.key);
    } else if (e.kind === 'dir') this.forget(rel);
  }

  /** Removes a folder and everything recorded below it. */
  private forget(rel: string): void {
    const node = this.dirs.get(rel);
    if (node === undefined) return;
    this.dirs.delete(rel);
    for (const [name, e] of node.entries) {
      this.dropEntry(childRel(rel, name), e);
      this.count--;
    }
  }
}
