// Session grants that fit, in a real VS Code: a write's card offers "this
// file" and "this folder" beside Approve; the person grants the folder from
// the diff's "Accept for This Session…"; the next write into that folder runs
// without asking, a write into the sibling src/lib2 still asks; a file
// granted with one click on the card covers that file only; "Show Session
// Grants" lists the grant in words and revokes it, and the next write into
// the folder asks again. Screenshots of the scope choice and of the list.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clickEditorAction, sendChat, setApiKey, waitForChatText, waitForFile, waitForProposal } from './approvalHelpers';
import { card, cardFacts, runWardenCommand, waitForCardStatus } from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'scripts', 'grant-scopes.json');

describe('grant scopes in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let wb: LaunchedWorkbench;
  const ws = (rel: string): string => join(wb.workspaceDir, rel);

  workbenchWithModel(
    SCRIPT,
    {
      suite: 'grant-scopes',
      viewport: { width: 1400, height: 900 },
      ready: async () => {
        mkdirSync(ws('src/lib'), { recursive: true });
        mkdirSync(ws('src/lib2'), { recursive: true });
        await setApiKey(wb);
      },
    },
    (s) => ({ wb } = s),
  );

  it(
    'a folder granted from the diff lets the next write into it run unasked; a sibling folder still asks',
    { timeout: 240_000 },
    async () => {
      await sendChat(wb, 'folder-task');
      await waitForProposal(wb, 'a.txt');
      const first = await waitForCardStatus(wb, 'src/lib/a.txt', 'awaiting-approval');
      const buttons = await first.locator('.card-actions button').allInnerTexts();
      assert.deepEqual(
        buttons.map((b) => b.trim()),
        ['Approve', 'Reject', 'Allow this file (session)', 'Allow folder src/lib/** (session)'],
      );
      await first.scrollIntoViewIfNeeded();
      await wb.screenshot('grant-01-card-scopes');

      await clickEditorAction(wb, 'Accept for This Session');
      const pick = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await pick.first().waitFor({ state: 'visible', timeout: 30_000 });
      const rows = await pick.allInnerTexts();
      assert.equal(rows.length, 2, rows.join(' | '));
      assert.match(rows[0] ?? '', /Accept, and allow this file for this session[\s\S]*writes to src\/lib\/a\.txt \(file\)/);
      assert.match(rows[1] ?? '', /Accept, and allow folder src\/lib\/\*\* for this session[\s\S]*writes under src\/lib\/\*\* \(folder\)/);
      await wb.screenshot('grant-02-diff-scope-pick');
      await pick.nth(1).click();

      await waitForFile(ws('src/lib/a.txt'), (c) => c === 'first\n');
      // The second write into the folder runs without asking: no diff, the card says a grant decided it.
      await waitForFile(ws('src/lib/deep/b.txt'), (c) => c === 'second\n');
      const second = await cardFacts(await waitForCardStatus(wb, 'src/lib/deep/b.txt', 'done'));
      assert.equal(second.approver, 'decided by: session grant', second.text);
      assert.match(second.text, /by your grant for this session/, second.text);

      // A write into src/lib2 (a common prefix, not under src/lib) still asks.
      const sibling = await waitForCardStatus(wb, 'src/lib2/c.txt', 'awaiting-approval');
      await waitForProposal(wb, 'c.txt');
      await sibling.locator('button.reject').click();
      await waitForChatText(wb, 'folder-task finished.');
      assert.throws(() => readFileSync(ws('src/lib2/c.txt')), 'nothing written to the sibling folder');
    },
  );

  it(
    'a file granted with one click on the card lets the same file be written again unasked; its neighbour still asks',
    { timeout: 240_000 },
    async () => {
      await sendChat(wb, 'file-task');
      const first = await waitForCardStatus(wb, 'src/other/f.txt', 'awaiting-approval');
      await first.locator('button.grant[data-scope="file"]').click();
      await waitForFile(ws('src/other/f.txt'), (c) => c === 'two\n');
      const again = await cardFacts(await waitForCardStatus(wb, /src\/other\/f\.txt/, 'done'));
      assert.equal(again.approver, 'decided by: session grant', again.text);
      const neighbour = await waitForCardStatus(wb, 'src/other/g.txt', 'awaiting-approval');
      await neighbour.locator('button.reject').click();
      await waitForChatText(wb, 'file-task finished.');
      assert.throws(() => readFileSync(ws('src/other/g.txt')), 'nothing written next door');
    },
  );

  it(
    'Show Session Grants lists the folder grant in words and revokes it; the next write into the folder asks',
    { timeout: 240_000 },
    async () => {
      await runWardenCommand(wb, 'Warden: Show Session Grants');
      const row = wb.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'writes under src/lib/** (folder)' })
        .first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await row.innerText(), /every file under this folder · given on write_file/);
      const rows = await wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
      assert.equal(rows.length, 2, rows.join(' | '));
      assert.match(rows.join('\n'), /writes to src\/other\/f\.txt \(file\)\s*this file · given on write_file/);
      await row.click();
      await wb.screenshot('grant-03-session-grants');
      await wb.page.locator('.quick-input-widget input.input').press('Enter');
      await wb.waitForNotification(/revoked 1 grant/);
      await wb.clearNotifications();

      await sendChat(wb, 'revoked-task');
      const asked = await waitForCardStatus(wb, 'src/lib/d.txt', 'awaiting-approval');
      await waitForProposal(wb, 'd.txt');
      await asked.locator('button.reject').click();
      await waitForChatText(wb, 'revoked-task finished.');
      assert.throws(() => readFileSync(ws('src/lib/d.txt')), 'the revoked grant no longer writes');
      const facts = await cardFacts(await card(wb, 'src/lib/d.txt'));
      assert.equal(facts.approver, 'decided by: person', facts.text);
    },
  );
});
