#!/usr/bin/env node
// Bundles the extension (Node, cjs, `vscode` external), the CLI (with a shebang)
// and the webview scripts (browser). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = !watch;

const common = {
  bundle: true,
  sourcemap: production ? false : 'inline',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { chat: 'media/chat/main.ts' },
    outdir: 'dist/media',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

mkdirSync('dist', { recursive: true });
// The bash grammar and the tree-sitter runtime are loaded from disk at run time.
const wasmDir = require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm').replace(/tree-sitter\.wasm$/, '');
copyFileSync(wasmDir + 'tree-sitter.wasm', 'dist/tree-sitter.wasm');
copyFileSync(wasmDir + 'tree-sitter-bash.wasm', 'dist/tree-sitter-bash.wasm');

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
