// The harness can open the workspace untrusted (Restricted Mode), as the
// Workspace Trust tests need, and Warden still activates and renders there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchWorkbench, type LaunchedWorkbench } from './harness';

describe('Warden in Restricted Mode', { timeout: 6 * 60_000 }, () => {
  let wb: LaunchedWorkbench;

  before(
    async () => {
      wb = await launchWorkbench({ suite: 'restricted', trust: false });
    },
    { timeout: 5 * 60_000 },
  );

  after(
    async () => {
      await wb?.close();
    },
    { timeout: 60_000 },
  );

  it('opens the workspace in Restricted Mode', { timeout: 60_000 }, async () => {
    const badge = wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first();
    await badge.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('01-restricted-mode');
  });

  it('still opens the chat view, whose webview renders', { timeout: 90_000 }, async () => {
    const chat = await wb.openWardenView();
    await chat.locator('#app').filter({ hasNotText: "Warden's chat is starting" }).waitFor({ timeout: 30_000 });
    assert.match(await chat.locator('#app').innerText(), /\S/, 'the chat view shows something');
    // The banner promises only what Restricted Mode does: changes are refused, not proposed.
    const banner = await chat.locator('.banner.warning', { hasText: 'Restricted Mode' }).first().innerText();
    assert.doesNotMatch(banner, /propose/i, banner);
    assert.match(banner, /nothing is written and nothing runs/, banner);
    await wb.screenshot('02-chat-view-restricted');
  });
});
