import { parseCommandLine } from '../shell/walk';
import type { ParsedCommandLine } from '../shell/syntax';
import { analyseLine, type LineAnalysis } from './commandAllow';
import { scanForDeny } from './commandDeny';
import type { CompiledPolicy } from './compile';
import { patternMatches } from './commandPattern';
import { decision, type Decision } from './decision';
import type { DecisionRequest, GuardResult, PathProbe, ResolvedPath, ShellParser, SimpleCommandVerdict } from './guard';
import { ruleText } from './globList';
import { deniedReadRule, resolveInput, toResolvedPath } from './pathDecision';
import type { PathContext } from './paths';
import { secondOpinionDisagrees } from './secondOpinion';
import { closestPattern, type AskBlocker, type AskWhy } from './explain';

/**
 * `run_command`: restricted mode, cwd, deny rules (at any depth, behind
 * wrappers), denyRead arguments, secrets, then what keeps it from `allow`.
 * Precedence is documented in README.md.
 */
export interface CommandDeps {
  /** Outside every folder: the strictest of the folders' policies. */
  readonly policy: CompiledPolicy;
  /**
   * Each folder's own policy: a command is decided by its cwd folder's
   * allow, deny and secret rules; each path argument by the policy of the
   * folder that holds it.
   */
  readonly policyFor?: (root: string) => CompiledPolicy;
  readonly ctx: PathContext;
  readonly shell: ShellParser;
  readonly sandboxAvailable: () => boolean;
  readonly trusted: () => boolean;
  /** A managed policy forbids running a command outside a sandbox: without one, every command is denied. */
  readonly forbidUnsandboxed?: boolean;
}

function memoProbe(probe: PathProbe): PathProbe {
  const real = new Map<string, string | null>();
  const links = new Map<string, string | null>();
  const folders = new Map<string, readonly string[] | null>();
  const remember = <T>(map: Map<string, T | null>, key: string, get: () => T | null): T | null => {
    if (!map.has(key)) map.set(key, get());
    return map.get(key) ?? null;
  };
  return {
    realpath: (p) => remember(real, p, () => probe.realpath(p)),
    readlink: (p) => remember(links, p, () => probe.readlink(p)),
    listDir: (p) => remember(folders, p, () => probe.listDir(p)),
    isCaseInsensitive: (p) => probe.isCaseInsensitive(p),
  };
}

/** Secret names granted to a parsed line: every simple command literal and matched by one of the secret's patterns. */
export function grantedSecrets(policy: CompiledPolicy, parsed: ParsedCommandLine): string[] {
  if (parsed.parseError || parsed.commands.length === 0) return [];
  const out: string[] = [];
  for (const [name, rule] of policy.secrets) {
    const all = parsed.commands.every((c) => c.argv !== null && rule.commands.some((p) => patternMatches(p, c.argv ?? [])));
    if (all) out.push(name);
  }
  return out;
}

function verdicts(parsed: ParsedCommandLine, analysis: LineAnalysis | null, final: Decision): SimpleCommandVerdict[] {
  return parsed.commands.map((cmd, i) => {
    const a = analysis?.commands[i];
    let d: Decision;
    if (final.decision === 'deny') d = final;
    else if (!a) d = final;
    else if (a.destructive) d = decision('ask', 'destructive-operation', null, a.destructive);
    else if (a.constructs.length) d = decision('ask', 'dangerous-construct', null, a.constructs.join('; '));
    else if (a.approvals.length) d = decision('ask', 'needs-approval', null, a.approvals.join('; '));
    else
      d = decision(
        'allow',
        'command-allowed',
        a.rule ? ruleText({ setting: 'warden.commands.allow', pattern: a.rule.source }) : null,
        'Matches the allow list.',
      );
    return { argv: cmd.argv, text: cmd.text, decision: d, destructive: a?.destructive ?? null };
  });
}

/**
 * What stands between the line and `allow`, per simple command and for the
 * line, in the order the guard weighs them; and the rule nearest to allowing it.
 */
