import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SandboxRuntimeRunner } from '../../../src/node/sandbox/sandboxRuntimeRunner';
import { makeWorkspace, req, requireTools } from '../../fixtures/sandbox/workspace';

const bundle = join(__dirname, '..', '..', '..', 'dist', 'sandbox-host.js');

describe('the bundled sandbox host (dist/sandbox-host.js)', () => {
  // `npm test` builds before the unit tests; a bare unit run without a build says so here.
  it(
    'starts from the bundle and runs a command sandboxed, seccomp helper included',
    { skip: existsSync(bundle) ? false : 'dist/sandbox-host.js is not built: npm run build' },
    async () => {
      requireTools('bwrap', 'socat', 'rg');
      const ws = makeWorkspace();
      const r = await SandboxRuntimeRunner.start({ config: ws.config, host: { script: bundle, execArgv: [] } });
      if (!(r instanceof SandboxRuntimeRunner)) throw new Error(`bundled host did not start: ${r.unavailable}`);
      try {
        const res = await r.run(req(ws, 'echo ok; grep -E "^Seccomp:" /proc/self/status; cat .env 2>/dev/null; true'));
        assert.match(res.stdout, /^ok$/m);
        assert.match(res.stdout, /^Seccomp:\s+2$/m, 'the seccomp helper was found beside the bundle');
        assert.doesNotMatch(res.stdout, /TOKEN=/);
      } finally {
        await r.dispose();
        ws.dispose();
      }
    },
  );
});
