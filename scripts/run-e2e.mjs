#!/usr/bin/env node
// `npm run test:e2e`: the end-to-end tests in a real VS Code (code-server) and
// a real Chromium. Checks the system packages, installs code-server into the
// cache (once), builds and packages the extension (once per run), then runs
// test/e2e/*.e2e.ts with Node's test runner, one file at a time.
//   node scripts/run-e2e.mjs [name-filter…]   e.g. `npm run test:e2e -- activation`
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureCodeServer, findExecutable, isCodeServerInstalled, REPO_ROOT } from './code-server.mjs';

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
/** Longest the whole test run may take before everything is killed. */
const RUN_TIMEOUT_MS = Number(process.env.WARDEN_E2E_TIMEOUT_MS ?? 30 * 60_000);

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** What is missing on this machine, as Debian package names with the reason. */
function missingPrerequisites() {
  const missing = [];
  const chromium = process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) missing.push(['chromium', `the browser the tests drive (${chromium})`]);
  if (!isCodeServerInstalled()) {
    // Needed only to install code-server: its native modules build here.
    if (!findExecutable('rg')) missing.push(['ripgrep', 'stands in for the ripgrep download code-server would fetch from GitHub']);
    if (!findExecutable('krb5-config') && !dpkgInstalled('libkrb5-dev')) {
      missing.push(['libkrb5-dev', "headers for code-server's kerberos module"]);
    }
    for (const [tool, pkg] of [
      ['make', 'make'],
      ['g++', 'g++'],
      ['python3', 'python3'],
    ]) {
      if (!findExecutable(tool)) missing.push([pkg, `${tool}, to build code-server's native modules`]);
    }
  }
  return missing;
}

function collectTests(filters) {
  const dir = join(REPO_ROOT, 'test', 'e2e');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.e2e.ts'))
    .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
    .sort()
    .map((n) => join('test', 'e2e', n));
}

function packageVsix() {
  // Inside this checkout, not the cache: checkouts that share a cache (WARDEN_CACHE_DIR) must not test each other's build.
  const out = join(REPO_ROOT, '.tmp', 'e2e', 'warden-e2e.vsix');
  rmSync(out, { force: true });
  mkdirSync(dirname(out), { recursive: true });
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const pack = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '-o', out], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`vsce package failed:\n${pack.stdout}\n${pack.stderr}`);
  return out;
}

async function main() {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    console.error('e2e: missing Debian packages:');
    for (const [pkg, why] of missing) console.error(`  ${pkg}  (${why})`);
    console.error(`install them with: sudo scripts/install-system-deps.sh   (or: apt-get install ${missing.map((m) => m[0]).join(' ')})`);
    process.exit(1);
  }
  const files = collectTests(process.argv.slice(2));
  if (files.length === 0) {
    console.error(`e2e: no test/e2e/*.e2e.ts files match ${process.argv.slice(2).join(', ')}`);
    process.exit(1);
  }
  const cs = ensureCodeServer({ log: (m) => console.log(`e2e: ${m}`) });
  console.log(`e2e: code-server ${cs.version} ${cs.installed ? 'installed' : 'from cache'} (${seconds()} s)`);
  const vsix = packageVsix();
  console.log(`e2e: packaged ${vsix} (${seconds()} s)`);

  const pidsDir = mkdtempSync(join(tmpdir(), 'warden-e2e-pids-'));
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, WARDEN_E2E_VSIX: vsix, WARDEN_E2E_PIDS_DIR: pidsDir },
  });
  const killGroup = (pid) => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // The test runner's group, then every code-server group a test file left running.
  const killAll = () => {
    killGroup(child.pid);
    if (!existsSync(pidsDir)) return;
    for (const name of readdirSync(pidsDir)) {
      const pid = Number(name);
      if (Number.isInteger(pid) && pid > 1) killGroup(pid);
    }
    rmSync(pidsDir, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    console.error(`e2e: still running after ${RUN_TIMEOUT_MS / 1000} s; killing it`);
    killAll();
  }, RUN_TIMEOUT_MS);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  const [code, signal] = await new Promise((res) => child.once('exit', (c, s) => res([c, s])));
  clearTimeout(watchdog);
  // The test processes kill their own servers; this catches anything a crash left behind.
  killAll();
  console.log(`e2e: finished in ${seconds()} s; screenshots and logs in test-results/e2e/`);
  process.exit(code ?? (signal ? 1 : 0));
}

main().catch((e) => {
  console.error(`e2e: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
