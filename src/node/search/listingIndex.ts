import { join } from 'node:path';
import type { Listing, RepoScope } from '../../core/tools/ports';
import { StampChecker } from './stampCheck';
import { RACY_MS, stampTree, type Stamp } from './stamps';

/**
 * Listings handed out again while their tree is unchanged: each is kept
 * with the stamp of its tree (./stamps.ts), taken after the listing is handed
 * out (while the model reads it). The stamp only has to be taken after
 * ripgrep started: a folder changed after ripgrep read it has a ctime newer
 * than that start, so such a stamp is not kept.
 */

/** Listings kept per search (by scope), most recently used last. */
const KEEP = 4;
/** Derived results kept per listing. */
const KEEP_DERIVED = 16;

/** A fresh listing's place for derived results (a few, the newest kept). */
export function derivedStore(): <T>(key: string, derive: () => T) => T {
  const kept = new Map<string, unknown>();
  return <T>(key: string, derive: () => T): T => {
    if (kept.has(key)) return kept.get(key) as T;
    const value = derive();
    if (kept.size >= KEEP_DERIVED) kept.delete(kept.keys().next().value as string);
    kept.set(key, value);
    return value;
  };
}

export interface ListingIndexOptions {
  /** Wall-clock time in ms (tests move it). */
  readonly now?: () => number;
  /** Told why a listing was not kept (tests, and the bench). */
  readonly onNotKept?: (why: string) => void;
  /** Checks stamps (on two threads when large). */
  readonly checker?: StampChecker;
}

/** Listings by scope, each with the stamp of its tree. */
export class ListingIndex {
  private readonly kept = new Map<string, { listing: Listing; stamp: Promise<Stamp | null> }>();
  /** Scopes whose tree could not be stamped (too large, a link for an ignore file…): not walked for a stamp again. */
  private readonly unstampable = new Set<string>();
  private readonly now: () => number;
  private readonly checker: StampChecker;

  constructor(private readonly options: ListingIndexOptions = {}) {
    this.now = options.now ?? Date.now;
    this.checker = options.checker ?? new StampChecker();
  }

  /** The kept listing of `scope` if its tree is unchanged, else `walk()`'s, kept once its stamp is taken. */
  async list(scope: RepoScope, walk: () => Promise<Listing>): Promise<Listing> {
    const key = JSON.stringify([scope.root, scope.path, scope.includeIgnored, scope.exclude]);
    const hit = this.kept.get(key);
    if (hit !== undefined) {
      const stamp = await hit.stamp;
      if (stamp !== null && (await this.checker.holds(stamp))) {
        // The most recently used goes last (unless another call has replaced it meanwhile).
        if (this.kept.get(key) === hit) {
          this.kept.delete(key);
          this.kept.set(key, hit);
        }
        return hit.listing;
      }
    }
    this.drop(key);
    const startedMs = this.now();
    const listing = await walk();
    if (!listing.ok || listing.stopped || this.unstampable.has(key)) return listing;
    const stamp = stampTree(join(scope.root, scope.path), !scope.includeIgnored).then((s) => {
      if (typeof s === 'string') this.unstampable.add(key);
      const why = typeof s === 'string' ? s : s.newestMs >= startedMs - RACY_MS ? 'the tree changed moments before' : null;
      if (why !== null) {
        this.options.onNotKept?.(why);
        return null;
      }
      this.checker.keep(s as Stamp);
      return s as Stamp;
    });
    this.drop(key);
    if (this.kept.size >= KEEP) this.drop(this.kept.keys().next().value as string);
    this.kept.set(key, { listing, stamp });
    return listing;
  }

  /** Forgets the listing kept for `key`, and its stamp on the checker's thread. */
  private drop(key: string): void {
    const gone = this.kept.get(key);
    if (gone === undefined) return;
    this.kept.delete(key);
    void gone.stamp.then((s) => s !== null && this.checker.forget(s));
  }
}
