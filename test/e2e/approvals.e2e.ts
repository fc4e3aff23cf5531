// The approval panes in a real VS Code: proposed writes open as diff editors
// that a person accepts, rejects, edits or accepts hunk by hunk; commands open
// in the command preview where they are run, edited or rejected; hidden
// characters are flagged; a symlinked target shows its real path. One
// code-server and one fake model serve the whole file; the model's script
// (approvals-flow.json) plays one task per test, in order.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  chatFrame,
  clickEditorAction,
  previewFrame,
  proposalTab,
  lastToolResult,
  requestText,
  sendChat,
  setApiKey,
  typeAtEndOfProposal,
  waitForChatText,
  waitForFile,
  waitForPreviewState,
  waitForProposal,
} from './approvalHelpers';
import { card, cardFacts, waitForCardStatus } from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import type { FakeModel } from './fakeModel';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'scripts', 'approvals-flow.json');

describe('approval panes in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;
  const ws = (rel: string): string => join(wb.workspaceDir, rel);

  workbenchWithModel(
    SCRIPT,
    {
      suite: 'approvals',
      viewport: { width: 1400, height: 860 },
      ready: async () => {
        writeFileSync(ws('accept.txt'), 'one\ntwo\nthree\n');
        writeFileSync(ws('reject.txt'), 'keep me\n');
        writeFileSync(ws('hunks.txt'), 'a\nb\nc\nd\ne\nf\ng\n');
        mkdirSync(ws('real'), { recursive: true });
        writeFileSync(ws('real/target.txt'), 'real file\n');
        symlinkSync('real/target.txt', ws('link.txt'));
        writeFileSync(ws('doomed.txt'), 'delete me\n');
        writeFileSync(ws('stale.txt'), 'original\n');
        await setApiKey(wb);
      },
    },
    (s) => ({ wb, model } = s),
  );

  it('accepting a proposed change from the editor title writes it to the file', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'accept-task');
    const title = await waitForProposal(wb, 'accept.txt');
    assert.match(title, /Warden proposal: accept\.txt/);
    assert.equal(readFileSync(ws('accept.txt'), 'utf8'), 'one\ntwo\nthree\n', 'nothing touches the file before Accept');
    const crumbs = await wb.page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText();
    assert.doesNotMatch(crumbs, /toolu_/, `the breadcrumb shows no internal call id: ${crumbs}`);
    await wb.screenshot('01-diff-proposal');
    await clickEditorAction(wb, 'Accept Proposal');
    await waitForFile(ws('accept.txt'), (c) => c === 'one\nTWO\nthree\n');
    await waitForChatText(wb, 'accept-task finished.');
    await proposalTab(wb, 'accept.txt').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('rejecting a proposed change leaves the file unchanged', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'reject-task');
    await waitForProposal(wb, 'reject.txt');
    await clickEditorAction(wb, 'Reject Proposal');
    await waitForChatText(wb, 'reject-task finished.');
    assert.equal(readFileSync(ws('reject.txt'), 'utf8'), 'keep me\n');
    const told = requestText(model.requests()).at(-1) ?? '';
    assert.match(told, /The person rejected this call/);
    assert.match(
      lastToolResult(model.requests()),
      /The person rejected this call\. Do not retry/,
      'a reject without typed words carries no feedback',
    );
  });

  it('an edit of the proposed side lands, and the model is told the person changed it', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'edit-task');
    const title = await waitForProposal(wb, 'edit.txt');
    assert.match(title, /new file/);
    await typeAtEndOfProposal(wb, 'person line');
    await wb.screenshot('02-diff-edited');
    await clickEditorAction(wb, 'Accept Proposal');
    const landed = await waitForFile(ws('edit.txt'), (c) => c !== null);
    assert.equal(landed, 'model line\nperson line');
    await waitForChatText(wb, 'edit-task finished.');
    const told = requestText(model.requests()).at(-1) ?? '';
    assert.match(told, /The person edited the change before approving it/);
  });

  it('accepting one hunk of two writes only that hunk', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'hunks-task');
    await waitForProposal(wb, 'hunks.txt');
    await clickEditorAction(wb, 'Choose Hunks to Accept');
    const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await rows.count(), 2, 'two hunks offered');
    assert.match(await rows.nth(0).innerText(), /Hunk 1: changes line 2/, 'hunks are labelled by line, not by a raw @@ header');
    await rows.nth(1).click(); // uncheck the second hunk
    await wb.screenshot('03-diff-choose-hunks');
    await wb.page.locator('.quick-input-widget input.input').press('Enter');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    // Confirming the choice accepts it: no second Accept.
    await waitForFile(ws('hunks.txt'), (c) => c === 'a\nB\nc\nd\ne\nf\ng\n');
    await waitForChatText(wb, 'hunks-task finished.');
    await proposalTab(wb, 'hunks.txt').waitFor({ state: 'detached', timeout: 30_000 });
    assert.doesNotMatch(await wb.page.locator('.part.statusbar').innerText(), /2 hunks/, 'the hunk count is gone');
  });

  it('a write through a symlink names the real target', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'link-task');
    const title = await waitForProposal(wb, 'real/target.txt');
    assert.match(title, /Warden proposal: real\/target\.txt \(asked: link\.txt\)/);
    await wb.screenshot('04-diff-symlink-real-path');
    await clickEditorAction(wb, 'Reject Proposal');
    await waitForChatText(wb, 'link-task finished.');
    assert.equal(readFileSync(ws('real/target.txt'), 'utf8'), 'real file\n');
  });

  it('running a command from the preview shows each simple command, then its output', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'run-task');
    const f = await previewFrame(wb, 'touch made.txt && echo made-it');
    const listed = await f.locator('#commands li').allInnerTexts();
    assert.equal(listed.length, 2, `two simple commands: ${JSON.stringify(listed)}`);
    assert.match(await f.locator('#app').innerText(), /Working folder/);
    await wb.screenshot('05-command-preview');
    await f.locator('#run').click();
    await waitForFile(ws('made.txt'), (c) => c !== null);
    await waitForPreviewState(f, /Finished|Failed/);
    await f.locator('#output', { hasText: 'made-it' }).waitFor({ timeout: 30_000 });
    await proposalTab(wb, 'Warden: Ran touch made.txt && echo made-it').waitFor({ state: 'visible', timeout: 10_000 });
    await wb.screenshot('06-command-output');
    await waitForChatText(wb, 'run-task finished.');
  });

  it('an edited command runs instead, and the model is told', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'runedit-task');
    const f = await previewFrame(wb, 'touch model.txt');
    // The verdicts follow the edit as the person types, decided by the extension's guard.
    await f.locator('#command').fill('sudo touch x && ls');
    await f.locator('#commands li.deny', { hasText: 'sudo touch x' }).first().waitFor({ timeout: 10_000 });
    assert.equal(await f.locator('#commands li').count(), 2, 'both simple commands of the edit are listed');
    assert.equal(await f.locator('#commands li', { hasText: 'touch model.txt' }).count(), 0, 'the model’s command is no longer listed');
    await wb.screenshot('07a-command-preview-live-verdicts');
    await f.locator('#command').fill('touch edited.txt');
    await f.locator('#edited-note', { hasText: 'Edited' }).waitFor({ timeout: 10_000 });
    await f.locator('#commands li', { hasText: 'touch edited.txt' }).first().waitFor({ timeout: 10_000 });
    await wb.screenshot('07-command-edited');
    await f.locator('#run').click();
    await waitForFile(ws('edited.txt'), (c) => c !== null);
    await waitForChatText(wb, 'runedit-task finished.');
    assert.equal(await waitForFile(ws('model.txt'), () => true), null, 'the model’s command did not run');
    assert.match(requestText(model.requests()).at(-1) ?? '', /this ran instead: touch edited\.txt/);
    // The chat card tells the truth: what ran, by whose decision.
    const ran = await cardFacts(await waitForCardStatus(wb, 'run: touch edited.txt', 'done'));
    assert.equal(ran.approver, 'decided by: person (edited)', ran.text);
    assert.match(ran.text, /Done · approved by you, with your edit/, ran.text);
    assert.doesNotMatch(ran.text, /touch model\.txt/, 'the card no longer shows the model’s command as what ran');
    await (await card(wb, 'run: touch edited.txt')).scrollIntoViewIfNeeded();
    await proposalTab(wb, 'Warden: Ran touch edited.txt').waitFor({ state: 'visible', timeout: 10_000 });
    await wb.screenshot('07b-card-after-edited-command');
  });

  it('a rejected command does not run', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'runreject-task');
    const f = await previewFrame(wb, 'touch nope.txt');
    await f.locator('#feedback').fill('not now');
    await f.locator('#reject').click();
    await waitForChatText(wb, 'runreject-task finished.');
    assert.match(await f.locator('#state').innerText(), /Rejected: nothing ran/);
    assert.equal(await waitForFile(ws('nope.txt'), () => true), null);
    assert.match(requestText(model.requests()).at(-1) ?? '', /Their feedback: not now/);
  });

  it('a command with a zero-width character shows it flagged', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'hidden-task');
    const f = await previewFrame(wb, /^echo safe<U\+200B> && touch hidden\.txt$/);
    const banner = f.locator('#hidden-warning');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await banner.innerText(), /1 hidden character \(zero-width\): <U\+200B>/);
    assert.equal(await f.locator('#command-visible mark.hidden-char').innerText(), '<U+200B>');
    assert.equal(await f.locator('#run-session').count(), 0, 'no session grant for a command with hidden characters');
    await wb.screenshot('08-command-hidden-character');
    await f.locator('#reject').click();
    await waitForChatText(wb, 'hidden-task finished.');
    assert.equal(await waitForFile(ws('hidden.txt'), () => true), null);
  });

  it('run for this session records a grant, which "Show Session Grants" lists and revokes', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'grant-task');
    const f = await previewFrame(wb, 'touch granted.txt');
    await f.locator('#run-session').click();
    await waitForFile(ws('granted.txt'), (c) => c !== null);
    await waitForChatText(wb, 'grant-task finished.');
    await wb.runCommand('Warden: Show Session Grants');
    const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'touch granted.txt' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();
    await wb.screenshot('09-session-grants');
    await wb.page.locator('.quick-input-widget input.input').press('Enter');
    await wb.waitForNotification(/revoked 1 grant/);
    await wb.clearNotifications();
  });

  it('a delete asks in a modal naming the resolved path, and happens only after confirming', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'delete-task');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await dialog.innerText();
    assert.match(text, /Delete doomed\.txt\?/);
    assert.ok(text.includes(ws('doomed.txt')), `the dialog names ${ws('doomed.txt')}: ${text}`);
    assert.equal(readFileSync(ws('doomed.txt'), 'utf8'), 'delete me\n', 'nothing deleted before confirming');
    await wb.screenshot('10-delete-confirmation');
    await dialog
      .locator('.dialog-buttons-row a.monaco-button, .dialog-buttons a.monaco-button', { hasText: /^Delete$/ })
      .first()
      .click();
    await waitForFile(ws('doomed.txt'), (c) => c === null);
    await waitForChatText(wb, 'delete-task finished.');
  });

  it('a file changed on disk after the proposal is detected and shown, never overwritten', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'stale-task');
    await waitForProposal(wb, 'stale.txt');
    writeFileSync(ws('stale.txt'), 'changed by someone else\n');
    await clickEditorAction(wb, 'Accept Proposal');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /stale\.txt changed on disk after this change was proposed/);
    // The current side now shows what is on disk.
    await wb.page
      .locator('.monaco-diff-editor .editor.original .view-lines', { hasText: 'changed by someone else' })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('11-diff-changed-on-disk');
    await dialog
      .locator('a.monaco-button', { hasText: /^Reject \(agent re-reads\)$/ })
      .first()
      .click();
    await waitForChatText(wb, 'stale-task finished.');
    assert.equal(readFileSync(ws('stale.txt'), 'utf8'), 'changed by someone else\n');
    assert.match(requestText(model.requests()).at(-1) ?? '', /stale\.txt changed on disk after you proposed this change/);
  });

  it('a destructive command is marked destructive in the preview and cannot be run for the session', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'destructive-task');
    const f = await previewFrame(wb, 'git push --force origin main');
    const item = f.locator('#commands li.destructive');
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(
      await item.innerText(),
      /destructive[\s\S]*git push sends commits to a remote \(--force: rewrites or deletes remote history\)/i,
    );
    assert.equal(await f.locator('#run-session').count(), 0, 'no session grant for a destructive command');
    await wb.screenshot('12-command-destructive');
    await f.locator('#reject').click();
    await waitForChatText(wb, 'destructive-task finished.');
  });

  it(
    'a proposal opening while the person types in the chat takes no keystroke: the chat keeps them, Accept writes the model’s text',
    { timeout: 120_000 },
    async () => {
      await sendChat(wb, 'focus-task');
      const chat = await chatFrame(wb);
      await chat.locator('#input').click();
      await waitForProposal(wb, 'focus.txt');
      await wb.page.keyboard.type('still typing', { delay: 10 });
      assert.equal(await chat.locator('#input').inputValue(), 'still typing', 'the keystrokes stay in the chat');
      await wb.screenshot('13-diff-opened-without-focus');
      await clickEditorAction(wb, 'Accept Proposal');
      const landed = await waitForFile(ws('focus.txt'), (c) => c !== null);
      assert.equal(landed, 'from the model\n', 'nothing typed in the chat reached the file');
      await waitForChatText(wb, 'focus-task finished.');
      await chat.locator('#input').fill('');
    },
  );

  it('a command preview opening while the person types in the chat takes no keystroke', { timeout: 120_000 }, async () => {
    await sendChat(wb, 'focusrun-task');
    const chat = await chatFrame(wb);
    await chat.locator('#input').click();
    const f = await previewFrame(wb, 'touch focus-run.txt');
    await wb.page.keyboard.type('more words', { delay: 10 });
    assert.equal(await chat.locator('#input').inputValue(), 'more words', 'the keystrokes stay in the chat');
    assert.equal(await f.locator('#command').inputValue(), 'touch focus-run.txt', 'the command is as the model proposed it');
    await f.locator('#reject').click();
    await waitForChatText(wb, 'focusrun-task finished.');
    assert.match(lastToolResult(model.requests()), /The person rejected this call\. Do not retry/, 'no placeholder is sent as feedback');
    await chat.locator('#input').fill('');
    // A new chat closes the last chat's command preview.
    await wb.runCommand('Warden: New Chat');
    await proposalTab(wb, /Warden: (Run|Ran|Rejected)/).waitFor({ state: 'detached', timeout: 30_000 });
  });
});
