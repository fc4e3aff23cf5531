// Why a call asks, "Always allow…" and the policy report in a real VS Code:
// the why-line on the chat card and in the command preview; Always Allow…
// offering the narrowest rule and its widening, showing the setting as it
// will be written, writing it to user settings only on confirmation (and the
// next task runs the command unasked); "Warden: Show What the Agent Can Do"
// rendered in the Markdown preview. Screenshots of each surface.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { previewFrame, sendChat, setApiKey, waitForChatText, waitForPreviewState } from './approvalHelpers';
import { card, runWardenCommand, waitForCardStatus } from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'scripts', 'why-and-rules.json');

describe('why it asks, always allow and the policy report in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let wb: LaunchedWorkbench;
  const userSettings = (): Record<string, unknown> =>
    JSON.parse(readFileSync(join(wb.server.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;

  workbenchWithModel(
    SCRIPT,
    {
      suite: 'why-and-rules',
      viewport: { width: 1400, height: 900 },
      settings: { 'warden.commands.allow': ['git status', 'npm test', 'make **'] },
      ready: async () => {
        mkdirSync(join(wb.workspaceDir, 'notes'), { recursive: true });
        writeFileSync(join(wb.workspaceDir, 'notes/a.txt'), 'one\ntwo\n');
        writeFileSync(join(wb.workspaceDir, 'notes/b.txt'), 'three\n');
        await setApiKey(wb);
      },
    },
    (s) => ({ wb } = s),
  );

  it(
    'shows why it asks on the card and in the preview, then Always allow… writes the rule after confirmation',
    { timeout: 240_000 },
    async () => {
      await sendChat(wb, 'why-task');
      const f = await previewFrame(wb, 'wc -l notes/a.txt notes/b.txt');
      const why = await f.locator('#why-line').innerText();
      assert.match(why, /^Asks: 'wc -l notes\/a\.txt notes\/b\.txt' is not in warden\.commands\.allow/);
      const c = await waitForCardStatus(wb, /wc -l notes/, 'awaiting-approval');
      assert.match(
        await c.locator('.card-why').innerText(),
        /^Asks: 'wc -l notes\/a\.txt notes\/b\.txt' is not in warden\.commands\.allow/,
      );
      await wb.screenshot('01-why-line-preview-and-card');

      await f.locator('#always-allow').click();
      const pick = wb.page.locator('.quick-input-widget');
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      const items = await pick.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      assert.ok(
        items.some((t) => t.includes('wc -l notes/a.txt notes/b.txt') && t.includes('narrowest')),
        items.join(' | '),
      );
      assert.ok(
        items.some((t) => t.includes('wc -l *')),
        items.join(' | '),
      );
      await wb.screenshot('02-always-allow-choices');
      await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'wc -l *' }).click();
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const shown = await dialog.innerText();
      assert.match(shown, /"warden\.commands\.allow": \[\s*"git status",\s*"npm test",\s*"make \*\*",\s*"wc -l \*"\s*\]/);
      assert.equal(
        userSettings()['warden.commands.allow']?.toString(),
        'git status,npm test,make **',
        'nothing is written before the person confirms',
      );
      await wb.screenshot('03-always-allow-as-written');
      await dialog.locator('.monaco-button', { hasText: 'Add Rule and Approve' }).click();
      await waitForPreviewState(f, /Finished|Failed/);
      await waitForChatText(wb, 'why-task finished.');
      assert.deepEqual(userSettings()['warden.commands.allow'], ['git status', 'npm test', 'make **', 'wc -l *']);

      // The next task runs a command the new rule covers without asking.
      await sendChat(wb, 'rule-task');
      await waitForChatText(wb, 'rule-task finished.');
      const next = await card(wb, /wc -l notes\/a\.txt$/);
      assert.match(await next.innerText(), /by rule warden\.commands\.allow: wc -l \*/);
      await wb.screenshot('04-next-task-runs-unasked');
    },
  );

  it('shows what the agent can do as a readable page, with the rule warnings', { timeout: 120_000 }, async () => {
    await runWardenCommand(wb, 'Warden: Show What the Agent Can Do');
    const frame = await (async () => {
      for (let i = 0; i < 60; i++) {
        for (const fr of wb.page.frames()) {
          const h = await fr
            .locator('h1', { hasText: 'What the agent can do now' })
            .count()
            .catch(() => 0);
          if (h > 0) return fr;
        }
        await wb.page.waitForTimeout(500);
      }
      throw new Error('the report page did not render');
    })();
    const text = await frame.locator('body').innerText();
    for (const want of [
      /Commands that run without asking/,
      /npm runs the repository's package\.json scripts/,
      /make \*\*.*any further arguments/,
      /Rule warnings/,
      /wc -l \*/,
      /Managed policy/,
    ])
      assert.match(text, want);
    await wb.screenshot('05-policy-report-page');
    assert.ok(existsSync(join(wb.server.userDataDir, 'User', 'settings.json')));
  });
});
