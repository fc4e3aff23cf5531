import { toolInputSchemas } from './schemas';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolModule } from './tool';
import { globFilter, shouldDescend, workspaceRelative } from './walkHelpers';
import type { ListedEntry } from './ports';

const MAX_LINE_CHARS = 300;
const MAX_SCANNED_LINE_CHARS = 10_000;

const BACKREFERENCE = /\\[1-9]|\\k</;

/** Whether `q[i]` starts an unbounded or repeating quantifier (`+`, `*`, `{n,}`, `{n,m}` with m > 1). */
function repeatsAt(q: string, i: number): boolean {
  const c = q[i];
  if (c === '+' || c === '*') return true;
  if (c !== '{') return false;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(q.slice(i));
  return m !== null && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1);
}

/**
 * JavaScript regular expressions backtrack, and the search runs on the
 * host's event loop: shapes that can take exponential time are refused — a
 * repeated group that itself holds a repetition or an alternation (`(a+)+`,
 * `((a+))+`, `(a|aa)*`), and backreferences.
 */
export function unsafeRegex(query: string): string | null {
  if (BACKREFERENCE.test(query)) return 'backreferences can take exponential time';
  const groups: Array<{ risky: boolean }> = [];
  let inClass = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push({ risky: false });
    else if (c === '|') {
      const top = groups.at(-1);
      if (top) top.risky = true;
    } else if (c === ')') {
      const g = groups.pop();
      if (g?.risky && repeatsAt(query, i + 1)) return 'a repeated group holding a repetition or alternation, such as (a+)+ or (a|aa)*, can take exponential time';
      const parent = groups.at(-1);
      if (parent && (g?.risky || repeatsAt(query, i + 1))) parent.risky = true;
    } else if (repeatsAt(query, i)) {
      const top = groups.at(-1);
      if (top) top.risky = true;
    }
  }
  return null;
}

function matcher(query: string, regex: boolean | undefined): ((line: string) => boolean) | string {
  if (!regex) return (line) => line.includes(query);
  const unsafe = unsafeRegex(query);
  if (unsafe) return `The regular expression was refused: ${unsafe}. Use a simpler pattern or a literal search.`;
  try {
    const re = new RegExp(query, 'u');
    return (line) => line.length <= MAX_SCANNED_LINE_CHARS && re.test(line);
  } catch (err) {
    return `The regular expression is not valid: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export const searchTextTool: ToolModule<'search_text'> = {
  name: 'search_text',
  description:
    'Search text files under a workspace folder (or one file) for a literal string, or a JavaScript regular expression when regex is true. Returns path:line: text. Files Warden may not read are skipped; results are capped.',
  schema: toolInputSchemas.search_text,
  risk: 'read',
  plan(input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'search_text', error: NO_TARGET });
    return Promise.resolve({ kind: 'read', tool: 'search_text', target, summary: `Search ${target.relative || '.'} for ${JSON.stringify(input.query)}` });
  },
  async run(input, decided, ctx, facts) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const test = matcher(input.query, input.regex);
    if (typeof test === 'string') return fail(test);
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return fail(`${target.relative || '.'} does not exist.`);
    let files: readonly ListedEntry[];
    let walkTruncated = false;
    if (stat.type === 'file') {
      files = [{ absolute: target.absolute, type: 'file', size: stat.size }];
    } else {
      let match: (abs: string) => boolean;
      try {
        match = globFilter(input.glob, target.absolute);
      } catch (err) {
        return fail(`The glob is not valid: ${err instanceof Error ? err.message : String(err)}`);
      }
      const walked = await ctx.fs.walk(target.absolute, {
        maxEntries: ctx.limits.maxSearchFiles * 4,
        maxDepth: 20,
        include: (abs) => ctx.guard.canRead(abs),
        descend: shouldDescend,
        signal: facts.signal,
      });
      walkTruncated = walked.truncated;
      files = walked.entries.filter((e) => e.type === 'file' && match(e.absolute)).slice(0, ctx.limits.maxSearchFiles);
    }
    const out: string[] = [];
    let skipped = 0;
    for (const file of files) {
      if (facts.signal.aborted) return { text: 'Search cancelled.', isError: true, status: 'cancelled' };
      if (out.length >= ctx.limits.maxSearchMatches) break;
      const read = await ctx.fs.readText(file.absolute, ctx.limits.maxReadBytes);
      if (read.kind !== 'text') {
        skipped++;
        continue;
      }
      const lines = read.text.split('\n');
      for (let i = 0; i < lines.length && out.length < ctx.limits.maxSearchMatches; i++) {
        const line = lines[i] ?? '';
        if (test(line)) out.push(`${workspaceRelative(target, file.absolute)}:${i + 1}: ${line.slice(0, MAX_LINE_CHARS)}`);
      }
    }
    const notes: string[] = [];
    if (out.length >= ctx.limits.maxSearchMatches) notes.push(`[stopped at ${ctx.limits.maxSearchMatches} matches]`);
    if (walkTruncated || files.length >= ctx.limits.maxSearchFiles) notes.push(`[searched at most ${ctx.limits.maxSearchFiles} files]`);
    if (skipped > 0) notes.push(`[${skipped} binary or oversized files skipped]`);
    const body = out.length === 0 ? 'No matches.' : out.join('\n');
    return ok([body, ...notes].join('\n'));
  },
};
