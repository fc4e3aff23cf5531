import './installFake';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SessionGrants } from '../../../src/core/agent/sessionGrants';
import { sessionGrantsCommand } from '../../../src/vscode/approvals/grantsCommand';
import { fake } from './fakeVscode';

interface Row {
  readonly label: string;
  readonly description: string;
  readonly key: string;
}

function grants(): SessionGrants {
  const g = new SessionGrants();
  g.add({
    key: 'write\u0000folder\u0000/ws\u0000src/lib',
    tool: 'write_file',
    scope: 'folder',
    description: 'writes under src/lib/** (folder)',
  });
  g.add({ key: 'write\u0000/ws/src/a.ts', tool: 'edit_file', scope: 'file', description: 'writes to src/a.ts (file)' });
  g.add({ key: 'run_command\u0000npm test\u0000/ws', tool: 'run_command', scope: 'exact', description: 'runs `npm test` in /ws' });
  return g;
}

describe('Show Session Grants', () => {
  beforeEach(() => fake.reset());

  it('lists each grant in words with its scope, and revokes the ones checked', async () => {
    const g = grants();
    let shown: Row[] = [];
    fake.quickPickAnswer = (items) => ((shown = items as Row[]), shown.filter((r) => r.label.includes('src/lib')));
    await sessionGrantsCommand(g)();
    assert.deepEqual(
      shown.map((r) => [r.label, r.description]),
      [
        ['writes under src/lib/** (folder)', 'every file under this folder · given on write_file'],
        ['writes to src/a.ts (file)', 'this file · given on edit_file'],
        ['runs `npm test` in /ws', 'exactly this call · given on run_command'],
      ],
    );
    assert.deepEqual(
      g.list().map((x) => x.scope),
      ['file', 'exact'],
    );
    const told = fake.calls.filter((c) => c.api === 'window.showInformationMessage').map((c) => c.args[0]);
    assert.deepEqual(told, ['Warden: revoked 1 grant; those calls ask again.']);
  });

  it('shows a hidden character in a granted path made visible', async () => {
    const g = new SessionGrants();
    g.add({ key: 'write\u0000/ws/a\u202e.ts', tool: 'write_file', scope: 'file', description: 'writes to a\u202e.ts (file)' });
    let shown: Row[] = [];
    fake.quickPickAnswer = (items) => ((shown = items as Row[]), undefined);
    await sessionGrantsCommand(g)();
    assert.equal(shown[0]?.label, 'writes to a<U+202E>.ts (file)');
  });

  it('revokes nothing when the pick is dismissed', async () => {
    const g = grants();
    await sessionGrantsCommand(g)();
    assert.equal(g.list().length, 3);
  });
});
