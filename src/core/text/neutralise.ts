/**
 * Makes hidden text visible. Text from files, commands and the web may carry
 * characters a person cannot see but a model reads (Unicode tag characters,
 * zero-width characters, bidi controls) and terminal escapes that repaint
 * what a person sees. Each such character is replaced by a visible marker
 * `<U+XXXX>` so neither the model nor a person is shown something different
 * from what is there. Newline, carriage return and tab are kept.
 *
 * Reused by the approval panes: show `neutralise(text)`, never raw text.
 */

/** Code points that are invisible or reorder text. */
function isHidden(cp: number): boolean {
  return (
    // C0 controls except \t \n \r, DEL, and C1 controls (ESC starts ANSI sequences; 0x9B is CSI).
    (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x061c || // Arabic letter mark (bidi)
    cp === 0x115f || cp === 0x1160 || // Hangul fillers
    cp === 0x17b4 || cp === 0x17b5 ||
    cp === 0x180e || // Mongolian vowel separator
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (cp >= 0x2028 && cp <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates, deprecated formats
    cp === 0x3164 || // Hangul filler
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // zero-width no-break space / BOM
    cp === 0xffa0 ||
    (cp >= 0xfff9 && cp <= 0xfffb) || // interlinear annotation
    (cp >= 0x1d173 && cp <= 0x1d17a) || // musical formatting
    (cp >= 0xe0000 && cp <= 0xe007f) || // tag characters (invisible ASCII smuggling)
    (cp >= 0xe0100 && cp <= 0xe01ef) // variation selectors supplement
  );
}

export function visibleMarker(cp: number): string {
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Lone surrogates cannot be shown either: mark them too. */
function isLoneSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** Replaces every hidden character (and every ANSI escape's ESC) with `<U+XXXX>`. */
export function neutralise(text: string): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (isHidden(cp) || isLoneSurrogate(cp)) {
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
