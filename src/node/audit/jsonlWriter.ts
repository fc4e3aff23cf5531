import {
  closeSync,
  fdatasync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { makeAnchor, type AnchorStore } from '../../core/audit/anchor';
import { ChainSealer, lineHash, type Redact } from '../../core/audit/chain';
import { noteEvent, type AuditEventInput, type AuditRecord, type ChainTip, type RecordingAuditSink } from '../../core/audit/event';
import { rotatedFiles, rotatedName } from './files';
import { recoverChain } from './recover';
import { processAlive } from '../processAlive';
import { effectiveSettings } from '../../core/policy/createGuard';
import { loadManagedPolicy } from '../managedPolicy';

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
  /** Longest wait for another writer's batch (default 10 s). */
  readonly lockWaitMs?: number;
  /**
   * Who writes, stamped on every event: this machine's name and the
   * organisation id of the managed policy in force. Default: auditStamp().
   */
  readonly stamp?: AuditStamp;
}

export interface AuditStamp {
  readonly machine: string;
  readonly org: string | null;
}

/** This machine's host name and, under a managed policy that sets one, its organisation id (read through the one loader). */
export function auditStamp(): AuditStamp {
  const org = effectiveSettings({ user: {}, managed: loadManagedPolicy() }).effective['warden.managed.organizationId'];
  return { machine: hostname(), org: org === '' ? null : org };
}

/** Thrown when the log's lock cannot be had: another live writer kept it past the wait. */
export class AuditLogBusyError extends Error {}

/** How long a writer waits for another to finish its batch before it gives up (fail closed). */
const LOCK_WAIT_MS = 10_000;

