import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { BUILTIN_TOOLS } from '../../../src/core/tools/registry';

/**
 * The registry is the one place that knows the tools by name: no module
 * outside src/core/tools compares with, switches on or builds a call of a
 * built-in tool name. Checked on the syntax tree, so comments and
 * documentation may still name the tools.
 */
const ROOT = join(import.meta.dirname, '../../..');
const NAMES: ReadonlySet<string> = new Set(BUILTIN_TOOLS.map((t) => t.name));
const INSIDE_REGISTRY = 'src/core/tools/';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every string literal in `text` that is exactly a built-in tool name, with its line. */
export function toolNameLiterals(fileName: string, text: string): { line: number; name: string }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { line: number; name: string }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && NAMES.has(node.text)) {
      // A type such as ToolInput<'run_command'> names no tool at run time.
      if (!ts.isLiteralTypeNode(node.parent))
        found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, name: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the tool registry fence', () => {
  it('finds a switch on a tool name, a comparison and a built call, and ignores comments and types', () => {
    const code = [
      "// read_file is documented here, 'write_file' too",
      "type X = Input<'run_command'>;",
      "switch (t) { case 'read_file': break; }",
      'if (call.tool === "edit_file") {}',
      'guard.decide({ tool: `delete_file`, input });',
      "const label = 'read_file_fast';",
    ].join('\n');
    assert.deepEqual(
      toolNameLiterals('x.ts', code).map((f) => `${f.line} ${f.name}`),
      ['3 read_file', '4 edit_file', '5 delete_file'],
    );
  });

  it('holds: no module outside src/core/tools names a built-in tool in code', () => {
    const offenders = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'media'))]
      .map((f) => relative(ROOT, f).split('\\').join('/'))
      .filter((f) => !f.startsWith(INSIDE_REGISTRY))
      .flatMap((f) => toolNameLiterals(f, readFileSync(join(ROOT, f), 'utf8')).map((x) => `${f}:${x.line}: '${x.name}'`));
    assert.deepEqual(offenders, [], 'ask the tool registry (src/core/tools/registry.ts) instead of naming a tool');
  });
});
