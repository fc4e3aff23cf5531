import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRestore, type RestoreInputs } from '../../../src/core/checkpoints/restorePlan';
import type { FileVersion } from '../../../src/core/checkpoints/model';

const v = (oid: string, mode = '100644'): FileVersion => ({ mode, oid: oid.padEnd(40, '0') });
const map = (o: Record<string, FileVersion>) => new Map(Object.entries(o));

interface Case {
  name: string;
  touched: string[];
  between?: string[];
  target: Record<string, FileVersion>;
  agent: Record<string, FileVersion>;
  now: Record<string, FileVersion>;
  denied?: string[];
  writes: Array<[string, string | null]>;
  conflicts?: Array<[string, 'changed-since' | 'changed-between-steps']>;
  skipped?: string[];
}

const cases: Case[] = [
  {
    name: 'a file the step edited goes back',
    touched: ['a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: { a: v('2') },
    writes: [['a', '1']],
  },
  { name: 'a file the step made is deleted', touched: ['n'], target: {}, agent: { n: v('2') }, now: { n: v('2') }, writes: [['n', null]] },
  { name: 'a file the step deleted comes back', touched: ['d'], target: { d: v('1') }, agent: {}, now: {}, writes: [['d', '1']] },
  {
    name: 'a mode change alone is restored',
    touched: ['x'],
    target: { x: v('1', '100755') },
    agent: { x: v('1') },
    now: { x: v('1') },
    writes: [['x', '1']],
  },
  {
    name: 'a file already as it was needs nothing',
    touched: ['a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: { a: v('1') },
    writes: [],
  },
  {
    name: 'a file the person changed after the task is a conflict',
    touched: ['a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: { a: v('3') },
    writes: [['a', '1']],
    conflicts: [['a', 'changed-since']],
  },
  {
    name: 'a file the person deleted after the task is a conflict',
    touched: ['a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: {},
    writes: [['a', '1']],
    conflicts: [['a', 'changed-since']],
  },
  {
    name: 'a file the person re-created after the task deleted it is a conflict',
    touched: ['d'],
    target: { d: v('1') },
    agent: {},
    now: { d: v('4') },
    writes: [['d', '1']],
    conflicts: [['d', 'changed-since']],
  },
  {
    name: 'a file the person changed between two steps is a conflict',
    touched: ['a'],
    between: ['a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: { a: v('2') },
    writes: [['a', '1']],
    conflicts: [['a', 'changed-between-steps']],
  },
  {
    name: 'a file only the person changed between steps is not touched',
    touched: ['a'],
    between: ['p'],
    target: { a: v('1'), p: v('5') },
    agent: { a: v('2'), p: v('6') },
    now: { a: v('2'), p: v('6') },
    writes: [['a', '1']],
  },
  {
    name: 'a denied path is skipped, never written',
    touched: ['.env', 'a'],
    target: { a: v('1') },
    agent: { a: v('2') },
    now: { a: v('2') },
    denied: ['.env'],
    writes: [['a', '1']],
    skipped: ['.env'],
  },
];

describe('restore decisions', () => {
  for (const c of cases) {
    it(c.name, () => {
      const input: RestoreInputs = {
        touched: new Set(c.touched),
        changedBetween: new Set(c.between ?? []),
        target: map(c.target),
        agent: map(c.agent),
        now: map(c.now),
        mayRestore: (p) => !(c.denied ?? []).includes(p),
      };
      const r = decideRestore(input);
      assert.deepEqual(
        r.writes.map((w) => [w.path, w.to ? w.to.oid.replace(/0+$/, '') : null]),
        c.writes,
      );
      assert.deepEqual(
        r.conflicts.map((x) => [x.path, x.why]),
        c.conflicts ?? [],
      );
      assert.deepEqual(r.skipped, c.skipped ?? []);
    });
  }
});
