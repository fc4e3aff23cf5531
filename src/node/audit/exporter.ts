import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { auditEventSchema } from '../../core/audit/event';
import { retryDelayMs, type ExportLine, type ExportTarget } from '../../core/audit/export';
import { chainFiles } from './files';

/**
 * Ships the audit log to export targets, at least once and in order, from
 * the log itself: the local file (with its rotated files) is the durable
 * buffer, and a cursor file beside it per target (`audit.jsonl.export-otlp`)
 * records the last `seq` the target is known to have. The exporter only
 * reads the log: a tool call never waits for it, and a destination that is
 * down loses nothing — each target retries with backoff (1 s doubling to
 * 60 s) and, once it answers, gets every line after its cursor. After a
 * restart a target gets again what was sent but not known delivered
 * (duplicates are allowed; `warden audit verify --exported` skips them).
 */
export interface AuditExporterOptions {
  /** The live log file (`audit.jsonl`); rotated files beside it are read too. */
  readonly file: string;
  readonly targets: readonly ExportTarget[];
  /** How often the log is looked at for new lines (default 500 ms). */
  readonly pollMs?: number;
  /** Most lines per send (default 200). */
  readonly batchLines?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Hears a target's failures and recoveries, for the output channel or the CLI. */
  readonly onStatus?: (target: string, message: string) => void;
  readonly random?: () => number;
}

const cursorSchema = z.object({ seq: z.number().int().min(-1), hash: z.string().nullable() });
type Cursor = z.infer<typeof cursorSchema>;

/** `audit.jsonl.export-<name>`: the last seq delivered to that target. */
export function cursorFile(file: string, target: string): string {
  return `${file}.export-${target}`;
}

function loadCursor(path: string): Cursor {
  try {
    const r = cursorSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return r.success ? r.data : { seq: -1, hash: null };
  } catch {
    return { seq: -1, hash: null };
  }
}

