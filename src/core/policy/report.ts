import { abilitiesOf, RISKY_ABILITIES } from './abilities';
import { BUILTIN_PROTECTED } from './builtins';
import { hasArgumentModel } from './dangerousArgs';
import { parseCommandPattern } from './commandPattern';
import { implicationsOf, type Implication } from './implications';
import { lintRules, type RuleWarning } from './ruleLint';
import type { IgnoredWorkspaceValue, SettingsProblem } from './guard';
import { effectiveSettings } from './createGuard';
import type { ManagedPolicyInput } from './managed';
import { narrow } from './narrowing';
import { defaultSettings, parseFlatSettings, type Settings } from './settings';

/**
 * "What can the agent do now?": one workspace folder's effective policy
 * (user settings narrowed by the folder's own) read back as what a hijacked
 * model could do with each tool. A pure function of that folder's policy, so
 * a multi-root caller asks it once per folder. It claims at least what the
 * guard allows (a test holds the two together on generated calls).
 */
export interface FolderPolicy {
  readonly folder: string;
  /** The effective settings of the folder; ignored when `problems` is not empty. */
  readonly settings: Settings;
  readonly problems: readonly SettingsProblem[];
  readonly ignoredWorkspaceValues: readonly IgnoredWorkspaceValue[];
  readonly sandbox: { readonly available: boolean; readonly state: string };
  /** A policy managed above user settings, when one is in force (filled in by its owner). */
  readonly managed?: ManagedPolicySection | null;
}

/** Room for a managed policy: where it comes from and what it forbids or pins. */
export interface ManagedPolicySection {
  readonly source: string;
  readonly forbids: readonly string[];
}

export interface CommandGrant {
  readonly rule: string;
  /** Whether calls matching it run without asking right now (needs a sandbox). */
  readonly runsUnasked: boolean;
  /** What the rule admits in words (exact argv, further arguments, any arguments). */
  readonly admits: string;
  readonly implies: readonly Implication[];
}

export interface SecretGrant {
  readonly name: string;
  readonly commands: readonly string[];
  /** Hosts a command holding it may reach: its own hosts that allowedHosts also admits. */
  readonly hosts: readonly string[];
  readonly writable: boolean;
  readonly implies: readonly Implication[];
}

export interface PolicyReport {
  readonly version: 1;
  readonly folder: string;
  readonly valid: boolean;
  readonly problems: readonly string[];
  readonly sandbox: { readonly state: string; readonly available: boolean; readonly effect: string };
  readonly reads: { readonly ask: boolean; readonly never: readonly string[] };
  readonly writes: {
    /** Globs where writes run unasked (autoApprove, within paths.write), except the protected ones. */
    readonly withoutAsking: readonly string[];
    /** Globs where writes may happen, after a person approves. */
    readonly asking: readonly string[];
    /** Writes here always ask, whatever the globs say. */
    readonly alwaysAsk: readonly string[];
    /** Never read, written or passed to a command. */
    readonly never: readonly string[];
    readonly deletes: string;
  };
  readonly commands: {
    readonly unasked: readonly CommandGrant[];
    readonly denied: readonly string[];
    readonly alwaysAsk: string;
  };
  readonly hosts: { readonly fetchUrl: readonly string[]; readonly commands: readonly string[]; readonly note: string };
  readonly secrets: readonly SecretGrant[];
  readonly lint: readonly RuleWarning[];
  readonly ignoredWorkspaceValues: readonly { readonly key: string; readonly value: unknown; readonly why: string }[];
  /** null: no managed policy is in force. */
  readonly managedPolicy: ManagedPolicySection | null;
}

/**
 * The folder's effective policy as `createGuard` builds it: both levels
 * validated (a problem makes the report say every call is denied), the
 * workspace level narrowed into the user level.
 */
export function folderPolicy(
  folder: string,
  user: unknown,
  workspace: unknown,
  sandbox: { available: boolean; state: string },
  folderLevel?: unknown,
  managed?: ManagedPolicyInput,
): FolderPolicy {
  // The managed policy, then user, then workspace settings, merged the one way the guard merges them.
  const levelled = effectiveSettings({ user, workspace, ...(managed ? { managed } : {}) });
  const f = parseFlatSettings(folderLevel, 'folder settings');
  const problems = [...levelled.problems, ...f.problems];
  const section =
    levelled.managed.inForce || levelled.managed.refused.length
      ? {
          source: levelled.managed.sources.join(', ') || 'none in force',
          forbids: [...levelled.managed.forbids, ...levelled.managed.refused.map((r) => `nothing: ignored ${r}`)],
        }
      : null;
  if (problems.length) return { folder, settings: defaultSettings(), problems, ignoredWorkspaceValues: [], sandbox, managed: section };
  // A folder of a multi-root workspace narrows what the workspace left (the guard does the same per folder).
  const second = narrow(levelled.effective, f.values);
  return {
    folder,
    settings: second.effective,
    problems: [],
    ignoredWorkspaceValues: [...levelled.ignored, ...second.ignored],
    sandbox,
    managed: section,
  };
}

