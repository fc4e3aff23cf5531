// A to-do list kept as one line per item in a text file: "[ ] text" or "[x] text".

/** Parses one line of the list file; returns undefined for blank or malformed lines. */
export function parseLine(line) {
  const m = /^\[( |x)\] (.+)$/.exec(line.trim());
  if (!m) return undefined;
  return { done: m[1] === 'x', text: m[2] };
}

export function formatItem(item) {
  return `[${item.done ? 'x' : ' '}] ${item.text}`;
}

export function parseList(text) {
  return text.split('\n').map(parseLine).filter((item) => item !== undefined);
}

export function formatList(items) {
  return items.map(formatItem).join('\n') + (items.length > 0 ? '\n' : '');
}
