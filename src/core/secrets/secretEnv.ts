import type { SecretStore } from './store';

export interface SecretEnvRequest {
  /** What `Guard.secretsGrantedTo(command)` answered for this command line. */
  readonly granted: readonly string[];
  /** The names the model asked for (`run_command.secrets`). */
  readonly requested: readonly string[];
  /** True only when a person approved this exact call. */
  readonly approvedByPerson: boolean;
}

export interface SecretEnvPlan {
  /** Requested and granted: these, and only these, are injected. */
  readonly inject: readonly string[];
  /** Requested but not granted to this command: never injected. */
  readonly notGranted: readonly string[];
}

/** Which requested secrets may be injected. Without a person's approval nothing is. */
export function planSecretEnv(req: SecretEnvRequest): SecretEnvPlan {
  const granted = new Set(req.granted);
  const requested = [...new Set(req.requested)];
  const inject = req.approvedByPerson ? requested.filter((n) => granted.has(n)) : [];
  const notGranted = requested.filter((n) => !granted.has(n));
  return { inject, notGranted };
}

export interface SecretEnv {
  /** Name → value, for `RunRequest.secretEnv`. Secrets not granted are absent. */
  readonly env: Readonly<Record<string, string>>;
  readonly plan: SecretEnvPlan;
  /** Granted and requested, but no value is stored under that name. */
  readonly missing: readonly string[];
}

/** Builds the environment of an approved call from values already read (pure). */
export function buildSecretEnv(req: SecretEnvRequest, values: Readonly<Record<string, string | undefined>>): SecretEnv {
  const plan = planSecretEnv(req);
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of plan.inject) {
    const v = Object.hasOwn(values, name) ? values[name] : undefined;
    if (v === undefined || v === '') missing.push(name);
    else env[name] = v;
  }
  return { env, plan, missing };
}

/** Same, reading only the injected names from the store (nothing else is read). */
export async function loadSecretEnv(req: SecretEnvRequest, store: SecretStore): Promise<SecretEnv> {
  const plan = planSecretEnv(req);
  const values: Record<string, string | undefined> = {};
  for (const name of plan.inject) values[name] = await store.get(name);
  return buildSecretEnv(req, values);
}
