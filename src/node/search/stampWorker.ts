import { parentPort } from 'node:worker_threads';
import { stampHolds, type Stamp } from './stamps';

/**
 * The listing index's second thread (./stampCheck.ts): it keeps the second
 * half of each stamp it is given and, asked, checks that half while the
 * extension's thread checks the first.
 */
export type StampRequest =
  | { readonly kind: 'keep'; readonly id: number; readonly stamp: Stamp }
  | { readonly kind: 'check'; readonly id: number; readonly req: number }
  | { readonly kind: 'forget'; readonly id: number };

export interface StampReply {
  readonly req: number;
  /** null: no such stamp is kept here (the asker checks the half itself). */
  readonly holds: boolean | null;
}

const kept = new Map<number, Stamp>();
const port = parentPort;
if (port !== null) {
  port.on('message', (m: StampRequest) => {
    if (m.kind === 'keep') kept.set(m.id, m.stamp);
    else if (m.kind === 'forget') kept.delete(m.id);
    else {
      const s = kept.get(m.id);
      port.postMessage({ req: m.req, holds: s === undefined ? null : stampHolds(s) } satisfies StampReply);
    }
  });
}
