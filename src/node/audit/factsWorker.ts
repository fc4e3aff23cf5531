import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type * as Event from '../../core/audit/event';
import type { ChunkSpec, DecideEvent } from '../../core/audit/lineFacts';
import { checkChunk } from './factsChunk';

/**
 * A worker thread of the parallel log reader (./parallelRead.ts): finds the
 * facts of each chunk it is sent and sends them back with the chunk's buffer
 * (both transferred). An exception is left uncaught: the reader hears it as
 * the worker's `error` and fails the whole reading. Built as
 * dist/audit-facts.js (scripts/build.mjs).
 */
export interface FactsWorkerData {
  readonly spec: ChunkSpec;
  /** For tests: fail on this chunk (1-based) of this worker, by throwing or by exiting. */
  readonly fault?: { readonly chunk: number; readonly how: 'throw' | 'exit' };
}

export interface FactsRequest {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly length: number;
}

function serve(port: MessagePort, data: FactsWorkerData): void {
  let chunks = 0;
  // zod (some 100 ms to load) only when a line is not plainly an event: most logs never need it.
  let schema: typeof Event.auditEventSchema | null = null;
  const decide: DecideEvent = (obj) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    schema ??= (require('../../core/audit/event') as typeof Event).auditEventSchema;
    return schema.safeParse(obj);
  };
  port.on('message', (m: FactsRequest) => {
    chunks++;
    if (data.fault?.chunk === chunks) {
      if (data.fault.how === 'exit') process.exit(3);
      throw new Error(`injected failure on chunk ${chunks}`);
    }
    const packed = checkChunk(Buffer.from(m.buffer, 0, m.length), m.length, data.spec, decide);
    // The typed arrays are fresh copies (FactsPacker.finish), each with a buffer of its own.
    const own = [packed.flags.buffer, packed.seqs.buffer, packed.more.buffer, packed.ends.buffer] as ArrayBuffer[];
    port.postMessage({ id: m.id, packed, buffer: m.buffer }, [...own, m.buffer]);
  });
  port.postMessage('ready');
}

if (parentPort === null) throw new Error('factsWorker runs as a worker thread');
serve(parentPort, workerData as FactsWorkerData);
