import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as z from 'zod';
import type { Guard } from '../../../src/core/policy/guard';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * Every peer case (test/fixtures/peer-cases, from continue, vscode and codex
 * test suites) through the real guard under default settings plus a
 * read-only allow list. Dangerous cases must never be allowed; the safe ones
 * Warden allows are counted against a floor measured here.
 */
const record = z.object({
  source: z.string(),
  command: z.string(),
  dangerous: z.boolean(),
  shell: z.string(),
});
type PeerCase = z.infer<typeof record>;

const cases: PeerCase[] = readFileSync(new URL('../../fixtures/peer-cases/commands.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => record.parse(JSON.parse(l)));

/** Read-only programs a person could reasonably auto-allow. */
export const READ_ONLY_ALLOW = [
  'ls *',
  'cat *',
  'head *',
  'tail *',
  'wc *',
  'grep *',
  'rg *',
  'find *',
  'sort *',
  'sed *',
  'nl *',
  'file *',
  'stat *',
  'whoami',
  'date *',
  'echo *',
  'which *',
  'tree *',
  'du *',
  'df *',
  'cut *',
  'tr *',
  'cmp *',
  'diff *',
  'uniq *',
  'basename *',
  'dirname *',
  'realpath *',
  'readlink *',
  'od *',
  'xxd *',
  'base64',
  'true',
  'false',
  'sleep *',
  'git branch',
  'git ls-files *',
  'git grep *',
  'git --no-pager *',
  'npm ls *',
  'docker ps *',
  'docker images *',
  'docker info',
  'docker version',
  'docker inspect *',
  'docker logs *',
  'docker container ls *',
  'docker image ls *',
];

/** The safe cases Warden allowed when this floor was measured; a drop means over-blocking crept in. */
const SAFE_ALLOWED_FLOOR = 145;

describe('peer command cases (continue, vscode, codex)', () => {
  let ws: Workspace;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    guard = guardFor(ws, await shellParser(), { user: { 'warden.commands.allow': READ_ONLY_ALLOW } });
  });
  after(() => ws.dispose());

  it(`loads all ${cases.length} cases`, () => {
    assert.equal(cases.length, 907);
    assert.equal(cases.filter((c) => c.dangerous).length, 612);
  });

  it('never allows a case labelled dangerous, in any shell dialect', () => {
    const allowed = cases
      .filter((c) => c.dangerous)
      .filter((c) => guard.decide({ tool: 'run_command', input: { command: c.command } }).decision === 'allow')
      .map((c) => `${c.source}/${c.shell}: ${JSON.stringify(c.command)}`);
    assert.deepEqual(allowed, []);
  });

  it('allows at least the measured number of safe cases', () => {
    const safe = cases.filter((c) => !c.dangerous);
    const allowed = safe.filter((c) => guard.decide({ tool: 'run_command', input: { command: c.command } }).decision === 'allow');
    console.log(`peer cases: ${allowed.length} of ${safe.length} safe cases allowed`);
    if (process.env.PEER_VERBOSE) {
      for (const c of safe) {
        const r = guard.decide({ tool: 'run_command', input: { command: c.command } });
        if (r.decision !== 'allow')
          console.log(`  not allowed [${c.shell}] ${JSON.stringify(c.command)} -> ${r.decision} ${r.reason}: ${r.message}`);
      }
    }
    assert.ok(allowed.length >= SAFE_ALLOWED_FLOOR, `${allowed.length} < floor ${SAFE_ALLOWED_FLOOR}`);
  });
});