function admits(source: string): string {
  const p = parseCommandPattern(source);
  if (typeof p === 'string') return 'nothing (not a pattern)';
  const words = p.words.join(' ');
  if (p.anyArguments) return `'${words}' with any further arguments, including those that run code or write`;
  if (!p.rest) return `exactly '${words}'`;
  const program = p.words[0] ?? '';
  const risky = abilitiesOf(program).some((a) => RISKY_ABILITIES.has(a));
  if (p.words.length === 1 && risky && !hasArgumentModel(program))
    return `only the bare '${program}' (Warden models none of its arguments)`;
  if (hasArgumentModel(program)) return `'${words}' with further arguments, except those Warden's argument table refuses for ${program}`;
  return `'${words}' with any further arguments`;
}

export function policyReport(f: FolderPolicy): PolicyReport {
  const s = f.settings;
  const valid = f.problems.length === 0;
  const sandboxEffect = !valid
    ? 'The settings are invalid: every call is denied.'
    : f.sandbox.available
      ? 'Commands run in the sandbox: writes only to a copy-on-write copy of the workspace (kept as the write policy decides), no denied file visible, network only to the hosts below.'
      : 'No sandbox: no command runs unasked; every command asks, and an approved one runs with your own rights.';
  const protectedGlobs = [...BUILTIN_PROTECTED, ...s['warden.paths.protected']];
  const hostsAllowed = s['warden.network.allowedHosts'];
  const unasked = valid
    ? s['warden.commands.allow'].map((rule) => {
        const p = parseCommandPattern(rule);
        return { rule, runsUnasked: f.sandbox.available, admits: admits(rule), implies: typeof p === 'string' ? [] : implicationsOf(p) };
      })
    : [];
  const secrets = valid
    ? Object.entries(s['warden.secrets']).map(([name, r]) => ({
        name,
        commands: r.commands,
        hosts: (r.hosts ?? []).filter(
          (h) => hostsAllowed.includes(h) || hostsAllowed.some((a) => a.startsWith('*.') && h.endsWith(a.slice(1))),
        ),
        writable: r.writable === true,
        implies: r.commands.flatMap((c) => {
          const p = parseCommandPattern(c);
          return typeof p === 'string' ? [] : implicationsOf(p);
        }),
      }))
    : [];
  return {
    version: 1,
    folder: f.folder,
    valid,
    problems: f.problems.map((p) => `${p.key}: ${p.message}`),
    sandbox: { state: f.sandbox.state, available: f.sandbox.available, effect: sandboxEffect },
    reads: { ask: s['warden.approval.reads'] === 'ask', never: s['warden.paths.denyRead'] },
    writes: {
      withoutAsking: valid ? s['warden.paths.autoApprove'] : [],
      asking: valid ? s['warden.paths.write'] : [],
      alwaysAsk: protectedGlobs,
      never: s['warden.paths.denyRead'],
      deletes: 'Every delete asks.',
    },
    commands: {
      unasked,
      denied: s['warden.commands.deny'],
      alwaysAsk: `Deleting, rewriting history and publishing (rm, git push, git reset, npm publish…) always ask, whatever the allow list says; so do commands with secrets, substitutions, wrappers or dangerous arguments.`,
    },
    hosts: {
      fetchUrl: valid ? hostsAllowed : [],
      commands: valid && f.sandbox.available ? hostsAllowed : [],
      note: "fetch_url reaches only these hosts (https/http, no credentials, a private address only when listed exactly); a sandboxed command reaches them through the sandbox proxy; a command holding a secret reaches only that secret's hosts among them.",
    },
    secrets,
    lint: valid ? lintRules(s) : [],
    ignoredWorkspaceValues: f.ignoredWorkspaceValues.map((i) => ({ key: i.key, value: i.value, why: i.why })),
    managedPolicy: f.managed ?? null,
  };
}

interface Marks {
  /** Free text that may hold words from settings: nothing in it may become markup (a link, an image, HTML). */
  readonly text: (s: string) => string;
  readonly code: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly heading: (level: 1 | 2, s: string) => string;
}

