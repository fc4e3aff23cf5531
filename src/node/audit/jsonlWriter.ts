import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { makeAnchor, type AnchorStore } from '../../core/audit/anchor';
import { ChainSealer, lineHash, type Redact } from '../../core/audit/chain';
import { noteEvent, type AuditEventInput, type AuditRecord, type ChainTip, type RecordingAuditSink } from '../../core/audit/event';
import { rotatedFiles, rotatedName } from './files';
import { recoverChain } from './recover';

/**
 * Durability, measured on this project's CI disk (bench/audit.bench.ts):
 *  - `fsync` (default): after each write, `fdatasync`. Survives a power loss
 *    or kernel crash. About 0.3 ms per sync, so one awaited append at a time
 *    runs at a few thousand events/s; appends that arrive while a sync is in
 *    flight are written and synced together (group commit), so bursts run
 *    far faster. Either way far above what an agent produces.
 *  - `write`: `write(2)` only. The line is in the kernel when `append`
 *    resolves, so it survives the process being killed (kill -9, a crash of
 *    the extension host) but not a power loss. Tens of thousands of events/s.
 */
export type AuditDurability = 'fsync' | 'write';

export interface JsonlAuditWriterOptions {
  /** The live file, e.g. `<extension storage>/audit/audit.jsonl` or the CLI's `--audit FILE`. Never inside a workspace. */
  readonly file: string;
  /** Applied to every string of an event and to the serialised line before it is hashed. */
  readonly redact: Redact;
  /** Rotate when the live file would grow past this many bytes (default 16 MiB). */
  readonly maxBytes?: number;
  readonly durability?: AuditDurability;
  readonly clock?: () => Date;
  /** Fills the `audit` note written after a torn line is repaired. */
  readonly identity?: { sessionId: string; workspace: string; user: string };
  /**
   * Where the anchor (last seq and hash) is kept, outside the file, saved
   * after every batch; with `key`, the anchor carries an HMAC (the keyed
   * seal). On open, a log shorter than its anchor gets a note saying how many
   * lines are gone before anything else is written.
   */
  readonly anchor?: { readonly store: AnchorStore; readonly key: Uint8Array | null };
}

/** Thrown when another live process holds the log: two writers would interleave their chains. */
export class AuditLogBusyError extends Error {}

/**
 * `FILE.lock`, created exclusively and holding the owner's pid: a second
 * writer (another window, `warden run` on the same file) is refused with a
 * message naming the owner; a lock whose owner died is taken over.
 */
