import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Transcript, type TranscriptStorage } from '../../../src/vscode/chat/transcript';

class MemoryStorage implements TranscriptStorage {
  readonly data = new Map<string, unknown>();
  get(key: string): unknown {
    return this.data.get(key);
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('chat transcript', () => {
  it('survives a reload (a new Transcript over the same storage)', async () => {
    const storage = new MemoryStorage();
    const t = new Transcript(storage);
    t.upsert({ kind: 'user', id: 'u1', text: 'hello' });
    t.appendText('a1', 'Hi ');
    t.appendText('a1', 'there');
    await t.save();
    assert.deepEqual(new Transcript(storage).items(), [
      { kind: 'user', id: 'u1', text: 'hello' },
      { kind: 'assistant', id: 'a1', text: 'Hi there' },
    ]);
  });

  it('drops stored data that fails validation instead of trusting it', () => {
    const storage = new MemoryStorage();
    storage.data.set('warden.chat.transcript.v1', [{ kind: 'user', id: 1, text: '<img src=x>' }]);
    assert.deepEqual(new Transcript(storage).items(), []);
  });

  it('replaces an item by id (a tool card moving from pending to done)', () => {
    const t = new Transcript(new MemoryStorage());
    const card = {
      id: 't1',
      tool: 'read_file',
      summary: 'read a.ts',
      decision: null,
      reason: null,
      rule: null,
      approver: null,
      status: 'pending' as const,
      outcome: null,
    };
    t.upsert({ kind: 'tool', id: 't1', card });
    t.upsert({ kind: 'tool', id: 't1', card: { ...card, status: 'done', decision: 'allow' } });
    const [only, ...rest] = t.items();
    assert.equal(rest.length, 0);
    assert.equal(only?.kind, 'tool');
    assert.equal(only?.kind === 'tool' ? only.card.status : null, 'done');
  });

  it('keeps only the newest items past its limit', () => {
    const t = new Transcript(new MemoryStorage(), 3);
    for (let i = 0; i < 5; i++) t.upsert({ kind: 'user', id: `u${i}`, text: String(i) });
    assert.deepEqual(
      t.items().map((i) => i.id),
      ['u2', 'u3', 'u4'],
    );
  });
});
