import { dirname, join } from 'node:path';
import { Language, Parser, type Node } from '@vscode/tree-sitter-wasm';
import type { ShellParser, ShellSyntaxNode } from '../core/policy/guard';
import { createShellConfirmer } from './shellConfirm';

/**
 * Loads the tree-sitter runtime and the bash grammar from `wasmDir` (in the
 * bundle: `dist/`, beside `cli.js`/`extension.js`; in tests:
 * `wasmDirFromNodeModules()`), and the second, independent parser
 * (mvdan/sh), once. The returned parser is synchronous.
 */
export async function loadShellParser(wasmDir: string): Promise<ShellParser> {
  await Parser.init({ locateFile: (file: string) => join(wasmDir, file) });
  const bash = await Language.load(join(wasmDir, 'tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(bash);
  const confirm = createShellConfirmer();
  return {
    confirm,
    parse<T>(commandLine: string, use: (root: ShellSyntaxNode) => T): T {
      parser.reset();
      const tree = parser.parse(commandLine);
      if (!tree) throw new Error('the shell parser returned no tree');
      try {
        return use(tree.rootNode as Node & ShellSyntaxNode);
      } finally {
        tree.delete();
      }
    },
  };
}

/**
 * The folder of `@vscode/tree-sitter-wasm`'s wasm files in node_modules, for
 * tests and runs from source (the bundle uses its own folder instead).
 */
export function wasmDirFromNodeModules(): string {
  return dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
}
