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

/** What search_text and list_files ask for; paths are workspace-relative with `/`. */
export interface RepoScope {
  /** The workspace folder (real path) the tool runs in; results are relative to it. */
  readonly root: string;
  /** The folder or file to search or list, relative to root; '' is the root itself. */
  readonly path: string;
  /** Also files that .gitignore, .ignore or .rgignore exclude, and node_modules. */
  readonly includeIgnored: boolean;
  /**
   * Workspace-relative globs (warden.paths.denyRead) never entered. They
   * narrow the work up front; the caller still checks every result.
   */
  readonly exclude: readonly string[];
  readonly signal: AbortSignal;
}

export interface TextQuery extends RepoScope {
  readonly query: string;
  /** A regular expression (ripgrep's syntax) rather than a literal. */
  readonly regex: boolean;
  /** Most matching lines kept per file (the rest are only counted). */
  readonly keepPerFile: number;
  /** Characters kept of each matching line. */
  readonly maxLineChars: number;
}

export interface MatchedLine {
  /** 1-based. */
  readonly line: number;
  readonly text: string;
}

/** One text file with matches (binary files are never reported). */
export interface MatchedFile {
  readonly relative: string;
  /** Every matching line in the file. */
  readonly matches: number;
  /** The first `keepPerFile` of them. */
  readonly lines: readonly MatchedLine[];
}

/** What a search or listing could not cover, for the note the model reads. */
export interface ScanReport {
  /** Files whose matches were dropped because they turned out to be binary. */
  readonly binaryFiles: number;
  /** Names that are not valid UTF-8: left out (a lossy name could slip past the globs). */
  readonly unnamedEntries: number;
  /** Paths the scanner could not read (permissions, I/O), counted, never named. */
  readonly unreadable: number;
  /** True when the consumer asked to stop before the scan ended. */
  readonly stopped: boolean;
  /** How the scanner was confined, for the audit and the note. */
  readonly confinement: string;
}

export type ScanResult = ({ readonly ok: true } & ScanReport) | { readonly ok: false; readonly error: string };

/** Search and listing of a workspace folder (src/node/search: ripgrep). */
export interface RepoSearch {
  /** Calls `onFile` for each file with matches; returning false stops the scan. */
  searchText(query: TextQuery, onFile: (file: MatchedFile) => boolean): Promise<ScanResult>;
  /** Every file's workspace-relative path in scope (links are never followed or listed). */
  listFiles(scope: RepoScope): Promise<Listing>;
}

/**
 * A listing, and a place to keep what is derived from it alone. A scanner
 * may hand the same listing out again while the tree is unchanged, and with
 * it what was kept: `derived(key, derive)` runs `derive` once per key, so the
 * key must name everything else the result depends on.
 */
export type Listing =
  | ({
      readonly ok: true;
      readonly files: readonly string[];
      derived<T>(key: string, derive: () => T): T;
    } & ScanReport)
  | { readonly ok: false; readonly error: string };

export interface WindowRequest {
  /** 0-based first line, and the line after the last one wanted. */
  readonly from: number;
  readonly to: number;
  /** Most bytes of the window itself; it ends early (maybe mid-line) past this. */
  readonly maxBytes: number;
  /** Bytes read before and after the window, so the caller can tell whether a secret straddles an edge. */
  readonly marginBytes: number;
  readonly signal?: AbortSignal;
}

export type WindowRead =
  | {
      readonly kind: 'text';
      /** Size of the whole file in bytes, and its number of lines. */
      readonly size: number;
      readonly lines: number;
      /** 0-based line `text` starts at; `text` holds whole lines with their line ends, except when cut by maxBytes. */
      readonly first: number;
      readonly text: string;
      /** `text` ends before line `to` because of maxBytes. */
      readonly cut: boolean;
      /** Up to marginBytes just before and just after `text` (lossy UTF-8; only for the edge checks). */
      readonly before: string;
      readonly after: string;
    }
  | { readonly kind: 'binary'; readonly size: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-a-file'; readonly type: EntryType };

export interface WorkspaceFs {
  stat(absolute: string): Promise<FileStat | null>;
  /** Reads a UTF-8 text file; binary content (NUL bytes or invalid UTF-8) and files over `maxBytes` are refused. */
  readText(absolute: string, maxBytes: number): Promise<TextRead>;
  /**
   * Reads a window of lines of a file of any size, streaming it once to count
   * its lines; only the window (and its margins) is decoded. A NUL byte in the
   * first 8000 bytes, or invalid UTF-8 in the window, makes it binary.
   */
  readLines(absolute: string, window: WindowRequest): Promise<WindowRead>;
  /** Writes the whole content or nothing: a temp file in the same folder, then rename. Creates missing parent folders. */
  writeAtomic(absolute: string, content: string, signal?: AbortSignal): Promise<void>;
  delete(absolute: string): Promise<void>;
  readonly search: RepoSearch;
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