function readLock(lock: string): string[] {
  try {
    return readFileSync(lock, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/**
 * `FILE.lock`, created exclusively and holding the owner's pid and host:
 * writers in other windows or processes (the extension and `warden run` on
 * one file) take turns and never interleave. A lock whose owner died on this
 * host is taken over; one held past the wait is an error naming its owner.
 */
async function acquireLock(file: string, waitMs: number): Promise<void> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${hostname()}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pidText = '', host = ''] = readLock(lock);
      const pid = Number(pidText);
      if (host === hostname() && Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
        try {
          unlinkSync(lock);
        } catch {
          // another writer took it over first
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new AuditLogBusyError(
          `the audit log ${file} is locked by ${host === hostname() ? `process ${pidText}` : `${host} (process ${pidText})`} for more than ${waitMs / 1000} s; remove ${lock} only if no Warden uses the log`,
        );
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

function releaseLock(file: string): void {
  try {
    unlinkSync(`${file}.lock`);
  } catch {
    // already gone
  }
}

/** A writer keeps the lock this long after a batch, so a burst of single appends takes it once. */
const LOCK_LINGER_MS = 20;

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

interface Pending {
  readonly event: AuditEventInput;
  readonly resolve: (r: AuditRecord) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * An `AuditSink` that appends one JSONL line per event to a file opened with
 * `'a'` (O_APPEND). Appends are sealed into the chain in call order and
 * written in that order by a single drain loop; each batch is written under
 * the log's lock (`FILE.lock`), after re-reading the chain's tip if another
 * writer (another window, `warden run`) wrote since, so several processes
 * continue one chain and never interleave. Each write call carries whole
 * lines only. `append` resolves once its line is written (and synced, with
 * `fsync`). A crash loses at most the lines whose append had not resolved; a
 * line cut in half is removed when the log is next written, and a
 * `kind: 'audit'` note records it. After a write error the writer refuses
 * further appends (fail closed): reopen it to continue from what is on disk.
 */
export class JsonlAuditWriter implements RecordingAuditSink {
  private readonly queue: Pending[] = [];
  private draining = false;
  private failed: Error | null = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private fd = -1;
  private size = 0;
  private ino = -1;
  private sealer: ChainSealer;
  private locked = false;
  private linger: NodeJS.Timeout | null = null;

  private readonly stamp: { machine: string; org?: string };

  private constructor(private readonly options: JsonlAuditWriterOptions) {
    this.sealer = new ChainSealer(null, options.redact, options.clock);
    const s = options.stamp ?? auditStamp();
    this.stamp = { machine: s.machine, ...(s.org !== null ? { org: s.org } : {}) };
  }

  /**
   * Opens (creating folders as needed), recovers the chain from the files on
   * disk, repairs a torn final line, and notes a log found shorter than its
   * anchor — under the log's lock.
   */
  static async open(options: JsonlAuditWriterOptions): Promise<JsonlAuditWriter> {
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    const writer = new JsonlAuditWriter(options);
    const notes = await writer.underLock(async () => {
      const recovered = writer.reopen();
      const id = options.identity ?? { sessionId: 'audit', workspace: '', user: '' };
      const actor = { user: id.user, model: null };
      const out: AuditEventInput[] = [];
      const anchored = options.anchor ? await options.anchor.store.load() : null;
      const tipSeq = recovered.tip?.seq ?? -1;
      // A log met without an anchor (new, or kept before anchors existed) is anchored as found, from now on.
      if (options.anchor && anchored === null && recovered.tip !== null) {
        await options.anchor.store.save(makeAnchor(recovered.tip, options.anchor.key, (options.clock ?? (() => new Date()))()));
      }
      if (anchored !== null && anchored.seq > tipSeq) {
        // Continuing would move the anchor past the gap: say so in the chain itself first.
        out.push(
          noteEvent({
            kind: 'audit',
            sessionId: id.sessionId,
            workspace: id.workspace,
            actor,
            input: { anchor: { seq: anchored.seq, hash: anchored.hash }, foundUpTo: tipSeq },
            note: `the log was ${anchored.seq - tipSeq} line(s) shorter than its anchor (${options.anchor?.store.where ?? ''}) when opened: lines were removed from its end`,
          }),
        );
      }
      if (recovered.torn !== null) {
        out.push(
          noteEvent({
            kind: 'audit',
            sessionId: id.sessionId,
            workspace: id.workspace,
            actor,
            input: { tornLine: recovered.torn },
            note: `removed a torn final line (${recovered.torn.bytes} bytes, sha256 ${recovered.torn.sha256}) left by an interrupted write`,
          }),
        );
      }
      return out;
    });
    if (options.durability !== 'write') syncDir(dirname(options.file));
    for (const n of notes) await writer.append(n);
    return writer;
  }

  /** The last line sealed by this writer (another process may have written since). */
  get tip(): ChainTip | null {
    return this.sealer.tip;
  }

  append(event: AuditEventInput): Promise<void> {
    return this.appendRecord(event).then(() => undefined);
  }

  appendRecord(event: AuditEventInput): Promise<AuditRecord> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    return new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ event: { ...event, ...this.stamp }, resolve, reject });
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
    if (this.fd >= 0) closeSync(this.fd);
    this.unlock();
  }

  /**
   * Runs `fn` holding the log's lock. While this writer holds it no other
   * wrote; once it was let go, the chain's tip is read again if the file moved
   * on. The lock lingers briefly after, so a burst of appends takes it once.
   */
  private async underLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
    if (!this.locked) {
      await acquireLock(this.options.file, this.options.lockWaitMs ?? LOCK_WAIT_MS);
      this.locked = true;
      if (this.fd >= 0 && this.movedOn()) this.reopen();
    }
    try {
      return await fn();
    } finally {
      if (this.closed) this.unlock();
      else this.linger = setTimeout(() => this.unlock(), LOCK_LINGER_MS).unref();
    }
  }

  private unlock(): void {
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
    if (this.locked) releaseLock(this.options.file);
    this.locked = false;
  }

  /** Reads the chain's end from disk (repairing a torn tail) and opens the live file again. */
  private reopen(): ReturnType<typeof recoverChain> {
    if (this.fd >= 0) closeSync(this.fd);
    const recovered = recoverChain(this.options.file);
    this.fd = openSync(this.options.file, 'a', 0o600);
    const st = fstatSync(this.fd);
    this.size = st.size;
    this.ino = st.ino;
    this.sealer = new ChainSealer(recovered.tip, this.options.redact, this.options.clock);
    return recovered;
  }

  /** Under the lock: whether another writer wrote or rotated the file since this one last did. */
  private movedOn(): boolean {
    let st;
    try {
      st = statSync(this.options.file);
    } catch {
      return true;
    }
    return st.ino !== this.ino || st.size !== this.size;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          await this.underLock(async () => {
            const sealed: { p: Pending; record: AuditRecord }[] = [];
            for (const p of batch) {
              try {
                sealed.push({ p, record: this.sealer.seal(p.event) });
              } catch (err) {
                p.reject(err instanceof Error ? err : new Error(String(err)));
              }
            }
            await this.writeBatch(sealed.map((x) => x.record));
            await this.saveAnchor(sealed.at(-1)?.record);
            for (const { p, record } of sealed) p.resolve(record);
          });
        } catch (err) {
          this.failed =
            err instanceof AuditLogBusyError
              ? err
              : new Error(`audit log ${this.options.file} could not be written: ${err instanceof Error ? err.message : String(err)}`);
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failed);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Saves the anchor of the last line written (not of lines sealed but still queued). */
  private async saveAnchor(last: AuditRecord | undefined): Promise<void> {
    const a = this.options.anchor;
    if (!a || last === undefined) return;
    const tip = { seq: last.event.seq, hash: lineHash(last.line) };
    await a.store.save(makeAnchor(tip, a.key, (this.options.clock ?? (() => new Date()))()));
  }

  private async writeBatch(records: readonly AuditRecord[]): Promise<void> {
    const max = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const r of records) {
      const buf = Buffer.from(`${r.line}\n`, 'utf8');
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

  private rotate(): void {
    const file = this.options.file;
    closeSync(this.fd);
    const last = rotatedFiles(file).at(-1);
    renameSync(file, rotatedName(file, (last?.[0] ?? 0) + 1));
    this.fd = openSync(file, 'a', 0o600);
    this.size = 0;
    this.ino = fstatSync(this.fd).ino;
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
