import type * as z from 'zod';

/**
 * The CLI's one reading of its arguments: `--name value` and `--name=value`
 * flags, `--name` alone for the boolean flags named, positional words, and
 * everything after `--` taken as positional.
 */
export function splitArgs(
  argv: readonly string[],
  booleans: ReadonlySet<string> = new Set(),
): { raw: Record<string, string | true>; positional: string[] } | string {
  const raw: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.has(name) && eq < 0) {
      raw[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return `--${name} needs a value`;
    raw[name] = value;
  }
  return { raw, positional };
}

/** What a flag schema found wrong, in one line naming each flag. */
export function flagIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}` : 'flags'}: ${i.message}`).join('; ');
}

/**
 * Value flags only (every flag takes a value, no positional words),
 * validated by one zod schema: the parsed flags, or one line saying what was wrong.
 */
export function parseValueFlags<S extends z.ZodType>(argv: readonly string[], schema: S): z.infer<S> | string {
  const split = splitArgs(argv);
  if (typeof split === 'string') return split;
  if (split.positional.length) return `unexpected argument '${split.positional[0] ?? ''}'`;
  const r = schema.safeParse(split.raw);
  return r.success ? r.data : flagIssues(r.error);
}
