#!/usr/bin/env node
// `npm start`: builds and packages Warden, then opens it in a real VS Code on
// sample-workspace/ — the local `code` when there is one, otherwise
// code-server (the same one the end-to-end tests use) at a printed URL.
// Stays in the foreground until Ctrl-C (or until the VS Code window closes).
//   npm start [-- --port N] [-- --code-server]   (--code-server: skip a local `code`)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheRoot, ensureCodeServer, findExecutable, freePort, REPO_ROOT, startCodeServer } from './code-server.mjs';

const WORKSPACE = join(REPO_ROOT, 'sample-workspace');

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'code-server': { type: 'boolean', default: false } },
});

function packageExtension() {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const vsix = join(REPO_ROOT, `warden-${version}.vsix`);
  if (r.status !== 0 || !existsSync(vsix)) {
    console.error(`start: \`npm run package\` did not produce ${vsix}`);
    process.exit(1);
  }
  return vsix;
}

/** Opens the desktop VS Code; waits until its window closes. */
async function withLocalCode(code, vsix) {
  console.log(`start: installing ${vsix} into your VS Code (${code})`);
  const install = spawnSync(code, ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('start: installing the extension into VS Code failed');
    process.exit(1);
  }
  console.log(`start: opening ${WORKSPACE}; close the window (or press Ctrl-C) to finish`);
  const child = spawn(code, ['--new-window', '--wait', WORKSPACE], { stdio: 'inherit' });
  process.on('SIGINT', () => child.kill('SIGTERM'));
  const status = await new Promise((r) => child.once('exit', (c) => r(c ?? 0)));
  process.exit(status);
}

async function pickPort() {
  if (values.port) return Number(values.port);
  const wanted = Number(process.env.PORT ?? 8080);
  // 8080 when free, else any free port.
  const probe = await import('node:net').then(
    ({ createServer }) => new Promise((res) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(wanted, '127.0.0.1', () => srv.close(() => res(true)));
    }),
  );
  return probe ? wanted : freePort();
}

/** Runs code-server on 127.0.0.1 with the workspace; stops it on Ctrl-C. */
async function withCodeServer(vsix) {
  ensureCodeServer({ log: (m) => console.log(`start: ${m}`) });
  // Settings, extensions and chat history persist between runs here.
  const home = join(cacheRoot(), 'start');
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const port = await pickPort();
  const server = await startCodeServer({ workspace: WORKSPACE, vsix, port, userDataDir, extensionsDir });
  const url = `${server.url}/?folder=${encodeURIComponent(WORKSPACE)}`;
  console.log('');
  console.log(`  Warden is running in VS Code (code-server) at  ${url}`);
  console.log('  Open it in your browser; press Ctrl-C here to stop.');
  console.log('');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstart: stopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Stay in the foreground; report if the server dies on its own.
  const status = await server.exited;
  if (!stopping) {
    console.error(`start: code-server exited (${status}):\n${server.output().split('\n').slice(-20).join('\n')}`);
    await server.stop();
    process.exit(1);
  }
}

const vsix = packageExtension();
const code = values['code-server'] ? undefined : findExecutable('code');
if (code) await withLocalCode(code, vsix);
else await withCodeServer(vsix);
