import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisposableStore } from '../../../src/vscode/dispose';

describe('DisposableStore', () => {
  it('disposes everything, newest first', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    for (const n of [1, 2, 3]) store.add({ dispose: () => order.push(n) });
    store.dispose();
    assert.deepEqual(order, [3, 2, 1]);
  });

  it('disposes the rest when one throws, then reports the error', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => order.push(1) });
    store.add({
      dispose: () => {
        throw new Error('boom');
      },
    });
    store.add({ dispose: () => order.push(3) });
    assert.throws(() => store.dispose(), /boom/);
    assert.deepEqual(order, [3, 1]);
  });

  it('disposes a late addition at once instead of leaking it', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    assert.throws(() =>
      store.add({
        dispose: () => {
          disposed = true;
        },
      }),
    );
    assert.ok(disposed);
  });
});
