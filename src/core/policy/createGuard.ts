import { parseCommandLine } from '../shell/walk';
import { isMcpToolName } from '../mcp/names';
import { builtinTool } from '../tools/registry';
import { decideCommand, grantedSecrets } from './commandDecision';
import { compilePolicy } from './compile';
import { decision } from './decision';
import type { DecisionRequest, Guard, GuardEnvironment, GuardResult, IgnoredWorkspaceValue, SettingsProblem } from './guard';
import { decideUrl } from './hostDecision';
import { compileMcpRules, decideMcp } from './mcpDecision';
import { describeManagedPolicy, parseManagedPolicy, type ManagedPolicyInput, type ManagedPolicyReport } from './managed';
import { narrow, type Narrowed } from './narrowing';
import { canRead, decideRead, decideWrite, readFilter, type PathDeps } from './pathDecision';
import type { PathContext, Root } from './paths';
import { defaultSettings, parseFlatSettings, type Settings } from './settings';
import { folderNames } from './workspace';

/** Settings as they come from VS Code (`inspect().globalValue` / `workspaceValue`) or the CLI's flat JSON files. */
export interface GuardSettingsInput {
  /** User-level values, flat `warden.*` keys; missing keys take their defaults. */
  readonly user: unknown;
  /** Workspace-level values, flat `warden.*` keys; they can only narrow. */
  readonly workspace?: unknown;
  /**
   * Each folder's own values (its `.vscode/settings.json`, or `--workspace-settings`
   * after its `--workspace`), in the order of `GuardEnvironment.roots`; they
   * narrow the user and workspace levels for paths in that folder only.
   */
  readonly folders?: readonly unknown[];
  /** The managed policy (src/node/managedPolicy.ts loads it); user, workspace and folder values can only narrow it. */
  readonly managed?: ManagedPolicyInput;
}

export interface EffectiveSettings extends Narrowed {
  /** Any invalid value at any level: then every call is denied. */
  readonly problems: readonly SettingsProblem[];
  readonly managed: ManagedPolicyReport;
  /** The user-level API base URL (a workspace can never set it), after the managed policy. */
  readonly userBaseUrl: string;
}

/**
 * Every level validated and merged, the one way the extension and the CLI
 * both compute it: managed policy, then user, then workspace settings.
 */
export function effectiveSettings(settings: GuardSettingsInput): EffectiveSettings {
  const managed = parseManagedPolicy(settings.managed);
  const user = parseFlatSettings(settings.user, 'user settings');
  const workspace = parseFlatSettings(settings.workspace, 'workspace settings');
  const problems = [...managed.problems, ...user.problems, ...workspace.problems];
  const { effective, ignored } = narrow(user.values, workspace.values, managed.values);
  const eff = problems.length ? defaultSettings() : effective;
  if (
    !problems.length &&
    eff['warden.managed.requireAuditExport'] &&
    eff['warden.audit.export.otlp.endpoint'] === '' &&
    eff['warden.audit.export.syslog.address'] === ''
  ) {
    problems.push({
      key: 'warden.managed.requireAuditExport',
      message:
        'the managed policy requires the audit export, but neither warden.audit.export.otlp.endpoint nor warden.audit.export.syslog.address is set',
    });
  }
  const userBaseUrl = narrow(user.values, {}, managed.values).effective['warden.anthropic.baseUrl'];
  return { effective: eff, ignored, problems, managed: describeManagedPolicy(settings.managed, eff), userBaseUrl };
}

function roots(env: GuardEnvironment): Root[] {
  const names = folderNames(env.roots, env.folderNames);
  return env.roots.map((r, i) => {
    const path = (env.probe.realpath(r) ?? r).normalize('NFC').replace(/(.)\/+$/, '$1');
    return { path, fold: env.probe.isCaseInsensitive(path), name: names[i] ?? path };
  });
}

/**
 * One compiled policy per folder (user, narrowed by workspace, narrowed by the
 * folder) and the strictest of them all, for what no folder holds (paths
 * outside every folder).
 */
function folderPolicies(
  effective: Settings,
  folderValues: readonly Partial<Settings>[],
  rootList: readonly Root[],
  ignored: IgnoredWorkspaceValue[],
) {
  const nocase = rootList.some((r) => r.fold);
  const own = rootList.map((r, i) => {
    const n = narrow(effective, folderValues[i] ?? {});
    for (const x of n.ignored) ignored.push({ ...x, key: `${r.name ?? r.path}: ${x.key}` });
    return n.effective;
  });
  const strictest = own.reduce((acc, f) => narrow(acc, f).effective, effective);
  const base = compilePolicy(strictest, nocase);
  // One folder: its policy is the base one, compiled once.
  const paths = new Map(rootList.map((r, i) => [r.path, rootList.length === 1 ? base : compilePolicy(own[i] ?? strictest, nocase)]));
  return { base, policyFor: (root: string) => paths.get(root) ?? base };
}

