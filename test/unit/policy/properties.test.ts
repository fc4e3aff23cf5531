import assert from 'node:assert/strict';
import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { minimatch } from 'minimatch';
import type { Guard } from '../../../src/core/policy/guard';
import { defaultSettings } from '../../../src/core/policy/settings';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * Property: whatever path a model makes up, out of traversal, links (in, out,
 * dangling, chains, loops), separators, `~` and denied names, nothing the
 * guard allows lands (as the kernel resolves it) outside the workspace or on
 * a denyRead path. The oracle is the real file system: reads are checked with
 * realpath, writes are performed and then located.
 */
const DENY_READ = defaultSettings()['warden.paths.denyRead'];

const segment = fc.constantFrom(
  '..',
  '.',
  '',
  'src',
  'a.ts',
  'new.txt',
  'out',
  'inlink',
  'dang',
  'dchain',
  'chain',
  'loop',
  'envlink',
  'keys',
  '.env',
  '.env.local',
  'secrets',
  'k',
  'id_rsa',
  'x.pem',
  '.ssh',
  '~',
  'SRC',
  '.ENV',
  '%2e%2e',
  '..\\..',
  'src\\..\\..',
  'caf\u0065\u0301',
);
const pathArb = fc
  .tuple(fc.constantFrom('', '/', '~/', './'), fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('/', '\\'))
  .map(([prefix, parts, sep]) => prefix + parts.join(sep))
  .filter((p) => p.length > 0);

describe('properties: nothing outside the workspace or in denyRead is ever allowed', () => {
  let ws: Workspace;
  let guard: Guard;

  const deniedOrOutside = (real: string): string | null => {
    const rel = relative(ws.root, real);
    if (rel.startsWith('..') || rel.startsWith('/')) return `outside: ${real}`;
    if (rel === '') return null;
    const hit = DENY_READ.find((g) => minimatch(rel, g, { dot: true }) || minimatch(`${rel}/x`, g, { dot: true }));
    return hit ? `denied by ${hit}: ${rel}` : null;
  };
  /** How the kernel would see the path the tool receives (`~` is the guard's documented expansion). */
  const asKernelSees = (p: string): string => {
    const q = p.startsWith('~/') || p === '~' ? ws.home + p.slice(1) : p;
    return q.startsWith('/') ? q : `${ws.root}/${q.replace(/\\/g, '/')}`;
  };

  before(async () => {
    ws = makeWorkspace();
    ws.file('src/a.ts');
    ws.file('.env');
    ws.file('secrets/k');
    ws.file(`${ws.outside}/a.ts`);
    ws.file(`${ws.outside}/.env`);
    ws.file(`${ws.home}/.ssh/id_rsa`);
    ws.link('out', ws.outside);
    ws.link('inlink', 'src');
    ws.link('envlink', '.env');
    ws.link('keys', 'secrets');
    ws.link('dang', `${ws.outside}/dangling-target`);
    ws.link('dchain', 'dang');
    ws.link('chain', 'out');
    ws.link('loop', 'loop');
    ws.link('src/up', '..');
    guard = guardFor(ws, await shellParser(), {
      user: { 'warden.paths.autoApprove': ['**'], 'warden.commands.allow': ['cat *', 'ls *'] },
    });
  });
  after(() => ws.dispose());

  it('reads (read_file, list_files, search_text)', () => {
    fc.assert(
      fc.property(pathArb, fc.constantFrom('read_file', 'list_files', 'search_text'), (path, tool) => {
        const input = tool === 'search_text' ? { query: 'q', path } : { path };
        if (guard.decide({ tool, input }).decision !== 'allow') return;
        const target = asKernelSees(path);
        if (!existsSync(target)) return;
        assert.equal(deniedOrOutside(realpathSync(target)), null, `${tool} ${JSON.stringify(path)}`);
      }),
      { numRuns: 400 },
    );
  });

  it('writes, performed for real and then located', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const r = guard.decide({ tool: 'write_file', input: { path, content: 'x' } });
        if (r.decision !== 'allow') return;
        const target = asKernelSees(path);
        const existed = existsSync(target);
        try {
          writeFileSync(target, 'x', { flag: 'a' });
        } catch {
          return; // The kernel refused (a folder, a missing parent, a loop): nothing was written.
        }
        const real = realpathSync(target);
        try {
          assert.equal(deniedOrOutside(real), null, `write ${JSON.stringify(path)} landed on ${real}`);
        } finally {
          if (!existed) rmSync(real, { force: true });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('command arguments (cat, ls)', () => {
    fc.assert(
      fc.property(pathArb, fc.constantFrom('cat', 'ls'), (path, program) => {
        if (path.includes("'")) return;
        const r = guard.decide({ tool: 'run_command', input: { command: `${program} '${path}'` } });
        if (r.decision !== 'allow') return;
        // Quoted: bash does not expand `~` here, so the kernel sees the literal text.
        const target = path.startsWith('/') ? path : `${ws.root}/${path}`;
        if (!existsSync(target)) return;
        assert.equal(deniedOrOutside(realpathSync(target)), null, `${program} ${JSON.stringify(path)}`);
      }),
      { numRuns: 400 },
    );
  });

  it('never allows a denied or outside path for writes even if it does not exist yet', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('.env', 'secrets/new', 'a/b/.env.prod', 'x/id_rsa2', '../x', '/tmp/x', 'out/new', 'dang', 'dchain', 'keys/new'),
        (path) => {
          assert.notEqual(guard.decide({ tool: 'write_file', input: { path, content: '' } }).decision, 'allow', path);
        },
      ),
    );
  });
});
