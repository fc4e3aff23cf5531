import { after, before, describe, it } from 'node:test';
import { BubblewrapRunner } from '../../../src/node/sandbox/bubblewrapRunner';
import { describeIsolation } from '../../fixtures/sandbox/isolationCases';
import { assertOwnerKillLeavesNothing } from '../../fixtures/sandbox/ownerKill';
import { makeWorkspace, requireTools, type Workspace } from '../../fixtures/sandbox/workspace';

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

describe('bubblewrap runner lifetime', () => {
  let ws: Workspace;
  before(() => {
    requireTools('bwrap');
    ws = makeWorkspace();
  });
  after(() => ws?.dispose());

  it('kill -9 of the process that owns the runner leaves no sandboxed process (--die-with-parent)', () =>
    assertOwnerKillLeavesNothing(ws, 'bubblewrap'));
});
