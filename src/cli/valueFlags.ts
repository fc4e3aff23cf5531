import type * as z from 'zod';

/**
 * `--name value` / `--name=value` flags (every flag takes a value, no
 * positional words), validated by one zod schema: the parsed flags, or one
 * line saying what was wrong.
 */
export function parseValueFlags<S extends z.ZodType>(argv: readonly string[], schema: S): z.infer<S> | string {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) return `unexpected argument '${a}'`;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return `--${name} needs a value`;
    raw[name] = value;
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : r.error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}` : 'flags'}: ${i.message}`).join('; ');
}
