import * as z from 'zod';
import { type ChatItem, chatItemSchema } from './protocol';

/** The slice of `vscode.Memento` the transcript needs (workspaceState in the extension). */
export interface TranscriptStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'warden.chat.transcript.v1';
const storedSchema = z.array(chatItemSchema);

/**
 * What the chat shows, per workspace, surviving a window reload. Stored data
 * is validated on load: anything malformed is dropped, never trusted.
 */
export class Transcript {
  private list: ChatItem[];

  constructor(
    private readonly storage: TranscriptStorage,
    private readonly limit = 400,
  ) {
    const parsed = storedSchema.safeParse(storage.get(KEY));
    this.list = parsed.success ? parsed.data : [];
  }

  items(): readonly ChatItem[] {
    return this.list;
  }

  get(id: string): ChatItem | undefined {
    return this.list.find((i) => i.id === id);
  }

  /** Replaces the item with the same id, or appends it. */
  upsert(item: ChatItem): void {
    const at = this.list.findIndex((i) => i.id === item.id);
    if (at >= 0) this.list[at] = item;
    else this.list.push(item);
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
  }

  /** Appends streamed text to an assistant item, creating it on the first delta. */
  appendText(id: string, delta: string): void {
    const current = this.get(id);
    this.upsert({ kind: 'assistant', id, text: (current?.kind === 'assistant' ? current.text : '') + delta });
  }

  /** Appends streamed thinking to a thinking item, creating it (live) on the first delta. */
  appendThinking(id: string, delta: string, redacted = 0): void {
    const current = this.get(id);
    const base = current?.kind === 'thinking' ? current : { kind: 'thinking' as const, id, text: '', redacted: 0, live: true };
    this.upsert({ ...base, text: base.text + delta, redacted: base.redacted + redacted });
  }

  remove(id: string): void {
    this.list = this.list.filter((i) => i.id !== id);
  }

  clear(): void {
    this.list = [];
  }

  save(): PromiseLike<void> {
    return this.storage.update(KEY, this.list);
  }
}