function takeLock(file: string): string {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${hostname()}\n`);
      closeSync(fd);
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pidText = '', host = ''] = readLock(lock);
      const pid = Number(pidText);
      if (host === hostname() && Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new AuditLogBusyError(`the audit log ${file} is in use by another Warden (process ${pid}); two writers would interleave — close the other window or give this run another --audit file`);
      }
      if (host !== hostname() && host !== '') throw new AuditLogBusyError(`the audit log ${file} is locked by ${host} (process ${pidText}); remove ${lock} only if no Warden there uses it`);
      try {
        unlinkSync(lock);
      } catch {
        // taken meanwhile: the next attempt sees the new owner
      }
    }
  }
  throw new AuditLogBusyError(`the audit log ${file} could not be locked (${lock})`);
}

function readLock(lock: string): string[] {
  try {
    return readFileSync(lock, 'utf8').split('\n');
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

interface Pending {
  readonly line: string;
  readonly record: AuditRecord;
  readonly resolve: (r: AuditRecord) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * An `AuditSink` that appends one JSONL line per event to a file opened with
 * `'a'` (O_APPEND). Appends are sealed into the chain in call order and
 * written in that order by a single drain loop, so concurrent appends never
 * interleave; each write call carries whole lines only. `append` resolves
 * once its line is written (and synced, with `fsync`). A crash loses at most
 * the lines whose append had not resolved; a line cut in half is removed
 * when the log is next opened, and a `kind: 'audit'` note records it.
 * After a write error the writer refuses further appends (fail closed):
 * reopen it to continue from what is on disk.
 */
export class JsonlAuditWriter implements RecordingAuditSink {
  private readonly queue: Pending[] = [];
  private draining = false;
  private failed: Error | null = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: JsonlAuditWriterOptions,
    private fd: number,
    private size: number,
    private readonly sealer: ChainSealer,
    private readonly lock: string,
  ) {}

  /**
   * Opens (creating folders as needed), takes the log's lock, recovers the
   * chain from the files on disk, repairs a torn final line, and notes a log
   * found shorter than its anchor.
   */
  static async open(options: JsonlAuditWriterOptions): Promise<JsonlAuditWriter> {
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    const lock = takeLock(options.file);
    let writer: JsonlAuditWriter;
    let recovered: ReturnType<typeof recoverChain>;
    try {
      recovered = recoverChain(options.file);
      const fd = openSync(options.file, 'a', 0o600);
      writer = new JsonlAuditWriter(options, fd, recovered.size, new ChainSealer(recovered.tip, options.redact, options.clock), lock);
    } catch (e) {
      unlinkSync(lock);
      throw e;
    }
    if (options.durability !== 'write') syncDir(dirname(options.file));
    const id = options.identity ?? { sessionId: 'audit', workspace: '', user: '' };
    const anchored = options.anchor ? await options.anchor.store.load() : null;
    const tipSeq = recovered.tip?.seq ?? -1;
    if (anchored !== null && anchored.seq > tipSeq) {
      // Continuing would move the anchor past the gap: say so in the chain itself first.
      await writer.append(
        noteEvent({
          kind: 'audit',
          sessionId: id.sessionId,
          workspace: id.workspace,
          actor: { user: id.user, model: null },
          input: { anchor: { seq: anchored.seq, hash: anchored.hash }, foundUpTo: tipSeq },
          note: `the log was ${anchored.seq - tipSeq} line(s) shorter than its anchor (${options.anchor?.store.where ?? ''}) when opened: lines were removed from its end`,
        }),
      );
    }
    if (recovered.torn !== null) {
      await writer.append(
        noteEvent({
          kind: 'audit',
          sessionId: id.sessionId,
          workspace: id.workspace,
          actor: { user: id.user, model: null },
          input: { tornLine: recovered.torn },
          note: `removed a torn final line (${recovered.torn.bytes} bytes, sha256 ${recovered.torn.sha256}) left by an interrupted write`,
        }),
      );
    }
    return writer;
  }

  /** The last line sealed (written or about to be). */
  get tip(): ChainTip | null {
    return this.sealer.tip;
  }

  append(event: AuditEventInput): Promise<void> {
    return this.appendRecord(event).then(() => undefined);
  }

  appendRecord(event: AuditEventInput): Promise<AuditRecord> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    let record: AuditRecord;
    try {
      record = this.sealer.seal(event);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ line: `${record.line}\n`, record, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Start on the next microtask, so appends made in the same turn share one write.
        this.idle = Promise.resolve().then(() => this.drain());
      }
    });
  }

  /** Waits for pending appends, then closes the file and gives up the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle;
    closeSync(this.fd);
    try {
      unlinkSync(this.lock);
    } catch {
      // already gone
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          await this.writeBatch(batch);
          await this.saveAnchor(batch.at(-1));
          for (const p of batch) p.resolve(p.record);
        } catch (err) {
          this.failed = new Error(`audit log ${this.options.file} could not be written: ${err instanceof Error ? err.message : String(err)}`);
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failed);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    const max = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const p of batch) {
      const buf = Buffer.from(p.line, 'utf8');
      if (this.size + chunkBytes > 0 && this.size + chunkBytes + buf.length > max) {
        await this.flush(chunk, chunkBytes);
        chunk = [];
        chunkBytes = 0;
        this.rotate();
      }
      chunk.push(buf);
      chunkBytes += buf.length;
    }
    await this.flush(chunk, chunkBytes);
  }

  /**
   * Writes whole lines with one write call (looping only on a short write),
   * then syncs. The write is synchronous: a few microseconds into the page
   * cache, far cheaper than a trip through the thread pool; the sync, which
   * can take milliseconds, is not.
   */
  private async flush(chunk: readonly Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    const buf = chunk.length === 1 ? (chunk[0] as Buffer) : Buffer.concat(chunk, bytes);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.size += bytes;
    if (this.options.durability !== 'write') await datasync(this.fd);
  }

  /** Saves the anchor of the last line written (not of lines sealed but still queued). */
  private async saveAnchor(last: Pending | undefined): Promise<void> {
    const a = this.options.anchor;
    if (!a || last === undefined) return;
    const tip = { seq: last.record.event.seq, hash: lineHash(last.record.line) };
    await a.store.save(makeAnchor(tip, a.key, (this.options.clock ?? (() => new Date()))()));
  }

  private rotate(): void {
    const file = this.options.file;
    closeSync(this.fd);
    const last = rotatedFiles(file).at(-1);
    renameSync(file, rotatedName(file, (last?.[0] ?? 0) + 1));
    this.fd = openSync(file, 'a', 0o600);
    this.size = 0;
    if (this.options.durability !== 'write') syncDir(dirname(file));
  }
}

const datasync = promisify(fdatasync);

/** Makes a rename or a new file in `dir` durable (POSIX; a no-op where directories cannot be opened). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; NTFS journals the metadata itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function openJsonlAuditWriter(options: JsonlAuditWriterOptions): Promise<JsonlAuditWriter> {
  return JsonlAuditWriter.open(options);
}
