import './installFake';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { taskPolicy } from '../../../src/core/policy/snapshot';
import { wasmDirFromNodeModules } from '../../../src/node/shellParser';
import { GuardHolder } from '../../../src/vscode/agent/guardHolder';
import { readScopedSettings } from '../../../src/vscode/settings/readSettings';
import { makeWorkspace } from '../agent/harness';
import { fake, FakeUri } from './fakeVscode';

const write = (path: string) => ({ tool: 'write_file', input: { path, content: 'x' } });
const folder = (path: string, name: string, index: number) => ({ uri: FakeUri.file(path), name, index });

describe('the guard cache (GuardHolder) over VS Code settings', () => {
  beforeEach(() => fake.reset());

  it('derives the snapshot once per change: the same one until invalidated, a new one after', async () => {
    const root = makeWorkspace({});
    fake.folders = [folder(root, 'ws', 0)];
    fake.settings.set('warden.paths.autoApprove', { globalValue: ['**'] });
    const holder = new GuardHolder(wasmDirFromNodeModules(), () => true);
    const first = await holder.current();
    assert.equal(await holder.current(), first);
    assert.equal(holder.now(), first);
    assert.equal(first.guard.decide(write('a.txt')).decision, 'allow');
    fake.settings.set('warden.paths.autoApprove', { globalValue: [] });
    assert.equal(holder.now(), first, 'no change is seen before the settings event invalidates');
    holder.invalidate();
    const second = holder.now();
    assert.notEqual(second, first);
    assert.equal(second.guard.decide(write('a.txt')).decision, 'ask');
  });

  it('a running task sees a stricter setting at its next tool call, and a looser one not at all', async () => {
    const root = makeWorkspace({});
    fake.folders = [folder(root, 'ws', 0)];
    fake.settings.set('warden.paths.autoApprove', { globalValue: ['**'] });
    const holder = new GuardHolder(wasmDirFromNodeModules(), () => true);
    const task = taskPolicy(await holder.current(), () => holder.now());
    assert.equal(task.guard.decide(write('a.txt')).decision, 'allow');
    fake.settings.set('warden.paths.autoApprove', { globalValue: [] });
    holder.invalidate();
    assert.equal(task.guard.decide(write('a.txt')).decision, 'ask');
    fake.settings.set('warden.paths.autoApprove', { globalValue: ['**'] });
    holder.invalidate();
    assert.equal(task.guard.decide(write('a.txt')).decision, 'ask', 'loosening waits for the next task');
    assert.equal(taskPolicy(holder.now(), () => holder.now()).guard.decide(write('a.txt')).decision, 'allow');
  });

  it('reads each folder of a multi-root workspace with its own URI, and each narrows only its paths', async () => {
    const app = makeWorkspace({ 'notes.txt': 'a' });
    const lib = makeWorkspace({ 'notes.txt': 'b' });
    fake.workspaceFile = FakeUri.file('/tmp/multi.code-workspace');
    fake.folders = [folder(app, 'app', 0), folder(lib, 'lib', 1)];
    fake.settings.set('warden.paths.autoApprove', { globalValue: ['**/*.txt'] });
    fake.settings.set(`folder:${lib}:warden.paths.autoApprove`, { workspaceFolderValue: [] });
    fake.settings.set(`folder:${app}:warden.paths.autoApprove`, { workspaceFolderValue: ['**'] });
    const scoped = readScopedSettings(
      ['warden.paths.autoApprove'],
      true,
      fake.folders.map((f) => f.uri as never),
    );
    assert.deepEqual(scoped, {
      user: { 'warden.paths.autoApprove': ['**/*.txt'] },
      workspace: {},
      folders: [{ 'warden.paths.autoApprove': ['**'] }, { 'warden.paths.autoApprove': [] }],
    });
    const g = (await new GuardHolder(wasmDirFromNodeModules(), () => true).current()).guard;
    assert.equal(g.decide(write('app:new.txt')).decision, 'allow');
    assert.equal(g.decide(write('app:new.md')).decision, 'ask', "app's ** does not widen the user's **/*.txt");
    assert.equal(g.decide(write('lib:new.txt')).decision, 'ask');
    assert.match(g.decide({ tool: 'read_file', input: { path: 'notes.txt' } }).message, /several workspace folders \(app, lib\)/);
    assert.deepEqual(
      g.ignoredWorkspaceValues.map((i) => i.key),
      ['app: warden.paths.autoApprove'],
    );
  });

  it('in Restricted Mode reads neither the workspace nor the folder values', () => {
    fake.trusted = false;
    fake.workspaceFile = FakeUri.file('/tmp/multi.code-workspace');
    fake.folders = [folder('/a', 'a', 0), folder('/b', 'b', 1)];
    fake.settings.set('warden.paths.denyRead', { globalValue: ['x'], workspaceValue: ['y'] });
    fake.settings.set('folder:/a:warden.paths.denyRead', { workspaceFolderValue: ['z'] });
    assert.deepEqual(
      readScopedSettings(
        ['warden.paths.denyRead'],
        false,
        fake.folders.map((f) => f.uri as never),
      ),
      { user: { 'warden.paths.denyRead': ['x'] }, workspace: {}, folders: [] },
    );
  });
});
