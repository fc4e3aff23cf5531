import { isSecretName } from '../../core/secrets/secretName';
import type { SecretStore } from '../../core/secrets/store';

/**
 * The CLI's SecretStore: values come from the process environment, under the
 * names Warden knows as secrets (those `warden.secrets` grants, and the API
 * key). `set` and `delete` change an in-memory overlay for this run only —
 * nothing is persisted — and say so through `notice`.
 */
export class EnvSecretStore implements SecretStore {
  /** A value, or null for "deleted in this run". */
  private readonly overlay = new Map<string, string | null>();

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly names: readonly string[],
    private readonly notice: (message: string) => void = () => undefined,
  ) {}

  get(name: string): Promise<string | undefined> {
    check(name);
    if (this.overlay.has(name)) return Promise.resolve(this.overlay.get(name) ?? undefined);
    if (!this.names.includes(name)) return Promise.resolve(undefined);
    const v = this.env[name];
    return Promise.resolve(v === undefined || v === '' ? undefined : v);
  }

  set(name: string, value: string): Promise<void> {
    check(name);
    if (value.length === 0) return Promise.reject(new Error(`secret ${name}: the value is empty`));
    this.overlay.set(name, value);
    this.notice(`secret ${name} set for this run only: the CLI reads secrets from the environment and stores nothing`);
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    check(name);
    this.overlay.set(name, null);
    this.notice(`secret ${name} removed for this run only: unset it in your environment to remove it for good`);
    return Promise.resolve();
  }

  async list(): Promise<string[]> {
    const names = new Set<string>();
    for (const n of new Set([...this.names, ...this.overlay.keys()])) if ((await this.get(n)) !== undefined) names.add(n);
    return [...names].sort();
  }
}

function check(name: string): void {
  if (!isSecretName(name)) throw new Error(`invalid secret name '${name.slice(0, 60)}': use an environment variable name`);
}
