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
import {
  cacheRoot,
  CODE_SERVER_VERSION,
  findExecutable,
  freePort,
  isCodeServerInstalled,
  REPO_ROOT,
  startCodeServer,
} from './code-server.mjs';

const WORKSPACE = join(REPO_ROOT, 'sample-workspace');

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'code-server': { type: 'boolean', default: false } },
});

/** Builds and packages; prints one line (vsce's file tree only when it fails). */
function packageExtension() {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = Date.now();
  console.log('start: building and packaging Warden (about 15 s)…');
  const r = spawnSync(npm, ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const vsix = join(REPO_ROOT, `warden-${version}.vsix`);
  if (r.status !== 0 || !existsSync(vsix)) {
    console.error(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n'));
    console.error(`start: \`npm run package\` did not produce ${vsix}`);
    process.exit(1);
  }
  const done = /Packaged: .*\(([^)]*)\)/.exec(r.stdout ?? '')?.[1];
  console.log(`start: packaged ${vsix}${done ? ` (${done})` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return vsix;
}

/**
 * Installs code-server into the cache when it is not there yet, in a child
 * process so this one can say it is still working: the install runs npm
 * with native builds and takes about 3 minutes on 2 cores.
 */
async function ensureCodeServerWithProgress() {
  if (isCodeServerInstalled()) return;
  console.log(`start: installing code-server ${CODE_SERVER_VERSION} into ${cacheRoot()} — once; about 3 minutes on 2 cores`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    import { ensureCodeServer } from ${JSON.stringify(new URL('./code-server.mjs', import.meta.url).href)};
    try { ensureCodeServer({ log: (m) => console.log('start: ' + m) }); } catch (e) { console.error(String(e instanceof Error ? e.message : e)); process.exit(1); }
  `,
    ],
    { stdio: 'inherit' },
  );
  const tick = setInterval(
    () => console.log(`start: still installing code-server (${((Date.now() - started) / 1000).toFixed(0)} s)…`),
    20_000,
  );
  const status = await new Promise((r) => child.once('exit', (c) => r(c ?? 1)));
  clearInterval(tick);
  if (status !== 0) {
    console.error('start: installing code-server failed (see above)');
    process.exit(1);
  }
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
    ({ createServer }) =>
      new Promise((res) => {
        const srv = createServer();
        srv.once('error', () => res(false));
        srv.listen(wanted, '127.0.0.1', () => srv.close(() => res(true)));
      }),
  );
  return probe ? wanted : freePort();
}

/** Runs code-server on 127.0.0.1 with the workspace; stops it on Ctrl-C. */
async function withCodeServer(vsix) {
  await ensureCodeServerWithProgress();
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
