import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { toCsv } from '../core/audit/csv';
import { auditFilterSchema, filterRecords } from '../core/audit/filter';
import { formatTable } from '../core/audit/format';
import { parseRecords } from '../core/audit/records';
import { verifySegments, type VerifySegment } from '../core/audit/verify';
import type { CliIo } from './run';

export const AUDIT_USAGE = `usage:
  warden audit verify FILE… [--partial]
      Verifies the hash chain. Several files are one rotated chain, oldest
      first (audit.1.jsonl audit.2.jsonl … audit.jsonl). --partial accepts a
      first file that continues an earlier one not given.
      Exit 0: "ok: N events". Exit 1: the file, line and kind of damage.
  warden audit show FILE… [--tool T] [--decision allow|ask|deny|none]
      [--approver rule|person] [--since ISO] [--search TEXT]
      Prints a table of the events, oldest first.
  warden audit export FILE… --format jsonl|csv [filters as for show]
      Writes the events to stdout: jsonl keeps the lines verbatim; csv is
      quoted, with spreadsheet formulas neutralised.
`;

const filesSchema = z.array(z.string().min(1)).min(1, 'name at least one audit file');

const filterFlags = {
  tool: { type: 'string' },
  decision: { type: 'string' },
  approver: { type: 'string' },
  since: { type: 'string' },
  search: { type: 'string' },
} as const;

const exportArgs = z.object({ format: z.enum(['jsonl', 'csv'], { error: '--format must be jsonl or csv' }) });

class UsageError extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue?.path[0];
  const flag = key === 'text' ? 'search' : key;
  throw new UsageError(`${flag === undefined ? '' : `--${String(flag)}: `}${issue?.message ?? 'invalid'}`);
}

function readSegments(files: readonly string[]): VerifySegment[] {
  return files.map((name) => {
    try {
      return { name, text: readFileSync(name, 'utf8') };
    } catch (err) {
      throw new UsageError(`cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

function verify(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { partial: { type: 'boolean' } } });
  const files = parse(filesSchema, positionals);
  const r = verifySegments(readSegments(files), { partial: values.partial === true });
  if (r.ok) {
    io.stdout.write(`ok: ${r.count} events${files.length > 1 ? ` in ${files.length} files` : ''}\n`);
    return 0;
  }
  io.stdout.write(`${r.name}:${r.line}: ${r.damage}: ${r.message}\n${r.count} events verified before it\n`);
  return 1;
}

interface Selection {
  readonly files: string[];
  readonly filter: z.infer<typeof auditFilterSchema>;
  readonly format: string | undefined;
}

function select(args: readonly string[]): Selection {
  const options = { ...filterFlags, format: { type: 'string' } } as const;
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  const files = parse(filesSchema, positionals);
  const filter = parse(auditFilterSchema, { tool: values.tool, decision: values.decision, approver: values.approver, since: values.since, text: values.search });
  return { files, filter, format: values.format };
}

function show(args: readonly string[], io: CliIo): number {
  const sel = select(args);
  if (sel.format !== undefined) throw new UsageError('--format belongs to export');
  const segments = readSegments(sel.files);
  const { records, skipped } = parseRecords(segments);
  const shown = filterRecords(records, sel.filter);
  io.stdout.write(formatTable(shown.map((r) => r.event)));
  io.stdout.write(`${shown.length} of ${records.length} events${skipped > 0 ? `, ${skipped} unreadable lines skipped` : ''}\n`);
  const check = verifySegments(segments, { partial: true });
  if (!check.ok) io.stderr.write(`warning: the log does not verify: ${check.name}:${check.line}: ${check.damage}\n`);
  return 0;
}

function exportLog(args: readonly string[], io: CliIo): number {
  const sel = select(args);
  const { format } = parse(exportArgs, { format: sel.format });
  const { records } = parseRecords(readSegments(sel.files));
  const shown = filterRecords(records, sel.filter);
  io.stdout.write(format === 'csv' ? toCsv(shown.map((r) => r.event)) : shown.map((r) => `${r.line}\n`).join(''));
  return 0;
}

/** `warden audit …`: returns the exit code (0 ok, 1 the log is damaged, 2 a usage error). */
export function runAudit(argv: readonly string[], io: CliIo): number {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'verify':
        return verify(rest, io);
      case 'show':
        return show(rest, io);
      case 'export':
        return exportLog(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(AUDIT_USAGE);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown audit command '${sub}'`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`warden audit: ${err.message}\n${AUDIT_USAGE}`);
      return 2;
    }
    throw err;
  }
}
