import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSecretEnv } from '../../../src/core/secrets/secretEnv';
import { API_KEY_SECRET } from '../../../src/core/secrets/store';
import { EnvSecretStore } from '../../../src/node/secrets/envSecretStore';
import { INDEX_KEY, SecretStorageStore } from '../../../src/vscode/secrets/secretStorageStore';

/** VS Code's SecretStorage surface, in memory (VS Code itself is not available to unit tests). */
function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    get: (k: string) => Promise.resolve(data.get(k)),
    store: (k: string, v: string) => Promise.resolve(void data.set(k, v)),
    delete: (k: string) => Promise.resolve(void data.delete(k)),
  };
}

describe('SecretStorageStore', () => {
  it('stores values in SecretStorage and names in a separate index', async () => {
    const mem = memoryStorage();
    const logs: string[] = [];
    const s = new SecretStorageStore(mem, (m) => logs.push(m));
    await s.set('NPM_TOKEN', 'npm-secret-value');
    await s.set(API_KEY_SECRET, 'sk-ant-xyz');
    assert.equal(await s.get('NPM_TOKEN'), 'npm-secret-value');
    assert.deepEqual(await s.list(), [API_KEY_SECRET, 'NPM_TOKEN']);
    assert.ok(!mem.data.get(INDEX_KEY)!.includes('npm-secret-value'), 'the index holds names only');
    await s.delete('NPM_TOKEN');
    assert.equal(await s.get('NPM_TOKEN'), undefined);
    assert.deepEqual(await s.list(), [API_KEY_SECRET]);
    assert.ok(logs.every((l) => !l.includes('sk-ant-xyz') && !l.includes('npm-secret-value')));
  });

  it('keeps every name when sets run concurrently', async () => {
    const s = new SecretStorageStore(memoryStorage());
    await Promise.all(['A', 'B', 'C', 'D'].map((n) => s.set(n, `v-${n}`)));
    assert.deepEqual(await s.list(), ['A', 'B', 'C', 'D']);
  });

  for (const bad of ['', 'has space', '1LEADING_DIGIT', 'semi;colon', 'a'.repeat(300)]) {
    it(`refuses the invalid name ${JSON.stringify(bad.slice(0, 20))}`, async () => {
      const s = new SecretStorageStore(memoryStorage());
      await assert.rejects(async () => s.set(bad, 'v'), /invalid secret name/);
    });
  }

  it('refuses an empty value', async () => {
    await assert.rejects(new SecretStorageStore(memoryStorage()).set('X', ''), /empty/);
  });

  it('reports a damaged index without its content and lists nothing', async () => {
    const mem = memoryStorage();
    mem.data.set(INDEX_KEY, '{"not":"a list", "value":"leaky"}');
    const logs: string[] = [];
    assert.deepEqual(await new SecretStorageStore(mem, (m) => logs.push(m)).list(), []);
    assert.equal(logs.length, 1);
    assert.ok(!logs[0]!.includes('leaky'));
  });
});

describe('EnvSecretStore', () => {
  const env = { NPM_TOKEN: 'from-env', PATH: '/usr/bin', [API_KEY_SECRET]: 'sk-env', EMPTY: '' };

  it('reads only known secret names from the environment', async () => {
    const s = new EnvSecretStore(env, ['NPM_TOKEN', API_KEY_SECRET, 'EMPTY', 'ABSENT']);
    assert.equal(await s.get('NPM_TOKEN'), 'from-env');
    assert.equal(await s.get('PATH'), undefined, 'PATH is not a secret');
    assert.deepEqual(await s.list(), [API_KEY_SECRET, 'NPM_TOKEN']);
  });

  it('set and delete change this run only, and say so', async () => {
    const notices: string[] = [];
    const s = new EnvSecretStore(env, ['NPM_TOKEN'], (m) => notices.push(m));
    await s.set('EXTRA', 'temp-value');
    await s.delete('NPM_TOKEN');
    assert.equal(await s.get('EXTRA'), 'temp-value');
    assert.equal(await s.get('NPM_TOKEN'), undefined);
    assert.equal(env.NPM_TOKEN, 'from-env', 'the environment itself is untouched');
    assert.deepEqual(await s.list(), ['EXTRA']);
    assert.match(notices.join('\n'), /this run only/);
    assert.ok(notices.every((n) => !n.includes('temp-value')));
  });
});

describe('secret env for a call', () => {
  const table: Array<[string, { granted: string[]; requested: string[]; approvedByPerson: boolean }, string[], string[]]> = [
    [
      'injects requested and granted secrets after approval',
      { granted: ['NPM_TOKEN', 'GH_TOKEN'], requested: ['NPM_TOKEN'], approvedByPerson: true },
      ['NPM_TOKEN'],
      [],
    ],
    [
      'leaves out a requested secret that is not granted',
      { granted: ['NPM_TOKEN'], requested: ['NPM_TOKEN', 'OTHER'], approvedByPerson: true },
      ['NPM_TOKEN'],
      ['OTHER'],
    ],
    ["injects nothing without a person's approval", { granted: ['NPM_TOKEN'], requested: ['NPM_TOKEN'], approvedByPerson: false }, [], []],
    [
      'injects nothing that was not requested, even if granted',
      { granted: ['NPM_TOKEN', 'GH_TOKEN'], requested: [], approvedByPerson: true },
      [],
      [],
    ],
    ['names a repeated request once', { granted: ['A'], requested: ['A', 'A'], approvedByPerson: true }, ['A'], []],
  ];
  for (const [name, request, inject, notGranted] of table) {
    it(name, () => {
      const plan = planSecretEnv(request);
      assert.deepEqual(plan.inject, inject);
      assert.deepEqual(plan.notGranted, notGranted);
    });
  }
});
