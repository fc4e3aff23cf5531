import { defineBuiltin, readGrant, str } from './builtin';
import type { ScanReport } from './ports';
import { NO_TARGET, fail, ok, resolvedTarget } from './tool';
import { LeftOut, count, coverageNote, globFilter, repoScope, scanNotes } from './walkHelpers';

const depthOf = (p: string): number => {
  let d = 0;
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) d++;
  return d;
};

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The entries a capped listing shows: shallow entries first (the shape of
 * the tree survives the cap), then by path, until `cap` entries or
 * `maxChars` characters; the rest are returned unsorted. Only the depths
 * that are shown are sorted.
 */
function shallowFirst(entries: readonly string[], cap: number, maxChars: number): { shown: string[]; rest: string[] } {
  const byDepth: string[][] = [];
  for (const e of entries) {
    const d = depthOf(e.endsWith('/') ? e.slice(0, -1) : e);
    (byDepth[d] ??= []).push(e);
  }
  const shown: string[] = [];
  const rest: string[] = [];
  let chars = 0;
  let full = false;
  for (const bucket of byDepth) {
    if (bucket === undefined) continue;
    if (full) {
      for (const e of bucket) rest.push(e);
      continue;
    }
    bucket.sort(byPath);
    for (const e of bucket) {
      if (!full && (shown.length >= cap || chars + e.length + 1 > maxChars)) full = true;
      if (full) rest.push(e);
      else {
        shown.push(e);
        chars += e.length + 1;
      }
    }
  }
  return { shown, rest };
}

/** Every folder between `base` and each file (workspace-relative, without the trailing `/`). */
function foldersOf(files: readonly string[], base: string): string[] {
  const seen = new Set<string>();
  const floor = base === '' ? 0 : base.length + 1;
  let last = '';
  for (const f of files) {
    const up = f.lastIndexOf('/');
    // Files of one folder come one after another: the folders above the last one's are already in.
    if (up === last.length && up >= floor && f.startsWith(last)) continue;
    if (up >= floor) last = f.slice(0, up);
    for (let i = up; i >= floor; i = f.lastIndexOf('/', i - 1)) {
      const dir = f.slice(0, i);
      if (seen.has(dir)) break;
      seen.add(dir);
    }
  }
  return [...seen];
}

/** The listing's text: notes first (counts, what the cap left out and where, what a scan never covers), then the entries. */
function render(
  files: readonly string[],
  glob: string | undefined,
  includeIgnored: boolean | undefined,
  base: string,
  report: ScanReport,
  cap: number,
  maxChars: number,
): string {
  const folders = glob === undefined ? foldersOf(files, base) : [];
  const entries = [...folders.map((d) => `${d}/`), ...files];
  const { shown, rest } = shallowFirst(entries, cap, maxChars);
  const left = new LeftOut(base);
  for (const e of rest) if (!e.endsWith('/')) left.add(e, 1);
  const what = `${count(files.length)} files${glob === undefined ? ` in ${count(folders.length)} folders` : ` matching ${JSON.stringify(glob)}`}`;
  const notes = [`[${what}; ${shown.length === entries.length ? 'all shown' : `the first ${count(shown.length)} entries shown`}]`];
  if (shown.length < entries.length) {
    notes.push(
      `[left out: ${count(entries.length - shown.length)} entries (${count(left.total)} files), under ${left.where()}; list a folder (path) or use a glob to see them]`,
    );
  }
  notes.push(...scanNotes(report), coverageNote(includeIgnored));
  return [...notes, ...(shown.length === 0 ? ['(no entries)'] : shown)].join('\n');
}

export const listFilesTool = defineBuiltin({
  name: 'list_files',
  description:
    'List the files under a workspace folder (the root when path is absent), recursively, shallow entries first; folders end with "/" (without a glob). Optional glob (minimatch, relative to the folder) applied before the cap. Files ignored by .gitignore/.ignore and node_modules are left out unless include_ignored is true; .git, links and files Warden may not read are never listed. A note first counts everything and says what the cap left out.',
  risk: 'read',
  plan(_input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'list_files', error: NO_TARGET });
    return Promise.resolve({ kind: 'read', tool: 'list_files', target, summary: `List ${target.relative || '.'}` });
  },
  async run(input, decided, ctx, facts) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return fail(`${target.relative || '.'} does not exist.`);
    if (stat.type !== 'dir') return fail(`${target.relative} is not a folder.`);
    let match: (relative: string) => boolean;
    try {
      match = globFilter(input.glob, target.relative);
    } catch (err) {
      return fail(`The glob is not valid: ${err instanceof Error ? err.message : String(err)}`);
    }
    const listing = await ctx.fs.search.listFiles(repoScope(target, ctx, input.include_ignored, facts.signal));
    if (facts.signal.aborted) return { text: 'Listing cancelled.', isError: true, status: 'cancelled' };
    if (!listing.ok) return fail(`The listing failed, so nothing is reported: ${listing.error}`);
    const filter = ctx.guard.readFilter();
    const { maxListEntries, maxListChars } = ctx.limits;
    // The same listing (an unchanged tree) under the same filter, folder, glob and caps gives the same text.
    const key = JSON.stringify([filter.key, target.root, target.relative, input.glob ?? null, maxListEntries, maxListChars]);
    return ok(
      listing.derived(key, () => {
        const files = listing.files.filter((relative) => filter.allows(target.root, relative, false) && match(relative));
        return render(files, input.glob, input.include_ignored, target.relative, listing, maxListEntries, maxListChars);
      }),
    );
  },
  request: (input) => ({ kind: 'read', path: input.path ?? '.' }),
  grant: (_input, decided) => readGrant('list_files', decided),
  summary: (i) => `list ${str(i, 'path') || '.'}${str(i, 'glob') ? ` (${str(i, 'glob')})` : ''}`,
  editing: null,
});