/** A code span whose fence is longer than any run of backticks inside (CommonMark), on one line. */
function codeSpan(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((x) => x[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}

const MARKDOWN: Marks = {
  text: (s) => s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`),
  code: codeSpan,
  bold: (s) => `**${s}**`,
  heading: (level, s) => `${'#'.repeat(level)} ${s}`,
};
const PLAIN: Marks = {
  text: (s) => s,
  code: (s) => s,
  bold: (s) => s,
  heading: (level, s) => (level === 1 ? s.toUpperCase() : `${s.toUpperCase()}\n${'-'.repeat(s.length)}`),
};

/** The report as Markdown: the editor's page (markdown preview) and `--format md`. */
export function reportMarkdown(r: PolicyReport): string {
  return render(r, MARKDOWN);
}

/** The report as plain text for the terminal. */
export function reportText(r: PolicyReport): string {
  return render(r, PLAIN);
}

function render(r: PolicyReport, m: Marks): string {
  const list = (xs: readonly string[], none = 'none'): string => (xs.length ? xs.map(m.code).join(', ') : none);
  const out: string[] = [m.heading(1, 'What the agent can do now'), '', `Folder: ${m.code(r.folder)}`, ''];
  if (!r.valid) out.push(m.bold('The settings are invalid: every call is denied.'), '', ...r.problems.map((p) => `- ${m.text(p)}`), '');
  out.push(m.heading(2, 'Sandbox'), '', `State: ${m.bold(m.text(r.sandbox.state))}. ${m.text(r.sandbox.effect)}`, '');
  out.push(m.heading(2, 'Files'), '');
  out.push(
    `- ${m.bold('Written without asking:')} ${list(r.writes.withoutAsking, 'nowhere')} (within ${m.code('warden.paths.write')}, outside the protected paths)`,
  );
  out.push(`- ${m.bold('Written after you approve:')} ${list(r.writes.asking, 'nowhere')}`);
  out.push(`- ${m.bold('Always ask, whatever the globs say:')} ${list(r.writes.alwaysAsk)}`);
  out.push(`- ${m.bold('Never read, written or passed to a command:')} ${list(r.writes.never)}`);
  out.push(
    `- ${m.bold('Deletes:')} ${m.text(r.writes.deletes)}`,
    `- ${m.bold('Reads:')} ${r.reads.ask ? 'every read asks first' : 'anything inside the workspace outside the never-list'}`,
    '',
  );
  out.push(m.heading(2, 'Commands that run without asking'), '');
  if (r.commands.unasked.length === 0) out.push('None.', '');
  for (const c of r.commands.unasked) {
    out.push(`- ${m.code(c.rule)}${c.runsUnasked ? '' : ' — asks now (no sandbox)'}: admits ${m.text(c.admits)}.`);
    for (const i of c.implies) out.push(`  - ${m.text(i.what)} — inside the sandbox (source: ${i.source})`);
  }
  out.push('', `Never run: ${list(r.commands.denied)}. ${m.text(r.commands.alwaysAsk)}`, '');
  out.push(
    m.heading(2, 'Network'),
    '',
    `- ${m.bold('fetch_url:')} ${list(r.hosts.fetchUrl, 'no host')}`,
    `- ${m.bold('Commands:')} ${list(r.hosts.commands, 'no host')}`,
    '',
    m.text(r.hosts.note),
    '',
  );
  out.push(m.heading(2, 'Secrets'), '');
  if (r.secrets.length === 0) out.push('None granted.', '');
  for (const s of r.secrets) {
    out.push(
      `- ${m.bold(m.text(s.name))} — to ${list(s.commands)}; reaches ${list(s.hosts, 'no host')}; workspace ${s.writable ? 'writable' : 'read-only'} while it runs; every such command asks.`,
    );
    for (const i of s.implies) out.push(`  - ${m.text(i.what)} (source: ${i.source})`);
  }
  out.push('', m.heading(2, 'Rule warnings'), '');
  if (r.lint.length === 0) out.push('None.');
  for (const w of r.lint) out.push(`- ${m.code(w.key)}: ${m.text(w.message)} (source: ${w.source})`);
  out.push('', m.heading(2, 'Workspace values ignored'), '');
  if (r.ignoredWorkspaceValues.length === 0) out.push('None.');
  for (const i of r.ignoredWorkspaceValues) out.push(`- ${m.code(i.key)} = ${m.code(JSON.stringify(i.value))}: ${m.text(i.why)}`);
  out.push(
    '',
    m.heading(2, 'Managed policy'),
    '',
    r.managedPolicy ? `From ${m.text(r.managedPolicy.source)}; forbids: ${list(r.managedPolicy.forbids)}` : 'None in force.',
    '',
  );
  return out.join('\n');
}
