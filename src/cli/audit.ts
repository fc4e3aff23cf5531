import { accessSync, constants, existsSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { csvHeader } from '../core/audit/csv';
import { auditFilterSchema } from '../core/audit/filter';
import { tableHeader } from '../core/audit/format';
import type { ListSpec } from '../core/audit/lineFacts';
import { verifyLineFacts, type VerifyResult } from '../core/audit/verify';
import { checkAgainstAnchor } from '../core/audit/anchor';
import { auditKeyFromEnv, fileAnchorStore } from '../node/audit/anchorFile';
import { feedFiles } from '../node/audit/files';
import { readFactsParallel, type ParallelReading } from '../node/audit/parallelRead';
import { ExportedStreamFacts, ExportedStreamFeed } from '../core/audit/exportedStream';
import type { CliIo } from './run';

export const AUDIT_USAGE = `usage:
  warden audit verify FILE… [--partial] [--anchor A] [--exported]
      Verifies the hash chain. Several files are one rotated chain, oldest
      first (audit.1.jsonl audit.2.jsonl … audit.jsonl). --partial accepts a
      first file that continues an earlier one not given. The anchor (the
      last seq and hash, kept outside the log) is read from A, or from
      LASTFILE.anchor when it exists: lines cut from the end then fail,
      with how many are gone. WARDEN_AUDIT_KEY (64 hex digits) checks the
      anchor's seal: a log rewritten without the key fails.
      --exported: FILE is a stream the export delivered (a collector's or
      syslog server's file of audit lines): a line repeated byte for byte
      (delivered twice) is skipped; a gap is damage, named like any other.
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

/** Every file must be readable before anything is printed: a usage error, not a half-written table. */
function readable(files: readonly string[]): readonly string[] {
  for (const name of files) {
    try {
      accessSync(name, constants.R_OK);
    } catch (err) {
      throw new UsageError(`cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return files;
}

/** Writes in batches, waiting when the stream is full, so output of any size takes constant memory. */
function batchedWriter(io: CliIo): { write(text: string): void; drain(): Promise<void> } {
  let pending = '';
  let flushing: Promise<void> = Promise.resolve();
  return {
    write(text) {
      pending += text;
    },
    async drain() {
      await flushing;
      if (pending === '') return;
      const text = pending;
      pending = '';
      flushing = io.stdout.write(text) ? Promise.resolve() : once(io.stdout, 'drain').then(() => undefined);
      await flushing;
    },
  };
}

async function verify(
  args: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
  reading: ParallelReading,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { partial: { type: 'boolean' }, anchor: { type: 'string' }, exported: { type: 'boolean' } },
  });
  const files = readable(parse(filesSchema, positionals));
  const anchorPath = values.anchor ?? `${files.at(-1) ?? ''}.anchor`;
  const key = auditKeyFromEnv(env);
  if (values.anchor !== undefined) readable([values.anchor]);
  const anchor = values.anchor !== undefined || existsSync(anchorPath) ? await fileAnchorStore(anchorPath).load() : null;
  let duplicates = 0;
  // The first reading spreads the per-line work over threads; a second (naming a link failure) reads the lines again, here.
  const spec = anchor ? { anchorSeq: anchor.seq } : {};
  const r = await verifyLineFacts(
    (feed) => {
      if (values.exported !== true) return readFactsParallel(files, feed, spec, reading);
      const dedupe = new ExportedStreamFacts(feed);
      return readFactsParallel(files, dedupe, { ...spec, textHashes: true }, reading).then(
        () => void (duplicates = Math.max(duplicates, dedupe.duplicates)),
      );
    },
    (feed) => {
      if (values.exported !== true) return feedFiles(files, feed);
      const dedupe = new ExportedStreamFeed(feed);
      return feedFiles(files, dedupe).then(() => void (duplicates = Math.max(duplicates, dedupe.duplicates)));
    },
    { partial: values.partial === true, ...(anchor ? { anchor: { seq: anchor.seq, hash: anchor.hash } } : {}) },
  );
  const checked = checkAgainstAnchor(r, anchor, key);
  if (r.ok && checked.ok) {
    const seqs = r.tip ? `, seq ${r.tip.seq - r.count + 1}..${r.tip.seq}` : '';
    const dup = values.exported === true ? `${seqs}; ${duplicates} repeated line(s) skipped` : '';
    io.stdout.write(
      `ok: ${r.count} events${files.length > 1 ? ` in ${files.length} files` : ''}${dup}${anchor ? `; ${checked.note}` : ''}\n`,
    );
    return 0;
  }
  if (!r.ok) io.stdout.write(`${r.name}:${r.line}: ${r.damage}: ${r.message}\n${r.count} events verified before it\n`);
  else if (!checked.ok) io.stdout.write(`${anchorPath}: ${checked.message}\n${r.count} events verified\n`);
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
  const filter = parse(auditFilterSchema, {
    tool: values.tool,
    decision: values.decision,
    approver: values.approver,
    since: values.since,
    text: values.search,
  });
  return { files, filter, format: values.format };
}

