import type { GuardResult } from './guard';
import { abilitiesOf } from './abilities';
import { programName } from './wrappers';
import { firstHiddenCodePoint } from '../text/hiddenCharacters';

/**
 * "Always allow…": from a call a person approves, the narrowest rule that
 * covers it, and the widenings a person may pick instead. Pure; nothing is
 * written here (the adapters write user settings after the person confirms).
 *
 * - A write: the file itself in `warden.paths.autoApprove`, or its folder
 *   (`dir/**`), or its top folder.
 * - A command: each simple command off the allow list exactly as it ran;
 *   its trailing path arguments may become a final `*` only where the
 *   program can neither run code nor write through its arguments —
 *   GTFOBins lists it for reading files and nothing else, or it is one of
 *   the few inert programs below. Interpreters, editors, `make`, package
 *   managers, `find`, `git` and every program Warden knows nothing about
 *   never get a `*` from here.
 * - Nothing when a rule would not stop the call asking (destructive, a
 *   construct, a secret, no sandbox, a protected path, a delete).
 */
export type RuleSetting = 'warden.commands.allow' | 'warden.paths.autoApprove';

export interface RuleSuggestion {
  readonly setting: RuleSetting;
  /** Entries appended to the user-level list, one per simple command off the list. */
  readonly entries: readonly string[];
  /** What the rule covers, in words. */
  readonly label: string;
  /** True for the narrowest choice (the first one). */
  readonly narrowest: boolean;
}

export type Suggestions = { readonly rules: readonly RuleSuggestion[] } | { readonly none: string };

/**
 * Programs GTFOBins does not list whose options only print information
 * (GNU coreutils manual, `ls`, `stat`, `du`, `basename`, `dirname`,
 * `realpath`, `readlink`, `pwd`, the checksum programs, `echo`; `tree`'s
 * manual): no option runs a program, and the options that write or read
 * names from a file are the dangerous-argument table's to refuse.
 */
const INERT_PROGRAMS: ReadonlySet<string> = new Set([
  'ls',
  'stat',
  'du',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'pwd',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'b2sum',
  'cksum',
  'echo',
  'tree',
]);

/** Whether a trailing `*` may be offered for `program`: it can neither run code nor write through its arguments. */
export function mayWidenArguments(program: string): boolean {
  if (INERT_PROGRAMS.has(program)) return true;
  const abilities = abilitiesOf(program);
  return abilities.length > 0 && abilities.every((a) => a === 'file-read');
}

/** A word a command pattern can name exactly: no blanks or control characters, not empty, not a wildcard. */
function nameable(word: string): boolean {
  // eslint-disable-next-line no-control-regex -- spotting control characters is the point
  return word !== '' && word !== '*' && word !== '**' && !/[\s\x00-\x1f\x7f]/.test(word) && firstHiddenCodePoint(word, true) === null;
}

/** A word that names a file or folder rather than an option or a pattern: not an option, and path-shaped. */
function pathLike(word: string): boolean {
  return !word.startsWith('-') && (word.includes('/') || /\.[A-Za-z0-9]+$/.test(word) || word === '.');
}

/** The narrowest pattern for an argv, and the widened one (trailing path arguments → `*`) where allowed. */
function commandEntries(argv: readonly string[]): { exact: string; widened: string | null } {
  const exact = argv.join(' ');
  const program = programName(argv[0] ?? '');
  let keep = argv.length;
  while (keep > 1 && pathLike(argv[keep - 1] ?? '')) keep--;
  // The program's own name must be a plain name: `./run.sh *` would widen a script of the workspace.
  const plainProgram = argv[0] === program;
  const widened = keep < argv.length && plainProgram && mayWidenArguments(program) ? `${argv.slice(0, keep).join(' ')} *` : null;
  return { exact, widened };
}

