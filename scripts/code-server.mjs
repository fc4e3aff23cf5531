// Installs and runs code-server (VS Code in the browser) for `npm start` and
// the end-to-end tests. Everything lives in a cache folder inside the repo
// (`.warden-cache/code-server/<version>/`, or under $WARDEN_CACHE_DIR) and is
// reused while the version matches. See ../../shared/notes/e2e-vscode.md in
// the design notes for why each step is here.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** User settings that keep the workbench quiet and deterministic. */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
});

/** Root of every cached download: $WARDEN_CACHE_DIR or `<repo>/.warden-cache`. */
export function cacheRoot() {
  const fromEnv = process.env.WARDEN_CACHE_DIR;
  return fromEnv ? resolve(fromEnv) : join(REPO_ROOT, '.warden-cache');
}

/** Where one version of code-server is installed. */
export function codeServerHome(version = CODE_SERVER_VERSION) {
  return join(cacheRoot(), 'code-server', version);
}

function entryOf(home) {
  return join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function markerOf(home) {
  return join(home, 'installed.json');
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function must(cmd, args, opts, what) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    throw new Error(`${what} failed (${cmd} ${args.join(' ')}, exit ${r.status}):\n${tail(r.stdout)}\n${tail(r.stderr)}`);
  }
  return r;
}

function tail(text, lines = 40) {
  return (text ?? '').split('\n').slice(-lines).join('\n');
}

/** Reads one file out of a .tgz without unpacking the rest. */
function readFromTarball(tgz, inner) {
  return must('tar', ['-xzOf', tgz, inner], {}, `reading ${inner} from ${tgz}`).stdout;
}

/** `npm pack <spec>` into `dir`; returns the tarball path (the download also fills npm's cache). */
function npmPack(spec, dir, env) {
  const r = must('npm', ['pack', spec, '--json', '--pack-destination', dir], { cwd: dir, env }, `npm pack ${spec}`);
  const info = JSON.parse(r.stdout);
  return join(dir, info[0].filename);
}

/**
 * @vscode/ripgrep downloads rg from GitHub in its postinstall, unreachable
 * here. Its postinstall first looks for the release tarball in
 * `$TMPDIR/vscode-ripgrep-cache-<its version>/`: put Debian's rg there.
 */
function placeRipgrepTarball(work, tmp, env, vscodeShrinkwrap) {
  const rgPkg = vscodeShrinkwrap.packages?.['node_modules/@vscode/ripgrep'];
  if (!rgPkg?.version) throw new Error('code-server: @vscode/ripgrep not found in lib/vscode/npm-shrinkwrap.json');
  const rgTgz = npmPack(`@vscode/ripgrep@${rgPkg.version}`, work, env);
  const postinstall = readFromTarball(rgTgz, 'package/lib/postinstall.js');
  const m = /const VERSION = '([^']+)'/.exec(postinstall);
  if (!m) throw new Error('code-server: could not read the ripgrep release version from @vscode/ripgrep/lib/postinstall.js');
  const rg = findExecutable('rg');
  if (!rg) throw new Error('code-server: ripgrep is missing (Debian package `ripgrep`)');
  const arch = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const cacheDir = join(tmp, `vscode-ripgrep-cache-${rgPkg.version}`);
  mkdirSync(cacheDir, { recursive: true });
  const stage = join(work, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  copyFileSync(rg, join(stage, 'rg'));
  must('tar', ['-czf', join(cacheDir, `ripgrep-${m[1]}-${arch}.tar.gz`), '-C', stage, 'rg'], {}, 'packing rg');
}

