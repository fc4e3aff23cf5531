import { BubblewrapRunner } from '../../../src/node/sandbox/bubblewrapRunner';
import { describeIsolation } from '../../fixtures/sandbox/isolationCases';

describeIsolation({
  kind: 'bubblewrap',
  tools: ['bwrap'],
  network: false,
  make: (ws, extra) => {
    const r = BubblewrapRunner.create({ config: ws.config, ...extra });
    if (!(r instanceof BubblewrapRunner)) throw new Error(r.unavailable);
    return Promise.resolve(r);
  },
});
