// A managed policy in a real VS Code: the server sees a policy folder at
// /etc/warden (its own mount namespace), and the status bar and the chat
// say that the policy is in force, what it forbids, and which user setting
// it overruled.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchWorkbench, type LaunchedWorkbench } from './harness';

describe('a managed policy in a real VS Code', { timeout: 8 * 60_000 }, () => {
  let wb: LaunchedWorkbench;
  let policy: string;

  before(
    async () => {
      policy = mkdtempSync(join(tmpdir(), 'warden-e2e-policy-'));
      chmodSync(policy, 0o755);
      const file = join(policy, 'managed-settings.json');
      writeFileSync(
        file,
        JSON.stringify({
          'warden.managed.organizationId': 'acme-platform',
          'warden.managed.forbidUnsandboxedRunner': true,
          'warden.managed.forbidAutoReads': true,
          'warden.commands.allow': ['git status', 'npm test'],
        }),
      );
      chmodSync(file, 0o644);
      chownSync(file, 0, 0);
      // The user tries to widen the allow list.
      wb = await launchWorkbench({
        suite: 'managed-policy',
        managedPolicyDir: policy,
        settings: { 'warden.commands.allow': ['git *', 'npm test'] },
      });
    },
    { timeout: 5 * 60_000 },
  );

  after(async () => {
    await wb?.close();
    rmSync(policy, { recursive: true, force: true });
  });

  it('the status bar says a managed policy is in force and, on hover, what it forbids', { timeout: 90_000 }, async () => {
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /Warden/ }).first();
    await item.filter({ hasText: /managed/ }).waitFor({ state: 'visible', timeout: 60_000 });
    await item.hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: /Managed policy in force/ }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await hover.innerText();
    assert.match(text, /organisation acme-platform/, text);
    assert.match(text, /running commands without a sandbox/, text);
    await wb.screenshot('01-status-bar-managed');
  });

  it('the chat names the policy, what it forbids, and the user value it ignored', { timeout: 90_000 }, async () => {
    const chat = await wb.openWardenView();
    const banner = chat.locator('.banner.managed-policy').first();
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await banner.innerText();
    assert.match(text, /Managed policy in force from \/etc\/warden\/managed-settings\.json \(organisation acme-platform\)/, text);
    assert.match(text, /approval\.reads: auto/, text);
    const ignored = await chat.locator('.banner.ignored-setting', { hasText: 'User setting ignored' }).first().innerText();
    assert.match(ignored, /warden\.commands\.allow/, ignored);
    await wb.screenshot('02-chat-managed-banner');
  });
});
