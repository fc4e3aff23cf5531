import { posix } from 'node:path';
import type { PathProbe } from './guard';
import type { Root } from './paths';

/**
 * A workspace of one or more named folders, and the one address of a path in
 * it. A tool path or a command's cwd is one of:
 *
 * - absolute (`/…`, `~/…`): as it is;
 * - `folder-name:relative/path` (`folder-name:` alone is the folder itself):
 *   in the folder of that name;
 * - a bare relative path: in the only folder, or, in a multi-root workspace,
 *   in the one folder where it exists. Where it exists in several folders,
 *   or in none (a new file), the address is an error naming the candidates.
 */
/** Folder names by default: each folder's base name; a later folder with a name already taken gets `-2`, `-3`… */
export function folderNames(paths: readonly string[], given: readonly (string | undefined)[] = []): string[] {
  const taken = new Set<string>();
  return paths.map((p, i) => {
    const base = (given[i] ?? posix.basename(p)).replace(/[:/\\]/g, '_') || 'folder';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  });
}

export type Address =
  { readonly ok: true; readonly base: string; readonly path: string } | { readonly ok: false; readonly message: string };

const NAMED = /^([^/\\:]+):(.*)$/s;

const nameOf = (r: Root): string => r.name ?? posix.basename(r.path);

function present(probe: PathProbe, abs: string): boolean {
  return probe.realpath(abs) !== null || probe.readlink(abs) !== null;
}

/** Where `input` is to be resolved: the folder it is relative to (`base`) and the path within it. */
export function addressOf(input: string, roots: readonly Root[], probe: PathProbe): Address {
  const first = roots[0];
  if (first === undefined) return { ok: true, base: '/', path: input };
  const named = NAMED.exec(input);
  const folder = named ? roots.find((r) => nameOf(r) === named[1]) : undefined;
  if (named && folder) return { ok: true, base: folder.path, path: (named[2] ?? '').replace(/^\/+/, '') || '.' };
  if (input.startsWith('/') || input === '~' || input.startsWith('~/') || roots.length === 1)
    return { ok: true, base: first.path, path: input };
  const candidates = roots.filter((r) => present(probe, posix.join(r.path, input)));
  const only = candidates[0];
  if (candidates.length === 1 && only) return { ok: true, base: only.path, path: input };
  const shown = input === '' ? '.' : input;
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `'${shown}' is in no workspace folder; name the folder: ${roots.map((r) => `'${nameOf(r)}:${shown}'`).join(' or ')}`,
    };
  }
  return {
    ok: false,
    message: `'${shown}' is in several workspace folders (${candidates.map((r) => nameOf(r)).join(', ')}); name one: ${candidates.map((r) => `'${nameOf(r)}:${shown}'`).join(' or ')}`,
  };
}
