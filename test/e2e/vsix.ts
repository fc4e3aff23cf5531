// Builds and packages the extension for the end-to-end tests, once.
// scripts/run-e2e.mjs packages before the test files start and passes the
// path in WARDEN_E2E_VSIX; a test file run on its own packages it itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './codeServer';

export const VSIX_ENV = 'WARDEN_E2E_VSIX';

/** Where the e2e VSIX goes: not the repo root, so `npm run package`'s file is left alone. */
export function defaultVsixPath(cacheRoot: string): string {
  return join(cacheRoot, 'e2e', 'warden-e2e.vsix');
}

function step(what: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Builds dist/ and packages it into `out`. */
export function packageVsix(out: string): string {
  mkdirSync(join(out, '..'), { recursive: true });
  step('build', process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')]);
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  step('vsce package', process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '-o', out]);
  return out;
}

let packaged: string | undefined;

/** The VSIX under test: $WARDEN_E2E_VSIX when set, else built and packaged once per process. */
export function ensureVsix(cacheRoot: string): string {
  const fromEnv = process.env[VSIX_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${VSIX_ENV}=${fromEnv}: no such file`);
    return fromEnv;
  }
  packaged ??= packageVsix(defaultVsixPath(cacheRoot));
  return packaged;
}
