import { createRedactor } from './createRedactor';
import type { Redactor } from './redactor';

/**
 * The secret values of every task now running, for a surface several tasks
 * share (one window's audit log): it redacts with their union, so no task's
 * value gets through because another task's redactor was the one in hand. A
 * task adds its values when its scope opens and removes them after its last
 * event was written.
 */
export class LiveSecrets {
  readonly #sets = new Map<symbol, readonly string[]>();
  #combined: Redactor = createRedactor([]);

  /** Adds one task's values; the returned function removes them again. */
  add(values: readonly string[]): () => void {
    const key = Symbol('task');
    this.#sets.set(key, values);
    this.#rebuild();
    return () => {
      if (this.#sets.delete(key)) this.#rebuild();
    };
  }

  get size(): number {
    return this.#sets.size;
  }

  redact(text: string): string {
    return this.#combined.redact(text);
  }

  #rebuild(): void {
    this.#combined = createRedactor([...this.#sets.values()].flat());
  }
}