function failClosed(problems: readonly SettingsProblem[], managed: ManagedPolicyReport): Guard {
  const message = `Settings are invalid, so every call is denied: ${problems.map((p) => p.message).join('; ')}`;
  return {
    problems,
    ignoredWorkspaceValues: [],
    managed,
    decide: (): GuardResult => ({ ...decision('deny', 'policy-invalid', problems[0]?.key ?? null, message), details: { kind: 'none' } }),
    decideRequest: (): GuardResult => ({
      ...decision('deny', 'policy-invalid', problems[0]?.key ?? null, message),
      details: { kind: 'none' },
    }),
    canRead: () => false,
    decideChange: (): GuardResult => ({
      ...decision('deny', 'policy-invalid', problems[0]?.key ?? null, message),
      details: { kind: 'none' },
    }),
    readFilter: () => ({ globs: [], allows: () => false, key: 'allows-nothing' }),
    secretsGrantedTo: () => [],
  };
}

/**
 * Builds the guard for one settings snapshot: validates both levels (any
 * problem → every call denied with `policy-invalid`), narrows the workspace
 * level into the user level, compiles every glob and pattern once.
 */
export function createGuard(settings: GuardSettingsInput, env: GuardEnvironment): Guard {
  const { effective, ignored: levelIgnored, problems: levelProblems, managed } = effectiveSettings(settings);
  const folders = (settings.folders ?? []).map((f, i) => parseFlatSettings(f, `folder settings of ${env.roots[i] ?? `folder ${i + 1}`}`));
  const problems = [...levelProblems, ...folders.flatMap((f) => f.problems)];
  if (problems.length) return failClosed(problems, managed);
  if (env.roots.length === 0) return failClosed([{ key: 'workspace', message: 'no workspace folder is open' }], managed);

  const ignored = [...levelIgnored];
  const rootList = roots(env);
  const per = folderPolicies(
    effective,
    folders.map((f) => f.values),
    rootList,
    ignored,
  );
  const policy = per.base;
  const ctx: PathContext = { roots: rootList, home: env.home, probe: env.probe };
  const paths: PathDeps = { policy, policyFor: per.policyFor, ctx, trusted: env.trusted };
  const commands = {
    policy,
    policyFor: per.policyFor,
    ctx,
    shell: env.shell,
    sandboxAvailable: env.sandboxAvailable,
    trusted: env.trusted,
    forbidUnsandboxed: effective['warden.managed.forbidUnsandboxedRunner'],
  };

  const mcp = compileMcpRules(effective);

  /** One pure decision per kind of request; which applies is the tool entry's to say. */
  function decideRequest(req: DecisionRequest): GuardResult {
    switch (req.kind) {
      case 'read':
        return decideRead(paths, req.path);
      case 'write':
        return decideWrite(paths, req.path, req.op);
      case 'command':
        return decideCommand(commands, req);
      case 'url':
        return decideUrl(policy, req.url);
      case 'mcp':
        return decideMcp(mcp, req, env.trusted());
    }
  }

  return {
    problems: [],
    ignoredWorkspaceValues: ignored,
    managed,
    decide(call): GuardResult {
      const name = typeof call?.tool === 'string' ? call.tool : null;
      // An MCP tool is decided from the settings alone here: its server's schema and annotations are not known.
      if (name !== null && isMcpToolName(name)) return decideRequest({ kind: 'mcp', name });
      const entry = name === null ? undefined : builtinTool(name);
      if (!entry) return { ...decision('deny', 'unknown-tool', null, `Unknown tool '${String(call?.tool)}'.`), details: { kind: 'none' } };
      const parsed = entry.parse(call.input);
      if (!parsed.ok)
        return {
          ...decision('deny', 'invalid-input', null, `Invalid input for ${entry.name}: ${parsed.error}`),
          details: { kind: 'none' },
        };
      return decideRequest(entry.request(parsed.input));
    },
    decideRequest,
    canRead: (absPath) => canRead(paths, absPath),
    decideChange: (absolute, kind) =>
      absolute.startsWith('/')
        ? decideWrite(paths, absolute, kind)
        : { ...decision('deny', 'invalid-input', null, `A change at '${absolute}' is not an absolute path.`), details: { kind: 'none' } },
    readFilter: () => readFilter(paths),
    secretsGrantedTo: (commandLine) => grantedSecrets(policy, parseCommandLine(env.shell, commandLine)),
  };
}
