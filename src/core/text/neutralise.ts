/**
 * Makes hidden text visible. Text from files, commands and the web may carry
 * characters a person cannot see but a model reads (Unicode tag characters,
 * zero-width characters, bidi controls) and terminal escapes that repaint
 * what a person sees. Each such character is replaced by a visible marker
 * `<U+XXXX>` so neither the model nor a person is shown something different
 * from what is there. Newline, carriage return and tab are kept.
 *
 * Reused by the approval panes: show `neutralise(text)`, never raw text.
 * What counts as hidden is defined once, in ./hiddenCharacters.ts.
 */
import { isHiddenCodePoint } from './hiddenCharacters';

export function visibleMarker(cp: number): string {
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Replaces every hidden character (and every ANSI escape's ESC) with `<U+XXXX>`. */
export function neutralise(text: string): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (isHiddenCodePoint(cp)) {
      out += text.slice(start, i) + visibleMarker(cp);
      start = i + width;
    }
    i += width;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Whether `neutralise` would change anything (for a warning in the UI). */
export function hasHiddenCharacters(text: string): boolean {
  return neutralise(text) !== text;
}
