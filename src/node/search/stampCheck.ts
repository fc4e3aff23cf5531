import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workerThread';
import { stampFrom, stampHolds, type Stamp } from './stamps';
import type { StampReply, StampRequest } from './stampWorker';

/** Stamps of fewer paths are checked on the asking thread alone. */
const SPLIT_AT = 4096;
/** How long the other thread's answer is waited for (its start included). */
const ANSWER_MS = 5000;

/** The second thread: src/node/search/stampWorker.ts, bundled as dist/stamp-check.js. */
const startStampWorker = (): Worker => startWorker({ source: join(__dirname, 'stampWorker.ts'), bundle: 'stamp-check.js' });

/**
 * Checks a large stamp on two threads: the second half of each kept stamp
 * lives on a worker thread, which checks it while the asking thread checks
 * the first half. Should the worker fail or not know the stamp, the asking
 * thread checks that half itself, so the answer never depends on it. The
 * worker is started with the first large stamp kept and never keeps the
 * process alive while idle.
 */
export class StampChecker {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  private readonly ids = new WeakMap<Stamp, number>();
  private readonly waiting = new Map<number, (holds: boolean | null) => void>();

  constructor(
    private readonly start: () => Worker = startStampWorker,
    private readonly splitAt = SPLIT_AT,
    private readonly answerMs = ANSWER_MS,
  ) {}

  /** Hands the second half of a large stamp to the worker, ahead of the checks. */
  keep(s: Stamp): void {
    if (s.paths.length < this.splitAt) return;
    const w = this.thread();
    if (w === null) return;
    const id = this.nextId++;
    this.ids.set(s, id);
    this.post(w, { kind: 'keep', id, stamp: stampFrom(s, half(s)) });
  }

  forget(s: Stamp): void {
    const id = this.ids.get(s);
    if (id !== undefined && this.worker !== null) this.post(this.worker, { kind: 'forget', id });
  }

  /** Whether every recorded stamp is still as it was (./listingIndex.ts). */
  async holds(s: Stamp): Promise<boolean> {
    const id = this.ids.get(s);
    const w = this.worker;
    if (id === undefined || w === null) return stampHolds(s);
    const req = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<boolean | null>((resolve) => {
      this.waiting.set(req, resolve);
      // An answer that does not come in time is no answer: this thread checks that half itself.
      timer = setTimeout(() => {
        if (this.waiting.delete(req)) resolve(null);
      }, this.answerMs);
    });
    w.ref();
    this.post(w, { kind: 'check', id, req });
    const first = stampHolds(s, 0, half(s));
    const second = await answer;
    clearTimeout(timer);
    if (this.waiting.size === 0) this.worker?.unref();
    return first && (second ?? stampHolds(s, half(s)));
  }

  private post(w: Worker, m: StampRequest): void {
    try {
      w.postMessage(m);
    } catch {
      this.fail();
    }
  }

  private fail(): void {
    this.broken = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }

  private thread(): Worker | null {
    if (this.broken) return null;
    if (this.worker === null) {
      let w: Worker;
      try {
        w = this.start();
      } catch {
        this.broken = true;
        return null;
      }
      w.on('message', (r: StampReply) => {
        const resolve = this.waiting.get(r.req);
        this.waiting.delete(r.req);
        resolve?.(r.holds);
      });
      w.on('error', () => this.fail());
      w.on('exit', () => this.fail());
      // After the listeners: adding a message listener refs the worker's port again.
      w.unref();
      this.worker = w;
    }
    return this.worker;
  }
}

const half = (s: Stamp): number => Math.floor(s.paths.length / 2);
