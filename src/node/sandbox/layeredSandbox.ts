import { lstatSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { buildCommandEnv } from '../../core/exec/envAllowlist';
import { DEFAULT_LIMITS, limitedScript, resolveLimits } from '../../core/exec/limits';
import {
  type ChangeReport,
  type ChangeVerdict,
  type CommandRunner,
  type RunRequest,
  type RunResult,
  RunnerRefusedError,
  type SandboxConfig,
  type SandboxKind,
  type SandboxViewState,
} from '../../core/exec/runner';
import { GlobList } from '../../core/policy/globList';
import { hostEntryCovers, parseHostEntry } from '../../core/policy/hostEntry';
import { SETTING_SCHEMAS } from '../../core/policy/settings';
import { WorkspaceIndex } from '../fs/workspaceIndex';
import { bubblewrapArgs, bubblewrapCommand, encodeArgs } from './bubblewrapArgs';
import { type CollectedChange, collectChanges, TooManyChanges } from './changeSet';
import { findExecutable } from './findExecutable';
import { type HomeExposure, homeExposure } from './homeExposure';
import { runLayered, upperOf } from './layeredRun';
import { type MaskLease, MaskLayers } from './maskLayer';
import { mergeChanges } from './mergeChanges';
import { findPidsController, type PidsController } from './pidsLimit';
import { checkRunRequest, insideRoots, parseSandboxConfig, type RunnerCommonOptions } from './runnerOptions';
import { createTempArea, type TempArea } from './tempArea';

/**
 * The filesystem half both sandboxed runners share: every command runs on a
 * copy-on-write overlay of each workspace folder, with denied names absent,
 * the host's temporary and home folders hidden, a scratch of its own, and a
 * process-count limit; what it changed is decided afterwards by the write
 * policy (`RunRequest.decideChanges`) and only what that keeps is merged.
 * The network half is the caller's: none (bubblewrap fallback) or
 * sandbox-runtime's filtering proxy (`NetworkLease`).
 */
export interface NetworkLease {
  /** The proxy bridge socket to bind into the sandbox. */
  readonly socket: string;
  /** Proxy variables for the command (HTTP_PROXY…). */
  readonly env: Readonly<Record<string, string>>;
  release(): Promise<void>;
}

export interface LayeredRunnerOptions extends RunnerCommonOptions {
  readonly kind: Exclude<SandboxKind, 'none'>;
  /** A network for a run allowed to reach `hosts` (non-empty, already narrowed), or null for none at all. */
  readonly network: ((hosts: readonly string[]) => Promise<NetworkLease>) | null;
  /** sandbox-runtime's seccomp helper (blocks new Unix sockets), or null. */
  readonly seccomp: string | null;
  readonly socat: string | null;
}

export interface LayeredTools {
  readonly bwrap: string;
  readonly bash: string;
  readonly unshare: string;
  readonly sh: string;
  readonly mknod: string;
}

const DEFAULT_SCRATCH_MIB = 2048;
const SCRATCH_INODES = 262_144;
const MAX_CHANGES = 100_000;
const DEFAULT_VIEW_WAIT_MS = 5000;
const DEFAULT_PROCESSES = 1024;
/** The helper runs only system tools (mount, mkdir, chmod, cat). */
const HELPER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The tools a layered sandbox needs, or which is missing. */
export function findLayeredTools(pathEnv: string | undefined): LayeredTools | { readonly unavailable: string } {
  const found: Record<string, string> = {};
  for (const [name, pkg] of [
    ['bwrap', 'bubblewrap'],
    ['unshare', 'util-linux'],
    ['mknod', 'coreutils'],
    ['bash', 'bash'],
    ['sh', 'dash'],
  ] as const) {
    // System tools may come from the system folders; bwrap must be on the PATH (a PATH without it means: no bubblewrap).
    const p =
      findExecutable(name, pathEnv) ??
      (name === 'bwrap' ? null : (findExecutable(`/usr/bin/${name}`, undefined) ?? findExecutable(`/bin/${name}`, undefined)));
    if (p === null) return { unavailable: `${name} is not on the PATH (Debian package ${pkg})` };
    found[name] = p;
  }
  return found as unknown as LayeredTools;
}

function hasSetfcap(): boolean {
  try {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m !== null && (BigInt(`0x${m[1]}`) & (1n << 31n)) !== 0n;
  } catch {
    return false;
  }
}

/** The denyRead decision the guard makes for a workspace-relative path, on the same compiled globs. */
export function denyMatcher(config: SandboxConfig): (rel: string) => boolean {
  const globs = config.denyRead ?? SETTING_SCHEMAS['warden.paths.denyRead'].parse(undefined);
  const list = new GlobList(
    globs.map((pattern) => ({ setting: 'warden.paths.denyRead', pattern })),
    config.caseInsensitive ?? false,
  );
  // As pathDecision's deniedReadRule: the path, or a folder whose every entry is denied (`secrets` for `secrets/**`).
  return (rel) => list.first(rel) !== null || list.first(`${rel}/\u0001`) !== null;
}

/** The run's hosts that the config also admits (a run can only narrow). */
function intersectHosts(asked: readonly string[] | undefined, allowed: readonly string[]): readonly string[] {
  if (asked === undefined) return allowed;
  const entries = allowed.map(parseHostEntry).filter((e) => e !== null);
  return asked.filter((h) => {
    const e = parseHostEntry(h);
    return e !== null && entries.some((a) => hostEntryCovers(a, e));
  });
}

export class LayeredSandbox implements CommandRunner {
  readonly kind: Exclude<SandboxKind, 'none'>;
  private config: SandboxConfig;
  private readonly temp: TempArea;
  private readonly home: HomeExposure | null;
  private readonly homeInside: string;
  private readonly masks: MaskLayers;
  private readonly pids: PidsController | { readonly unavailable: string };
  private indexes: WorkspaceIndex[] = [];
  private readonly running = new Set<AbortController>();
  private nextId = 0;
  private disposed = false;
  private readonly setfcap: boolean;

  constructor(
    private readonly tools: LayeredTools,
    private readonly options: LayeredRunnerOptions,
  ) {
    this.kind = options.kind;
    this.config = parseSandboxConfig(options.config);
    this.temp = createTempArea(options.tempParent);
    const hideHome = options.hideHome === undefined ? homedir() : options.hideHome;
    this.home = homeExposure(hideHome, options.pathEnv ?? process.env.PATH, [], options.privateDirs ?? []);
    this.homeInside = this.home?.home ?? '/tmp/.home';
    this.masks = new MaskLayers(this.temp.root, tools.mknod);
    this.pids = findPidsController();
    this.setfcap = process.geteuid?.() === 0 && hasSetfcap();
    this.reindex();
  }

  /** Why commands run without a process-count limit here, or null when one applies. */
  get processLimitNote(): string | null {
    return 'unavailable' in this.pids ? this.pids.unavailable : null;
  }

  viewState(): SandboxViewState {
    for (const ix of this.indexes) {
      const s = ix.state();
      if (!s.complete) return { complete: false, why: s.why ?? 'the view of the workspace is incomplete' };
    }
    return { complete: true };
  }

  /** Resolves once every workspace folder has been indexed (or found too large). */
  async indexed(): Promise<void> {
    await Promise.all(this.indexes.map((ix) => ix.scan()));
  }

  updateConfig(config: SandboxConfig): Promise<void> {
    const parsed = parseSandboxConfig(config);
    const sameRoots = parsed.writableRoots.join('\0') === this.config.writableRoots.join('\0');
    this.config = parsed;
    if (sameRoots) {
      const deny = denyMatcher(parsed);
      for (const ix of this.indexes) ix.setPolicy(deny);
    } else this.reindex();
    return Promise.resolve();
  }

  async run(req: RunRequest): Promise<RunResult> {
    if (this.disposed) throw new RunnerRefusedError(`the ${this.kind} runner was disposed`);
    const problem = checkRunRequest(req);
    if (problem !== null) throw new RunnerRefusedError(problem);
    if (!insideRoots(req.cwd, this.config.writableRoots)) throw new RunnerRefusedError(`cwd ${req.cwd} is outside every workspace folder`);
    await this.awaitView(req.approvedByPerson);

    const id = this.nextId++;
    const leases: MaskLease[] = [];
    const hiddenByRoot: Array<ReadonlySet<string>> = [];
    const scratch = `${this.temp.root}/c${id}`;
    let network: NetworkLease | null = null;
    let cgroup = null;
    const controller = new AbortController();
    this.running.add(controller);
    const onAbort = () => controller.abort();
    if (req.signal?.aborted) controller.abort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const roots = this.indexes.map((ix) => {
        ix.refresh();
        // Extra hidden paths inside the folder join the mask (a bind there would create its mount point in the overlay).
        const extra = this.config.hiddenPaths.filter((p) => p.startsWith(`${ix.root}/`)).map((p) => p.slice(ix.root.length + 1));
        const hidden = [...new Set([...ix.hidden(), ...extra])].sort();
        hiddenByRoot.push(new Set(hidden));
        const lease = this.masks.acquire(ix.root, hidden);
        leases.push(lease);
        return { root: ix.root, mask: lease.dir, mode: lstatSync(ix.root).mode };
      });
      const hosts = intersectHosts(req.allowedHosts, this.config.allowedHosts);
      if (this.options.network !== null && hosts.length > 0) network = await this.options.network(hosts);
      mkdirSync(scratch);
      const inherited = this.options.inheritedEnv ?? process.env;
      let env: Record<string, string>;
      try {
        env = buildCommandEnv({
          inherited: { ...inherited, PATH: this.options.pathEnv ?? inherited.PATH },
          home: this.homeInside,
          tmpdir: '/tmp',
          secretEnv: req.secretEnv,
        });
      } catch (e) {
        throw new RunnerRefusedError(e instanceof Error ? e.message : String(e));
      }
      if (network !== null) env = { ...network.env, ...env };
      const limits = resolveLimits(req.limits, this.options.defaultLimits ?? DEFAULT_LIMITS);
      const workspace = req.workspace ?? 'writable';
      // sandbox-runtime's seccomp helper blocks new Unix sockets for every command, with or without the proxy.
      const seccomp = this.options.seccomp;
      const plan = {
        roots: roots.map((r) => r.root),
        workspace,
        scratch,
        cwd: req.cwd,
        env,
        home: this.home,
        homeInside: this.homeInside,
        privateDirs: this.options.privateDirs ?? [],
        hiddenPaths: this.config.hiddenPaths.filter((p) => !insideRoots(p, this.config.writableRoots)),
        readOnlyPaths: this.config.readOnlyPaths,
        network: network === null ? null : { socket: network.socket },
        seccompHelper: seccomp !== null,
        addSetfcap: seccomp !== null && this.setfcap,
        helpers: seccomp === null ? [] : [seccomp],
      };
      const script = limitedScript(req.command, limits);
      const command = bubblewrapCommand(
        this.tools.bash,
        script,
        network === null || this.options.socat === null ? null : { socket: network.socket, socat: this.options.socat },
        seccomp,
      );
      if (!('unavailable' in this.pids)) cgroup = this.pids.create(limits.processes ?? DEFAULT_PROCESSES);
      const outcome = await runLayered(
        {
          unshare: this.tools.unshare,
          sh: this.tools.sh,
          bwrap: this.tools.bwrap,
          bwrapArgs: encodeArgs(bubblewrapArgs(plan)),
          bwrapCommand: command,
          scratch,
          scratchBytes: (this.options.scratchMiB ?? DEFAULT_SCRATCH_MIB) * 1024 * 1024,
          scratchInodes: SCRATCH_INODES,
          roots,
          cwd: req.cwd,
          env: { PATH: HELPER_PATH },
          cgroup,
        },
        {
          timeoutMs: req.timeoutMs,
          maxOutputBytes: req.maxOutputBytes,
          signal: controller.signal,
          onOutput: req.onOutput,
          sandbox: this.kind,
        },
        (procRoot) =>
          workspace === 'writable'
            ? this.keepChanges(
                procRoot,
                scratch,
                roots.map((r) => r.root),
                hiddenByRoot,
                req,
              )
            : undefined,
      );
      let changes: ChangeReport | undefined = outcome.after;
      if (workspace === 'writable' && changes === undefined && !outcome.setupFailed) {
        changes = {
          kept: [],
          dropped: [],
          discarded: outcome.result.timedOut
            ? 'the command timed out'
            : outcome.result.cancelled
              ? 'the command was cancelled'
              : 'the command did not end by itself',
        };
      }
      if (outcome.setupFailed)
        throw new Error(`the ${this.kind} sandbox could not be set up: ${outcome.result.stderr.trim().slice(0, 500)}`);
      return {
        ...outcome.result,
        ...(changes !== undefined && (changes.kept.length > 0 || changes.dropped.length > 0 || changes.discarded !== undefined)
          ? { changes }
          : {}),
      };
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      this.running.delete(controller);
      for (const l of leases) l.release();
      cgroup?.dispose();
      try {
        rmdirSync(scratch);
      } catch {
        // never made, or the helper is still going away: the runner's dispose removes the folder
      }
      await network?.release();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.running) c.abort();
    // Let the aborted helpers go before their scratch mount points are removed.
    await new Promise((r) => setTimeout(r, this.running.size > 0 ? 200 : 0));
    this.masks.dispose();
    this.temp.dispose();
  }

  private reindex(): void {
    const deny = denyMatcher(this.config);
    this.indexes = this.config.writableRoots.map(
      (root) =>
        new WorkspaceIndex({
          root,
          isDenied: deny,
          ...(this.options.maxIndexedEntries !== undefined ? { maxEntries: this.options.maxIndexedEntries } : {}),
        }),
    );
    for (const ix of this.indexes) void ix.scan();
  }

  /** Fail closed: a command no person approved runs only on a complete view. */
  private async awaitView(approved: boolean): Promise<void> {
    const wait = approved ? 60_000 : (this.options.viewWaitMs ?? DEFAULT_VIEW_WAIT_MS);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.indexed(), new Promise((r) => (timer = setTimeout(r, wait)))]);
    clearTimeout(timer);
    const view = this.viewState();
    if (!view.complete && !approved) {
      throw new RunnerRefusedError(
        `Warden cannot yet tell what to hide from commands: ${view.why}. A command runs unasked only on a complete view; approve it to run it anyway.`,
      );
    }
  }

  /** Reads, decides and merges what the command changed (runs while the helper's namespace lives). */
  private keepChanges(
    procRoot: string,
    scratch: string,
    roots: readonly string[],
    hidden: ReadonlyArray<ReadonlySet<string>>,
    req: RunRequest,
  ): ChangeReport {
    const all: { kept: string[]; dropped: Array<ChangeReport['dropped'][number]> } = { kept: [], dropped: [] };
    roots.forEach((root, i) => {
      let changes: CollectedChange[];
      try {
        changes = collectChanges({ procRoot, root, upper: upperOf(scratch, i), hidden: hidden[i] ?? new Set(), maxChanges: MAX_CHANGES });
      } catch (e) {
        if (e instanceof TooManyChanges) {
          all.dropped.push({ path: root, kind: 'write', reason: 'too-many-changes', message: `${e.message}: none of them was kept` });
          return;
        }
        throw e;
      }
      if (changes.length === 0) return;
      const verdicts: readonly ChangeVerdict[] =
        req.decideChanges?.(changes) ??
        changes.map((change) => ({ change, keep: false, reason: 'no-policy', message: 'no write policy was given for this command' }));
      const readOnly = this.config.readOnlyPaths;
      const guarded = verdicts.map((v) =>
        v.keep && readOnly.some((p) => v.change.path === p || v.change.path.startsWith(`${p}/`))
          ? { ...v, keep: false, reason: 'protected-path', message: `${v.change.path} is kept read-only for commands` }
          : v,
      );
      const report = mergeChanges(root, guarded);
      all.kept.push(...report.kept);
      all.dropped.push(...report.dropped);
    });
    return all;
  }
}
