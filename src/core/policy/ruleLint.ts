import { abilitiesOf, RISKY_ABILITIES } from './abilities';
import { parseCommandPattern, type CommandPattern } from './commandPattern';
import { hasArgumentModel } from './dangerousArgs';
import { GTFOBINS_SOURCE } from './gtfobinsAbilities';
import { IMPLICATION_ROWS, implicationsOf } from './implications';
import type { Settings } from './settings';

/**
 * Rule lint: warnings (never errors: the settings stay valid) for allow
 * rules that admit a program able to run code or write files through its
 * arguments, or that run the repository's own code, each saying what the
 * rule really grants. The knowledge is data with its public source
 * (./gtfobinsAbilities.ts, ./implications.ts).
 */
export interface RuleWarning {
  /** The setting, e.g. `warden.commands.allow` or `warden.secrets.NPM_TOKEN.commands`. */
  readonly key: string;
  readonly entry: string;
  readonly message: string;
  readonly source: string;
}

const GTFO = `${GTFOBINS_SOURCE.url} (commit ${GTFOBINS_SOURCE.commit.slice(0, 7)})`;

function lintPattern(key: string, p: CommandPattern, secret: string | null): RuleWarning[] {
  const program = p.words[0] ?? '';
  const risky = abilitiesOf(program).filter((a) => RISKY_ABILITIES.has(a));
  const out: RuleWarning[] = [];
  const grants = secret ? `hands the secret ${secret} to` : 'lets the agent run, unasked in the sandbox,';
  if (p.anyArguments && risky.length) {
    out.push({
      key,
      entry: p.source,
      message: `'${p.source}' ${grants} ${program} with any arguments, and GTFOBins lists ${program} for ${risky.join(', ')}: in effect any code and any write the sandbox permits`,
      source: GTFO,
    });
  } else if (p.rest && p.words.length === 1 && risky.length && !hasArgumentModel(program)) {
    out.push({
      key,
      entry: p.source,
      message: `'${p.source}' admits only the bare '${program}': Warden models none of its arguments, and GTFOBins lists it for ${risky.join(', ')}; '${program} **' would grant any arguments (any code)`,
      source: GTFO,
    });
  }
  for (const i of implicationsOf(p)) {
    if (
      i.kind !== 'runs-repository-code' &&
      !(i.kind === 'runs-any-code' && IMPLICATION_ROWS.some((r) => r.kind === 'runs-any-code' && r.programs.includes(program)))
    )
      continue;
    out.push({
      key,
      entry: p.source,
      message: `'${p.source}' ${secret ? `hands the secret ${secret} to code the repository controls: ` : ''}${i.what}${secret ? '' : ' (inside the sandbox)'}`,
      source: i.source,
    });
  }
  return out;
}

export function lintRules(settings: Pick<Settings, 'warden.commands.allow' | 'warden.secrets'>): RuleWarning[] {
  const out: RuleWarning[] = [];
  const each = (key: string, list: readonly string[], secret: string | null): void => {
    for (const source of list) {
      const p = parseCommandPattern(source);
      if (typeof p !== 'string') out.push(...lintPattern(key, p, secret));
    }
  };
  each('warden.commands.allow', settings['warden.commands.allow'], null);
  for (const [name, rule] of Object.entries(settings['warden.secrets'])) each(`warden.secrets.${name}.commands`, rule.commands, name);
  return out;
}

/** One line per warning, for the CLI and the chat's banner. */
export function warningLine(w: RuleWarning): string {
  return `${w.key}: ${w.message}`;
}
