import { BubblewrapRunner } from '../../../src/node/sandbox/bubblewrapRunner';
import { SandboxRuntimeRunner } from '../../../src/node/sandbox/sandboxRuntimeRunner';
import { describeBoundary } from '../../fixtures/sandbox/boundaryCases';

describeBoundary({
  kind: 'bubblewrap',
  tools: ['bwrap'],
  network: false,
  make: (config, extra) => {
    const r = BubblewrapRunner.create({ config, ...extra });
    if (!(r instanceof BubblewrapRunner)) throw new Error(r.unavailable);
    return Promise.resolve(r);
  },
});

describeBoundary({
  kind: 'sandbox-runtime',
  tools: ['bwrap', 'socat', 'rg'],
  network: true,
  make: async (config, extra) => {
    const r = await SandboxRuntimeRunner.start({ config, ...extra });
    if (!(r instanceof SandboxRuntimeRunner)) throw new Error(r.unavailable);
    return r;
  },
});
