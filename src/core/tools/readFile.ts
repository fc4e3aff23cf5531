import { defineBuiltin, readGrant, str } from './builtin';
import type { Redactor } from '../secrets/redactor';
import { NO_TARGET, fail, ok, resolvedTarget } from './tool';
import { count } from './walkHelpers';

/** Lines in a window when no limit is given. */
const DEFAULT_LINES = 2000;
/** Characters of one window, under the pipeline's result cap. */
const MAX_WINDOW_CHARS = 80_000;
/** Characters kept of one line in a window. */
const MAX_LINE_CHARS = 4000;
/**
 * Bytes read on each side of a window to decide its edges: a secret value (or
 * an encoded form of it) that straddles an edge moves the edge outward, so
 * the window never shows part of it. A value (or encoded form) longer than
 * this is not caught across an edge; a PEM key of 4096 bits is 3.2 KB, its
 * hex form 6.4 KB.
 */
const EDGE_MARGIN_BYTES = 8 * 1024;

/** Whether an occurrence of a secret crosses the boundary between `left` and `right`. */
function straddles(redactor: Redactor, left: string, right: string): boolean {
  const l = left.slice(-EDGE_MARGIN_BYTES);
  const r = right.slice(0, EDGE_MARGIN_BYTES);
  if (l === '' || r === '') return false;
  return redactor.redact(l + r) !== redactor.redact(l) + redactor.redact(r);
}

interface Window {
  before: string;
  text: string;
  after: string;
  first: number;
}

/** Moves the window's edges outward, a line at a time, until no secret straddles them; null when the margin runs out first. */
function safeEdges(redactor: Redactor, w: Window): Window | null {
  const out = { ...w };
  while (straddles(redactor, out.before, out.text)) {
    const nl = out.before.lastIndexOf('\n', out.before.length - 2);
    if (nl < 0 && out.before.length >= EDGE_MARGIN_BYTES) return null;
    out.text = out.before.slice(nl + 1) + out.text;
    out.before = out.before.slice(0, nl + 1);
    out.first = Math.max(0, out.first - 1);
  }
  while (straddles(redactor, out.text, out.after)) {
    const nl = out.after.indexOf('\n');
    if (nl < 0 && out.after.length >= EDGE_MARGIN_BYTES) return null;
    const take = nl < 0 ? out.after.length : nl + 1;
    out.text += out.after.slice(0, take);
    out.after = out.after.slice(take);
  }
  return out;
}

const linesOf = (text: string): string[] => (text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n'));

/**
 * The window's lines as far as they can be shown, redacted: each line cut
 * EDGE_MARGIN_BYTES past MAX_LINE_CHARS and no line kept once the character
 * budget plus the margin is used up, so a 300 KB window of one minified line
 * is not redacted whole to show 4,000 characters of it. A secret crossing a
 * cut is still whole in what is redacted unless it is longer than the margin
 * (as at the window's edges). When redaction changes the number of lines (a
 * value spanning lines), the whole window is redacted instead.
 */
function redactedLines(redactor: Redactor, text: string): { lines: string[]; cut: number[] } {
  if (text === '') return { lines: [], cut: [] };
  const raw = linesOf(text);
  const keep = MAX_LINE_CHARS + EDGE_MARGIN_BYTES;
  const kept: string[] = [];
  const cut: number[] = [];
  let chars = 0;
  for (const line of raw) {
    if (chars > MAX_WINDOW_CHARS + EDGE_MARGIN_BYTES) break;
    kept.push(line.length > keep ? line.slice(0, keep) : line);
    cut.push(Math.max(0, line.length - keep));
    chars += Math.min(line.length, keep) + 1;
  }
  const lines = redactor.redact(kept.join('\n')).split('\n');
  if (lines.length === kept.length) return { lines, cut };
  const whole = linesOf(redactor.redact(text));
  return { lines: whole, cut: whole.map(() => 0) };
}

/** Numbered lines (from 1, as an editor counts), within the window's character budget. */
function numbered(lines: readonly string[], cut: readonly number[], first: number): { body: string; shown: number } {
  const out: string[] = [];
  let chars = 0;
  for (const [i, raw] of lines.entries()) {
    const more = raw.length - MAX_LINE_CHARS + (cut[i] ?? 0);
    const line = more > 0 ? `${raw.slice(0, MAX_LINE_CHARS)} [… ${more} more characters on this line]` : raw;
    const row = `${first + i + 1}\t${line}`;
    if (out.length > 0 && chars + row.length + 1 > MAX_WINDOW_CHARS) break;
    out.push(row);
    chars += row.length + 1;
  }
  return { body: out.join('\n'), shown: out.length };
}

export const readFileTool = defineBuiltin({
  name: 'read_file',
  description:
    "Read a UTF-8 text file in the workspace. A file that fits (up to 2000 lines) comes back whole, as is. Otherwise, or with offset (first line, from 0) and limit (number of lines), a window of numbered lines (numbered from 1) after a note with the file's size, line count and the offset to read next. Binary files are refused.",
  risk: 'read',
  plan(_input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'read_file', error: NO_TARGET });
    return Promise.resolve({ kind: 'read', tool: 'read_file', target, summary: `Read ${target.relative}` });
  },
  async run(input, decided, ctx, facts) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const from = input.offset ?? 0;
    const to = from + (input.limit ?? DEFAULT_LINES);
    const read = await ctx.fs.readLines(target.absolute, {
      from,
      to,
      maxBytes: MAX_WINDOW_CHARS * 4,
      marginBytes: EDGE_MARGIN_BYTES,
      signal: facts.signal,
    });
    if (read.kind === 'binary') return fail(`${target.relative} is a binary file (${read.size} bytes); read_file only returns text.`);
    if (read.kind === 'missing') return fail(`${target.relative} does not exist.`);
    if (read.kind === 'not-a-file') return fail(`${target.relative} is a ${read.type}, not a file.`);
    const whole =
      input.offset === undefined &&
      input.limit === undefined &&
      !read.cut &&
      read.lines <= DEFAULT_LINES &&
      read.text.length <= MAX_WINDOW_CHARS;
    if (whole) return ok(read.text, { bytes: read.size });
    const edges = safeEdges(ctx.redactor, { before: read.before, text: read.text, after: read.after, first: read.first });
    if (edges === null)
      return fail(
        `A secret value seems to span an edge of lines ${from + 1}-${to} of ${target.relative}; read a range that starts or ends elsewhere.`,
      );
    // Redacted before numbering and cutting: a value spanning lines, or a cut line, would hide it from the pipeline's redaction.
    const { lines, cut } = redactedLines(ctx.redactor, edges.text);
    const { body, shown } = numbered(lines, cut, edges.first);
    const last = edges.first + shown;
    const where = shown === 0 ? `no lines (the file has ${count(read.lines)})` : `lines ${edges.first + 1}-${last}`;
    const next = last < read.lines ? `; next: offset ${last}` : '; end of file';
    return ok(`[${target.relative}: ${count(read.size)} bytes, ${count(read.lines)} lines; ${where} shown${next}]\n${body}`, {
      bytes: read.size,
    });
  },
  request: (input) => ({ kind: 'read', path: input.path }),
  grant: (_input, decided) => readGrant('read_file', decided),
  summary: (i) => `read ${str(i, 'path')}`,
  editing: null,
});
