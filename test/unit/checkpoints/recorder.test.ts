import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AgentEvent } from '../../../src/core/agent/events';
import { createStepCheckpoints } from '../../../src/core/checkpoints/recorder';
import { makeWorkspace } from '../agent/harness';
import { openStore } from './helpers';

describe('step checkpoints', () => {
  it('takes one before and one after each step and names the files the step changed', async () => {
    const root = makeWorkspace({ 'a.txt': 'a' });
    const store = await openStore(root);
    const events: AgentEvent[] = [];
    const cp = createStepCheckpoints({ store, taskId: 'task1', timeoutMs: 20_000, events: (e) => events.push(e) });
    const result = await cp.around({ callId: 'c1', tool: 'run_command', summary: 'rewrite' }, () => {
      writeFileSync(join(root, 'a.txt'), 'b');
      writeFileSync(join(root, 'new.txt'), 'n');
      return Promise.resolve(42);
    });
    assert.equal(result, 42);
    const [task] = await store.history();
    assert.deepEqual(
      task?.checkpoints.map((c) => `${c.phase}:${c.step}:${c.callId}`),
      ['before:1:c1', 'after:1:c1'],
    );
    assert.deepEqual(cp.made(), [task?.checkpoints[0]?.id]);
    const e = events.find((x) => x.type === 'checkpoint');
    assert.deepEqual(e?.type === 'checkpoint' ? e.files : null, [
      { path: 'a.txt', status: 'modified' },
      { path: 'new.txt', status: 'added' },
    ]);
  });

  it('a snapshot that takes too long turns checkpoints off with a warning and the step still runs', async () => {
    const root = makeWorkspace(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f/${i}.txt`, `${i}`])));
    const store = await openStore(root);
    const events: AgentEvent[] = [];
    const offs: string[] = [];
    const cp = createStepCheckpoints({ store, taskId: 'slow', timeoutMs: 1, events: (e) => events.push(e), onOff: (w) => offs.push(w) });
    let ran = 0;
    await cp.around({ callId: 'c1', tool: 'write_file', summary: 'x' }, () => Promise.resolve(ran++));
    await cp.around({ callId: 'c2', tool: 'write_file', summary: 'y' }, () => Promise.resolve(ran++));
    assert.equal(ran, 2);
    assert.deepEqual(cp.made(), []);
    const warnings = events.filter((e) => e.type === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]?.type === 'warning' ? warnings[0].message : '',
      /took longer than 0\.001 s \(warden\.checkpoints\.snapshotTimeoutSeconds/,
    );
    assert.equal(offs.length, 1);
  });
});
