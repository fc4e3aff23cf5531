import type * as vscode from 'vscode';
import * as z from 'zod';
import { secretNameSchema } from '../../core/secrets/secretName';
import type { SecretStore } from '../../core/secrets/store';

const KEY_PREFIX = 'warden.secret.';
/** SecretStorage cannot list its keys, so the names are kept under this key (names only, never values). */
export const INDEX_KEY = 'warden.secrets.index';
const indexSchema = z.array(secretNameSchema);

/**
 * SecretStore over VS Code SecretStorage (the OS keychain). Values are never
 * logged or shown; `list` answers from the separate index. Index updates are
 * serialised so concurrent sets and deletes do not lose names.
 */
export class SecretStorageStore implements SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const n = this.name(name);
    return (await this.storage.get(KEY_PREFIX + n)) ?? undefined;
  }

  set(name: string, value: string): Promise<void> {
    const n = this.name(name);
    if (typeof value !== 'string' || value.length === 0) return Promise.reject(new Error(`secret ${n}: the value is empty`));
    return this.serial(async () => {
      await this.storage.store(KEY_PREFIX + n, value);
      const names = await this.readIndex();
      if (!names.includes(n)) await this.writeIndex([...names, n].sort());
    });
  }

  delete(name: string): Promise<void> {
    const n = this.name(name);
    return this.serial(async () => {
      await this.storage.delete(KEY_PREFIX + n);
      const names = await this.readIndex();
      if (names.includes(n)) await this.writeIndex(names.filter((x) => x !== n));
    });
  }

  async list(): Promise<string[]> {
    await this.queue.catch(() => undefined);
    return this.readIndex();
  }

  private name(name: string): string {
    const r = secretNameSchema.safeParse(name);
    if (!r.success) throw new Error(`invalid secret name: ${r.error.issues[0]?.message ?? 'rejected'}`);
    return r.data;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(job);
    this.queue = next;
    return next;
  }

  private async readIndex(): Promise<string[]> {
    const raw = await this.storage.get(INDEX_KEY);
    if (raw === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const r = indexSchema.safeParse(parsed);
    if (!r.success) {
      // The index holds names only; a damaged one is reported (without its content) and treated as empty.
      this.log('Warden: the secret name index was unreadable and has been reset; set the secrets again to list them.');
      return [];
    }
    return [...new Set(r.data)];
  }

  private writeIndex(names: readonly string[]): Thenable<void> {
    return this.storage.store(INDEX_KEY, JSON.stringify(names));
  }
}
