import { abilitiesOf, RISKY_ABILITIES } from './abilities';
import type { CommandPattern } from './commandPattern';
import { hasArgumentModel } from './dangerousArgs';
import { GTFOBINS_SOURCE } from './gtfobinsAbilities';

/**
 * What running an allowed command implies beyond its own words: programs
 * that run the repository's code (its scripts, build files, test files,
 * tool configs written in a programming language), programs that run
 * programs the repository configures (git), and what GTFOBins says a
 * program can be made to do through its arguments. Knowledge as data, each
 * row with its public source.
 */
export type ImplicationKind = 'runs-repository-code' | 'runs-configured-programs' | 'runs-any-code' | 'writes-files';

interface Row {
  readonly programs: readonly string[];
  /** Subcommands that carry the implication; null: any use of the program. */
  readonly subcommands: readonly string[] | null;
  readonly kind: ImplicationKind;
  readonly what: string;
  readonly source: string;
}

const NPM_SCRIPTS = 'https://docs.npmjs.com/cli/using-npm/scripts';

export const IMPLICATION_ROWS: readonly Row[] = [
  {
    programs: ['npm', 'pnpm', 'yarn', 'bun'],
    subcommands: [
      'test',
      't',
      'tst',
      'start',
      'stop',
      'restart',
      'run',
      'run-script',
      'rum',
      'urn',
      'install',
      'i',
      'ci',
      'add',
      'rebuild',
      'pack',
      'exec',
      'x',
      'dlx',
      'build',
      'lint',
    ],
    kind: 'runs-repository-code',
    what: "runs the repository's package.json scripts (lifecycle scripts on install): arbitrary code",
    source: NPM_SCRIPTS,
  },
  {
    programs: ['make', 'gmake'],
    subcommands: null,
    kind: 'runs-repository-code',
    what: "runs the Makefile's recipes: arbitrary code",
    source: 'https://www.gnu.org/software/make/manual/make.html#Recipes',
  },
  {
    programs: ['cargo'],
    subcommands: ['build', 'b', 'test', 't', 'run', 'r', 'check', 'c', 'bench', 'clippy', 'doc', 'install'],
    kind: 'runs-repository-code',
    what: 'runs build scripts (build.rs), procedural macros and tests: arbitrary code',
    source: 'https://doc.rust-lang.org/cargo/reference/build-scripts.html',
  },
  {
    programs: ['go'],
    subcommands: ['test', 'run', 'generate', 'vet', 'build', 'install'],
    kind: 'runs-repository-code',
    what: 'compiles and runs the repository’s code (tests, generate directives, cgo)',
    source: 'https://pkg.go.dev/cmd/go',
  },
  {
    programs: [
      'pytest',
      'py.test',
      'tox',
      'nox',
      'jest',
      'vitest',
      'mocha',
      'ava',
      'tap',
      'rake',
      'gradle',
      'gradlew',
      'mvn',
      'mvnw',
      'ant',
      'sbt',
      'bazel',
      'ctest',
      'phpunit',
      'rspec',
      'ninja',
      'cmake',
      'meson',
      'just',
      'task',
    ],
    subcommands: null,
    kind: 'runs-repository-code',
    what: "runs the repository's test, build or task files (conftest.py, jest.config.js, Rakefile, build.gradle…): arbitrary code",
    source: 'https://docs.pytest.org/en/stable/reference/fixtures.html#conftest-py-sharing-fixtures-across-multiple-files',
  },
  {
    programs: ['eslint', 'prettier', 'stylelint', 'webpack', 'vite', 'rollup', 'babel', 'tsx', 'ts-node', 'next', 'nuxt'],
    subcommands: null,
    kind: 'runs-repository-code',
    what: 'loads configuration files written in JavaScript (eslint.config.js, prettier.config.js…): arbitrary code',
    source: 'https://eslint.org/docs/latest/use/configure/configuration-files',
  },
  {
    programs: ['git'],
    subcommands: null,
    kind: 'runs-configured-programs',
    what: 'may run programs the repository configures (core.fsmonitor, core.pager, diff and merge drivers, textconv, clean/smudge filters, hooks)',
    source: 'https://git-scm.com/docs/git-config and https://git-scm.com/docs/githooks',
  },
  {
    programs: [
      'python',
      'python3',
      'node',
      'deno',
      'ruby',
      'perl',
      'php',
      'bash',
      'sh',
      'zsh',
      'dash',
      'fish',
      'lua',
      'Rscript',
      'java',
      'pwsh',
    ],
    subcommands: null,
    kind: 'runs-any-code',
    what: 'runs whatever code its arguments name: arbitrary code',
    source: `${GTFOBINS_SOURCE.url} (shell)`,
  },
];

export interface Implication {
  readonly kind: ImplicationKind;
  readonly what: string;
  readonly source: string;
}

/** The subcommand of an argv or pattern words: the first word after the program that is not an option. */
function subcommandOf(words: readonly string[]): string | null {
  return words.slice(1).find((w) => !w.startsWith('-')) ?? null;
}

/** What an allow rule implies when it runs, most serious first (inside the sandbox: see the report). */
export function implicationsOf(rule: CommandPattern): Implication[] {
  const program = rule.words[0] ?? '';
  const sub = subcommandOf(rule.words);
  const out: Implication[] = [];
  for (const row of IMPLICATION_ROWS) {
    if (!row.programs.includes(program)) continue;
    // A rule ending in `*` without a subcommand admits every subcommand.
    if (row.subcommands === null || (sub === null && rule.rest) || (sub !== null && row.subcommands.includes(sub))) {
      out.push({ kind: row.kind, what: `${program} ${row.what}`, source: row.source });
    }
  }
  const risky = abilitiesOf(program).filter((a) => RISKY_ABILITIES.has(a));
  const anyArgs =
    rule.anyArguments || (rule.rest && rule.words.length === 1 && hasArgumentModel(program)) || (rule.rest && rule.words.length > 1);
  if (risky.length && anyArgs && !out.some((i) => i.kind === 'runs-any-code')) {
    const code = risky.some((a) => a === 'shell' || a === 'command' || a === 'reverse-shell' || a === 'bind-shell' || a === 'library-load');
    out.push({
      kind: code ? 'runs-any-code' : 'writes-files',
      what: `GTFOBins lists ${program} for ${risky.join(', ')}${rule.anyArguments ? '' : ' (Warden refuses the argument shapes it models)'}`,
      source: `${GTFOBINS_SOURCE.url} (commit ${GTFOBINS_SOURCE.commit.slice(0, 7)})`,
    });
  }
  return out;
}
