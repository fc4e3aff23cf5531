import type { ShellSyntaxNode } from '../policy/guard';
import { decodeAnsiC } from './ansiC';
import type { ShellWord } from './syntax';

interface Part {
  value: string | null;
  denyValue: string | null;
  glob: boolean;
  brace: boolean;
  tilde: boolean;
  escaped: boolean;
}

const NONE: Part = { value: null, denyValue: null, glob: false, brace: false, tilde: false, escaped: false };
const literal = (value: string): Part => ({ ...NONE, value, denyValue: value });

const NON_LITERAL: Record<string, string> = {
  simple_expansion: 'parameter expansion',
  expansion: 'parameter expansion',
  command_substitution: 'command substitution',
  process_substitution: 'process substitution',
  arithmetic_expansion: 'arithmetic expansion',
  translated_string: 'translated string',
};

/** Removes backslash escapes from an unquoted word; reports unescaped glob and brace characters. */
function unquotedWord(text: string, first: boolean): Part {
  let value = '';
  let glob = false;
  let brace = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\') {
      escaped = true;
      i += 1;
      if (i < text.length && text[i] !== '\n') value += text[i];
      continue;
    }
    if (c === '*' || c === '?' || c === '[') glob = true;
    if (c === '{' || c === '}') brace = true;
    value += c;
  }
  const tilde = first && (text === '~' || text.startsWith('~/'));
  // `~user`, `~+`, `~-` expand to something we do not know.
  const otherTilde = first && text.startsWith('~') && !tilde;
  return otherTilde ? { ...NONE, glob, brace, escaped } : { value, denyValue: value, glob, brace, tilde, escaped };
}

/** Content of a double-quoted string: only `\$ \` \" \\ \newline` are escapes there. */
function doubleQuoted(node: ShellSyntaxNode, reasons: string[]): Part {
  if (node.text.startsWith('$')) {
    reasons.push('translated string ($"…")');
    return NONE;
  }
  let literalContent = true;
  for (const child of node.namedChildren) {
    if (child.type !== 'string_content') {
      literalContent = false;
      reasons.push(NON_LITERAL[child.type] ?? `unsupported syntax in a string (${child.type})`);
    }
  }
  // The text between the quotes, not the string_content nodes: the grammar leaves line breaks out of those.
  const value = node.text.slice(1, -1).replace(/\\([$`"\\\n])/g, (_m, ch: string) => (ch === '\n' ? '' : ch));
  return literalContent ? literal(value) : NONE;
}

function part(node: ShellSyntaxNode, first: boolean, reasons: string[]): Part {
  switch (node.type) {
    case 'word':
      return unquotedWord(node.text, first);
    case 'number':
      return literal(node.text);
    case 'raw_string':
      return literal(node.text.slice(1, -1));
    case 'string':
      return doubleQuoted(node, reasons);
    case 'ansi_c_string':
      reasons.push("ANSI-C quoting ($'…')");
      return { ...NONE, denyValue: decodeAnsiC(node.text) };
    case 'concatenation': {
      const parts = node.children.map((c, i) => part(c, first && i === 0, reasons));
      const join = (pick: (p: Part) => string | null): string | null =>
        parts.every((p) => pick(p) !== null) ? parts.map((p) => pick(p)).join('') : null;
      return {
        value: join((p) => p.value),
        denyValue: join((p) => p.denyValue),
        glob: parts.some((p) => p.glob),
        brace: parts.some((p) => p.brace),
        tilde: parts[0]?.tilde ?? false,
        escaped: parts.some((p) => p.escaped),
      };
    }
    default:
      reasons.push(NON_LITERAL[node.type] ?? `unsupported word syntax (${node.type})`);
      return NONE;
  }
}

/** Evaluates one argument node to a word; pushes why it is not literal onto `reasons`. */
export function evaluateWord(node: ShellSyntaxNode, reasons: string[]): ShellWord {
  const p = part(node, true, reasons);
  return { text: node.text, ...p };
}
