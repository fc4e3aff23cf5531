#!/usr/bin/env node
// Bundles the extension (Node, cjs, `vscode` external), the CLI (with a shebang)
// and the webview scripts (browser). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, cpSync, mkdirSync } from 'node:fs';
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
  // wasmDirFromNodeModules() (require.resolve) serves runs from source only; bundles load the grammar from dist/.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

/**
 * The Anthropic SDK is loaded only when a task starts (a dynamic import in
 * src/node/anthropic/anthropicClient.ts). It gets a bundle of its own,
 * dist/anthropic-sdk.js, that the extension and the CLI require on first use,
 * so activation does not parse it.
 */
const sdkApart = {
  name: 'anthropic-sdk-apart',
  setup(build) {
    build.onResolve({ filter: /^@anthropic-ai\/sdk$/ }, () => ({ path: './anthropic-sdk.js', external: true }));
  },
};

/**
 * The second bash parser (mvdan/sh built to JavaScript, about 1.3 MB) is
 * loaded with the guard, not at activation: a bundle of its own,
 * dist/mvdan-sh.js, required by src/node/shellConfirm.ts.
 */
const mvdanApart = {
  name: 'mvdan-sh-apart',
  setup(build) {
    build.onResolve({ filter: /^mvdan-sh$/ }, () => ({ path: './mvdan-sh.js', external: true }));
  },
};

/**
 * The MCP client (@modelcontextprotocol/sdk with its validator) is loaded
 * only when a task starts MCP servers: src/node/mcp/servers.ts imports
 * ./mcpSdk dynamically, and that module is a bundle of its own,
 * dist/mcp-sdk.js.
 */
const mcpApart = {
  name: 'mcp-sdk-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/mcpSdk$/ }, () => ({ path: './mcp-sdk.js', external: true }));
  },
};

/**
 * The OpenTelemetry SDK and OTLP exporter (the audit export) load only when
 * an OTLP destination is set: a bundle of its own, dist/otlp-export.js,
 * required by src/node/audit/otlpTarget.ts on its first send.
 */
const otlpApart = {
  name: 'otlp-export-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/otlpBundle$/ }, () => ({ path: './otlp-export.js', external: true }));
  },
};

/**
 * Worker threads, each a bundle of its own beside dist/extension.js and
 * dist/cli.js: the listing index's (src/node/search/stampCheck.ts,
 * dist/stamp-check.js: node:fs and the stamp check only), and the parallel
 * audit log reader's (src/node/audit/parallelRead.ts, used by `warden audit
 * verify|show|export`, dist/audit-facts.js). The extension does not read logs
 * in parallel, so the VSIX leaves the second out (.vscodeignore).
 */
const builds = [
  {
    ...common,
    entryPoints: {
      'mcp-sdk': 'src/node/mcp/mcpSdk.ts',
      'otlp-export': 'src/node/audit/otlpBundle.ts',
      'stamp-check': 'src/node/search/stampWorker.ts',
      'audit-facts': 'src/node/audit/factsWorker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { 'mvdan-sh': 'node_modules/mvdan-sh/index.js' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { 'anthropic-sdk': 'node_modules/@anthropic-ai/sdk/index.js' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [sdkApart, mvdanApart, mcpApart, otlpApart],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [sdkApart, mvdanApart, mcpApart, otlpApart],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The sandbox host, forked by the sandbox-runtime runner (src/node/sandbox/host.ts).
    // sandbox-runtime is ESM and finds its helpers (vendor/) from import.meta.url:
    // point that at this bundle, beside which vendor/ is copied below.
    ...common,
    entryPoints: { 'sandbox-host': 'src/node/sandbox/host.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { 'import.meta.url': '__wardenImportMetaUrl' },
    banner: { js: 'const __wardenImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  },
  {
    ...common,
    entryPoints: { chat: 'media/chat/main.ts', audit: 'media/audit/main.ts', preview: 'media/preview/main.ts' },
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
// sandbox-runtime's Linux helpers (seccomp filter, JVM proxy agent), looked up beside dist/sandbox-host.js.
const asrtVendor = require.resolve('@anthropic-ai/sandbox-runtime/package.json').replace(/package\.json$/, 'vendor/');
for (const part of ['seccomp', 'java-proxy-agent'])
  cpSync(asrtVendor + part, `dist/vendor/${part}`, { recursive: true, filter: (src) => !src.endsWith('.ts') });

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
