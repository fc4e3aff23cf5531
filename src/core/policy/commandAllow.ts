import { Minimatch } from 'minimatch';
import type { ParsedCommandLine, ShellRedirect, ShellWord, SimpleCommand } from '../shell/syntax';
import type { CompiledPolicy } from './compile';
import { patternMatches, type CommandPattern } from './commandPattern';
import { pathCandidates } from './commandDeny';
import { dangerousArgument } from './dangerousArgs';
import { deniedReadRule } from './pathDecision';
import { resolvePath, type PathContext } from './paths';
import { wrapperOf } from './wrappers';

/**
 * The allow side of command decisions: what stands between a parsed line and
 * `allow`. Constructs (substitutions, wrappers, dangerous arguments, risky
 * redirections and globs) give `dangerous-construct`; commands off the allow
 * list or arguments outside the workspace give `needs-approval`.
 */
export interface AllowDeps {
  readonly policy: CompiledPolicy;
  readonly ctx: PathContext;
}

export interface CommandAnalysis {
  readonly command: SimpleCommand;
  readonly rule: CommandPattern | null;
  readonly constructs: readonly string[];
  readonly approvals: readonly string[];
}

export interface LineAnalysis {
  readonly commands: readonly CommandAnalysis[];
  /** Line-level constructs (from the parser and redirections). */
  readonly constructs: readonly string[];
  readonly approvals: readonly string[];
}

const SINKS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

/** A path-looking argument: absolute, home, or with a `..` or `/` in it. */
const pathLike = (v: string): boolean => v.startsWith('/') || v.startsWith('~') || v === '..' || v.includes('/');

/** Sample names each denyRead glob matches (`**\/*.pem` → `x.pem`), to test globs in arguments against. */
function denySamples(policy: CompiledPolicy): string[] {
  const out: string[] = [];
  for (const p of policy.settings['warden.paths.denyRead']) {
    const s = p.replace(/^(\*\*\/)+/, '').replace(/\/\*\*$/, '/x').replace(/\*\*?/g, 'x').replace(/\?/g, 'x');
    out.push(s);
    if (s.includes('/')) out.push(s.slice(0, s.indexOf('/')));
  }
  return out;
}

function globRisk(deps: AllowDeps, w: ShellWord, cwdRel: string): string | null {
  const v = w.value ?? '';
  if (pathLike(v) && (v.startsWith('/') || v.startsWith('~') || v.includes('..'))) return `glob '${v}' outside the workspace`;
  const joined = cwdRel ? `${cwdRel}/${v}` : v;
  if (deps.policy.denyRead.first(joined)) return `glob '${v}' names a denyRead path`;
  const mm = new Minimatch(v, { dot: false, nocase: deps.policy.nocase });
  const base = v.includes('/') ? null : mm;
  for (const sample of denySamples(deps.policy)) {
    if (mm.match(sample) || (base && base.match(sample.split('/').pop() ?? sample))) return `glob '${v}' may expand to a denyRead path (${sample})`;
  }
  return null;
}

function analyseCommand(deps: AllowDeps, cmd: SimpleCommand, cwd: string, cwdRel: string): CommandAnalysis {
  const constructs: string[] = [];
  const approvals: string[] = [];
  const argv = cmd.argv;
  if (argv === null) {
    constructs.push(`'${cmd.text}' is not literal`);
    return { command: cmd, rule: null, constructs, approvals };
  }
  if (cmd.assignments > 0) constructs.push('environment assignment before a command');
  const wrapper = wrapperOf(argv);
  if (wrapper) constructs.push(`${wrapper} runs another program`);
  const danger = dangerousArgument(argv);
  if (danger) constructs.push(danger);
  for (const w of cmd.words.slice(1)) {
    const v = w.value ?? '';
    if (/[\n\r]/.test(v)) constructs.push('an argument with a line break in it');
    if (v.includes('`') || v.includes('$(')) constructs.push('an argument holding shell code (` or $()');
    if (w.glob) {
      const risk = globRisk(deps, w, cwdRel);
      if (risk) constructs.push(risk);
    } else {
      // Every word, not only path-looking ones: a bare name can be a link that leads out.
      for (const cand of pathCandidates(v)) {
        const res = resolvePath(cand, cwd, deps.ctx, { followDangling: false });
        if (res.kind === 'outside') approvals.push(`argument '${v}' resolves outside the workspace`);
      }
    }
  }
  const rule = deps.policy.allow.find((p) => patternMatches(p, argv)) ?? null;
  if (!rule) approvals.push(`'${argv.join(' ')}' is not in warden.commands.allow`);
  return { command: cmd, rule, constructs, approvals };
}

/** Whether an output redirection to `value` is fine: a sink, or an auto-approved, unprotected workspace path. */
function outputTargetOk(deps: AllowDeps, value: string, cwd: string): boolean {
  if (SINKS.has(value)) return true;
  const res = resolvePath(value, cwd, deps.ctx);
  if (res.kind !== 'inside' || deniedReadRule(deps.policy, res)) return false;
  const p = deps.policy;
  return p.write.first(res.relative) !== null && p.autoApprove.first(res.relative) !== null && p.protectedPaths.first(res.relative) === null;
}

function analyseRedirect(deps: AllowDeps, r: ShellRedirect, cwd: string, constructs: string[], approvals: string[]): void {
  if (r.kind === 'heredoc') {
    if (!r.literalBody) constructs.push('here-document with expansions');
    return;
  }
  const v = r.target?.value ?? null;
  if (v === null || r.target?.glob || r.target?.brace) {
    constructs.push(`redirection to a computed target (${r.text})`);
    return;
  }
  if (r.kind === 'herestring') return;
  const dup = (r.operator === '>&' || r.operator === '<&') && /^(\d+-?|-)$/.test(v);
  if (dup) return;
  if (r.operator.includes('>')) {
    if (!outputTargetOk(deps, v, cwd)) constructs.push(`output redirection to '${v}' (only /dev/null or an auto-approved path)`);
    return;
  }
  const res = resolvePath(v, cwd, deps.ctx);
  if (res.kind !== 'inside') approvals.push(`input redirection from '${v}' outside the workspace`);
}

export function analyseLine(deps: AllowDeps, parsed: ParsedCommandLine, cwd: string, cwdRel: string): LineAnalysis {
  const constructs = [...parsed.constructs];
  const approvals: string[] = [];
  const commands = parsed.commands.map((c) => analyseCommand(deps, c, cwd, cwdRel));
  for (const r of parsed.redirects) analyseRedirect(deps, r, cwd, constructs, approvals);
  if (parsed.commands.length === 0) approvals.push('the line runs no command');
  return { commands, constructs, approvals };
}
