import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatList, parseList } from '../src/todo.mjs';

test('a list survives formatting and parsing', () => {
  const items = [{ done: false, text: 'buy milk' }, { done: true, text: 'call Ann' }];
  assert.deepEqual(parseList(formatList(items)), items);
});
