import type { ParsedCommandLine, ShellRedirect } from '../shell/syntax';
import type { ShellParser } from './guard';

/**
 * The gate before `allow`: a second, independent bash parser must see
 * exactly the simple commands (argv after quote removal) and redirections
 * the first walk saw, in the same order. The walk's own view is put in the
 * second parser's terms here; any difference, or a second parser that finds
 * syntax outside the allowable subset or fails, keeps the line from `allow`.
 */
function redirectText(r: ShellRedirect): string {
  const target = r.target?.value ?? '';
  const head = `${r.fd ?? ''}${r.operator} ${target}`;
  return r.kind === 'heredoc' ? `${head}\n${r.body ?? ''}` : head;
}

const show = (xs: readonly (readonly string[] | string)[]): string => JSON.stringify(xs);

/** Why the second parser disagrees with `parsed`, or null when it agrees. Never throws. */
export function secondOpinionDisagrees(shell: ShellParser, line: string, parsed: ParsedCommandLine): string | null {
  let opinion;
  try {
    opinion = shell.confirm(line);
  } catch (e) {
    return `the second bash parser failed (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!opinion.ok) return opinion.reason;
  const ours = parsed.commands.map((c) => c.argv ?? []);
  if (show(ours) !== show(opinion.commands)) {
    return `the two bash parsers see different commands: ${show(ours)} and ${show(opinion.commands)}`;
  }
  const redirects = parsed.redirects.map(redirectText);
  if (show(redirects) !== show(opinion.redirects)) {
    return `the two bash parsers see different redirections: ${show(redirects)} and ${show(opinion.redirects)}`;
  }
  return null;
}
