import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { GlobList } from '../../../src/core/policy/globList';
import { defaultSettings } from '../../../src/core/policy/settings';
import { BUILTIN_PROTECTED } from '../../../src/core/policy/builtins';

/**
 * The compiled list (a literal shortcut before each expression) must answer
 * exactly as minimatch's own expressions do. (Those also match a folder
 * itself for `dir/**`, unlike `minimatch()`; the guard wants that: a denied
 * folder cannot be listed, a protected one cannot be replaced.)
 */
const mm = (rel: string, g: string, nocase: boolean): boolean => {
  const re = new Minimatch(g, { dot: true, nocase }).makeRe();
  return re !== false && re.test(rel);
};
const piece = fc.constantFrom(
  'src',
  '.env',
  'a.ts',
  'x.pem',
  'secrets',
  '.git',
  'config',
  '.vscode',
  'id_rsa.pub',
  'A',
  'b',
  'env',
  '.env.local',
  'node_modules',
  '.docker',
);
const relPath = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('/'));
const globPiece = fc.constantFrom(
  '**',
  '*',
  'src',
  '.env',
  '*.ts',
  '*.pem',
  '{a,b}',
  '[ab]',
  '?',
  '.git',
  'x*y',
  '!(a)',
  '@(b|c)',
  'id_rsa*',
);
const glob = fc.array(globPiece, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
const globs = [...defaultSettings()['warden.paths.denyRead'], ...BUILTIN_PROTECTED];

describe('compiled glob lists', () => {
  for (const nocase of [false, true]) {
    it(`agree with minimatch on every path (nocase: ${nocase})`, () => {
      fc.assert(
        fc.property(fc.array(glob, { minLength: 1, maxLength: 6 }), relPath, (patterns, rel) => {
          const list = new GlobList(
            patterns.map((pattern) => ({ setting: 's', pattern })),
            nocase,
          );
          const expected = patterns.find((g) => mm(rel, g, nocase)) ?? null;
          assert.equal(list.first(rel)?.pattern ?? null, expected);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('agrees with minimatch on the built-in and default lists', () => {
    const list = new GlobList(
      globs.map((pattern) => ({ setting: 's', pattern })),
      false,
    );
    fc.assert(
      fc.property(relPath, (rel) => {
        assert.equal(list.first(rel)?.pattern ?? null, globs.find((g) => mm(rel, g, false)) ?? null);
      }),
      { numRuns: 1000 },
    );
  });

  for (const nocase of [false, true]) {
    it(`answers for an entry and a name inside it in one pass, as first() does for each (nocase: ${nocase})`, () => {
      fc.assert(
        fc.property(
          fc.array(glob, { minLength: 1, maxLength: 6 }),
          relPath,
          fc.constantFrom('/\u0001', '/x', '/.env'),
          (patterns, rel, child) => {
            const list = new GlobList(
              patterns.map((pattern) => ({ setting: 's', pattern })),
              nocase,
            );
            assert.equal(list.matchesOrContains(rel, child), list.first(rel) !== null || list.first(rel + child) !== null);
          },
        ),
        { numRuns: 500 },
      );
    });
  }

  it('matches a folder itself for dir/**', () => {
    assert.equal(new GlobList([{ setting: 's', pattern: '**/secrets/**' }], false).first('a/secrets')?.pattern, '**/secrets/**');
  });

  it('never matches the workspace root itself', () => {
    assert.equal(new GlobList([{ setting: 's', pattern: '**' }], false).first(''), null);
  });
});
