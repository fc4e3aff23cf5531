import type { CompiledPolicy } from './compile';
import { decision, type Decision } from './decision';
import type { GuardResult, ReadFilter, ResolvedPath } from './guard';
import { ruleText, type GlobRule } from './globList';
import { resolvePath, type PathContext, type Resolution } from './paths';
import { closestGlob, type AskBlocker } from './explain';
import { addressOf } from './workspace';

/** Path decisions for the read, write and delete tools. */
export interface PathDeps {
  /** For paths outside every folder: the strictest of the folders' policies. */
  readonly policy: CompiledPolicy;
  /** The policy of the folder at this root (user settings narrowed by the workspace's and the folder's own). */
  readonly policyFor?: (root: string) => CompiledPolicy;
  readonly ctx: PathContext;
  readonly trusted: () => boolean;
}

/** A child name no glob meant for real names matches by itself: `secrets` is denied when `secrets/<it>` is. */
const ANY_CHILD = '/\u0001';
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/** An empty, `.` or `..` segment: never in a path a scan prints. */
const ODD_SEGMENT = /(?:^|\/)(?:\.\.?)?(?:\/|$)/;

/**
 * The denyRead rule a resolved path falls under: the path itself, or a
 * folder whose every entry is denied (`secrets`, whose entries `secrets/**` denies).
 * Outside the workspace the globs are tried on the absolute path.
 */
export function deniedReadRule(policy: CompiledPolicy, res: Resolution): GlobRule | null {
  if (res.kind === 'invalid') return null;
  const path = res.kind === 'inside' ? res.relative : res.absolute.replace(/^\/+/, '');
  if (path === '') return null;
  return policy.denyRead.first(path) ?? policy.denyRead.first(path + ANY_CHILD);
}

export function toResolvedPath(policy: CompiledPolicy, res: Resolution): ResolvedPath | null {
  if (res.kind === 'invalid') return null;
  if (res.kind === 'outside') return { absolute: res.absolute, relative: res.absolute, root: '', exists: res.exists, protected: false };
  const prot = policy.protectedPaths.first(res.relative) !== null;
  return { absolute: res.absolute, relative: res.relative, root: res.root, exists: res.exists, protected: prot };
}

function result(d: Decision, target: ResolvedPath | null, blocker?: AskBlocker, closest: string | null = null): GuardResult {
  const r: GuardResult = { ...d, details: target ? { kind: 'path', target } : { kind: 'none' } };
  return blocker ? { ...r, why: { closest, blockers: [blocker] } } : r;
}

/** The policy a resolved path is decided by: its folder's, or outside every folder the strictest. */
export function policyAt(deps: Pick<PathDeps, 'policy' | 'policyFor'>, res: Resolution): CompiledPolicy {
  return res.kind === 'inside' && deps.policyFor ? deps.policyFor(res.root) : deps.policy;
}

/** A tool path or cwd as the person or the model wrote it, addressed in the workspace (./workspace.ts) and resolved. */
export function resolveInput(ctx: PathContext, input: string): Resolution {
  const address = addressOf(input, ctx.roots, ctx.probe);
  if (!address.ok) return { kind: 'invalid', message: address.message };
  return resolvePath(address.path, address.base, ctx);
}

/** Shared first steps: invalid, outside, denyRead. */
function screen(
  deps: PathDeps,
  input: string,
): { res: Resolution; target: ResolvedPath | null; early: Decision | null; policy: CompiledPolicy } {
  const res = resolveInput(deps.ctx, input);
  const policy = policyAt(deps, res);
  const target = toResolvedPath(policy, res);
  if (res.kind === 'invalid')
    return { res, target, policy, early: decision('deny', 'invalid-input', null, `Path '${input}': ${res.message}.`) };
  const denied = deniedReadRule(policy, res);
  if (res.kind === 'outside') {
    return {
      res,
      target,
      policy,
      early: denied
        ? decision('deny', 'denied-read', ruleText(denied), `${res.absolute} is outside the workspace and matches ${denied.pattern}.`)
        : decision('deny', 'outside-workspace', null, `${res.absolute} is outside every workspace folder.`),
    };
  }
  if (denied)
    return {
      res,
      target,
      policy,
      early: decision('deny', 'denied-read', ruleText(denied), `${res.relative} matches ${ruleText(denied)}.`),
    };
  return { res, target, policy, early: null };
}

export function decideRead(deps: PathDeps, input: string): GuardResult {
  const { target, early, policy } = screen(deps, input);
  if (early) return result(early, target);
  if (policy.settings['warden.approval.reads'] === 'ask') {
    return result(
      decision('ask', 'needs-approval', 'warden.approval.reads: ask', 'Reads ask first (warden.approval.reads).'),
      target,
      { kind: 'reads-ask', subject: target?.relative ?? input, detail: 'reads ask first' },
      'warden.approval.reads: ask',
    );
  }
  return result(decision('allow', 'read-allowed', null, `Reading ${target?.relative || '.'} inside the workspace.`), target);
}

