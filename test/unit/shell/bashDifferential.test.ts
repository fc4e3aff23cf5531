import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGuard } from '../../../src/core/policy/createGuard';
import type { Guard } from '../../../src/core/policy/guard';
import { createPathProbe } from '../../../src/node/pathProbe';
import { DIFFERENTIAL_ALLOW, harmlessLine, hostileLine, mutatedPeerCase, sample } from '../../fixtures/differential/generate';
import { createOracle, type Violation } from '../../fixtures/differential/oracle';
import { traceLines } from '../../fixtures/differential/traceRun';
import { makeDifferentialWorkspace, type DifferentialWorkspace } from '../../fixtures/differential/workspace';
import { shellParser } from '../policy/harness';

/**
 * bash as the judge: generated lines (a grammar of bash constructs, and
 * mutations of the peer cases) go to the real guard; every line it allows is
 * run by /bin/bash inside bubblewrap under strace, and the test fails on
 * anything bash did that no rule grants (./../../fixtures/differential/oracle.ts).
 *
 * `WARDEN_DIFF_SCALE=10` runs ten times as many lines; `WARDEN_DIFF_SEED`
 * replays a run (the seed is printed).
 */
const SCALE = Number(process.env.WARDEN_DIFF_SCALE ?? 1);
const SEED = Number(process.env.WARDEN_DIFF_SEED ?? 20261201);
const COUNTS = { harmless: 1500 * SCALE, hostile: 5000 * SCALE, peer: 2500 * SCALE };

const peerCommands: string[] = readFileSync(new URL('../../fixtures/peer-cases/commands.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { command: string; shell: string })
  .filter((c) => c.shell === 'bash' || c.shell === 'unspecified')
  .map((c) => c.command);

/**
 * A recursive walk (`grep -r`, `ls -R`) reads whatever the folder holds: the
 * guard checks the paths a line names, and the sandbox hides every denied
 * file from a walk (test/unit/sandbox). Such lines are left out here, counted.
 */
const WALKS_TREE =
  /\b(grep|ls)\b[^|;&\n]*\s(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive|--dereference-recursive|--directories=recurse|-d\s*recurse)(\s|$)/;

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('what bash really runs, for every line the guard allows', () => {
  let ws: DifferentialWorkspace;
  let guard: Guard;
  let scratch: string;
  before(async () => {
    assert.ok(hasTool('bwrap') && hasTool('strace'), 'bwrap and strace are needed (scripts/install-system-deps.sh installs them)');
    ws = makeDifferentialWorkspace();
    scratch = mkdtempSync(join(tmpdir(), 'warden-diff-trace-'));
    guard = createGuard(
      { user: { 'warden.commands.allow': DIFFERENTIAL_ALLOW, 'warden.paths.autoApprove': ['out/**'] } },
      {
        roots: [ws.root],
        home: join(ws.base, 'home'),
        probe: createPathProbe(),
        shell: await shellParser(),
        sandboxAvailable: () => true,
        trusted: () => true,
      },
    );
  });
  after(() => {
    ws.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  const allows = (line: string): boolean => guard.decide({ tool: 'run_command', input: { command: line } }).decision === 'allow';

  it(`runs every allowed line in real bash and finds nothing no rule grants (seed ${SEED})`, { timeout: 600_000 * SCALE }, async () => {
    const generated = [
      ...sample(harmlessLine, COUNTS.harmless, SEED),
      ...sample(hostileLine, COUNTS.hostile, SEED + 1),
      ...sample(mutatedPeerCase(peerCommands), COUNTS.peer, SEED + 2),
      ...peerCommands,
    ];
    const started = performance.now();
    const allowedAll = [...new Set(generated.filter(allows))];
    const allowed = allowedAll.filter((l) => !WALKS_TREE.test(l));
    const decided = performance.now();
    const half = Math.ceil(allowed.length / 2);
    const batches = [allowed.slice(0, half), allowed.slice(half)];
    const traced = (await Promise.all(batches.map((b, i) => traceLines(b, ws.root, join(scratch, `b${i}`))))).flat();
    const judge = createOracle({ allow: DIFFERENTIAL_ALLOW, denied: ws.denied, output: ws.output });
    const violations: Violation[] = traced.flatMap(judge);
    const ran = traced.filter((t) => t.calls.length > 0).length;
    console.log(
      `differential: ${generated.length} lines generated, ${allowedAll.length} allowed (${allowedAll.length - allowed.length} recursive walks left to the sandbox), ${allowed.length} run in bash under strace ` +
        `(${ran} traced), ${violations.length} violations; guard ${((decided - started) / 1000).toFixed(1)} s, ` +
        `bash ${((performance.now() - decided) / 1000).toFixed(1)} s`,
    );
    assert.ok(
      allowed.length >= 1000 * SCALE,
      `only ${allowed.length} lines were allowed: the generator no longer reaches the allowable subset`,
    );
    assert.equal(ran, allowed.length, 'every allowed line must have been traced');
    assert.deepEqual(violations.slice(0, 20), [], `${violations.length} things bash did that no rule grants`);
  });

  it('the judge sees what lines outside the subset really do', { timeout: 120_000 }, async () => {
    // Run directly, without the guard: each does something no rule grants, and the oracle must say what.
    const cases: [string, RegExp][] = [
      ["printf -v 'BASH_CMDS[cat]' /bin/sh; cat -c 'echo x'", /ran \/(usr\/)?bin\/sh as "cat"/],
      ['cat 2>/dev/null .env', /opened the denied .*\/\.env/],
      ['cat <<EOF\n`touch out-of-policy`\nEOF', /ran \["touch","out-of-policy"\]/],
      ['echo x > notes.txt', /opened .*notes\.txt for writing/],
      ['cd secrets && cat token', /opened the denied .*secrets\/token/],
      ['cat env-link', /opened the denied .*\/\.env/],
      ['curl -s http://127.0.0.1:9/', /tried the network/],
      ['echo x >> out/ok.txt; rm -f notes.txt', /ran \["rm"|changed the file system: unlinkat/],
    ];
    const traced = await traceLines(
      cases.map(([l]) => l),
      ws.root,
      join(scratch, 'judge'),
    );
    const judge = createOracle({ allow: DIFFERENTIAL_ALLOW, denied: ws.denied, output: ws.output });
    for (const [i, [line, expected]] of cases.entries()) {
      const found = judge(traced[i] ?? { line, calls: [] })
        .map((v) => v.what)
        .join('\n');
      assert.match(found, expected, `${JSON.stringify(line)}: ${found || 'no violation found'}`);
    }
  });

  it('leaves ordinary read-only lines unasked (over-blocking)', () => {
    const lines = sample(harmlessLine, 2000, SEED + 3);
    const allowedShare = lines.filter(allows).length / lines.length;
    console.log(`over-blocking: ${(100 * (1 - allowedShare)).toFixed(1)} % of ${lines.length} generated harmless lines ask`);
    assert.ok(allowedShare >= 0.9, `only ${(100 * allowedShare).toFixed(1)} % of harmless lines were allowed`);
  });
});
