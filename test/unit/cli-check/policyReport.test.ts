import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeWorkspace } from '../agent/harness';
import { runWarden } from '../cli-run/helpers';

const FIX = join(__dirname, '..', '..', 'fixtures', 'policy');
const SAMPLE = join(__dirname, '..', '..', '..', 'sample-workspace');
const USER = join(FIX, 'realistic-user-settings.json');
const HOSTILE = join(FIX, 'hostile-workspace-settings.json');

describe('warden policy report and the rule lint in warden check', () => {
  it('prints the report as plain text, naming rules, implications, hosts, secrets and warnings', async () => {
    const r = await runWarden(['policy', 'report', '--workspace', SAMPLE, '--settings', USER, '--sandbox', 'available']);
    assert.equal(r.code, 0, r.stderr);
    for (const want of [
      /^WHAT THE AGENT CAN DO NOW$/m,
      /- npm test: admits exactly 'npm test'\.\n {2}- npm runs the repository's package\.json scripts/,
      /- fetch_url: registry\.npmjs\.org, \*\.github\.com/,
      /- NPM_TOKEN — to npm install, npm whoami; reaches registry\.npmjs\.org/,
      /RULE WARNINGS[\s\S]*'make \*\*' lets the agent run/,
      /MANAGED POLICY[\s\S]*None in force\./,
    ]) {
      assert.match(r.stdout, want);
    }
  });

  it('says nothing runs unasked without a sandbox, and lists the hostile workspace values it ignored (JSON)', async () => {
    const r = await runWarden([
      'policy',
      'report',
      '--workspace',
      SAMPLE,
      '--settings',
      USER,
      '--workspace-settings',
      HOSTILE,
      '--sandbox',
      'unavailable',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      commands: { unasked: { runsUnasked: boolean }[] };
      ignoredWorkspaceValues: { key: string; value: unknown }[];
      sandbox: { effect: string };
    };
    assert.ok(report.commands.unasked.every((c) => !c.runsUnasked));
    assert.match(report.sandbox.effect, /no command runs unasked/);
    assert.ok(report.ignoredWorkspaceValues.some((i) => i.key === 'warden.commands.allow' && JSON.stringify(i.value).includes('bash **')));
  });

  it('fails on invalid settings, saying every call is denied', async () => {
    const bad = join(makeWorkspace({ 'user.json': '{"warden.commands.allow": "git *"}' }), 'user.json');
    const r = await runWarden(['policy', 'report', '--workspace', SAMPLE, '--settings', bad, '--format', 'md']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\*\*The settings are invalid: every call is denied\.\*\*/);
  });

  it('warden check warns about rules that grant code, and still decides', async () => {
    const r = await runWarden(['check', '--workspace', SAMPLE, '--settings', USER, '--sandbox', 'available'], {
      stdin: '{"tool":"run_command","input":{"command":"npm test"}}\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /warden check: rule warning warden\.commands\.allow: 'npm test' npm runs the repository's package\.json scripts.*\(source: https:\/\/docs\.npmjs\.com/,
    );
    assert.match(r.stderr, /'python3 \*'.*python3 runs whatever code its arguments name/);
    assert.equal((JSON.parse(r.stdout) as { decision: string }).decision, 'allow');
  });
});