export function decideWrite(deps: PathDeps, input: string, kind: 'write' | 'delete'): GuardResult {
  if (!deps.trusted()) {
    return result(decision('deny', 'restricted-mode', null, 'The workspace is not trusted (Restricted Mode): nothing is written.'), null);
  }
  const { res, target, early, policy } = screen(deps, input);
  if (early) return result(early, target);
  if (res.kind !== 'inside') return result(decision('deny', 'outside-workspace', null, 'Outside the workspace.'), target);
  const writable = policy.write.first(res.relative);
  if (!writable) {
    return result(decision('deny', 'not-writable', null, `${res.relative || '.'} is not matched by warden.paths.write.`), target);
  }
  const prot = policy.protectedPaths.first(res.relative);
  if (prot) {
    return result(decision('ask', 'protected-path', ruleText(prot), `${res.relative} is protected: a person must approve.`), target, {
      kind: 'protected',
      subject: res.relative,
      detail: ruleText(prot),
    });
  }
  if (kind === 'delete') {
    return result(decision('ask', 'needs-approval', null, `Deleting ${res.relative} needs a person's approval.`), target, {
      kind: 'delete',
      subject: res.relative,
      detail: 'deletes always ask',
    });
  }
  const auto = policy.autoApprove.first(res.relative);
  if (auto) return result(decision('allow', 'auto-approved', ruleText(auto), `${res.relative} matches ${ruleText(auto)}.`), target);
  const near = closestGlob(
    policy.settings['warden.paths.autoApprove'].map((pattern) => ({ setting: 'warden.paths.autoApprove', pattern })),
    res.relative,
  );
  return result(
    decision('ask', 'needs-approval', ruleText(writable), `Writing ${res.relative} needs a person's approval.`),
    target,
    { kind: 'not-auto-approved', subject: res.relative, detail: `writable by ${ruleText(writable)}` },
    near ? ruleText(near) : null,
  );
}

/** For list_files/search_text results: inside the workspace and outside denyRead. */
export function canRead(deps: PathDeps, absPath: string): boolean {
  const res = resolvePath(absPath, '/', deps.ctx);
  return res.kind === 'inside' && deniedReadRule(policyAt(deps, res), res) === null;
}

/**
 * The walk-speed form of canRead (see ReadFilter): one compiled denyRead
 * list, globs matched on the workspace-relative path and every folder above
 * it (each folder decided once per filter), links resolved through canRead
 * only where one is met. Build one per scan: it remembers folders.
 */
export function readFilter(deps: PathDeps): ReadFilter {
  /** Per folder: its denyRead list and the folders below it already decided (a scan meets each once per entry below it). */
  const perRoot = new Map(
    deps.ctx.roots.map((r) => {
      const list = (deps.policyFor ? deps.policyFor(r.path) : deps.policy).denyRead;
      const denied = (rel: string): boolean => list.matchesOrContains(rel, ANY_CHILD);
      const folders = new Map<string, boolean>();
      const folderDenied = (dir: string): boolean => {
        let d = folders.get(dir);
        if (d === undefined) {
          const up = dir.lastIndexOf('/');
          d = (up > 0 && folderDenied(dir.slice(0, up))) || denied(dir);
          if (folders.size < 100_000) folders.set(dir, d);
        }
        return d;
      };
      // The folder met last, and its verdict: a scan meets a folder's entries one after another.
      const last: { dir: string; denied: boolean } = { dir: '', denied: false };
      return [r.path, { denied, folderDenied, last }] as const;
    }),
  );
  return {
    // The strictest list: a scanner may leave out up front what any folder denies; each entry is then decided by its own folder.
    globs: deps.policy.settings['warden.paths.denyRead'],
    // What the answers below depend on: the folders (canRead resolves by them) and each one's denyRead list.
    key: JSON.stringify(deps.ctx.roots.map((r) => [r.path, (deps.policyFor ? deps.policyFor(r.path) : deps.policy).denyRead.key])),
    allows(root, relative, isLink) {
      const own = perRoot.get(root);
      if (own === undefined || relative === '') return false;
      const { denied, folderDenied, last } = own;
      // Links, and names beyond printable ASCII (NFC, hidden characters), also take the full resolution.
      const plain = PRINTABLE_ASCII.test(relative);
      if ((isLink || !plain) && !canRead(deps, `${root}/${relative}`)) return false;
      const rel = plain ? relative : relative.normalize('NFC');
      if (ODD_SEGMENT.test(rel)) return false;
      const up = rel.lastIndexOf('/');
      if (up > 0) {
        if (up !== last.dir.length || !rel.startsWith(last.dir)) {
          last.dir = rel.slice(0, up);
          last.denied = folderDenied(last.dir);
        }
        if (last.denied) return false;
      }
      return !denied(rel);
    },
  };
}
