/**
 * The one definition of a hidden character: a code point a person cannot see
 * but a program or a model reads — controls (ESC starts terminal escapes),
 * zero-width and joiner characters, bidi embeddings, overrides and isolates,
 * fillers, variation selectors, interlinear annotations, Unicode tag
 * characters (invisible ASCII smuggling) — and lone surrogates. Newline,
 * carriage return and tab are text, not hidden; callers that must refuse
 * them too (a path, a command argument) say so.
 *
 * Used by `neutralise` (what the model and the panes are shown), the path
 * check and the shell walk (what is never allowed unasked).
 */
export function isHiddenCodePoint(cp: number): boolean {
  return (
    // C0 controls except \t \n \r, DEL, and C1 controls (ESC starts ANSI sequences; 0x9B is CSI).
    (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x061c || // Arabic letter mark (bidi)
    cp === 0x115f ||
    cp === 0x1160 || // Hangul fillers
    cp === 0x17b4 ||
    cp === 0x17b5 ||
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
    (cp >= 0xe0100 && cp <= 0xe01ef) || // variation selectors supplement
    (cp >= 0xd800 && cp <= 0xdfff) // a lone surrogate (a paired one is read as its code point)
  );
}

/** The first hidden code point in `text` (see `isHiddenCodePoint`), or null. `alsoLineBreaks` adds \t \n \r. */
export function firstHiddenCodePoint(text: string, alsoLineBreaks = false): number | null {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp > 0xffff) i += 1;
    if (isHiddenCodePoint(cp) || (alsoLineBreaks && (cp === 0x09 || cp === 0x0a || cp === 0x0d))) return cp;
  }
  return null;
}
