import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { abilitiesOf, RISKY_ABILITIES } from '../../../src/core/policy/abilities';
import { hasArgumentModel } from '../../../src/core/policy/dangerousArgs';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { GTFOBINS_ABILITIES } from '../../../src/core/policy/gtfobinsAbilities';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * Every binary GTFOBins lists for running code, writing files, moving data
 * or loading libraries: a plain `BIN *` rule never auto-allows it with
 * arguments Warden does not model, and `BIN **` is the person's explicit
 * opt-in. Cases are generated from the table (src/core/policy/gtfobinsAbilities.ts).
 */
const risky = Object.keys(GTFOBINS_ABILITIES).filter((b) => abilitiesOf(b).some((a) => RISKY_ABILITIES.has(a)));
const unmodelled = risky.filter((b) => !hasArgumentModel(b));

describe('program abilities from GTFOBins', () => {
  let ws: Workspace;
  let shell: ShellParser;
  before(async () => {
    ws = makeWorkspace();
    ws.file('README.md');
    shell = await shellParser();
  });
  after(() => ws.dispose());
  const decide = (g: Guard, command: string) => g.decide({ tool: 'run_command', input: { command } });

  it(`covers the ${risky.length} binaries GTFOBins lists for code, writes, transfers or libraries`, () => {
    assert.ok(risky.length >= 250, `only ${risky.length}`);
    assert.ok(unmodelled.length >= 200, `only ${unmodelled.length} unmodelled`);
    console.log(
      `gtfobins: ${risky.length} risky binaries, ${risky.length - unmodelled.length} with an argument model, ${unmodelled.length} without`,
    );
  });

  it('never allows a risky binary with arguments under a plain BIN * rule', () => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': risky.map((b) => `${b} *`) } });
    const allowed = risky.filter((b) => decide(g, `${b} --an-option README.md`).decision === 'allow' && !hasArgumentModel(b));
    assert.deepEqual(allowed, []);
    const shapes = ["-e 'x'", '-c x', '--eval x', "'!sh'", '-o out', 'x y z'];
    const leaked = unmodelled.flatMap((b) => shapes.map((s) => `${b} ${s}`)).filter((line) => decide(g, line).decision === 'allow');
    assert.deepEqual(leaked, []);
  });

  it('names GTFOBins and the opt-in when it asks', () => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': ['make *'] } });
    const r = decide(g, 'make test');
    assert.equal(`${r.decision} ${r.reason}`, 'ask dangerous-construct');
    assert.match(
      r.message,
      /'make \*' admits only the arguments Warden knows are safe for make, and it models none: GTFOBins \(7382261\) lists make for file-write, shell; a rule 'make \*\*' accepts any arguments/,
    );
  });

  it('still allows the bare program under BIN *, an exact rule, and BIN ** as an opt-in', () => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': ['make *', 'make test', 'gcc **', 'vim **'] } });
    for (const line of ['make', 'make test', 'gcc -O2 -o out main.c', 'vim -c q README.md']) {
      const r = decide(g, line);
      assert.equal(`${r.decision} ${r.reason}`, 'allow command-allowed', `${line}: ${r.message}`);
    }
    assert.equal(decide(g, 'make lint').decision, 'ask');
  });

  it('keeps subcommand rules as the person wrote them', () => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': ['docker ps *', 'cargo test *'] } });
    assert.equal(decide(g, 'docker ps -a').decision, 'allow');
    assert.equal(decide(g, 'cargo test --lib').decision, 'allow');
    assert.equal(decide(g, 'docker run -v /:/mnt alpine').decision, 'ask');
  });

  it('does not let a workspace widen * into **', () => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': ['make *'] }, workspace: { 'warden.commands.allow': ['make **'] } });
    assert.equal(decide(g, 'make test').decision, 'ask');
    assert.ok(g.ignoredWorkspaceValues.some((v) => JSON.stringify(v.value).includes('make **')));
  });

  it('finds a versioned interpreter under its family name', () => {
    assert.deepEqual(abilitiesOf('python3.11'), GTFOBINS_ABILITIES.python);
  });
});
