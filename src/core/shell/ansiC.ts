/** Decodes the body of a bash `$'…'` string (for deny checks only). */
export function decodeAnsiC(quoted: string): string {
  const body = quoted.startsWith("$'") && quoted.endsWith("'") ? quoted.slice(2, -1) : quoted;
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    e: '\x1b',
    E: '\x1b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    "'": "'",
    '"': '"',
    '?': '?',
  };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1] ?? '';
    const hex = (re: RegExp, len: number, skip: number): boolean => {
      const m = re.exec(body.slice(i + skip, i + skip + len));
      if (!m) return false;
      out += String.fromCodePoint(parseInt(m[0], 16));
      i += skip - 1 + m[0].length;
      return true;
    };
    if (n in simple) {
      out += simple[n];
      i += 1;
    } else if (n === 'x' && hex(/^[0-9a-fA-F]{1,2}/, 2, 2)) continue;
    else if (n === 'u' && hex(/^[0-9a-fA-F]{1,4}/, 4, 2)) continue;
    else if (n === 'U' && hex(/^[0-9a-fA-F]{1,8}/, 8, 2)) continue;
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4)) ?? ['0'];
      out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += m[0].length;
    } else if (n === 'c' && i + 2 < body.length) {
      out += String.fromCharCode(body.charCodeAt(i + 2) & 0x1f);
      i += 2;
    } else {
      out += '\\' + n;
      i += 1;
    }
  }
  return out;
}
