/**
 * JSON with comments, as VS Code's settings.json and mcp.json allow it:
 * `//` and `/* *\/` comments outside strings and trailing commas are dropped,
 * so `JSON.parse` can read the rest. Line breaks of line comments are kept
 * (error positions stay on the right line).
 */
export function stripJsonc(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i += 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
