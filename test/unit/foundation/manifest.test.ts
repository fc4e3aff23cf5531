import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMAND_IDS, CHAT_VIEW_ID } from '../../../src/vscode/commands/ids';

interface Manifest {
  name: string;
  engines: { vscode: string };
  main: string;
  bin: Record<string, string>;
  activationEvents: string[];
  devDependencies: Record<string, string>;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string; type: string }[]>;
    configuration: { properties: Record<string, { scope?: string; markdownDescription?: string; default?: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

describe('extension manifest', () => {
  it('contributes exactly the commands the extension registers', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  });

  it('contributes the chat as a webview view in its own container', () => {
    const view = manifest.contributes.views.warden?.find((v) => v.id === CHAT_VIEW_ID);
    assert.equal(view?.type, 'webview');
  });

  it('activates after startup (its status bar item shows invalid settings from the start), never with "*"', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  });

  it('installs on code-server 4.100 and pins the API types to it', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '~1.100.0');
    assert.equal(manifest.main, 'dist/extension.js');
    assert.equal(manifest.bin.warden, 'dist/cli.js');
  });

  it('restricts every setting in untrusted workspaces', () => {
    const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of Object.keys(settings)) assert.ok(restricted.has(key), `${key} is not in restrictedConfigurations`);
  });

  it('lets no repository redirect the API key or choose the model', () => {
    assert.equal(settings['warden.anthropic.baseUrl']?.scope, 'application');
    assert.equal(settings['warden.model']?.scope, 'application');
  });

  it('describes every setting', () => {
    for (const [key, s] of Object.entries(settings)) {
      assert.ok((s.markdownDescription ?? '').length > 20, `${key} has no description`);
      assert.ok('default' in s, `${key} has no default`);
    }
  });
});
