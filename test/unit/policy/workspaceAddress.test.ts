import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressOf, folderNames } from '../../../src/core/policy/workspace';
import { createPathProbe } from '../../../src/node/pathProbe';
import { makeWorkspace } from '../agent/harness';

describe('workspace addresses', () => {
  const probe = createPathProbe();
  const app = makeWorkspace({ 'notes.txt': 'a', 'src/only.ts': '' });
  const lib = makeWorkspace({ 'notes.txt': 'b' });
  const two = [
    { path: app, fold: false, name: 'app' },
    { path: lib, fold: false, name: 'lib' },
  ];
  const one = [{ path: app, fold: false, name: 'app' }];
  const cases: { name: string; roots: typeof two; input: string; want: { base: string; path: string } | RegExp }[] = [
    { name: 'a named folder and a path in it', roots: two, input: 'lib:notes.txt', want: { base: lib, path: 'notes.txt' } },
    { name: 'a named folder alone is the folder', roots: two, input: 'lib:', want: { base: lib, path: '.' } },
    { name: 'a bare path that exists in one folder only', roots: two, input: 'src/only.ts', want: { base: app, path: 'src/only.ts' } },
    { name: 'an absolute path stays as it is', roots: two, input: `${lib}/notes.txt`, want: { base: app, path: `${lib}/notes.txt` } },
    { name: 'a bare path in one folder of one', roots: one, input: 'new.txt', want: { base: app, path: 'new.txt' } },
    { name: 'a colon in a name that is no folder is part of the path', roots: one, input: 'a:b.txt', want: { base: app, path: 'a:b.txt' } },
    {
      name: 'a bare path in both folders names both',
      roots: two,
      input: 'notes.txt',
      want: /several workspace folders \(app, lib\); name one: 'app:notes.txt' or 'lib:notes.txt'/,
    },
    {
      name: 'a bare path in no folder names every folder',
      roots: two,
      input: 'new.txt',
      want: /in no workspace folder; name the folder: 'app:new.txt' or 'lib:new.txt'/,
    },
    { name: 'the folder itself is ambiguous with two', roots: two, input: '.', want: /several workspace folders/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = addressOf(c.input, c.roots, probe);
      if (c.want instanceof RegExp) {
        assert.equal(got.ok, false);
        assert.match(got.ok ? '' : got.message, c.want);
      } else assert.deepEqual(got, { ok: true, ...c.want });
    });
  }

  it('names folders by base name, telling equal names apart', () => {
    assert.deepEqual(folderNames(['/a/web', '/b/web', '/c/api']), ['web', 'web-2', 'api']);
    assert.deepEqual(folderNames(['/a/x', '/b/y'], ['Front:end', undefined]), ['Front_end', 'y']);
  });
});
