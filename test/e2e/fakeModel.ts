// Runs the fake Anthropic server (test/fixtures/fake-anthropic/cli.ts) in its
// own process group for a suite, and hands the workbench what it needs to use
// it. Typical use:
//
//   const model = await startFakeModel({ turns: [{ content: [{ type: 'text', text: 'Hi' }] }] });
//   const wb = await launchWorkbench({ suite: 'chat', ...model.launchOptions() });
//   …  model.requests()  …
//   await wb.close(); await model.stop();
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeScript } from '../fixtures/fake-anthropic/script';
import type { RecordedRequest } from '../fixtures/fake-anthropic/server';
import { REPO_ROOT } from './codeServer';
import type { LaunchOptions } from './harness';

export interface FakeModel {
  readonly url: string;
  /** Every request the fake received so far (read from its record file). */
  requests(): RecordedRequest[];
  /** `env` and `settings` for launchWorkbench that point Warden at this server. */
  launchOptions(): Pick<LaunchOptions, 'env' | 'settings'>;
  stop(): Promise<void>;
}

const CLI = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'cli.ts');

/** Starts the fake with `script` (an object, or the path of a JSON script file). */
export async function startFakeModel(script: FakeScript | string, timeoutMs = 30_000): Promise<FakeModel> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-fake-model-'));
  const scriptFile = typeof script === 'string' ? script : join(dir, 'script.json');
  if (typeof script !== 'string') writeFileSync(scriptFile, JSON.stringify(script));
  const recordFile = join(dir, 'requests.json');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--script', scriptFile, '--record', recordFile], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const onExit = (): void => kill('SIGKILL');
  process.once('exit', onExit);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake model did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /listening (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`fake model exited before it was ready:\n${output}`));
    });
  }).catch((e: unknown) => {
    kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    url,
    requests(): RecordedRequest[] {
      try {
        return JSON.parse(readFileSync(recordFile, 'utf8')) as RecordedRequest[];
      } catch {
        return [];
      }
    },
    launchOptions() {
      return {
        env: { ANTHROPIC_BASE_URL: url },
        settings: { 'warden.anthropic.baseUrl': url },
      };
    },
    async stop(): Promise<void> {
      kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      kill('SIGKILL');
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