function commandWhy(
  policy: CompiledPolicy,
  parsed: ParsedCommandLine,
  analysis: LineAnalysis | null,
  final: Decision,
  secrets: readonly string[],
): AskWhy {
  const blockers: AskBlocker[] = [];
  let closest: string | null = null;
  const allowRule = (source: string): string => ruleText({ setting: 'warden.commands.allow', pattern: source });
  if (final.reason === 'unparsed-command') blockers.push({ kind: 'unparsed', subject: '', detail: 'the line did not parse cleanly' });
  for (const a of analysis?.commands ?? []) {
    const text = a.command.text;
    if (a.destructive) blockers.push({ kind: 'destructive', subject: text, detail: a.destructive });
    for (const c of a.constructs) blockers.push({ kind: 'construct', subject: text, detail: c });
    for (const c of a.approvals) {
      const off = c.endsWith('is not in warden.commands.allow');
      blockers.push(
        off
          ? { kind: 'not-allowed', subject: a.command.argv?.join(' ') ?? text, detail: c }
          : { kind: 'outside-workspace', subject: text, detail: c },
      );
    }
    if (closest === null) {
      const near = a.rule ?? (a.command.argv ? closestPattern(policy.allow, a.command.argv) : null);
      if (near) closest = allowRule(near.source);
    }
  }
  for (const c of analysis?.constructs ?? []) blockers.push({ kind: 'construct', subject: '', detail: c });
  for (const c of analysis?.approvals ?? []) blockers.push({ kind: 'outside-workspace', subject: '', detail: c });
  for (const s of secrets) blockers.push({ kind: 'receives-secret', subject: s, detail: 'commands receiving secrets always ask' });
  if (final.reason === 'parser-disagreement')
    blockers.push({ kind: 'parser-disagreement', subject: '', detail: final.message.replace(/^Needs approval: /, '') });
  if (final.reason === 'no-sandbox') blockers.push({ kind: 'no-sandbox', subject: '', detail: 'no sandbox' });
  // Destructive first, then constructs, then what is off the list: the order the guard applies them.
  const order: Record<AskBlocker['kind'], number> = {
    unparsed: 0,
    destructive: 1,
    construct: 2,
    'not-allowed': 3,
    'outside-workspace': 4,
    'receives-secret': 5,
    'parser-disagreement': 6,
    'no-sandbox': 7,
    protected: 8,
    'not-auto-approved': 9,
    delete: 10,
    'reads-ask': 11,
  };
  blockers.sort((x, y) => order[x.kind] - order[y.kind]);
  if (blockers.length === 0) blockers.push({ kind: 'construct', subject: '', detail: final.message });
  return { closest, blockers };
}

