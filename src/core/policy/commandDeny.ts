import { parseCommandLine } from '../shell/walk';
import type { ParsedCommandLine } from '../shell/syntax';
import type { CompiledPolicy } from './compile';
import { patternMatches, type CommandPattern } from './commandPattern';
import { decision, type Decision } from './decision';
import type { ShellParser } from './guard';
import { ruleText } from './globList';
import { deniedReadRule, policyAt } from './pathDecision';
import { resolvePath, type PathContext } from './paths';
import { programName, unwrap } from './wrappers';

/**
 * The deny side of command decisions: every simple command at any depth,
 * what wrappers would run (`env sudo x`, `find -exec`, `bash -c "…"` parsed
 * again, a bounded number of levels), and every argument or redirection
 * that resolves to a denyRead path. Best effort on purpose: it only ever
 * turns a decision into `deny`.
 */
export interface DenyDeps {
  /** The policy of the folder the command runs in: its allow and deny lists. */
  readonly policy: CompiledPolicy;
  /** Each folder's own policy, for a path argument in that folder (./pathDecision.ts policyAt). */
  readonly policyFor?: (root: string) => CompiledPolicy;
  readonly ctx: PathContext;
  readonly shell: ShellParser;
}

const MAX_DEPTH = 3;
const MAX_UNWRAP = 8;

function matchDeny(policy: CompiledPolicy, argv: readonly string[]): CommandPattern | null {
  if (argv.length === 0) return null;
  const name = programName(argv[0] ?? '');
  const forms = [argv, [name, ...argv.slice(1)]];
  if (policy.nocase) forms.push([name.toLowerCase(), ...argv.slice(1)]);
  for (const p of policy.deny) if (forms.some((f) => patternMatches(p, f))) return p;
  return null;
}

/** `find … -exec CMD … ;` segments. */
function findExecs(argv: readonly string[]): string[][] {
  if (programName(argv[0] ?? '') !== 'find') return [];
  const out: string[][] = [];
  for (let i = 1; i < argv.length; i++) {
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(argv[i] ?? '')) {
      const seg: string[] = [];
      for (i += 1; i < argv.length && argv[i] !== ';' && argv[i] !== '+'; i++) seg.push(argv[i] ?? '');
      if (seg.length) out.push(seg);
    }
  }
  return out;
}

/** Every argv a command could end up running, and the scripts to parse. */
export function innerCommands(argv: readonly string[]): { argvs: string[][]; scripts: string[] } {
  const argvs: string[][] = [];
  const scripts: string[] = [];
  const queue: string[][] = [[...argv]];
  while (queue.length && argvs.length < MAX_UNWRAP * 4) {
    const cur = queue.shift() ?? [];
    argvs.push(cur);
    const u = unwrap(cur);
    if (u.script !== null) scripts.push(u.script);
    if (u.argv && argvs.length < MAX_UNWRAP * 4) queue.push([...u.argv]);
    for (const seg of findExecs(cur)) queue.push(seg);
  }
  return { argvs, scripts };
}

/**
 * Candidate paths inside one argument: itself (unless it is a bare option),
 * a value glued to a short option, the value of `--opt=value`, the path of
 * `rev:path`.
 */
export function pathCandidates(word: string): string[] {
  if (word === '' || word === '-' || word === '--') return [];
  const out = word.startsWith('-') ? [] : [word];
  // A value glued to a short option (`-O.env`, `-f.env`, `-X/etc/x`) is a path too.
  if (/^-[A-Za-z0-9]./.test(word) && !word.startsWith('--')) out.push(word.slice(2));
  const eq = word.indexOf('=');
  if (eq > 0 && eq < word.length - 1) out.push(word.slice(eq + 1));
  const colon = word.lastIndexOf(':');
  if (colon >= 0 && colon < word.length - 1 && !word.includes('://')) out.push(word.slice(colon + 1));
  return out;
}

function deniedArgument(deps: DenyDeps, word: string, cwd: string): Decision | null {
  for (const cand of pathCandidates(word)) {
    const res = resolvePath(cand, cwd, deps.ctx, { followDangling: false });
    const rule = deniedReadRule(policyAt(deps, res), res);
    if (rule)
      return decision('deny', 'denied-read', ruleText(rule), `The argument '${word}' resolves to a path that matches ${ruleText(rule)}.`);
  }
  return null;
}

/** The first deny the line earns, or null. `cwd` is absolute. */
export function scanForDeny(deps: DenyDeps, parsed: ParsedCommandLine, cwd: string, depth = 0): Decision | null {
  for (const cmd of parsed.commands) {
    const { argvs, scripts } = innerCommands(cmd.denyArgv);
    for (const argv of argvs) {
      const p = matchDeny(deps.policy, argv);
      if (p) {
        return decision(
          'deny',
          'command-denied',
          ruleText({ setting: 'warden.commands.deny', pattern: p.source }),
          `'${cmd.text}' matches the deny rule '${p.source}'.`,
        );
      }
    }
    for (const [i, w] of cmd.words.entries()) {
      // The program name is looked up on PATH, not in the cwd, unless it holds a slash.
      if (w.denyValue === null || w.glob || (i === 0 && !w.denyValue.includes('/'))) continue;
      const d = deniedArgument(deps, w.denyValue, cwd);
      if (d) return d;
    }
    if (depth < MAX_DEPTH) {
      for (const script of scripts) {
        const d = scanForDeny(deps, parseCommandLine(deps.shell, script), cwd, depth + 1);
        if (d) return d;
      }
    }
  }
  for (const r of parsed.redirects) {
    const v = r.target?.denyValue;
    if (v === undefined || v === null || /^\d+$|^-$/.test(v)) continue;
    const d = deniedArgument(deps, v, cwd);
    if (d) return d;
  }
  return null;
}