/** A glob that matches exactly this workspace-relative path: refused when the path holds glob characters. */
function literalGlob(rel: string): string | null {
  return /[*?[\]{}()!+@\\]/.test(rel) || rel === '' ? null : rel;
}

function writeSuggestions(rel: string): Suggestions {
  const exact = firstHiddenCodePoint(rel, true) === null ? literalGlob(rel) : null;
  if (exact === null) return { none: `the path ${rel} holds glob characters, so no glob names it alone` };
  const rules: RuleSuggestion[] = [
    { setting: 'warden.paths.autoApprove', entries: [exact], label: `writes to ${rel} only`, narrowest: true },
  ];
  const parts = rel.split('/');
  const folder = parts.slice(0, -1).join('/');
  if (folder)
    rules.push({
      setting: 'warden.paths.autoApprove',
      entries: [`${folder}/**`],
      label: `writes anywhere under ${folder}/`,
      narrowest: false,
    });
  const top = parts[0] ?? '';
  if (parts.length > 2 && top)
    rules.push({ setting: 'warden.paths.autoApprove', entries: [`${top}/**`], label: `writes anywhere under ${top}/`, narrowest: false });
  return { rules };
}

function commandSuggestions(decided: GuardResult): Suggestions {
  const d = decided.details;
  if (d.kind !== 'command') return { none: 'no parsed command' };
  const off = d.commands.filter((c) => c.decision.decision !== 'allow');
  const exact: string[] = [];
  const widened: string[] = [];
  for (const c of off) {
    if (!c.argv || !c.argv.every(nameable))
      return { none: `'${c.text}' has a word no rule can name exactly (a blank, a line break or a wildcard)` };
    const e = commandEntries(c.argv);
    exact.push(e.exact);
    widened.push(e.widened ?? e.exact);
  }
  if (exact.length === 0) return { none: 'every simple command is on the allow list already' };
  const q = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(' and ');
  const rules: RuleSuggestion[] = [{ setting: 'warden.commands.allow', entries: exact, label: `exactly ${q(exact)}`, narrowest: true }];
  if (widened.some((w, i) => w !== exact[i])) {
    rules.push({
      setting: 'warden.commands.allow',
      entries: widened,
      label: `${q(widened)}: the same program and options on any files`,
      narrowest: false,
    });
  }
  return { rules };
}

/** Which rules would let calls like this one run unasked, narrowest first; or why none would. */
export function suggestRules(decided: GuardResult): Suggestions {
  if (decided.decision !== 'ask') return { none: 'the call does not ask' };
  const blockers = decided.why?.blockers ?? [];
  const stays = blockers.find((b) => b.kind !== 'not-allowed' && b.kind !== 'not-auto-approved');
  if (stays || blockers.length === 0) {
    return {
      none: `a rule would not stop this asking: ${stays ? `${stays.kind}${stays.subject ? ` (${stays.subject})` : ''}` : decided.reason}`,
    };
  }
  if (blockers.every((b) => b.kind === 'not-auto-approved')) {
    const d = decided.details;
    if (d.kind !== 'path') return { none: 'no resolved path' };
    return writeSuggestions(d.target.relative);
  }
  return commandSuggestions(decided);
}

/** The user-level list after adding a suggestion (`current` undefined: the setting's default applies now). */
export function withSuggestion(current: readonly string[], s: RuleSuggestion): string[] {
  return [...current, ...s.entries.filter((e) => !current.includes(e))];
}

/**
 * Where an accepted suggestion goes: user settings only (VS Code's user
 * settings.json, the CLI's `--settings` file), never a workspace's. The
 * adapters implement it; `preview` is what `write` would leave in the
 * setting, shown to the person before they confirm.
 */
export interface RuleWriter {
  /** Where the rule is written, in words (`user settings`, `/home/me/warden.json`). */
  readonly where: string;
  /** The setting's user-level list as it would be written. */
  preview(s: RuleSuggestion): Promise<readonly string[]>;
  write(s: RuleSuggestion): Promise<void>;
}
