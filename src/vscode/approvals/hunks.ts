import { diffLines } from 'diff';

/**
 * A proposed file change cut into hunks (maximal runs of changed lines), so a
 * person can accept some and reject others. Pure: no `vscode`, no I/O.
 */
export interface ProposalHunk {
  readonly index: number;
  /** 1-based first line in the current file, and how many lines the hunk removes. */
  readonly oldStart: number;
  readonly oldLines: number;
  /** 1-based first line in the proposed file, and how many lines the hunk adds. */
  readonly newStart: number;
  readonly newLines: number;
  readonly removed: string;
  readonly added: string;
  /** `@@ -a,b +c,d @@` as in a unified diff. */
  readonly header: string;
}

type Piece = { readonly kind: 'same'; readonly text: string } | { readonly kind: 'hunk'; readonly hunk: ProposalHunk };

function countLines(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** The change as alternating unchanged text and hunks, in file order. */
function pieces(oldText: string | null, newText: string): Piece[] {
  const out: Piece[] = [];
  let oldLine = 1;
  let newLine = 1;
  let removed = '';
  let added = '';
  const flush = (): void => {
    if (removed === '' && added === '') return;
    const oldLines = countLines(removed);
    const newLines = countLines(added);
    const index = out.filter((p) => p.kind === 'hunk').length;
    const hunk: ProposalHunk = {
      index,
      oldStart: oldLine,
      oldLines,
      newStart: newLine,
      newLines,
      removed,
      added,
      header: `@@ -${oldLines === 0 ? oldLine - 1 : oldLine},${oldLines} +${newLines === 0 ? newLine - 1 : newLine},${newLines} @@`,
    };
    out.push({ kind: 'hunk', hunk });
    oldLine += oldLines;
    newLine += newLines;
    removed = '';
    added = '';
  };
  for (const c of diffLines(oldText ?? '', newText)) {
    if (c.added) added += c.value;
    else if (c.removed) removed += c.value;
    else {
      flush();
      out.push({ kind: 'same', text: c.value });
      const n = countLines(c.value);
      oldLine += n;
      newLine += n;
    }
  }
  flush();
  return out;
}

export function proposalHunks(oldText: string | null, newText: string): ProposalHunk[] {
  return pieces(oldText, newText).flatMap((p) => (p.kind === 'hunk' ? [p.hunk] : []));
}

/**
 * The content to approve when only the hunks in `accepted` (by index) are
 * taken: accepted hunks bring the proposed lines, the others keep the
 * current lines, unchanged text stays byte for byte (line endings included).
 */
export function contentFromHunks(oldText: string | null, newText: string, accepted: Iterable<number>): string {
  const take = new Set(accepted);
  let out = '';
  for (const p of pieces(oldText, newText)) {
    if (p.kind === 'same') out += p.text;
    else out += take.has(p.hunk.index) ? p.hunk.added : p.hunk.removed;
  }
  return out;
}

/** `line 4` or `lines 4–6`. */
function lineRange(start: number, count: number): string {
  return count <= 1 ? `line ${start}` : `lines ${start}–${start + count - 1}`;
}

/**
 * A label for a hunk in a picker: which lines of the current file it changes
 * (or where it adds lines), and as detail its first changed line each way.
 */
export function hunkLabel(h: ProposalHunk): { label: string; detail: string } {
  const first = (s: string): string => (s.split('\n')[0] ?? '').slice(0, 120);
  const parts = [h.removed ? `- ${first(h.removed)}` : '', h.added ? `+ ${first(h.added)}` : ''].filter(Boolean);
  const where =
    h.oldLines === 0
      ? `adds ${h.newLines} line${h.newLines === 1 ? '' : 's'} ${h.oldStart === 1 ? 'at the start' : `after line ${h.oldStart - 1}`}`
      : h.newLines === 0
        ? `removes ${lineRange(h.oldStart, h.oldLines)}`
        : `changes ${lineRange(h.oldStart, h.oldLines)}`;
  return { label: `Hunk ${h.index + 1}: ${where}`, detail: parts.join('   ') };
}
