import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readSync } from 'node:fs';
import { lineHash, selfHashHolds } from '../../core/audit/chain';
import { auditEventSchema, type ChainTip } from '../../core/audit/event';
import { createHash } from 'node:crypto';
import { rotatedFiles } from './files';

export interface TornTail {
  readonly bytes: number;
  readonly sha256: string;
}

export interface Recovered {
  /** The last whole line's seq and hash (null: nothing written yet, the chain starts at genesis). */
  readonly tip: ChainTip | null;
  /** Size of the live file after repair. */
  readonly size: number;
  /** The torn final line that was cut off, if there was one. */
  readonly torn: TornTail | null;
}

/** How far back from the end to look for the last whole line; grows until a newline is found. */
const TAIL_CHUNK = 256 * 1024;

function readTail(fd: number, size: number): { text: Buffer; start: number } {
  let chunk = TAIL_CHUNK;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    let off = 0;
    while (off < buf.length) off += readSync(fd, buf, off, buf.length - off, start + off);
    // Need a newline before the last line (or the start of the file) to see the whole last line.
    const body = buf.subarray(0, buf.length - 1);
    if (start === 0 || body.includes(0x0a)) return { text: buf, start };
    chunk *= 4;
  }
}

function tipOf(line: string, file: string): ChainTip {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw new Error(`audit log ${file}: the last line is not JSON; run 'warden audit verify' and move the file aside`);
  }
  const parsed = auditEventSchema.safeParse(obj);
  if (!parsed.success || !selfHashHolds(line, parsed.data.hash)) {
    throw new Error(`audit log ${file}: the last line is not a valid audit event; run 'warden audit verify' and move the file aside`);
  }
  return { seq: parsed.data.seq, hash: lineHash(line) };
}

/** The tip of a file's last whole line, reading only its tail. */
function lastLineTip(fd: number, size: number, file: string): { tip: ChainTip | null; wholeEnd: number; torn: Buffer | null } {
  if (size === 0) return { tip: null, wholeEnd: 0, torn: null };
  const { text, start } = readTail(fd, size);
  const lastNl = text.lastIndexOf(0x0a);
  const torn = lastNl === text.length - 1 ? null : text.subarray(lastNl + 1);
  if (lastNl < 0) return { tip: null, wholeEnd: start, torn };
  const prevNl = text.lastIndexOf(0x0a, lastNl - 1);
  const line = text.subarray(prevNl + 1, lastNl).toString('utf8');
  return { tip: tipOf(line, file), wholeEnd: start + lastNl + 1, torn };
}

/**
 * Finds where the chain ends so a writer can continue it. A torn final line
 * (bytes after the last newline: a write cut short by a crash) is cut off —
 * it was never acknowledged to anyone — and reported so the writer can record
 * a note saying so. If the live file is missing or empty, the chain continues
 * from the newest rotated file. A last whole line that is not a valid event is
 * an error: the writer refuses to continue a damaged log.
 */
export function recoverChain(file: string): Recovered {
  let tip: ChainTip | null = null;
  let size = 0;
  let torn: TornTail | null = null;
  if (existsSync(file)) {
    const fd = openSync(file, 'r+');
    try {
      size = fstatSync(fd).size;
      const last = lastLineTip(fd, size, file);
      if (last.torn !== null) {
        torn = { bytes: last.torn.length, sha256: createHash('sha256').update(last.torn).digest('hex') };
        ftruncateSync(fd, last.wholeEnd);
        size = last.wholeEnd;
      }
      tip = last.tip;
    } finally {
      closeSync(fd);
    }
  }
  if (tip === null && size === 0) {
    const rotated = rotatedFiles(file);
    const newest = rotated[rotated.length - 1];
    if (newest !== undefined) {
      const fd = openSync(newest[1], 'r');
      try {
        const last = lastLineTip(fd, fstatSync(fd).size, newest[1]);
        if (last.torn !== null) throw new Error(`audit log ${newest[1]}: a rotated file ends in a torn line`);
        tip = last.tip;
      } finally {
        closeSync(fd);
      }
    }
  }
  return { tip, size, torn };
}
