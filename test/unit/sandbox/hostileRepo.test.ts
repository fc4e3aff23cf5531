import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { requireTools } from '../../fixtures/sandbox/workspace';
import { runWarden } from '../cli-run/helpers';

/**
 * A hostile repository (its .git/config, .gitattributes, package.json
 * scripts and Makefile run code) under default settings plus `npm test` on
 * the allow list: the model runs `git status`, `git diff`, `git log -p` and
 * `npm test` unasked, in each sandboxed runner. Nothing outside the
 * workspace changes, no protected path (nor anything else) in it changes,
 * no denied file's bytes reach the model or the audit log, and the attempts
 * are named in the audit record.
 */
const fixture = join(__dirname, '..', '..', 'fixtures', 'workspaces', 'hostile-repo');
const SECRETS = ['hostile-dotenv-secret-6e21', 'hostile-nm-secret-0c9d'];
const MARKERS = ['/tmp/warden-hostile-pwned', '/var/tmp/warden-hostile-pwned'];

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[r] = `<dir ${(st.mode & 0o777).toString(8)}>`;
        walk(abs, r);
      } else out[r] = `${(st.mode & 0o777).toString(8)} ${readFileSync(abs).toString('base64')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** A PATH like ours without socat: sandbox-runtime cannot start, the bubblewrap fallback runs. */
function pathWithoutSocat(dir: string): string {
  mkdirSync(dir);
  const seen = new Set<string>();
  for (const p of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(p);
    } catch {
      continue;
    }
    for (const n of names) {
      if (n === 'socat' || seen.has(n)) continue;
      seen.add(n);
      symlinkSync(join(p, n), join(dir, n));
    }
  }
  return dir;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });

const script: FakeScript = {
  turns: [
    ...['git status', 'git diff', 'git log -p', 'npm test'].map((command, i) => ({
      content: [{ type: 'tool_use' as const, id: `toolu_${i}`, name: 'run_command', input: { command } }],
    })),
    { content: [{ type: 'text' as const, text: 'Done.' }] },
  ],
};

describe('a hostile repository under allowed git status / git diff / npm test', () => {
  const bases: string[] = [];
  after(() => {
    for (const b of bases) rmSync(b, { recursive: true, force: true });
  });

  for (const variant of ['sandbox-runtime', 'bubblewrap'] as const) {
    it(`${variant}: nothing outside changes, no protected path changes, no denied byte reaches the model or the audit log`, async () => {
      requireTools('bwrap', 'socat', 'git', 'npm', 'make');
      const base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-hostile-repo-')));
      bases.push(base);
      const ws = join(base, 'ws');
      const outside = join(base, 'outside');
      const home = join(base, 'home');
      cpSync(fixture, ws, { recursive: true });
      mkdirSync(outside);
      mkdirSync(home);
      writeFileSync(join(outside, 'keep.txt'), 'outside\n');
      writeFileSync(join(home, '.bashrc'), '# rc\n');
      git(ws, 'init', '-q');
      git(ws, 'add', '-A');
      git(ws, 'commit', '-qm', 'init');
      appendFileSync(join(ws, '.git', 'config'), readFileSync(join(ws, 'tools', 'gitconfig')));
      writeFileSync(join(ws, 'notes.txt'), 'first line\nsecond line\n');
      mkdirSync(join(ws, 'node_modules', 'evil'), { recursive: true });
      writeFileSync(join(ws, 'node_modules', 'evil', '.env'), 'NM_KEY=hostile-nm-secret-0c9d\n');
      linkSync(join(ws, '.env'), join(ws, 'notes-link.txt'));
      for (const m of MARKERS) rmSync(m, { force: true });
      const settings = join(base, 'user.json');
      writeFileSync(
        settings,
        JSON.stringify({ 'warden.commands.allow': ['git status', 'git diff *', 'git log *', 'ls *', 'pwd', 'npm test'] }),
      );
      // Warden's own state (the checkpoint store) goes beside home, so home must stay exactly as it was.
      const env: Record<string, string> = {
        ANTHROPIC_API_KEY: 'sk-ant-hostile-repo-0001',
        HOME: home,
        XDG_STATE_HOME: join(base, 'state'),
      };
      // Inside the workspace (before the snapshot): the sandbox hides the host's /tmp, where this checkout may
      // live, and PATH folders there with it; the workspace is always bound.
      if (variant === 'bubblewrap') env.PATH = pathWithoutSocat(join(ws, '.path-without-socat'));
      const before = { ws: snapshot(ws), outside: snapshot(outside), home: snapshot(home) };

      const audit = join(base, 'audit.jsonl');
      const fake = await startFakeAnthropic(script);
      let r;
      try {
        r = await runWarden(['run', '--workspace', ws, '--settings', settings, '--audit', audit, '--approve', 'deny', 'Run the tests.'], {
          env: { ...env, ANTHROPIC_BASE_URL: fake.url },
        });
      } finally {
        await fake.close();
      }
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, variant === 'bubblewrap' ? /sandbox: fallback \(bubblewrap/ : /sandbox: sandboxed/);

      const events = readFileSync(audit, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              kind: string;
              tool: string;
              decision: string;
              input: { command?: string; diff?: string };
              outcome: { status: string } | null;
            },
        );
      const calls = events.filter((e) => e.kind === 'tool_call');
      assert.equal(calls.length, 4);
      for (const c of calls) assert.equal(c.decision, 'allow', `${c.input.command} was ${c.decision}`);
      // The attack really ran (its stderr came back), so the checks below mean something.
      const toModel = fake.requests.map((q) => q.rawBody).join('\n');
      const results = (JSON.parse(fake.requests.at(-1)?.rawBody ?? '{}') as { messages?: unknown[] }).messages ?? [];
      assert.ok(/leak\((npm-test|pretest)\)/.test(toModel), `npm test ran the hostile script: ${JSON.stringify(results).slice(-3000)}`);
      assert.match(toModel, /leak\((fsmonitor|diff-external|textconv|clean)\)/, "git ran the repository's own configuration");

      assert.deepEqual(snapshot(ws), before.ws, 'the workspace (its .git included) is unchanged');
      assert.deepEqual(snapshot(outside), before.outside, 'the folder beside it is unchanged');
      assert.deepEqual(snapshot(home), before.home, 'home is unchanged');
      for (const m of MARKERS) assert.equal(existsSync(m), false, `${m} was written on the host`);

      const audited = readFileSync(audit, 'utf8');
      for (const s of SECRETS) {
        assert.ok(!toModel.includes(s), `${s} reached the model`);
        assert.ok(!audited.includes(s), `${s} reached the audit log`);
        assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `${s} was printed`);
      }
      // Each attempt on a protected path is on the audit record, by name.
      const reported = calls.map((c) => c.input.diff ?? '').join('\n');
      for (const p of ['AGENTS.md', '.envrc', '.husky/pre-commit', '.git/hooks/pre-commit', '.vscode/tasks.json', '.gitattributes']) {
        assert.ok(reported.includes(` ${p}: protected-path`), `${p} is not named in the audit record:\n${reported}`);
      }
    });
  }
});
