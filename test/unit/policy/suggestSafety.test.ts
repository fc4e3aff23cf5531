import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { abilitiesOf, RISKY_ABILITIES } from '../../../src/core/policy/abilities';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { suggestRules, type RuleSuggestion } from '../../../src/core/policy/suggestRules';
import { DANGEROUS_VARIANTS, variantsOf } from '../../fixtures/policy/dangerousVariants';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * "Always allow…" never hands out a rule that admits a dangerous argument:
 * for calls generated with fast-check (programs of the dangerous-argument
 * table, read-only programs, interpreters, editors, build tools; options
 * benign and dangerous; workspace paths), every suggested rule is added to
 * the user's allow list and the real guard decides every dangerous variant
 * of its program under it: none may be allowed. And a trailing `*` is never
 * offered for a program GTFOBins lists for running code or writing.
 */
const quote = (w: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
const line = (argv: readonly string[]): string => argv.map(quote).join(' ');

const PROGRAMS = [
  ...Object.keys(DANGEROUS_VARIANTS).filter((p) => p !== '*'),
  'cat',
  'head',
  'tail',
  'grep',
  'ls',
  'stat',
  'nl',
  'cut',
  'make',
  'vim',
  'ed',
  'pip',
  'pytest',
  'yarn',
  'cargo',
  'bash',
  'env',
];
const OPTIONS = [
  '-n',
  '-l',
  '5',
  '-v',
  '--color=never',
  '-r',
  '--oneline',
  'status',
  'diff',
  'test',
  'run',
  'build',
  'foo',
  ...new Set(Object.values(DANGEROUS_VARIANTS).flat().flat()),
];
const PATHS = ['src/a.js', 'src/b.js', 'README.md', 'src', 'docs/guide.md', '.'];

const argvArb = fc
  .tuple(
    fc.constantFrom(...PROGRAMS),
    fc.array(fc.constantFrom(...OPTIONS), { maxLength: 3 }),
    fc.array(fc.constantFrom(...PATHS), { maxLength: 3 }),
  )
  .map(([p, o, f]) => [p, ...o, ...f]);

describe('suggested rules never admit a dangerous argument', () => {
  let ws: Workspace;
  let shell: ShellParser;
  let base: Guard;
  const ALLOW = ['git status', 'ls *'];
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    for (const f of ['src/a.js', 'src/b.js', 'README.md', 'docs/guide.md']) ws.file(f);
    base = guardFor(ws, shell, { user: { 'warden.commands.allow': ALLOW } });
  });
  after(() => ws.dispose());

  /** Every dangerous variant the rule's words could be followed by, that the guard under the rule allows. */
  const leaks = (rule: RuleSuggestion): string[] => {
    const g = guardFor(ws, shell, { user: { 'warden.commands.allow': [...ALLOW, ...rule.entries] } });
    const out: string[] = [];
    for (const entry of rule.entries) {
      const words = entry.split(' ');
      const star = words.at(-1) === '*';
      const fixed = star ? words.slice(0, -1) : words;
      const program = fixed[0] ?? '';
      for (const v of variantsOf(program)) {
        const candidates = star
          ? [[...fixed, ...v]]
          : [
              [program, ...v],
              [...fixed, ...v],
            ];
        for (const argv of candidates) {
          const d = g.decide({ tool: 'run_command', input: { command: line(argv) } });
          if (d.decision === 'allow') out.push(`${entry} admits ${line(argv)}`);
        }
      }
    }
    return out;
  };

  it('holds for every entry of the table, each under the widest rule offered for it', () => {
    let checked = 0;
    let starred = 0;
    for (const [program, variants] of Object.entries(DANGEROUS_VARIANTS)) {
      if (program === '*') continue;
      const d = base.decide({ tool: 'run_command', input: { command: `${program} -n src/a.js src/b.js` } });
      const s = suggestRules(d);
      if (!('rules' in s)) continue;
      for (const r of s.rules) {
        assert.deepEqual(leaks(r), []);
        checked += variants.length;
        if (r.entries.some((e) => e.endsWith(' *'))) starred++;
      }
    }
    assert.ok(checked > 50, `only ${checked} variants checked`);
    // wc, du, file, jq, diff, date, tree: read-only programs get their `*`, and still no variant passes.
    assert.ok(starred >= 5, `only ${starred} widened rules checked`);
  });

  it('holds for generated calls (fast-check)', () => {
    let offered = 0;
    fc.assert(
      fc.property(argvArb, (argv) => {
        const d = base.decide({ tool: 'run_command', input: { command: line(argv) } });
        const s = suggestRules(d);
        if (!('rules' in s)) return true;
        for (const r of s.rules) {
          offered++;
          for (const e of r.entries) {
            if (!e.endsWith(' *')) continue;
            const program = e.split(' ')[0] ?? '';
            const risky = abilitiesOf(program).filter((a) => RISKY_ABILITIES.has(a));
            assert.deepEqual(risky, [], `${e}: a * for a program GTFOBins lists for ${risky.join(', ')}`);
          }
          assert.deepEqual(leaks(r), []);
        }
        return true;
      }),
      { numRuns: 150, seed: Number(process.env.WARDEN_SUGGEST_SEED ?? 20) },
    );
    assert.ok(offered > 20, `only ${offered} suggestions were offered`);
  });
});
