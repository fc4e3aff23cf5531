import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCommandEnv } from '../../../src/core/exec/envAllowlist';
import { DEFAULT_LIMITS, effectiveTimeoutMs, limitedScript, resolveLimits } from '../../../src/core/exec/limits';

describe('effectiveTimeoutMs', () => {
  const table: Array<[string, number | undefined, number, number]> = [
    ['uses the setting when the model gives none', undefined, 120, 120_000],
    ['keeps a shorter timeout_s', 10, 120, 10_000],
    ['caps a longer timeout_s at the setting', 3600, 120, 120_000],
    ['ignores a zero or negative timeout_s', 0, 60, 60_000],
    ['ignores NaN', Number.NaN, 60, 60_000],
    ['falls back to 120 s when the setting itself is invalid', undefined, -5, 120_000],
  ];
  for (const [name, requested, setting, expected] of table) it(name, () => assert.equal(effectiveTimeoutMs(requested, setting), expected));
});

describe('resource limits', () => {
  it('takes valid per-call limits and the defaults elsewhere', () => {
    assert.deepEqual(resolveLimits({ memoryMiB: 512 }), {
      memoryMiB: 512,
      cpuSeconds: DEFAULT_LIMITS.cpuSeconds,
      processes: DEFAULT_LIMITS.processes,
    });
    assert.equal(resolveLimits({ processes: 40 }).processes, 40);
    assert.deepEqual(resolveLimits({ memoryMiB: -1, cpuSeconds: 1.5 }), DEFAULT_LIMITS);
  });

  it('puts the limits before the command, which stays byte for byte as approved', () => {
    const cmd = 'echo "a b" | tr a-z A-Z\nls';
    const script = limitedScript(cmd, { memoryMiB: 100, cpuSeconds: 7 });
    assert.ok(script.startsWith('ulimit -v 102400 || exit 126\nulimit -t 7 || exit 126\n'));
    assert.ok(script.endsWith(`\n${cmd}`));
  });
});

describe('buildCommandEnv', () => {
  const inherited = {
    PATH: '/usr/bin',
    LANG: 'C.UTF-8',
    HOME: '/root',
    AWS_SECRET_ACCESS_KEY: 'aws',
    SSH_AUTH_SOCK: '/tmp/agent',
    TERM: 'xterm',
  };

  it("keeps only the allowlist, replaces HOME and TMPDIR, turns off git's optional index locks, adds granted secrets", () => {
    const env = buildCommandEnv({ inherited, home: '/s/home', tmpdir: '/s/tmp', secretEnv: { NPM_TOKEN: 'n' } });
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      TERM: 'xterm',
      HOME: '/s/home',
      TMPDIR: '/s/tmp',
      GIT_OPTIONAL_LOCKS: '0',
      NPM_TOKEN: 'n',
    });
  });

  for (const bad of ['PATH', 'HOME', 'TMPDIR', 'GIT_OPTIONAL_LOCKS', 'BAD-NAME', '1X']) {
    it(`refuses a secret named ${bad}`, () => {
      assert.throws(() => buildCommandEnv({ inherited, home: '/h', tmpdir: '/t', secretEnv: { [bad]: 'v' } }), /secret name/);
    });
  }
});