export function findExecutable(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** True when `version` is installed and complete in the cache. */
export function isCodeServerInstalled(version = CODE_SERVER_VERSION) {
  const home = codeServerHome(version);
  try {
    const marker = JSON.parse(readFileSync(markerOf(home), 'utf8'));
    return marker.version === version && existsSync(entryOf(home));
  } catch {
    return false;
  }
}

/**
 * Installs code-server `version` into the cache unless it is already there.
 * Returns `{ home, entry, version, installed }` (`installed`: true when this
 * call did the install). Takes about 1.5 minutes and 300 MB the first time.
 */
export function ensureCodeServer({ version = CODE_SERVER_VERSION, log = (m) => console.error(m) } = {}) {
  const home = codeServerHome(version);
  if (isCodeServerInstalled(version)) return { home, entry: entryOf(home), version, installed: false };
  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`code-server ${version} needs Node 20; this is Node ${process.versions.node}`);
  }
  const parent = dirname(home);
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, `.install-${version}-`));
  const staging = join(work, 'prefix');
  const tmp = join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  log(`code-server ${version}: installing into ${home} (once; about 3 minutes on 2 cores)…`);
  const env = {
    ...process.env,
    TMPDIR: tmp,
    // As root, code-server's postinstall refuses without unsafe-perm.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`; the user npmrc says yes=false.
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  try {
    const csTgz = npmPack(`code-server@${version}`, work, env);
    const vscodeShrinkwrap = JSON.parse(readFromTarball(csTgz, 'package/lib/vscode/npm-shrinkwrap.json'));
    placeRipgrepTarball(work, tmp, env, vscodeShrinkwrap);
    // npm 11 skips dependencies' install scripts unless allowed, and
    // code-server needs its own postinstall plus its native modules'
    // (node-pty, spdlog, kerberos, @parcel/watcher, @vscode/ripgrep…) built by
    // the nested `npm install`s that postinstall runs. Those are
    // project-scoped installs, where npm refuses an `allow-scripts` list
    // coming from the command line or the environment (and a list given to
    // this npm would reach them through the environment), so the only switch
    // both levels honour is allowing scripts for this one install. The tree is
    // code-server's own, pinned by its npm-shrinkwrap.json files.
    const allowFlag = '--dangerously-allow-all-scripts';
    // A project-scoped install (not --global: a global install would make the
    // nested `npm install`s install their own folder globally).
    mkdirSync(staging, { recursive: true });
    writeFileSync(
      join(staging, 'package.json'),
      JSON.stringify(
        {
          name: 'warden-code-server-cache',
          private: true,
          dependencies: { 'code-server': version },
        },
        null,
        2,
      ),
    );
    const r = run('npm', ['install', '--no-package-lock', '--omit=dev', allowFlag], { cwd: staging, env });
    writeFileSync(join(parent, 'install.log'), `${r.stdout}\n${r.stderr}`);
    if (r.status !== 0 || !existsSync(entryOf(staging))) {
      throw new Error(
        `code-server ${version}: npm install failed (exit ${r.status}); log: ${join(parent, 'install.log')}\n${tail(r.stdout)}\n${tail(r.stderr)}`,
      );
    }
    const vscodeModules = join(staging, 'node_modules/code-server/lib/vscode/node_modules');
    for (const built of ['@vscode/ripgrep/bin/rg', 'node-pty/build/Release/pty.node', '@vscode/spdlog/build/Release/spdlog.node']) {
      if (!existsSync(join(vscodeModules, built))) {
        throw new Error(`code-server ${version}: install scripts did not produce ${built}; log: ${join(parent, 'install.log')}`);
      }
    }
    writeFileSync(markerOf(staging), JSON.stringify({ version, installedAt: new Date().toISOString() }, null, 2));
    rmSync(home, { recursive: true, force: true });
    renameSync(staging, home);
    log(`code-server ${version}: installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { home, entry: entryOf(home), version, installed: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** XDG dirs inside `base`, so code-server and the browser leave $HOME alone. */
export function xdgEnv(base) {
  const env = {
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_CACHE_HOME: join(base, 'cache'),
  };
  for (const d of Object.values(env)) mkdirSync(d, { recursive: true });
  return env;
}

/** Merges `settings` into `<userDataDir>/User/settings.json` (creating it). */
export function writeUserSettings(userDataDir, settings) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    current = {};
  }
  writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2));
  return file;
}

function cliArgs({ extensionsDir, userDataDir, configFile }) {
  return ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--config', configFile];
}

function prepareDirs(opts) {
  const scratch = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'warden-code-server-'));
  const userDataDir = opts.userDataDir ?? join(scratch, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(scratch, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const configFile = join(scratch, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  return { scratch, userDataDir, extensionsDir, configFile, xdg: xdgEnv(join(scratch, 'xdg')) };
}

/**
 * Installs a .vsix into an extensions dir (copying a folder there does not
 * work: code-server keeps its own extensions.json). Returns the CLI output.
 */
export function installVsix(vsixPath, { extensionsDir, userDataDir, env = {} } = {}) {
  if (!extensionsDir || !userDataDir) throw new Error('installVsix needs extensionsDir and userDataDir');
  const { entry } = ensureCodeServer();
  const scratch = mkdtempSync(join(tmpdir(), 'warden-vsix-'));
  try {
    const configFile = join(scratch, 'config.yaml');
    writeFileSync(configFile, 'auth: none\ncert: false\n');
    const r = must(
      process.execPath,
      [entry, ...cliArgs({ extensionsDir, userDataDir, configFile }), '--install-extension', resolve(vsixPath), '--force'],
      {
        env: { ...process.env, ...xdgEnv(join(scratch, 'xdg')), ...env },
      },
      `installing ${vsixPath} into code-server`,
    );
    return r.stdout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function waitHealthy(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(output.join(''))}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${tail(output.join(''))}`);
}

/**
 * Starts code-server on 127.0.0.1 in its own process group.
 *
 * opts: { workspace, port?, extensionsDir?, userDataDir?, env?, trust = true,
 *         settings?, vsix?, host = '127.0.0.1', readyTimeoutMs = 60000, onOutput? }
 *   - env: extra environment for the server and so for the extension host
 *     (e.g. ANTHROPIC_BASE_URL of a fake model server).
 *   - trust: false leaves Workspace Trust on, so the folder opens in
 *     Restricted Mode.
 *   - settings: merged over QUIET_SETTINGS into the user settings.json.
 *   - vsix: installed into the extensions dir before the server starts.
 *
 * Resolves to { url, port, pid, userDataDir, extensionsDir, output(), exited, stop() }.
 * `stop()` kills the whole process group and removes the temp dirs this call
 * created (not dirs the caller passed in).
 */
export async function startCodeServer(opts) {
  if (!opts?.workspace) throw new Error('startCodeServer needs a workspace folder');
  const { entry } = ensureCodeServer();
  const dirs = prepareDirs(opts);
  const trust = opts.trust ?? true;
  writeUserSettings(dirs.userDataDir, {
    ...QUIET_SETTINGS,
    'security.workspace.trust.enabled': trust ? false : true,
    // Untrusted: open straight in Restricted Mode, without the modal prompt
    // (a test that wants the prompt sets this back to 'once' in `settings`).
    ...(trust ? {} : { 'security.workspace.trust.startupPrompt': 'never' }),
    ...(opts.settings ?? {}),
  });
  if (opts.vsix) installVsix(opts.vsix, { extensionsDir: dirs.extensionsDir, userDataDir: dirs.userDataDir });
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort());
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? ['--disable-workspace-trust'] : []),
    ...cliArgs(dirs),
    resolve(opts.workspace),
  ];
  // A managed policy for this server only: its own mount namespace shows the
  // given folder at /etc/warden (root only; the host's /etc/warden, created
  // empty if missing, is left as it was).
  let command = process.execPath;
  let argv = args;
  if (opts.managedPolicyDir) {
    mkdirSync('/etc/warden', { recursive: true, mode: 0o755 });
    command = 'unshare';
    argv = [
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      'mount --bind "$0" /etc/warden && exec "$@"',
      resolve(opts.managedPolicyDir),
      process.execPath,
      ...args,
    ];
  }
  const child = spawn(command, argv, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...dirs.xdg, ...(opts.env ?? {}) },
  });
  const output = [];
  const onData = (chunk) => {
    const s = chunk.toString();
    output.push(s);
    opts.onOutput?.(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.once('exit', r));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child, exited);
    for (const d of [opts.userDataDir ? null : dirs.userDataDir, opts.extensionsDir ? null : dirs.extensionsDir]) {
      if (d) rmSync(d, { recursive: true, force: true });
    }
    rmSync(dirs.scratch, { recursive: true, force: true });
  };
  const url = `http://${host}:${port}`;
  try {
    await waitHealthy(url, child, output, opts.readyTimeoutMs ?? 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    port,
    pid: child.pid,
    userDataDir: dirs.userDataDir,
    extensionsDir: dirs.extensionsDir,
    output: () => output.join(''),
    /** Settles with the exit code (or signal name) when the server exits. */
    exited: exited.then(() => child.exitCode ?? child.signalCode),
    stop,
  };
}

/** SIGTERM to the process group, SIGKILL after 5 s if anything is still alive. */
async function killGroup(child, exited) {
  if (child.pid === undefined) return;
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // group already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    const timer = new Promise((r) => setTimeout(r, 5000, 'timeout'));
    await Promise.race([exited, timer]);
  }
  // Whatever the leader did, make sure no straggler (extension host, pty host) survives.
  signal('SIGKILL');
}

// `node scripts/code-server.mjs install` pre-fills the cache (CI may run it on its own).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'install';
  if (cmd === 'install') {
    const r = ensureCodeServer();
    console.log(r.installed ? `installed ${r.home}` : `already installed: ${r.home}`);
  } else {
    console.error('usage: node scripts/code-server.mjs install');
    process.exit(2);
  }
}
