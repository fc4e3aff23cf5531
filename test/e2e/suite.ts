// One fake model and one code-server per test file: the hooks every
// scripted-model suite shares. `workbenchWithModel` registers `before` (start
// the fake with the script, launch the workbench pointed at it, hand both to
// `launched`, then `ready`) and `after` (close both).
import { after, before } from 'node:test';
import type { FakeScript } from '../fixtures/fake-anthropic/script';
import { startFakeModel, type FakeModel } from './fakeModel';
import { launchWorkbench, type LaunchedWorkbench, type LaunchOptions } from './harness';

export interface ModelSuite {
  readonly wb: LaunchedWorkbench;
  readonly model: FakeModel;
}

export interface ModelSuiteOptions extends Omit<LaunchOptions, 'env'> {
  /** Environment added to the fake model's (which points Warden at it). */
  readonly env?: Record<string, string>;
  /** Runs once the workbench is up (e.g. set the API key), inside `before`. */
  readonly ready?: (s: ModelSuite) => Promise<void>;
}

export function workbenchWithModel(
  script: FakeScript | string | (() => FakeScript | string),
  opts: ModelSuiteOptions | (() => ModelSuiteOptions),
  launched: (s: ModelSuite) => void,
): void {
  let model: FakeModel | undefined;
  let wb: LaunchedWorkbench | undefined;
  before(
    async () => {
      model = await startFakeModel(typeof script === 'function' ? script() : script);
      const launch = model.launchOptions();
      const { ready, env, settings, ...rest } = typeof opts === 'function' ? opts() : opts;
      wb = await launchWorkbench({ ...rest, env: { ...launch.env, ...env }, settings: { ...launch.settings, ...settings } });
      const s = { wb, model };
      launched(s);
      await ready?.(s);
    },
    { timeout: 5 * 60_000 },
  );
  after(
    async () => {
      await wb?.close();
      await model?.stop();
    },
    { timeout: 60_000 },
  );
}
