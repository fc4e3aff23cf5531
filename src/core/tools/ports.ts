/**
 * What the tools need from the outside world. The Node adapters live in
 * src/node (workspaceFs.ts, fs/fetcher.ts); commands go through the
 * CommandRunner port in src/core/exec/runner.ts. Every path handed to these
 * ports is absolute and already resolved by the guard.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileStat {
  readonly type: EntryType;
  readonly size: number;
}

export type TextRead =
  | { readonly kind: 'text'; readonly text: string; readonly size: number }
  | { readonly kind: 'binary'; readonly size: number }
  | { readonly kind: 'too-large'; readonly size: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-file'; readonly type: EntryType };

export interface ListedEntry {
  readonly absolute: string;
  readonly type: EntryType;
  readonly size: number;
}

export interface WalkOptions {
  /** Most entries returned; the walk stops after that. */
  readonly maxEntries: number;
  readonly maxDepth: number;
  /** Called for each entry before it is returned or entered; false hides it (and, for a folder, all below it). */
  readonly include: (absolute: string, type: EntryType) => boolean;
  /** Whether to enter an included folder (default: yes). */
  readonly descend?: (absolute: string) => boolean;
  readonly signal?: AbortSignal;
}

export interface WorkspaceFs {
  stat(absolute: string): Promise<FileStat | null>;
  /** Reads a UTF-8 text file; binary content (NUL bytes or invalid UTF-8) and files over `maxBytes` are refused. */
  readText(absolute: string, maxBytes: number): Promise<TextRead>;
  /** Writes the whole content or nothing: a temp file in the same folder, then rename. Creates missing parent folders. */
  writeAtomic(absolute: string, content: string, signal?: AbortSignal): Promise<void>;
  delete(absolute: string): Promise<void>;
  /** Walks a folder (links are listed, never followed). */
  walk(absoluteDir: string, options: WalkOptions): Promise<{ readonly entries: readonly ListedEntry[]; readonly truncated: boolean }>;
}

export interface FetchRequest {
  readonly url: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Asked before each redirect hop is followed; false stops there with an error. */
  readonly allowRedirect: (url: string) => { readonly ok: boolean; readonly why: string };
  /**
   * Asked when a host name resolves to a private, loopback or link-local
   * address: true only when that address is itself an allowed host (for
   * `url`'s scheme and port). Otherwise the fetch is refused before it connects.
   */
  readonly addressAllowed: (address: string, url: string) => boolean;
}

export interface FetchResult {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly truncated: boolean;
  readonly bytes: number;
}

export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchResult>;
}
