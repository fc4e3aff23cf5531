import { posix } from 'node:path';
import { firstHiddenCodePoint } from '../text/hiddenCharacters';
import type { PathProbe } from './guard';

/**
 * Turns a path argument into where it really points: control characters
 * rejected, `~` expanded, Windows separators turned into `/`, NFC, `..`
 * resolved physically, symlinks followed through the probe (the nearest
 * existing ancestor's real path, and dangling links and chains by their
 * target), case folded where the file system folds it.
 */
export interface Root {
  /** Real path of the workspace folder, NFC. */
  readonly path: string;
  /** The file system holding it folds case. */
  readonly fold: boolean;
  /** The folder's name in addresses (`name:relative/path`, ./workspace.ts); its base name when left out. */
  readonly name?: string;
}

export type Resolution =
  | { readonly kind: 'inside'; readonly absolute: string; readonly relative: string; readonly root: string; readonly exists: boolean }
  | { readonly kind: 'outside'; readonly absolute: string; readonly exists: boolean }
  | { readonly kind: 'invalid'; readonly message: string };

export interface PathContext {
  readonly roots: readonly Root[];
  readonly home: string;
  readonly probe: PathProbe;
}

/** The common case, checked first: nothing to reject and nothing to normalise. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const MAX_LINKS = 40;

interface Real {
  readonly path: string;
  readonly exists: boolean;
}

export interface ResolveOptions {
  /**
   * Follow a dangling link to where it points (default). Command arguments
   * skip it: reading through a dangling link fails anyway, and it saves a
   * system call per word.
   */
  readonly followDangling?: boolean;
  /**
   * Read `\` as part of a name, as bash passes it to a program (`tr -d '\n'`),
   * rather than as a Windows separator (the default, for tool paths).
   */
  readonly literalBackslash?: boolean;
}

interface Walk {
  readonly probe: PathProbe;
  /** A folder already known to be real (the base), whose realpath need not be asked again. */
  readonly knownReal: string;
  readonly followDangling: boolean;
}

/** Follows `abs` (absolute, no `.`/`..`) to its real location; null on a link loop or too many links. */
function realOf(abs: string, w: Walk, hops: number): Real | null {
  if (hops > MAX_LINKS) return null;
  const probe = w.probe;
  const whole = probe.realpath(abs);
  if (whole !== null) return { path: whole, exists: true };
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    const parent = posix.dirname(cur);
    if (parent === cur) return { path: abs, exists: false };
    rest.unshift(posix.basename(cur));
    const realParent = parent === w.knownReal ? parent : probe.realpath(parent);
    if (realParent !== null) {
      const first = posix.join(realParent, rest[0] ?? '');
      const target = w.followDangling ? probe.readlink(first) : null;
      if (target !== null) {
        return realOf(posix.resolve(realParent, target, ...rest.slice(1)), w, hops + 1);
      }
      return { path: posix.join(realParent, ...rest), exists: false };
    }
    cur = parent;
  }
}

/** Like realOf, but resolves `..` after following the links before it, as the kernel does. */
function realWithDots(start: string, segments: readonly string[], w: Walk): Real | null {
  let cur: Real | null = realOf(start, w, 0);
  for (const seg of segments) {
    if (cur === null) return null;
    if (seg === '' || seg === '.') continue;
    if (seg === '..') cur = { path: posix.dirname(cur.path), exists: cur.exists };
    else cur = cur.exists ? realOf(posix.join(cur.path, seg), w, 0) : { path: posix.join(cur.path, seg), exists: false };
  }
  return cur;
}

function within(root: Root, abs: string): string | null {
  const a = root.fold ? abs.toLowerCase() : abs;
  const r = root.fold ? root.path.toLowerCase() : root.path;
  if (a === r) return '';
  const prefix = r.endsWith('/') ? r : `${r}/`;
  return a.startsWith(prefix) ? a.slice(prefix.length) : null;
}

/** Resolves `input` against `base` (absolute; a workspace folder or a command's cwd). */
export function resolvePath(input: string, base: string, ctx: PathContext, options: ResolveOptions = {}): Resolution {
  const ascii = PRINTABLE_ASCII.test(input);
  // A hidden character (src/core/text/hiddenCharacters.ts) or a line break disguises a name in the approval pane.
  if (!ascii && firstHiddenCodePoint(input, true) !== null)
    return { kind: 'invalid', message: 'the path holds a NUL, control or invisible character' };
  let p = ascii ? input : input.normalize('NFC');
  if (!options.literalBackslash) p = p.replace(/\\/g, '/');
  if (/^[A-Za-z]:/.test(p)) return { kind: 'invalid', message: 'a Windows drive path is not a path on this system' };
  if (p === '~' || p.startsWith('~/')) p = ctx.home + p.slice(1);
  else if (p.startsWith('~')) return { kind: 'invalid', message: 'only ~ and ~/ are understood, not ~user' };
  // Not posix.join: it would fold `..` before the links in front of it are followed.
  const abs = posix.isAbsolute(p) ? p : `${base}/${p}`;
  const segments = abs.split('/');
  const w: Walk = { probe: ctx.probe, knownReal: base, followDangling: options.followDangling ?? true };
  const real = segments.includes('..') ? realWithDots('/', segments, w) : realOf(posix.normalize(abs).replace(/(.)\/$/, '$1'), w, 0);
  if (real === null) return { kind: 'invalid', message: 'the path goes through a symbolic-link loop' };
  const absolute = real.path.normalize('NFC');
  for (const root of ctx.roots) {
    const rel = within(root, absolute);
    if (rel !== null) return { kind: 'inside', absolute, relative: rel, root: root.path, exists: real.exists };
  }
  return { kind: 'outside', absolute, exists: real.exists };
}
