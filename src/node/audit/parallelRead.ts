import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { auditEventSchema } from '../../core/audit/event';
import { unpackFacts, type ChunkSpec, type DecideEvent, type PackedFacts } from '../../core/audit/lineFacts';
import type { LineFactsFeed } from '../../core/audit/verify';
import { startWorker } from '../workerThread';
import { checkChunk } from './factsChunk';
import type { FactsRequest, FactsWorkerData } from './factsWorker';

/**
 * Reading a log with its per-line work (parse, schema, both hashes, the
 * listing's row: src/core/audit/lineFacts.ts) spread over worker threads,
 * the links between lines checked here, in order, by the verifier
 * (`verifyLineFacts`). The files are cut into chunks at newlines (a line
 * crossing a chunk's end goes with the next chunk; a line longer than a
 * chunk makes a chunk of its own), each chunk's buffer is transferred to a
 * worker and back, and the facts are fed in file order. The reader takes a
 * chunk itself whenever no worker is free (so it works while they start, and
 * with none at all). Memory: at most `4 × (threads + 1)` chunks at once
 * (each thread, this one too, runs ahead while the oldest is awaited),
 * whatever the size of the log. Any failure of a worker fails the reading;
 * every worker is stopped however the reading ends.
 */
export interface ParallelReading {
  /** Worker threads beside this one. Default: one fewer than the processors available, 1 to 3; 0: none. */
  readonly threads?: number;
  /** Bytes read at a time (default 256 KiB); a longer line is read whole. */
  readonly chunkBytes?: number;
  /** Logs smaller than this (all files together; default 4 MiB) are read without threads: starting one costs more. */
  readonly minThreadedBytes?: number;
  /** False: every chunk goes to a worker, even while none is free or ready (tests, to be sure they are used). Default true. */
  readonly inline?: boolean;
  /** Stops the reading (it rejects) between chunks. */
  readonly signal?: AbortSignal;
  /** For tests: a worker fails on its nth chunk, by throwing or by exiting. */
  readonly fault?: FactsWorkerData['fault'];
}

/** Small enough that a chunk's listing is garbage soon after it is written (peak memory stays flat over a long log). */
const CHUNK_BYTES = 256 * 1024;
const MIN_THREADED_BYTES = 4 * 1024 * 1024;
const decideEvent: DecideEvent = (obj) => auditEventSchema.safeParse(obj);
const IN_FLIGHT_PER_THREAD = 2;