export function decideCommand(folders: CommandDeps, input: Extract<DecisionRequest, { kind: 'command' }>): GuardResult {
  let deps = folders;
  const secrets = input.secrets ?? [];
  const none = (
    d: Decision,
    cwd: ResolvedPath | null = null,
    parsed: ParsedCommandLine | null = null,
    analysis: LineAnalysis | null = null,
  ): GuardResult => ({
    ...d,
    details: { kind: 'command', commands: parsed ? verdicts(parsed, analysis, d) : [], cwd, secrets },
  });
  if (!deps.trusted())
    return none(decision('deny', 'restricted-mode', null, 'The workspace is not trusted (Restricted Mode): no command runs.'));
  if (deps.forbidUnsandboxed === true && !deps.sandboxAvailable()) {
    return none(
      decision(
        'deny',
        'managed-policy',
        'warden.managed.forbidUnsandboxedRunner',
        'The managed policy forbids running commands outside a sandbox, and no working sandbox is ready here: nothing runs, even with approval.',
      ),
    );
  }

  // No cwd: the only folder; in a multi-root workspace the model names one (see ./workspace.ts).
  const cwdRes =
    input.cwd === undefined && deps.ctx.roots.length > 1
      ? ({
          kind: 'invalid',
          message: `name the folder to run in: ${deps.ctx.roots.map((r) => `"cwd": "${r.name ?? r.path}:"`).join(' or ')}`,
        } as const)
      : resolveInput(deps.ctx, input.cwd ?? '.');
  if (cwdRes.kind === 'inside' && folders.policyFor) deps = { ...folders, policy: folders.policyFor(cwdRes.root) };
  const cwd = toResolvedPath(deps.policy, cwdRes);
  if (cwdRes.kind === 'invalid') return none(decision('deny', 'invalid-input', null, `cwd: ${cwdRes.message}.`));
  if (cwdRes.kind === 'outside')
    return none(decision('deny', 'outside-workspace', null, `The cwd ${cwdRes.absolute} is outside every workspace folder.`), cwd);
  const cwdDenied = deniedReadRule(deps.policy, cwdRes);
  if (cwdDenied) return none(decision('deny', 'denied-read', ruleText(cwdDenied), `The cwd matches ${ruleText(cwdDenied)}.`), cwd);

  // One decision asks the file system about the same words several times: remember the answers.
  const memo = { ...deps, ctx: { ...deps.ctx, probe: memoProbe(deps.ctx.probe) } };
  const parsed = parseCommandLine(deps.shell, input.command);
  const denied = scanForDeny(memo, parsed, cwdRes.absolute);
  if (denied) return none(denied, cwd, parsed);

  const granted = grantedSecrets(deps.policy, parsed);
  const missing = secrets.filter((s) => !granted.includes(s));
  if (missing.length) {
    return none(
      decision('deny', 'secret-not-allowed', null, `warden.secrets does not grant ${missing.join(', ')} to this command.`),
      cwd,
      parsed,
    );
  }
  if (parsed.parseError) {
    const d = decision('ask', 'unparsed-command', null, 'The command did not parse cleanly; a person must read it.');
    return { ...none(d, cwd, parsed), why: commandWhy(deps.policy, parsed, null, d, secrets) };
  }

  const analysis = analyseLine(memo, parsed, cwdRes.absolute);
  const constructs = [...analysis.constructs, ...analysis.commands.flatMap((c) => c.constructs)];
  const approvals = [...analysis.approvals, ...analysis.commands.flatMap((c) => c.approvals)];
  const verdict = (d: Decision): GuardResult => {
    const r = none(d, cwd, parsed, analysis);
    return d.decision === 'ask' ? { ...r, why: commandWhy(deps.policy, parsed, analysis, d, secrets) } : r;
  };
  const destructive = [...new Set(analysis.commands.map((c) => c.destructive).filter((x): x is string => x !== null))];
  if (destructive.length) {
    return verdict(decision('ask', 'destructive-operation', null, `A person approves this every time: ${destructive.join('; ')}.`));
  }
  if (constructs.length)
    return verdict(decision('ask', 'dangerous-construct', null, `Needs approval: ${[...new Set(constructs)].join('; ')}.`));
  if (approvals.length) return verdict(decision('ask', 'needs-approval', null, `Needs approval: ${[...new Set(approvals)].join('; ')}.`));
  if (secrets.length)
    return verdict(decision('ask', 'secret-use', null, `The command receives ${secrets.join(', ')}: a person must approve.`));
  const disagreement = secondOpinionDisagrees(deps.shell, input.command, parsed);
  if (disagreement) return verdict(decision('ask', 'parser-disagreement', null, `Needs approval: ${disagreement}.`));
  const rules = [...new Set(analysis.commands.map((c) => c.rule?.source).filter((s): s is string => s !== undefined))];
  const rule = `warden.commands.allow: ${rules.join(' | ')}`;
  if (!deps.sandboxAvailable())
    return verdict(
      decision('ask', 'no-sandbox', rule, 'The command is on the allow list, but no sandbox works here: a person must approve.'),
    );
  return verdict(decision('allow', 'command-allowed', rule, 'Every simple command matches warden.commands.allow.'));
}