function saveCursor(path: string, c: Cursor): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(c)}\n`, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Where reading resumes: a file by inode (a rotation renames the live file, keeping it) and a byte offset. */
interface Position {
  readonly ino: number;
  readonly offset: number;
}

const READ_BYTES = 4 * 1024 * 1024;

/** Reads lines with `seq` above a cursor, in file order, resuming where the last read stopped. */
class LogReader {
  constructor(private readonly file: string) {}

  /** Up to `max` lines after `afterSeq`, from `from` (or from the start of the chain), and where the next read resumes. */
  read(from: Position | null, afterSeq: number, max: number): { lines: { rec: ExportLine; pos: Position }[]; pos: Position | null } {
    const files = chainFiles(this.file).flatMap((path) => {
      try {
        const st = statSync(path);
        return [{ path, ino: st.ino, size: st.size }];
      } catch {
        return [];
      }
    });
    let start = 0;
    let offset = 0;
    if (from !== null) {
      const i = files.findIndex((f) => f.ino === from.ino);
      if (i >= 0 && (files[i]?.size ?? 0) >= from.offset) {
        start = i;
        offset = from.offset;
      }
    }
    const out: { rec: ExportLine; pos: Position }[] = [];
    let pos: Position | null = from;
    for (let i = start; i < files.length && out.length < max; i++) {
      const f = files[i];
      if (f === undefined) continue;
      let at = i === start ? offset : 0;
      pos = { ino: f.ino, offset: at };
      while (at < f.size && out.length < max) {
        const chunk = readAt(f.path, at, Math.min(READ_BYTES, f.size - at));
        let lineStart = 0;
        for (let nl = chunk.indexOf(0x0a); nl >= 0 && out.length < max; nl = chunk.indexOf(0x0a, lineStart)) {
          const text = chunk.toString('utf8', lineStart, nl);
          lineStart = nl + 1;
          const linePos = { ino: f.ino, offset: at + lineStart };
          pos = linePos;
          const rec = parseLine(text);
          if (rec !== null && rec.event.seq > afterSeq) out.push({ rec, pos: linePos });
        }
        if (lineStart === 0) break; // a torn or over-long line: wait for the writer to finish (or repair) it
        at += lineStart;
      }
      if (out.length >= max || at < f.size) break;
    }
    return { lines: out, pos };
  }
}

function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const got = readSync(fd, buf, n, length - n, offset + n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function parseLine(text: string): ExportLine | null {
  try {
    const r = auditEventSchema.safeParse(JSON.parse(text));
    return r.success ? { line: text, event: r.data } : null;
  } catch {
    return null;
  }
}

/** One target's loop: read after the cursor, send, save the cursor of what is known delivered; on failure back off and send again. */
class TargetLoop {
  private readonly cursorPath: string;
  private saved: Cursor;
  private savedPos: Position | null = null;
  /** Highest seq sent (may be ahead of `saved` while not yet known delivered) and where reading resumes. */
  private sentSeq: number;
  private pos: Position | null = null;
  private inflight: { seq: number; hash: string; pos: Position }[] = [];
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly target: ExportTarget,
    private readonly reader: LogReader,
    private readonly o: AuditExporterOptions,
  ) {
    this.cursorPath = cursorFile(o.file, target.name);
    this.saved = loadCursor(this.cursorPath);
    this.sentSeq = this.saved.seq;
  }

  get status(): { target: string; delivered: number; failures: number } {
    return { target: this.target.name, delivered: this.saved.seq, failures: this.failures };
  }

  start(): void {
    this.running = this.loop();
  }

  /** Sees new lines now instead of at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /** Whether every line now in the log is known delivered. */
  caughtUp(): boolean {
    this.confirm();
    try {
      return this.reader.read(this.savedPos, this.saved.seq, 1).lines.length === 0;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poke();
    await this.running;
    this.confirm();
    await this.target.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer !== null) clearTimeout(this.timer);
        this.wake = null;
        resolve();
      };
      this.timer = setTimeout(() => this.wake?.(), ms);
      this.timer.unref();
    });
  }

  /** Saves the cursor up to what the target now knows it has. */
  private confirm(): void {
    const d = this.target.delivered();
    if (d === null || d <= this.saved.seq) return;
    let last: { seq: number; hash: string; pos: Position } | undefined;
    while (this.inflight.length > 0 && (this.inflight[0]?.seq ?? Infinity) <= d) last = this.inflight.shift();
    if (last === undefined) return;
    this.saved = { seq: last.seq, hash: last.hash };
    this.savedPos = last.pos;
    saveCursor(this.cursorPath, this.saved);
  }

  /** Back to the last line known delivered: everything after it is sent again. */
  private rewind(): void {
    this.sentSeq = this.saved.seq;
    this.pos = this.savedPos;
    this.inflight = [];
  }

  private async loop(): Promise<void> {
    const poll = this.o.pollMs ?? 500;
    while (!this.closed) {
      this.confirm();
      if (this.target.lost()) this.rewind();
      let batch: { rec: ExportLine; pos: Position }[];
      try {
        const r = this.reader.read(this.pos, this.sentSeq, this.o.batchLines ?? 200);
        batch = r.lines;
        if (batch.length === 0) this.pos = r.pos ?? this.pos;
      } catch (e) {
        this.o.onStatus?.(this.target.name, `cannot read the audit log: ${e instanceof Error ? e.message : String(e)}`);
        await this.sleep(poll);
        continue;
      }
      if (batch.length === 0) {
        await this.sleep(poll);
        continue;
      }
      try {
        await this.target.send(batch.map((b) => b.rec));
        for (const b of batch) this.inflight.push({ seq: b.rec.event.seq, hash: b.rec.event.hash, pos: b.pos });
        const last = batch[batch.length - 1];
        if (last) {
          this.sentSeq = last.rec.event.seq;
          this.pos = last.pos;
        }
        if (this.failures > 0) this.o.onStatus?.(this.target.name, `export to ${this.target.where} works again`);
        this.failures = 0;
      } catch (e) {
        this.failures++;
        this.rewind();
        const wait = retryDelayMs(this.failures, this.o.random ?? Math.random, this.o.backoffBaseMs, this.o.backoffMaxMs);
        this.o.onStatus?.(
          this.target.name,
          `export to ${this.target.where} failed (${e instanceof Error ? e.message : String(e)}); retrying in ${Math.round(wait / 100) / 10} s; the local log keeps every event`,
        );
        if (!this.closed) await this.sleep(wait);
      }
    }
  }
}

export class AuditExporter {
  private readonly loops: TargetLoop[];

  constructor(private readonly options: AuditExporterOptions) {
    const reader = new LogReader(options.file);
    this.loops = options.targets.map((t) => new TargetLoop(t, reader, options));
  }

  start(): this {
    for (const l of this.loops) l.start();
    return this;
  }

  /** New lines were written: send them without waiting for the next poll. */
  poke(): void {
    for (const l of this.loops) l.poke();
  }

  status(): { target: string; delivered: number; failures: number }[] {
    return this.loops.map((l) => l.status);
  }

  /** Waits until every target has every line now in the log, or `timeoutMs` passes; true when caught up. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.poke();
    for (;;) {
      if (this.loops.every((l) => l.caughtUp())) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.close()));
  }
}
