import { defineBuiltin, readGrant, str } from './builtin';
import { NO_TARGET, fail, ok, resolvedTarget } from './tool';
import { LeftOut, count, coverageNote, globFilter, repoScope, scanNotes } from './walkHelpers';

const MAX_LINE_CHARS = 300;
/** Files with matches counted past the cap before the scan stops (the note then says "at least"). */
const MAX_COUNTED_FILES = 100_000;

export const searchTextTool = defineBuiltin({
  name: 'search_text',
  description:
    'Search text files under a workspace folder (or one file) for a literal string, or a regular expression (ripgrep syntax) when regex is true; case-sensitive. Returns path:line: text, after a note counting every match and saying what was left out. Files ignored by .gitignore/.ignore and node_modules are skipped unless include_ignored is true; binary files, links and files Warden may not read are never searched.',
  risk: 'read',
  plan(input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'search_text', error: NO_TARGET });
    return Promise.resolve({
      kind: 'read',
      tool: 'search_text',
      target,
      summary: `Search ${target.relative || '.'} for ${JSON.stringify(input.query)}`,
    });
  },
  async run(input, decided, ctx, facts) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return fail(`${target.relative || '.'} does not exist.`);
    let match: (relative: string) => boolean;
    try {
      match = stat.type === 'file' ? () => true : globFilter(input.glob, target.relative);
    } catch (err) {
      return fail(`The glob is not valid: ${err instanceof Error ? err.message : String(err)}`);
    }
    const filter = ctx.guard.readFilter();
    const cap = ctx.limits.maxSearchMatches;
    const shown: string[] = [];
    const left = new LeftOut(target.relative);
    let lines = 0;
    let files = 0;
    const result = await ctx.fs.search.searchText(
      {
        ...repoScope(target, ctx, input.include_ignored, facts.signal),
        query: input.query,
        regex: input.regex === true,
        keepPerFile: cap,
        maxLineChars: MAX_LINE_CHARS,
      },
      (file) => {
        if (!filter.allows(target.root, file.relative, false) || !match(file.relative)) return true;
        files++;
        lines += file.matches;
        const room = Math.max(0, cap - shown.length);
        for (const l of file.lines.slice(0, room)) shown.push(`${file.relative}:${l.line}: ${l.text}`);
        left.add(file.relative, file.matches - Math.min(room, file.lines.length));
        return files < MAX_COUNTED_FILES;
      },
    );
    if (facts.signal.aborted) return { text: 'Search cancelled.', isError: true, status: 'cancelled' };
    if (!result.ok) return fail(`The search failed, so nothing is reported: ${result.error}`);
    const atLeast = result.stopped ? 'at least ' : '';
    const notes = [
      `[${atLeast}${count(lines)} matching lines in ${atLeast}${count(files)} files; ${shown.length === lines ? 'all shown' : `the first ${shown.length} shown`}]`,
    ];
    if (left.total > 0) {
      notes.push(
        `[left out: ${atLeast}${count(left.total)} matching lines, under ${left.where()}; narrow with path (a folder above) or glob (e.g. "*.ts") to see them]`,
      );
    }
    notes.push(...scanNotes(result), coverageNote(input.include_ignored));
    return ok([...notes, ...(shown.length === 0 ? ['No matches.'] : shown)].join('\n'));
  },
  request: (input) => ({ kind: 'read', path: input.path ?? '.' }),
  grant: (_input, decided) => readGrant('search_text', decided),
  summary: (i) => `search "${str(i, 'query')}"${str(i, 'path') ? ` in ${str(i, 'path')}` : ''}`,
  editing: null,
});
