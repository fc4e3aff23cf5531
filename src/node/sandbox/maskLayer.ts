import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The layer that hides denied files from a command: a folder of overlayfs
 * whiteouts (character devices 0:0) at the denied names, mounted above the
 * workspace in each command's overlay. A hidden name is absent (not an empty
 * file): `ls` does not show it and `cat` says it does not exist. One layer
 * is built per distinct set of hidden names and shared by the commands that
 * use it; it is never changed while mounted (a changed set gets a new one).
 */
export interface MaskLease {
  /** The layer's folder, or null when nothing is hidden. */
  readonly dir: string | null;
  release(): void;
}

interface Layer {
  readonly key: string;
  readonly dir: string;
  users: number;
}

export class MaskLayers {
  private readonly layers = new Map<string, Layer>();
  private readonly current = new Map<string, string>();
  private next = 0;

  constructor(
    private readonly parent: string,
    private readonly mknod: string,
  ) {}

  /** The layer hiding `hidden` (paths relative to `root`). */
  acquire(root: string, hidden: readonly string[]): MaskLease {
    if (hidden.length === 0) return { dir: null, release: () => undefined };
    const key = `${root}\0${hidden.join('\0')}`;
    let layer = this.layers.get(key);
    if (layer === undefined) {
      layer = { key, dir: this.build(root, hidden), users: 0 };
      this.layers.set(key, layer);
      const old = this.current.get(root);
      this.current.set(root, key);
      if (old !== undefined) this.collect(old);
    }
    layer.users++;
    const l = layer;
    let released = false;
    return {
      dir: join(l.dir, 'tree'),
      release: () => {
        if (released) return;
        released = true;
        l.users--;
        this.collect(l.key);
      },
    };
  }

  dispose(): void {
    for (const l of this.layers.values()) rmSync(l.dir, { recursive: true, force: true });
    this.layers.clear();
  }

  private collect(key: string): void {
    const l = this.layers.get(key);
    if (l === undefined || l.users > 0 || [...this.current.values()].includes(key)) return;
    this.layers.delete(key);
    rmSync(l.dir, { recursive: true, force: true });
  }

  private build(root: string, hidden: readonly string[]): string {
    const dir = join(this.parent, `mask-${this.next++}`);
    const tree = join(dir, 'tree');
    mkdirSync(tree, { recursive: true });
    chmodSync(tree, lstatSync(root).mode & 0o7777);
    let seed = this.seed(dir, 0);
    let seeds = 1;
    for (const rel of hidden) {
      const target = join(tree, rel);
      this.parents(root, tree, dirname(rel));
      try {
        linkSync(seed, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EMLINK') throw e;
        seed = this.seed(dir, seeds++);
        linkSync(seed, target);
      }
    }
    return dir;
  }

  /** A whiteout to hard-link from: mknod needs no privilege for 0:0 since Linux 5.8. */
  private seed(dir: string, n: number): string {
    const p = join(dir, `whiteout-${n}`);
    execFileSync(this.mknod, [p, 'c', '0', '0'], { stdio: 'ignore' });
    return p;
  }

  /** Creates the folders above a whiteout with the workspace folders' own modes (the top layer's mode is what a command sees). */
  private parents(root: string, tree: string, rel: string): void {
    if (rel === '.' || rel === '') return;
    const target = join(tree, rel);
    try {
      if (lstatSync(target).isDirectory()) return;
    } catch {
      // not made yet
    }
    this.parents(root, tree, dirname(rel));
    mkdirSync(target);
    try {
      chmodSync(target, lstatSync(join(root, rel)).mode & 0o7777);
    } catch {
      // the folder went away meanwhile: the default mode does no harm
    }
  }
}
