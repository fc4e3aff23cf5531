import { neutralise } from '../text/neutralise';
import type { Redactor } from '../secrets/redactor';

/**
 * Everything a tool returns is data, never instructions. Before the model
 * sees it: secret values are redacted, hidden characters made visible, the
 * size capped with a note, and the whole wrapped in a block whose end marker
 * carries a random id the content cannot guess. The system prompt explains
 * the block.
 */
export const DATA_OPEN = 'untrusted-data';

/** Redacts, then neutralises: what a person or the model may see of any outside text. */
export function sanitise(text: string, redactor: Redactor): string {
  return neutralise(redactor.redact(text));
}

export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const kept = text.slice(0, maxChars);
  return {
    text: `${kept}\n[output truncated: ${text.length - maxChars} more characters not shown; narrow the request to see them]`,
    truncated: true,
  };
}

export function wrapAsData(tool: string, nonce: string, body: string): string {
  return `<${DATA_OPEN} tool="${tool}" id="${nonce}">\n${body}\n</${DATA_OPEN} id="${nonce}">`;
}

/** The text of a tool_result as the model receives it. */
export function toolResultText(raw: string, opts: { tool: string; nonce: string; redactor: Redactor; maxChars: number }): string {
  return wrapAsData(opts.tool, opts.nonce, capText(sanitise(raw, opts.redactor), opts.maxChars).text);
}

/** Sanitises every string inside a JSON-like value (for display and audit). */
export function sanitiseValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return sanitise(value, redactor);
  if (Array.isArray(value)) return value.map((v) => sanitiseValue(v, redactor));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitiseValue(v, redactor)]));
  }
  return value;
}