export function defaultThreads(): number {
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

/** The worker of this reader: src/node/audit/factsWorker.ts, bundled as dist/audit-facts.js. */
const startFactsWorker = (data: FactsWorkerData): Worker =>
  startWorker({ source: join(__dirname, 'factsWorker.ts'), bundle: 'audit-facts.js' }, { workerData: data });

interface Pending {
  readonly resolve: (p: PackedFacts) => void;
  readonly reject: (e: Error) => void;
}

/** One worker thread: ready once it says so; its chunks answered in the order sent. */
class FactsThread {
  ready = false;
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;

  constructor(
    data: FactsWorkerData,
    private readonly pool: FactsPool,
  ) {
    this.worker = startFactsWorker(data);
    this.worker.on('message', (m: 'ready' | { id: number; packed: PackedFacts; buffer: ArrayBuffer }) => {
      if (m === 'ready') {
        this.ready = true;
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.pool.recycle(m.buffer);
      p?.resolve(m.packed);
    });
    this.worker.on('error', (err) => this.pool.fail(new Error(`an audit worker thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => {
      this.ready = false;
      if (!this.pool.closing) this.pool.fail(new Error(`an audit worker thread stopped (exit code ${code})`));
    });
  }

  send(id: number, buffer: ArrayBuffer, length: number): Promise<PackedFacts> {
    return new Promise<PackedFacts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: FactsRequest = { id, buffer, length };
      this.worker.postMessage(req, [buffer]);
    });
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

class FactsPool {
  private readonly threads: FactsThread[];
  closing = false;
  failure: Error | null = null;
  private readonly free: ArrayBuffer[] = [];

  constructor(
    n: number,
    data: FactsWorkerData,
    private readonly chunkBytes: number,
  ) {
    this.threads = Array.from({ length: n }, () => new FactsThread(data, this));
  }

  /** A ready thread with room for another chunk (the least busy), or null; `any`: the least busy, ready or not. */
  idle(any: boolean): FactsThread | null {
    let best: FactsThread | null = null;
    for (const t of this.threads) {
      if (!any && (!t.ready || t.pending.size >= IN_FLIGHT_PER_THREAD)) continue;
      if (best === null || t.pending.size < best.pending.size) best = t;
    }
    return best;
  }

  fail(err: Error): void {
    this.failure ??= err;
    for (const t of this.threads) t.failAll(this.failure);
  }

  /** A buffer for the next chunk: one handed back, else a new one. */
  buffer(size: number): ArrayBuffer {
    if (size === this.chunkBytes) {
      const b = this.free.pop();
      if (b !== undefined) return b;
    }
    return new ArrayBuffer(size);
  }

  recycle(b: ArrayBuffer): void {
    if (b.byteLength === this.chunkBytes && this.free.length < 4) this.free.push(b);
  }

  async stop(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.stop()));
  }
}

type Step = { readonly segment: string } | { readonly facts: Promise<PackedFacts> } | { readonly torn: true };

/**
 * Reads `files` as one chain into `feed`, oldest first, as feedFiles does
 * (src/node/audit/files.ts): each file's name, the facts of its complete
 * lines, and a torn tail, after which it stops. `afterChunk` hears each
 * chunk's packed facts (the listing they carry) once they are fed, and is
 * awaited before more is read.
 */
export async function readFactsParallel(
  files: readonly string[],
  feed: LineFactsFeed,
  spec: ChunkSpec,
  reading: ParallelReading = {},
  afterChunk?: (p: PackedFacts) => Promise<void>,
): Promise<void> {
  const chunkBytes = reading.chunkBytes ?? CHUNK_BYTES;
  let threads = reading.threads ?? defaultThreads();
  if (threads > 0) {
    let total = 0;
    for (const name of files) total += (await stat(name)).size;
    if (total < (reading.minThreadedBytes ?? MIN_THREADED_BYTES)) threads = 0;
  }
  const pool = new FactsPool(threads, { spec, ...(reading.fault ? { fault: reading.fault } : {}) }, chunkBytes);
  const steps: Step[] = [];
  const maxInFlight = 4 * (threads + 1);
  let inFlight = 0;
  let ids = 0;

  const check = (): void => {
    if (pool.failure) throw pool.failure;
    reading.signal?.throwIfAborted();
  };
  /** Feeds the oldest step. */
  const takeOne = async (): Promise<void> => {
    const s = steps.shift();
    if (s === undefined) return;
    if ('segment' in s) feed.segment(s.segment);
    else if ('torn' in s) feed.torn();
    else {
      const p = await s.facts;
      inFlight--;
      check();
      unpackFacts(p, (f) => feed.facts(f));
      if (afterChunk) await afterChunk(p);
    }
  };
  const dispatch = (buffer: ArrayBuffer, length: number): void => {
    const t = pool.idle(reading.inline === false);
    let facts: Promise<PackedFacts>;
    if (t === null) {
      facts = Promise.resolve(checkChunk(Buffer.from(buffer, 0, length), length, spec, decideEvent));
      pool.recycle(buffer);
    } else {
      facts = t.send(ids++, buffer, length);
      // Awaited in order by takeOne; until then a rejection (a failed worker) must not go unhandled.
      facts.catch(() => undefined);
    }
    steps.push({ facts });
    inFlight++;
  };

  try {
    files: for (const name of files) {
      check();
      steps.push({ segment: name });
      const handle = await open(name, 'r');
      try {
        let carry: Buffer | null = null;
        for (;;) {
          while (inFlight >= maxInFlight) await takeOne();
          check();
          const carried: number = carry?.length ?? 0;
          // A chunk's worth, the line carried over included; a line too long for that gets room for another chunk's worth.
          const size = carried <= chunkBytes / 2 ? chunkBytes : carried + chunkBytes;
          const buffer = pool.buffer(size);
          const bytes = Buffer.from(buffer);
          if (carry) carry.copy(bytes, 0);
          const { bytesRead } = await handle.read(bytes, carried, size - carried, null);
          const length: number = carried + bytesRead;
          if (bytesRead === 0) {
            pool.recycle(buffer);
            if (carried > 0) {
              steps.push({ torn: true });
              break files;
            }
            break;
          }
          const last = bytes.lastIndexOf(0x0a, length - 1);
          if (last < 0) {
            // No newline yet: the line goes on; keep all of it for the next read.
            carry = Buffer.from(bytes.subarray(0, length));
            pool.recycle(buffer);
            continue;
          }
          carry = last + 1 < length ? Buffer.from(bytes.subarray(last + 1, length)) : null;
          dispatch(buffer, last + 1);
        }
      } finally {
        await handle.close();
      }
    }
    while (steps.length > 0) await takeOne();
    check();
  } finally {
    await pool.stop();
  }
}
