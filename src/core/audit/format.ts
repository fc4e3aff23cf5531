import { canonicalJson } from './canonical';
import type { AuditEvent } from './event';
import { isContentSummary } from './summarise';
import { isHiddenCodePoint } from '../text/hiddenCharacters';

/**
 * Text safe to print on one line: newlines as ⏎, tabs as spaces, a carriage
 * return and every hidden character (./../text/hiddenCharacters.ts: controls,
 * bidi and zero-width characters, tags, which could forge or hide text on a
 * terminal or in a view) as `\u{…}`.
 */
export function displaySafe(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === 0x0a) out += '⏎';
    else if (cp === 0x09) out += ' ';
    else if (cp === 0x0d || isHiddenCodePoint(cp)) out += `\\u{${cp.toString(16)}}`;
    else out += text.slice(i, i + width);
    i += width - 1;
  }
  return out;
}

/** Like `displaySafe` but keeps newlines, for multi-line blocks (a patch, a pretty-printed record). */
export function displaySafeMultiline(text: string): string {
  return text.split('\n').map(displaySafe).join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The most telling part of a tool input: the command, the path or URL, else the JSON. */
export function shortInput(input: unknown, max = 80): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string') return truncate(displaySafe(input), max);
  if (typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const key of ['command', 'path', 'url', 'pattern', 'query']) {
      const v = o[key];
      if (typeof v === 'string') return truncate(displaySafe(v), max);
      if (isContentSummary(v)) return truncate(displaySafe(v.preview), max);
    }
  }
  return truncate(displaySafe(canonicalJson(input)), max);
}

export function outcomeText(e: AuditEvent): string {
  const o = e.outcome;
  if (o === null) return '';
  const parts: string[] = [o.status];
  if (o.exitCode !== undefined && o.exitCode !== null) parts.push(`exit ${o.exitCode}`);
  if (o.durationMs !== undefined) parts.push(`${Math.round(o.durationMs)} ms`);
  if (o.error !== undefined) parts.push(truncate(displaySafe(o.error), 60));
  return parts.join(' ');
}

export function approverText(e: AuditEvent): string {
  if (e.approver === null) return '';
  return e.answer === null ? e.approver : `${e.approver} (${e.answer})`;
}

/** One readable line: time, seq, tool, short input, decision, rule, approver, outcome. */
export function formatEventLine(e: AuditEvent): string {
  const head = `${e.time} #${e.seq}`;
  if (e.kind !== 'tool_call') return `${head} ${e.kind}: ${displaySafe(e.note ?? '')}`.trimEnd();
  const parts = [`${head} ${e.tool ?? '?'} ${shortInput(e.input)}`];
  if (e.decision !== null) parts.push(`${e.decision}${e.reason === null ? '' : ` (${e.reason})`}`);
  if (e.rule !== null) parts.push(`rule ${displaySafe(e.rule)}`);
  if (e.approver !== null) parts.push(`by ${approverText(e)}`);
  const outcome = outcomeText(e);
  if (outcome !== '') parts.push(outcome);
  return parts.join(' · ');
}

const COLUMNS: { title: string; max: number; get: (e: AuditEvent) => string }[] = [
  { title: 'SEQ', max: 8, get: (e) => String(e.seq) },
  { title: 'TIME', max: 24, get: (e) => e.time },
  { title: 'TOOL', max: 16, get: (e) => e.tool ?? e.kind },
  { title: 'DECISION', max: 8, get: (e) => e.decision ?? '' },
  { title: 'BY', max: 28, get: approverText },
  { title: 'RULE', max: 36, get: (e) => displaySafe(e.rule ?? e.reason ?? '') },
  { title: 'OUTCOME', max: 24, get: outcomeText },
  { title: 'INPUT', max: 60, get: (e) => (e.kind === 'tool_call' ? shortInput(e.input, 60) : displaySafe(e.note ?? '')) },
];

/** One row of a streamed table: every column padded to its cap, so rows line up without seeing the others. */
export function tableRow(e: AuditEvent): string {
  return (
    COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? truncate(c.get(e), c.max) : truncate(c.get(e), c.max).padEnd(c.max)))
      .join('  ')
      .trimEnd() + '\n'
  );
}

/** The header of a streamed table (see tableRow). */
export function tableHeader(): string {
  return (
    COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? c.title : c.title.padEnd(c.max)))
      .join('  ')
      .trimEnd() + '\n'
  );
}

/** A plain-text table, one row per event, columns padded to their widest cell (capped). */
export function formatTable(events: readonly AuditEvent[]): string {
  const rows = events.map((e) => COLUMNS.map((c) => truncate(c.get(e), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(COLUMNS.map((c) => c.title)), ...rows.map(fmt)].join('\n') + '\n';
}
