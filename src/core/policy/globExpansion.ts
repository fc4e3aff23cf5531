import type { PathProbe } from './guard';

/**
 * What an unquoted glob in a command may expand to, asked of the file
 * system the way bash would walk it, but on purpose matching MORE than bash:
 * a component holding `[` matches every name, `.` and `..` are offered to
 * components that start with a dot. The guard then checks every name it may
 * expand to (denyRead after links, the workspace boundary, a name that reads
 * as an option), so the check can only be stricter than bash, never looser.
 * bash's own options that change globbing (dotglob, nocaseglob, extglob,
 * globstar, GLOBIGNORE) cannot be set inside an allowed line.
 */
export interface GlobExpansion {
  /** Absolute paths the word may expand to (a superset of bash's). */
  readonly paths: readonly string[];
  /** True when the walk stopped at the bounds below: the caller must not allow. */
  readonly incomplete: boolean;
}

/** Most folders listed and names produced for one glob word. */
export const GLOB_LIMITS = { folders: 64, names: 2000 } as const;

const GLOB_CHARS = /[*?[]/;

function componentMatcher(component: string): (name: string) => boolean {
  if (component.includes('[')) return () => true;
  const dot = component.startsWith('.');
  const source = component
    .replace(/[.+^${}()|\\\]]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (name) => (dot || !name.startsWith('.')) && re.test(name);
}

/** Joins without folding `..`: the guard resolves it after the links before it, as the kernel does. */
const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

/** Expands `pattern` (relative to `cwd`, or absolute) over the real file system through the probe. */
export function expandGlob(pattern: string, cwd: string, probe: PathProbe): GlobExpansion {
  const absolute = pattern.startsWith('/');
  const components = pattern.split('/').filter((c) => c !== '');
  let current = [absolute ? '/' : cwd];
  let folders = 0;
  for (const component of components) {
    const next: string[] = [];
    if (!GLOB_CHARS.test(component)) {
      for (const dir of current) next.push(join(dir, component));
    } else {
      const matches = componentMatcher(component);
      for (const dir of current) {
        if (++folders > GLOB_LIMITS.folders) return { paths: [], incomplete: true };
        const names = [...(probe.listDir(dir) ?? [])];
        if (component.startsWith('.')) names.push('.', '..');
        for (const name of names) if (matches(name)) next.push(join(dir, name));
        if (next.length > GLOB_LIMITS.names) return { paths: [], incomplete: true };
      }
    }
    current = next;
  }
  return { paths: current, incomplete: false };
}
