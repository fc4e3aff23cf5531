import { isHiddenCodePoint } from '../../core/text/hiddenCharacters';
import { visibleMarker } from '../../core/text/neutralise';

/**
 * Finds hidden characters in text a person must read: raw ones, and the
 * `<U+XXXX>` markers `neutralise()` left where the pipeline already made them
 * visible. What is hidden is defined once, in core/text/hiddenCharacters.ts.
 * Pure (no `vscode`), shared by the command preview webview.
 */
export type HiddenClass = 'zero-width' | 'bidi control' | 'tag character' | 'control character' | 'invisible';

export interface HiddenFlag {
  readonly codePoint: number;
  /** How it is shown: `<U+200B>`. */
  readonly marker: string;
  readonly kind: HiddenClass;
}

export type Segment =
  { readonly text: string; readonly hidden: false } | { readonly text: string; readonly hidden: true; readonly flag: HiddenFlag };

export function classify(cp: number): HiddenClass {
  if ((cp >= 0x200b && cp <= 0x200d) || cp === 0xfeff || cp === 0x2060 || cp === 0x180e) return 'zero-width';
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return 'bidi control';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag character';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control character';
  return 'invisible';
}

const MARKER = /<U\+([0-9A-F]{4,6})>/g;

/** The text cut into plain runs and hidden characters (each shown as its marker). */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let plain = '';
  const pushHidden = (cp: number): void => {
    if (plain) out.push({ text: plain, hidden: false });
    plain = '';
    const flag: HiddenFlag = { codePoint: cp, marker: visibleMarker(cp), kind: classify(cp) };
    out.push({ text: flag.marker, hidden: true, flag });
  };
  let i = 0;
  while (i < text.length) {
    MARKER.lastIndex = i;
    const m = text[i] === '<' ? MARKER.exec(text) : null;
    if (m && m.index === i && m[1] && isHiddenCodePoint(parseInt(m[1], 16))) {
      pushHidden(parseInt(m[1], 16));
      i += m[0].length;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp !== 0x0a && cp !== 0x0d && cp !== 0x09 && isHiddenCodePoint(cp)) pushHidden(cp);
    else plain += text.slice(i, i + width);
    i += width;
  }
  if (plain) out.push({ text: plain, hidden: false });
  return out;
}

/** Every hidden character in `text`, in order. */
export function hiddenFlags(text: string): HiddenFlag[] {
  return segments(text).flatMap((s) => (s.hidden ? [s.flag] : []));
}

/** A sentence for a warning banner, or null when nothing is hidden. */
export function hiddenSummary(text: string): string | null {
  const flags = hiddenFlags(text);
  if (flags.length === 0) return null;
  const kinds = [...new Set(flags.map((f) => f.kind))].join(', ');
  const markers = [...new Set(flags.map((f) => f.marker))].join(' ');
  return `${flags.length} hidden character${flags.length === 1 ? '' : 's'} (${kinds}): ${markers}. What runs is not what a plain view shows.`;
}
