import { spawn } from 'node:child_process';
import type { Listing, MatchedFile, MatchedLine, RepoScope, RepoSearch, ScanResult, TextQuery } from '../../core/tools/ports';
import { confinedArgv, findOnPath, probeConfinement, SEARCH_ENV, type Confinement } from './confine';
import { derivedStore, ListingIndex, type ListingIndexOptions } from './listingIndex';

/**
 * search_text and list_files on ripgrep (Debian's `rg`): argv only, never a
 * shell; run in the workspace folder so every path it prints is
 * workspace-relative; `.gitignore`, `.ignore` and `.rgignore` honoured (in a
 * folder that is not a git repository too) unless the caller asks for
 * ignored files; hidden files searched, `.git` never; links never followed;
 * binary files skipped. ripgrep's own config file is never read.
 */

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Globs ripgrep reads the same way minimatch does once anchored; anything fancier is left to the caller's check. */
const PLAIN_GLOB = /^[A-Za-z0-9._\-/*]+$/;

/**
 * A denyRead glob as a ripgrep exclusion that excludes no more than the
 * policy does (minimatch `*.pem` is the root only; a gitignore-style glob
 * without `/` would match at any depth, so it is anchored), or null.
 */
export function exclusionGlob(glob: string): string | null {
  if (!PLAIN_GLOB.test(glob) || glob.startsWith('/') || glob.includes('//')) return null;
  return glob.startsWith('**/') ? `!${glob}` : `!/${glob}`;
}

function scopeArgs(scope: RepoScope): string[] {
  const args = ['--no-config', '--hidden', '--no-require-git', '--glob', '!.git'];
  if (scope.includeIgnored) args.push('--no-ignore');
  else args.push('--glob', '!node_modules');
  for (const g of scope.exclude) {
    const ex = exclusionGlob(g);
    if (ex !== null) args.push('--glob', ex);
  }
  return args;
}

interface Run {
  /** Feeds stdout; returns false to stop ripgrep. */
  readonly onStdout: (chunk: Buffer) => boolean;
  readonly signal: AbortSignal;
}

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
  readonly stopped: boolean;
}

/** Raw text of a JSON `{text}|{bytes}` field, or null when it is not UTF-8. */
function textOf(field: { text?: string; bytes?: string } | undefined): string | null {
  if (field === undefined) return null;
  if (typeof field.text === 'string') return field.text;
  if (typeof field.bytes === 'string') {
    try {
      return STRICT_UTF8.decode(Buffer.from(field.bytes, 'base64'));
    } catch {
      return null;
    }
  }
  return null;
}

const LINES_TEXT = Buffer.from('"lines":{"text":"');
const LINE_NUMBER = Buffer.from('"line_number":');
/** Past this size a match message is not parsed whole: its line (a minified file's can be megabytes) is cut first. */
const BIG_MESSAGE = 8 * 1024;

/**
 * A large `match` message read without parsing it whole: the line number,
 * and the first `maxChars` of the line decoded from its JSON string. null
 * when the message is not shaped so (then it is parsed whole). A raw
 * `"line_number":` can only be structure: inside a JSON string every quote
 * is escaped.
 */
export function bigMatch(rec: Buffer, maxChars: number): { line: number; text: string } | null {
  const at = rec.indexOf(LINES_TEXT);
  const num = rec.indexOf(LINE_NUMBER);
  if (at < 0 || num < 0) return null;
  const line = Number(/^\d+/.exec(rec.toString('latin1', num + LINE_NUMBER.length, num + LINE_NUMBER.length + 20))?.[0]);
  if (!Number.isInteger(line)) return null;
  const start = at + LINES_TEXT.length;
  let raw = rec.toString('utf8', start, Math.min(num, start + maxChars * 6 + 16));
  const close = /(?<!\\)(?:\\\\)*"/.exec(raw);
  if (close) raw = raw.slice(0, close.index + close[0].length - 1);
  else raw = raw.replace(/\\u[0-9a-fA-F]{0,3}$|(?<!\\)(?:\\\\)*\\$/, (m) => (m.startsWith('\\u') ? '' : m.slice(0, -1)));
  try {
    return { line, text: (JSON.parse(`"${raw}"`) as string).slice(0, maxChars) };
  } catch {
    return null;
  }
}

interface RgMessage {
  readonly type: string;
  readonly data: {
    readonly path?: { text?: string; bytes?: string };
    readonly lines?: { text?: string; bytes?: string };
    readonly line_number?: number;
    readonly binary_offset?: number | null;
  };
}

/** Splits a byte stream into records ending in `sep`, across chunk edges. */
function splitter(sep: number, onRecord: (rec: Buffer) => boolean): (chunk: Buffer) => boolean {
  let rest: Buffer | null = null;
  return (chunk) => {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const end = buf.indexOf(sep, at);
      if (end < 0) break;
      if (!onRecord(buf.subarray(at, end))) return false;
      at = end + 1;
    }
    rest = at < buf.length ? Buffer.from(buf.subarray(at)) : null;
    return true;
  };
}

/** Errors ripgrep prints about paths it could not read (counted, never shown: a name could be a denied one). */
function pathErrors(stderr: string): number {
  return stderr.split('\n').filter((l) => l.startsWith('rg: ')).length;
}

export interface RipgrepOptions {
  /** The ripgrep executable; found on PATH when absent. */
  readonly rg?: string | null;
  /** How to confine it; probed (bubblewrap) when absent. */
  readonly confinement?: Confinement;
  /** Listings are handed out again while their tree is unchanged (./listingIndex.ts). */
  readonly index?: ListingIndexOptions;
}

