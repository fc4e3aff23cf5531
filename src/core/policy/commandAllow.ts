import type { ParsedCommandLine, ShellRedirect, ShellWord, SimpleCommand } from '../shell/syntax';
import type { CompiledPolicy } from './compile';
import { patternMatches, type CommandPattern } from './commandPattern';
import { pathCandidates } from './commandDeny';
import { dangerousArgument } from './dangerousArgs';
import { destructiveOperation } from './destructive';
import { expandGlob } from './globExpansion';
import { builtinArgumentProblem } from '../shell/builtins';
import { deniedReadRule, policyAt } from './pathDecision';
import { resolvePath, type PathContext } from './paths';
import { programName, wrapperOf } from './wrappers';
import { trailingStarProblem } from './abilities';

/**
 * The allow side of command decisions: what stands between a parsed line and
 * `allow`. Constructs (substitutions, wrappers, dangerous arguments, risky
 * redirections and globs) give `dangerous-construct`; commands off the allow
 * list or arguments outside the workspace give `needs-approval`.
 */
export interface AllowDeps {
  /** The policy of the folder the command runs in: its allow and deny lists. */
  readonly policy: CompiledPolicy;
  /** Each folder's own policy, for a path argument in that folder (./pathDecision.ts policyAt). */
  readonly policyFor?: (root: string) => CompiledPolicy;
  readonly ctx: PathContext;
}

export interface CommandAnalysis {
  readonly command: SimpleCommand;
  readonly rule: CommandPattern | null;
  /** What the command destroys or sends away (always asks, never granted for a session), or null. */
  readonly destructive: string | null;
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

/**
 * What stands between a glob word and `allow`: every name it may expand to
 * (a superset of bash's expansion, asked of the file system) must be inside
 * the workspace after links, outside denyRead, and not read as an option.
 */
function globRisk(deps: AllowDeps, w: ShellWord, cwd: string): string | null {
  const v = w.value ?? '';
  if (w.tilde || v.startsWith('/') || v.split('/').includes('..')) return `glob '${v}' outside the workspace`;
  const expansion = expandGlob(v, cwd, deps.ctx.probe);
  if (expansion.incomplete) return `glob '${v}' may expand to more names than the guard checks`;
  for (const path of expansion.paths) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (name.startsWith('-')) return `glob '${v}' may expand to '${name}', which the program would read as an option`;
    const res = resolvePath(path, cwd, deps.ctx, { followDangling: false, literalBackslash: true });
    if (res.kind !== 'inside') return `glob '${v}' may expand to '${path}' outside the workspace`;
    const rule = deniedReadRule(policyAt(deps, res), res);
    if (rule) return `glob '${v}' may expand to '${res.relative}', which matches ${rule.pattern}`;
  }
  return null;
}

function analyseCommand(deps: AllowDeps, cmd: SimpleCommand, cwd: string): CommandAnalysis {
  const constructs: string[] = [];
  const approvals: string[] = [];
  const argv = cmd.argv;
  if (argv === null) {
    constructs.push(`'${cmd.text}' is not literal`);
    return { command: cmd, rule: null, destructive: null, constructs, approvals };
  }
  const isPath = (word: string): boolean => {
    const res = resolvePath(word, cwd, deps.ctx, { followDangling: false, literalBackslash: true });
    return res.kind !== 'invalid' && res.exists;
  };
  const destructive = destructiveOperation(argv, isPath);
  if (cmd.assignments > 0) constructs.push('environment assignment before a command');
  if (cmd.words[0]?.glob) constructs.push(`the program name '${argv[0]}' is a glob`);
  const builtin = builtinArgumentProblem(argv);
  if (builtin) constructs.push(builtin);
  const wrapper = wrapperOf(argv);
  if (wrapper) constructs.push(`${wrapper} runs another program`);
  const danger = dangerousArgument(argv);
  if (danger) constructs.push(danger);
  for (const w of cmd.words.slice(1)) {
    const v = w.value ?? '';
    if (/[\n\r]/.test(v)) constructs.push('an argument with a line break in it');
    if (v.includes('`') || v.includes('$(')) constructs.push('an argument holding shell code (` or $()');
    if (w.glob) {
      const risk = globRisk(deps, w, cwd);
      if (risk) constructs.push(risk);
    } else {
      // Every word, not only path-looking ones: a bare name can be a link that leads out.
      for (const cand of pathCandidates(v)) {
        const res = resolvePath(cand, cwd, deps.ctx, { followDangling: false, literalBackslash: true });
        if (res.kind === 'outside') approvals.push(`argument '${v}' resolves outside the workspace`);
      }
    }
  }
  // An exact rule (`make test`) wins over a trailing `*` that may not admit these arguments (`make *`).
  const program = programName(argv[0] ?? '');
  const matching = deps.policy.allow
    .filter((p) => patternMatches(p, argv))
    .map((p) => ({ p, problem: trailingStarProblem(p, program, argv) }));
  const chosen = matching.find((m) => m.problem === null) ?? matching[0] ?? null;
  const rule = chosen?.p ?? null;
  if (!rule) approvals.push(`'${argv.join(' ')}' is not in warden.commands.allow`);
  if (chosen?.problem) constructs.push(chosen.problem);
  return { command: cmd, rule, destructive, constructs, approvals };
}

/** Whether an output redirection to `value` is fine: a sink, or an auto-approved, unprotected workspace path. */
function outputTargetOk(deps: AllowDeps, value: string, cwd: string): boolean {
  if (SINKS.has(value)) return true;
  const res = resolvePath(value, cwd, deps.ctx, { literalBackslash: true });
  const p = policyAt(deps, res);
  if (res.kind !== 'inside' || deniedReadRule(p, res)) return false;
  return (
    p.write.first(res.relative) !== null && p.autoApprove.first(res.relative) !== null && p.protectedPaths.first(res.relative) === null
  );
}

function analyseRedirect(deps: AllowDeps, r: ShellRedirect, cwd: string, constructs: string[], approvals: string[]): void {
  if (r.kind === 'heredoc') {
    if (!r.quotedDelimiter) constructs.push('a here-document with an unquoted delimiter (bash expands its body)');
    return;
  }
  const v = r.target?.value ?? null;
  if (v === null || r.target?.glob || r.target?.brace || r.target?.escaped) {
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
  const res = resolvePath(v, cwd, deps.ctx, { literalBackslash: true });
  if (res.kind !== 'inside') approvals.push(`input redirection from '${v}' outside the workspace`);
}

export function analyseLine(deps: AllowDeps, parsed: ParsedCommandLine, cwd: string): LineAnalysis {
  const constructs = [...parsed.constructs];
  const approvals: string[] = [];
  const commands = parsed.commands.map((c) => analyseCommand(deps, c, cwd));
  for (const r of parsed.redirects) analyseRedirect(deps, r, cwd, constructs, approvals);
  if (parsed.commands.length === 0) approvals.push('the line runs no command');
  return { commands, constructs, approvals };
}
