import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, constants } from 'node:fs';
import { join, win32 } from 'node:path';
import type { ManagedPolicyInput } from '../core/policy/managed';
import { parseJsoncObject } from './settingsFiles';

/**
 * Finds and reads the managed policy — the one loader the extension and the
 * CLI both use. The folder:
 *  - Linux and others: `/etc/warden`
 *  - macOS: `/Library/Application Support/Warden`
 *  - Windows: `%ProgramData%\Warden`
 * holds `managed-settings.json` and a `managed-settings.d/` folder of
 * `*.json` drop-ins, merged after it in name order (a later file's key
 * replaces an earlier one's). On POSIX a file is used only when it, and the
 * folder holding it, are owned by root and writable by no one else (no group
 * or other write bit); a file that fails is ignored with a message saying why.
 * A file that passes but holds bad JSON fails closed: its problem reaches the
 * guard, which then denies everything.
 */
export function managedPolicyDir(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (platform === 'darwin') return '/Library/Application Support/Warden';
  if (platform === 'win32') return win32.join(env.ProgramData ?? env.ALLUSERSPROFILE ?? 'C:\\ProgramData', 'Warden');
  return '/etc/warden';
}

export const MANAGED_FILE = 'managed-settings.json';
export const MANAGED_DROPIN_DIR = 'managed-settings.d';
/** A policy file larger than this is refused (a policy is a few kilobytes). */
const MAX_POLICY_BYTES = 1024 * 1024;

export interface ManagedPolicyOptions {
  /** The policy folder; tests point it at a temporary one. Default: managedPolicyDir(). */
  readonly dir?: string;
  readonly platform?: NodeJS.Platform;
}

/** Why a file or folder may not carry policy, or null when it may (POSIX owner and mode). */
function untrusted(st: { uid: number; mode: number }, what: string, platform: NodeJS.Platform): string | null {
  if (platform === 'win32') return null; // ACLs are not visible through stat; see README "For teams".
  if (st.uid !== 0) return `${what} is owned by uid ${st.uid}, not root`;
  if ((st.mode & 0o022) !== 0)
    return `${what} is writable by ${st.mode & 0o020 ? 'its group' : ''}${(st.mode & 0o022) === 0o022 ? ' and ' : ''}${st.mode & 0o002 ? 'others' : ''}`;
  return null;
}

/** The folder's state: absent, trusted, or why not. */
function checkDir(dir: string, platform: NodeJS.Platform): { absent: true } | { absent: false; problem: string | null } {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return { absent: true };
  }
  if (!st.isDirectory()) return { absent: false, problem: `${dir} is not a folder` };
  return { absent: false, problem: untrusted(st, `the folder ${dir}`, platform) };
}

type FileRead = { ok: true; text: string } | { ok: false; why: string } | { ok: 'absent' };

/** Opens without following a final link, checks owner and mode on the open file, then reads it. */
function readTrusted(path: string, platform: NodeJS.Platform): FileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (platform === 'win32' ? 0 : constants.O_NOFOLLOW | constants.O_NONBLOCK));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: 'absent' };
    if (code === 'ELOOP') return { ok: false, why: `${path} is a symbolic link (the policy must be a regular file)` };
    return { ok: false, why: `${path} cannot be read: ${(e as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, why: `${path} is not a regular file` };
    const bad = untrusted(st, path, platform);
    if (bad !== null) return { ok: false, why: bad };
    if (st.size > MAX_POLICY_BYTES) return { ok: false, why: `${path} is larger than ${MAX_POLICY_BYTES} bytes` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { ok: true, text: buf.toString('utf8', 0, off) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the managed policy. Never throws: refused files are listed with why;
 * a trusted file with bad JSON becomes a value the settings schema rejects
 * (so the guard fails closed naming the file).
 */
export function loadManagedPolicy(options: ManagedPolicyOptions = {}): ManagedPolicyInput {
  const platform = options.platform ?? process.platform;
  const dir = options.dir ?? managedPolicyDir(platform);
  const sources: string[] = [];
  const refused: string[] = [];
  const values: Record<string, unknown> = {};
  const unreadable: string[] = [];
  const top = checkDir(dir, platform);
  if (top.absent) return { sources, values, refused, unreadable };
  if (top.problem !== null) return { sources, values, refused: [`${dir}: ignored because ${top.problem}`], unreadable };

  const candidates = [join(dir, MANAGED_FILE)];
  const dropins = join(dir, MANAGED_DROPIN_DIR);
  const sub = checkDir(dropins, platform);
  if (!sub.absent) {
    if (sub.problem !== null) refused.push(`${dropins}: ignored because ${sub.problem}`);
    else {
      let names: string[] = [];
      try {
        names = readdirSync(dropins)
          .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
          .sort();
      } catch (e) {
        refused.push(`${dropins}: cannot be listed: ${(e as Error).message}`);
      }
      candidates.push(...names.map((n) => join(dropins, n)));
    }
  }
  for (const file of candidates) {
    const r = readTrusted(file, platform);
    if (r.ok === 'absent') continue;
    if (r.ok === false) {
      refused.push(`${file}: ignored because ${r.why}`);
      continue;
    }
    const parsed = parseJsoncObject(r.text, file);
    sources.push(file);
    // Fail closed: a policy the administrator wrote but Warden cannot read denies everything, naming the file.
    if (!parsed.ok) unreadable.push(parsed.message);
    else Object.assign(values, parsed.value);
  }
  return { sources, values, refused, unreadable };
}