export function createRipgrepSearch(options: RipgrepOptions = {}): RepoSearch {
  const rg = options.rg === undefined ? (findOnPath('rg', process.env.PATH) ?? findOnPath('rg', SEARCH_ENV.PATH)) : options.rg;
  let confinement: Promise<Confinement> | null = options.confinement ? Promise.resolve(options.confinement) : null;
  const confine = (): Promise<Confinement> => (confinement ??= probeConfinement(process.env.PATH));
  const index = new ListingIndex(options.index);

  async function run(cwd: string, args: readonly string[], r: Run): Promise<Exit | string> {
    if (rg === null) return 'ripgrep (rg) is not installed, so Warden cannot search or list files; install the ripgrep package.';
    const c = await confine();
    const argv = confinedArgv(c, cwd, rg, args);
    return new Promise((resolve) => {
      const child = spawn(argv.file, argv.args, { cwd, env: SEARCH_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stopped = false;
      const stop = (): void => {
        stopped = true;
        child.kill('SIGKILL');
      };
      r.signal.addEventListener('abort', stop, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        if (!stopped && !r.onStdout(chunk)) stop();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
      });
      child.on('error', (err) => {
        r.signal.removeEventListener('abort', stop);
        resolve(`ripgrep could not start: ${err.message}`);
      });
      child.on('close', (code) => {
        r.signal.removeEventListener('abort', stop);
        resolve({ code, stderr, stopped });
      });
    });
  }

  function finish(
    exit: Exit | string,
    counts: { binaryFiles: number; unnamedEntries: number },
    c: Promise<Confinement>,
    signal: AbortSignal,
  ): Promise<ScanResult> {
    return c.then((conf) => {
      if (typeof exit === 'string') return { ok: false, error: exit };
      if (signal.aborted) return { ok: false, error: 'cancelled' };
      if (!exit.stopped && exit.code !== 0 && exit.code !== 1 && !/^rg: .*(os error|\bNo such file)/m.test(exit.stderr)) {
        return { ok: false, error: `ripgrep failed (exit ${String(exit.code)}): ${exit.stderr.trim().slice(0, 2000)}` };
      }
      const how = conf.kind === 'bwrap' ? 'ripgrep, read-only in bubblewrap' : `ripgrep, unconfined: ${conf.why}`;
      return { ok: true, ...counts, unreadable: exit.stopped ? 0 : pathErrors(exit.stderr), stopped: exit.stopped, confinement: how };
    });
  }

  return {
    async searchText(q: TextQuery, onFile: (file: MatchedFile) => boolean): Promise<ScanResult> {
      const args = [
        '--json',
        ...scopeArgs(q),
        ...(q.regex ? [] : ['--fixed-strings']),
        '--regexp',
        q.query,
        '--',
        ...(q.path ? [q.path] : []),
      ];
      const counts = { binaryFiles: 0, unnamedEntries: 0 };
      let cur: { relative: string | null; matches: number; lines: MatchedLine[] } | null = null;
      const onRecord = (rec: Buffer): boolean => {
        if (rec.length === 0) return true;
        if (cur && rec.length > BIG_MESSAGE && rec.subarray(0, 16).toString('latin1') === '{"type":"match",') {
          const big = bigMatch(rec, q.maxLineChars);
          if (big) {
            cur.matches++;
            if (cur.lines.length < q.keepPerFile) cur.lines.push({ line: big.line, text: big.text.replace(/\r?\n$/, '') });
            return true;
          }
        }
        const m = JSON.parse(rec.toString('utf8')) as RgMessage;
        if (m.type === 'begin') {
          cur = { relative: textOf(m.data.path), matches: 0, lines: [] };
        } else if (m.type === 'match' && cur) {
          cur.matches++;
          if (cur.lines.length < q.keepPerFile) {
            const text = textOf(m.data.lines) ?? '[this line is not valid UTF-8]';
            cur.lines.push({ line: m.data.line_number ?? 0, text: text.replace(/\r?\n$/, '').slice(0, q.maxLineChars) });
          }
        } else if (m.type === 'end' && cur) {
          const done: { relative: string | null; matches: number; lines: MatchedLine[] } = cur;
          cur = null;
          if (done.relative === null) counts.unnamedEntries++;
          else if (m.data.binary_offset !== null && m.data.binary_offset !== undefined) counts.binaryFiles++;
          else if (done.matches > 0) return onFile({ relative: done.relative, matches: done.matches, lines: done.lines });
        }
        return true;
      };
      const exit = await run(q.root, args, { onStdout: splitter(0x0a, onRecord), signal: q.signal });
      return finish(exit, counts, confine(), q.signal);
    },

    listFiles(scope: RepoScope): Promise<Listing> {
      return index.list(scope, async () => {
        const args = ['--files', '--null', ...scopeArgs(scope), '--', ...(scope.path ? [scope.path] : [])];
        const counts = { binaryFiles: 0, unnamedEntries: 0 };
        const files: string[] = [];
        const onRecord = (rec: Buffer): boolean => {
          try {
            files.push(STRICT_UTF8.decode(rec));
          } catch {
            counts.unnamedEntries++;
          }
          return true;
        };
        const exit = await run(scope.root, args, { onStdout: splitter(0, onRecord), signal: scope.signal });
        const r = await finish(exit, counts, confine(), scope.signal);
        return r.ok ? { ...r, files, derived: derivedStore() } : r;
      });
    },
  };
}
