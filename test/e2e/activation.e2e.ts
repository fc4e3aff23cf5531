// The extension in a real VS Code: it activates cleanly, its view opens and
// renders, and every contributed command is in the palette and runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from './codeServer';
import { launchWorkbench, type LaunchedWorkbench } from './harness';
import { describeReaction, type CommandReaction } from './reactions';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: ContributedCommand[] };
};
const commands = manifest.contributes.commands;
const paletteTitle = (c: ContributedCommand): string => (c.category ? `${c.category}: ${c.title}` : c.title);

/**
 * What each command visibly does in a fresh workbench (no secrets stored, no
 * proposal waiting, no task running). A command not listed here must still
 * run without the workbench reporting it missing or failed.
 */
const EXPECTED: Record<string, { kind: CommandReaction['kind']; text: RegExp; password?: boolean }> = {
  'warden.setApiKey': { kind: 'input', text: /Set API Key/, password: true },
  'warden.setSecret': { kind: 'input', text: /Set Secret/ },
  'warden.listSecrets': { kind: 'notification', text: /no secrets are stored/i },
  'warden.deleteSecret': { kind: 'notification', text: /no secrets are stored/i },
  'warden.acceptProposal': { kind: 'notification', text: /no proposal is waiting/i },
  'warden.rejectProposal': { kind: 'notification', text: /no proposal is waiting/i },
  'warden.showAuditLog': { kind: 'editor', text: /audit/i },
  'warden.approveMcpServer': { kind: 'notification', text: /No MCP server waits for your approval/ },
  'warden.reviewMcpTools': { kind: 'notification', text: /No MCP server has tools waiting for review/ },
};

function reactionText(r: CommandReaction): string {
  switch (r.kind) {
    case 'notification':
    case 'dialog':
      return r.text;
    case 'input':
    case 'editor':
      return r.title;
    case 'none':
      return '';
  }
}

describe('Warden in a real VS Code', { timeout: 8 * 60_000 }, () => {
  let wb: LaunchedWorkbench;

  before(
    async () => {
      // One invalid setting, which the status bar must name from startup.
      wb = await launchWorkbench({ suite: 'activation', settings: { 'warden.commands.timeoutSeconds': 'soon' } });
    },
    { timeout: 5 * 60_000 },
  );

  after(
    async () => {
      await wb?.close();
    },
    { timeout: 60_000 },
  );

  it('shows the Warden view container in the activity bar', { timeout: 60_000 }, async () => {
    await wb.activityBarItem('Warden').waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('01-workbench');
  });

  it('shows its status bar item from startup, naming an invalid setting; a click opens the settings', { timeout: 90_000 }, async () => {
    // Before the chat view has ever been opened.
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /Warden/ }).first();
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.filter({ hasText: /1 invalid setting/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('01-status-bar-invalid-setting');
    await item.locator('a, .statusbar-item-label').first().click();
    await wb.page.locator('.settings-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.runCommand('View: Close All Editors');
  });

  it('opens the chat view and its webview renders its content', { timeout: 90_000 }, async () => {
    const chat = await wb.openWardenView();
    const app = chat.locator('#app');
    await app.waitFor({ state: 'visible', timeout: 30_000 });
    // The webview's script replaces the provider's static placeholder.
    await chat.locator('#app').filter({ hasNotText: "Warden's chat is starting" }).waitFor({ timeout: 30_000 });
    const text = (await app.innerText()).trim();
    assert.notEqual(text, '', 'the chat view shows text');
    // A chat view has somewhere to type.
    await chat.locator('textarea, input[type="text"]').first().waitFor({ state: 'visible', timeout: 10_000 });
    const title = await wb.page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title, /warden/i, 'the side bar shows Warden');
    await wb.screenshot('02-chat-view');
  });

  it('offers Stop in the chat title bar only while a task runs', { timeout: 30_000 }, async () => {
    // The Warden container holds two views (Chat, MCP Servers): the chat's actions are on its own pane header.
    const header = wb.page.locator('.part.sidebar .pane-header', { hasText: /^\s*Chat/i }).first();
    await header.hover();
    const actions = header.locator('.actions-container');
    await actions.locator('a.action-label[aria-label^="New Chat"]').first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await actions.locator('a.action-label[aria-label^="Stop"]').count(), 0, 'no Stop while idle');
  });

  it('lists every contributed command under "Warden:" in the command palette', { timeout: 120_000 }, async () => {
    // The palette shows only the rows that fit: ask for each command by its title.
    for (const c of commands) {
      const listed = await wb.paletteCommands(paletteTitle(c));
      assert.ok(listed.includes(paletteTitle(c)), `${paletteTitle(c)} missing from the palette: ${JSON.stringify(listed)}`);
    }
    const all = await wb.paletteCommands('Warden:');
    assert.ok(all.length > 0 && all.every((l) => l.startsWith('Warden:')), JSON.stringify(all));
  });

  for (const c of commands) {
    it(`runs "${paletteTitle(c)}" from the command palette`, { timeout: 60_000 }, async () => {
      const reaction = await wb.runCommandObserved(paletteTitle(c));
      try {
        const expected = EXPECTED[c.command];
        if (expected) {
          assert.equal(reaction.kind, expected.kind, `${c.command}: expected a ${expected.kind}, saw ${describeReaction(reaction)}`);
          assert.match(reactionText(reaction), expected.text, `${c.command}: ${describeReaction(reaction)}`);
          if (expected.password)
            assert.ok(reaction.kind === 'input' && reaction.password, `${c.command}: the input box hides what is typed`);
        }
        await wb.screenshot(`03-command-${c.command.replace(/^warden\./, '')}`);
      } finally {
        await wb.dismiss(reaction);
        await wb.clearNotifications();
      }
    });
  }

  it('activates without errors in the extension host log', { timeout: 30_000 }, () => {
    const log = wb.extensionHostLog();
    assert.match(log, /_doActivateExtension warden-dev\.warden\b/, 'the extension host activated Warden');
    assert.doesNotMatch(log, /Activating extension '?warden-dev\.warden'? failed/i);
    const bad = log.split('\n').filter((l) => /\[error\]/.test(l) && /warden/i.test(l));
    assert.deepEqual(bad, [], `errors about Warden in the extension host log:\n${bad.join('\n')}`);
    const own = wb
      .readOutputChannel('Warden')
      .split('\n')
      .filter((l) => /\[error\]/.test(l));
    assert.deepEqual(own, [], `errors in Warden's output channel:\n${own.join('\n')}`);
  });
});
