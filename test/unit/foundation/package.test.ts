import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const vsce = join(root, 'node_modules', '.bin', 'vsce');

describe(
  'the packaged extension (VSIX)',
  { skip: !existsSync(join(root, 'dist', 'extension.js')) && 'dist/ is not built: run npm run build first' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-vsix-'));
    const vsix = join(dir, 'warden.vsix');

    // 1.42 MB before the second bash parser (mvdan/sh, about 310 KB compressed) joined the guard;
    // 1.76 MB before the OpenTelemetry audit export (dist/otlp-export.js, about 74 KB compressed,
    // loaded only when an OTLP destination is set); 1.84 MB before the MCP client
    // (dist/mcp-sdk.js, about 90 KB compressed, loaded only when a task starts MCP servers).
    it('packages into a VSIX under 2 MB holding only what runs', { timeout: 120_000 }, () => {
      try {
        execFileSync(vsce, ['package', '--no-dependencies', '--skip-license', '-o', vsix], { cwd: root, stdio: 'pipe' });
        const size = statSync(vsix).size;
        assert.ok(size < 2 * 1024 * 1024, `VSIX is ${(size / 1024 / 1024).toFixed(2)} MB`);
        const listing = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
        for (const needed of [
          'dist/extension.js',
          'dist/anthropic-sdk.js',
          'dist/mvdan-sh.js',
          'dist/sandbox-host.js',
          'dist/otlp-export.js',
          'dist/mcp-sdk.js',
          'dist/tree-sitter-bash.wasm',
          'dist/media/chat.js',
          'package.json',
          'README.md',
          'LICENSE',
        ]) {
          assert.ok(listing.includes(needed), `${needed} is missing from the VSIX`);
        }
        for (const file of listing) {
          assert.doesNotMatch(file, /\.ts$|^src\/|^test\/|^node_modules\/|^dist\/cli\.js$/, `${file} should not ship`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
