// The extension in a real VS Code: it activates cleanly, its view opens and
// renders, and every contributed command is in the palette and runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from './codeServer';
import { launchWorkbench, type LaunchedWorkbench } from './harness';

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

describe('Warden in a real VS Code', { timeout: 8 * 60_000 }, () => {
  let wb: LaunchedWorkbench;

  before(async () => {
    wb = await launchWorkbench({ suite: 'activation' });
  }, { timeout: 5 * 60_000 });

  after(async () => {
    await wb?.close();
  }, { timeout: 60_000 });

  it('shows the Warden view container in the activity bar', { timeout: 60_000 }, async () => {
    await wb.activityBarItem('Warden').waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('01-workbench');
  });

  it('opens the chat view and its webview renders its content', { timeout: 90_000 }, async () => {
    const chat = await wb.openWardenView();
    const app = chat.locator('#app');
    await app.waitFor({ state: 'visible', timeout: 30_000 });
    // The webview's script replaces the provider's static placeholder.
    await chat.locator('#app').filter({ hasNotText: "Warden's chat is starting" }).waitFor({ timeout: 30_000 });
    const text = (await app.innerText()).trim();
    assert.match(text, /Warden/, `chat view text: ${JSON.stringify(text)}`);
    const title = await wb.page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title, /warden/i, 'the side bar shows Warden');
    await wb.screenshot('02-chat-view');
  });

  it('lists every contributed command under "Warden:" in the command palette', { timeout: 60_000 }, async () => {
    const listed = await wb.paletteCommands('Warden:');
    for (const c of commands) {
      assert.ok(listed.includes(paletteTitle(c)), `${paletteTitle(c)} missing from the palette: ${JSON.stringify(listed)}`);
    }
  });

  for (const c of commands) {
    it(`runs "${paletteTitle(c)}" from the command palette`, { timeout: 60_000 }, async () => {
      await wb.runCommand(paletteTitle(c));
      const toast = await wb.waitForNotification(`Warden: ${c.title}`);
      assert.match(await toast.innerText(), new RegExp(`Warden: ${c.title}`));
      if (c === commands[0]) await wb.screenshot('03-command-notification');
      await wb.clearNotifications();
    });
  }

  it('activates without errors in the extension host log', { timeout: 30_000 }, () => {
    const log = wb.extensionHostLog();
    assert.match(log, /_doActivateExtension warden-dev\.warden\b/, 'the extension host activated Warden');
    assert.doesNotMatch(log, /Activating extension '?warden-dev\.warden'? failed/i);
    const bad = log.split('\n').filter((l) => /\[error\]/.test(l) && /warden/i.test(l));
    assert.deepEqual(bad, [], `errors about Warden in the extension host log:\n${bad.join('\n')}`);
    const own = wb.readOutputChannel('Warden').split('\n').filter((l) => /\[error\]/.test(l));
    assert.deepEqual(own, [], `errors in Warden's output channel:\n${own.join('\n')}`);
  });
});