/**
 * Reads the log once, verifying it (as a partial chain) while each event is
 * filtered and listed as `format` asks; the listing is written as it comes.
 */
async function listed(
  sel: Selection,
  format: ListSpec['format'],
  out: { write(text: string): void; drain(): Promise<void> },
  reading: ParallelReading,
): Promise<{ shown: number; total: number; skipped: number; check: VerifyResult }> {
  let shown = 0;
  let total = 0;
  let skipped = 0;
  // Output drains between chunks of the first reading; a second reading (to name damage) only verifies.
  const check = await verifyLineFacts(
    (feed) =>
      readFactsParallel(
        sel.files,
        { segment: (name) => feed.segment(name), facts: (f) => feed.facts(f), torn: () => void (skipped++, feed.torn()) },
        { list: { filter: sel.filter, format } },
        reading,
        (p) => {
          shown += p.shownEvents;
          total += p.listedEvents;
          skipped += p.unreadable;
          for (const piece of p.listed) out.write(piece);
          return out.drain();
        },
      ),
    (feed) => feedFiles(sel.files, feed),
    { partial: true },
  );
  return { shown, total, skipped, check };
}

async function show(args: readonly string[], io: CliIo, reading: ParallelReading): Promise<number> {
  const sel = select(args);
  if (sel.format !== undefined) throw new UsageError('--format belongs to export');
  readable(sel.files);
  const out = batchedWriter(io);
  out.write(tableHeader());
  const r = await listed(sel, 'table', out, reading);
  out.write(`${r.shown} of ${r.total} events${r.skipped > 0 ? `, ${r.skipped} unreadable lines skipped` : ''}\n`);
  await out.drain();
  if (!r.check.ok) io.stderr.write(`warning: the log does not verify: ${r.check.name}:${r.check.line}: ${r.check.damage}\n`);
  return 0;
}

async function exportLog(args: readonly string[], io: CliIo, reading: ParallelReading): Promise<number> {
  const sel = select(args);
  const { format } = parse(exportArgs, { format: sel.format });
  readable(sel.files);
  const out = batchedWriter(io);
  if (format === 'csv') out.write(csvHeader());
  const r = await listed(sel, format, out, reading);
  await out.drain();
  if (!r.check.ok) io.stderr.write(`warning: the log does not verify: ${r.check.name}:${r.check.line}: ${r.check.damage}\n`);
  return 0;
}

/**
 * `warden audit …`: returns the exit code (0 ok, 1 the log is damaged, 2 a
 * usage error); rejects when the log cannot be read (a worker thread failed).
 * `reading`: how the log is read (threads, chunk size; src/node/audit/parallelRead.ts).
 */
export async function runAudit(
  argv: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  reading: ParallelReading = {},
): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'verify':
        return await verify(rest, io, env, reading);
      case 'show':
        return await show(rest, io, reading);
      case 'export':
        return await exportLog(rest, io, reading);
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
