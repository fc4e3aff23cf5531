import { FactsPacker, type ChunkSpec, type DecideEvent, type PackedFacts } from '../../core/audit/lineFacts';

/**
 * The facts of a chunk of a log file: `bytes[0, length)` is whole lines, each
 * ended by a newline. Each line is decoded as the sequential reader decodes it
 * (src/node/audit/files.ts), so that both find the same facts. Run by the
 * worker threads (./factsWorker.ts) and, when none is free, by the reader
 * itself (./parallelRead.ts).
 */
export function checkChunk(bytes: Buffer, length: number, spec: ChunkSpec, decide: DecideEvent): PackedFacts {
  const packer = new FactsPacker(spec, decide);
  let at = 0;
  for (let nl = bytes.indexOf(0x0a, at); nl >= 0 && nl < length; nl = bytes.indexOf(0x0a, at)) {
    packer.add({ text: bytes.toString('utf8', at, nl), bytes, start: at, end: nl });
    at = nl + 1;
  }
  return packer.finish();
}
