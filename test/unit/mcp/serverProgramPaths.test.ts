import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serverProgramPaths } from '../../../src/node/mcp/stdioSandbox';

/** What of the host a stdio MCP server's sandbox shows for its own program: scripts and executables, never data files. */
describe('an MCP server program in its sandbox', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-mcp-program-')));
  after(() => rmSync(base, { recursive: true, force: true }));
  const pkg = join(base, 'tools', 'node_modules', 'srv', 'dist');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'index.js'), '');
  const bin = join(base, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'server'), '#!/bin/sh\n');
  chmodSync(join(bin, 'server'), 0o755);
  const creds = join(base, 'home', '.aws');
  mkdirSync(creds, { recursive: true });
  writeFileSync(join(creds, 'credentials'), 'secret');
  const ws = join(base, 'ws');
  mkdirSync(join(ws, 'node_modules'), { recursive: true });
  writeFileSync(join(ws, 'server.mjs'), '');
  const priv = join(base, 'private');
  mkdirSync(priv);
  writeFileSync(join(priv, 'x.js'), '');

  for (const c of [
    {
      name: 'a script: its folder and the node_modules above it',
      args: [join(pkg, 'index.js')],
      want: [pkg, join(base, 'tools', 'node_modules')],
    },
    { name: 'an executable: its folder', command: join(bin, 'server'), args: [], want: [bin] },
    { name: 'a data file named as an argument: nothing', args: [join(creds, 'credentials')], want: [] },
    {
      name: 'a script inside the workspace: nothing more (the workspace is bound with its whiteouts)',
      args: [join(ws, 'server.mjs')],
      want: [],
    },
    { name: 'a script in a private folder: nothing', args: [join(priv, 'x.js')], want: [] },
    { name: 'relative words and missing paths: nothing', args: ['index.js', join(base, 'missing.js')], want: [] },
  ]) {
    it(c.name, () => assert.deepEqual(serverProgramPaths(c.command ?? 'node', c.args, [ws], [priv]), [...c.want].sort()));
  }
});
