// Secrets in a real VS Code: a named secret set through the palette's password
// boxes reaches a command granted it in `warden.secrets` (after approval), and
// neither its value nor its base64 / hex / URL-encoded forms show anywhere: the
// webviews, the workbench, the "Warden" and "Warden Audit" output channels,
// the server's files, or any request the model endpoint received. The API key
// travels only in the auth header.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  authKey,
  cardFacts,
  chatFrame,
  filesContaining,
  findLeaks,
  headersWithoutAuth,
  runWardenCommand,
  sendChat,
  setApiKeyViaPalette,
  setSecretViaPalette,
  showOutputChannel,
  waitForCardStatus,
  waitForChatText,
  waitForIdle,
  webviewDocuments,
  workbenchText,
} from './chatHelpers';
import { previewFrame } from './approvalHelpers';
import { REPO_ROOT } from './codeServer';
import type { FakeModel } from './fakeModel';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'scripts', 'chat-secrets.json');
const SECRET_NAME = 'E2E_TOKEN';
const SECRET = `s3cr3t-VALUE-${randomBytes(6).toString('hex')}`;
const API_KEY = `sk-e2e-KEY-${randomBytes(6).toString('hex')}`;
const COMMAND_SUMMARY = 'run: printenv E2E_TOKEN; printenv E2E_TOKEN | base64 -w0';

describe('secrets in a real VS Code', { timeout: 10 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;

  workbenchWithModel(
    SCRIPT,
    {
      suite: 'secrets',
      settings: {
        'warden.secrets': { [SECRET_NAME]: { commands: ['printenv E2E_TOKEN', 'base64 -w0', 'echo', 'basenc --base16'] } },
      },
      viewport: { width: 1400, height: 860 },
      ready: async () => {
        await wb.openWardenView();
      },
    },
    (s) => ({ wb, model } = s),
  );

  it('sets the API key and a named secret through password boxes; listing shows names only', { timeout: 120_000 }, async () => {
    assert.ok(await setApiKeyViaPalette(wb, API_KEY), 'the API key box hides what is typed');
    await wb.waitForNotification('API key saved');
    await wb.clearNotifications();
    assert.ok(await setSecretViaPalette(wb, SECRET_NAME, SECRET, '01-set-secret-password-box'), 'the secret value box hides what is typed');
    await wb.waitForNotification(`secret ${SECRET_NAME} saved`);
    await wb.clearNotifications();

    await runWardenCommand(wb, 'Warden: List Secret Names');
    const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: SECRET_NAME }).first().waitFor({ timeout: 30_000 });
    const listed = (await rows.allInnerTexts()).join('\n');
    assert.match(listed, /E2E_TOKEN/);
    assert.deepEqual(findLeaks({ list: listed }, SECRET), []);
    assert.deepEqual(findLeaks({ list: listed }, API_KEY), []);
    await wb.screenshot('02-secret-names-listed');
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('an approved command granted the secret prints it, and the chat shows it redacted', { timeout: 180_000 }, async () => {
    await sendChat(wb, 'secret-task');
    const asking = await waitForCardStatus(wb, COMMAND_SUMMARY, 'awaiting-approval');
    assert.equal((await cardFacts(asking)).decision, 'ask');
    // The command preview shows the call too, naming the secret it receives (never its value).
    const preview = await previewFrame(wb, /^printenv E2E_TOKEN; /);
    assert.match(await preview.locator('#app').innerText(), /E2E_TOKEN/);
    await wb.screenshot('03-secret-command-awaiting-approval');
    await asking.locator('button.approve').click();
    const done = await cardFacts(await waitForCardStatus(wb, COMMAND_SUMMARY, 'done'));
    assert.equal(done.approver, 'decided by: person');
    // The command did print the value three ways: each became a redaction marker.
    const markers = done.outcome.match(/\[REDACTED\]/g) ?? [];
    assert.ok(markers.length >= 3, `three redacted forms in the output: ${JSON.stringify(done.outcome)}`);
    await waitForChatText(wb, 'secret-task finished.');
    await waitForIdle(wb);
    await preview.locator('#output', { hasText: '[REDACTED]' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('04-secret-command-output-redacted');
  });

  it(
    'neither the secret nor the API key shows in any webview, the workbench, the output channels, the server files or the model requests',
    { timeout: 120_000 },
    async () => {
      await showOutputChannel(wb, 'Warden Audit');
      await wb.page
        .locator('.panel .monaco-editor .view-lines', { hasText: /run_command|printenv/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await wb.screenshot('05-audit-channel');
      await showOutputChannel(wb, 'Warden');

      const requests = model.requests();
      assert.ok(requests.length >= 2, 'the task reached the model');
      const toldModel = requests.map((r) => r.rawBody).join('\n');
      assert.match(toldModel, /\[REDACTED\]/, "the command's output reached the model, redacted");
      const audit = wb.readOutputChannel('Warden Audit');
      assert.match(audit, /printenv/, 'the audit channel recorded the command');

      const texts: Record<string, string> = {
        workbench: await workbenchText(wb),
        'Warden channel': wb.readOutputChannel('Warden'),
        'Warden Audit channel': audit,
        'extension host log': wb.extensionHostLog(),
      };
      (await webviewDocuments(wb)).forEach((doc, i) => (texts[`webview frame ${i}`] = doc));
      assert.ok(
        Object.keys(texts).some((k) => k.startsWith('webview') && texts[k]!.includes('secret-task finished.')),
        'the chat webview was searched',
      );
      requests.forEach((r, i) => {
        texts[`request ${i} body`] = r.rawBody;
        texts[`request ${i} url and other headers`] = `${r.url}\n${headersWithoutAuth(r)}`;
      });
      assert.deepEqual(findLeaks(texts, SECRET), [], 'the secret value leaked');
      assert.deepEqual(findLeaks(texts, API_KEY), [], 'the API key leaked');
      for (const r of requests) assert.equal(authKey(r), API_KEY, 'the key travels in its auth header');

      // Logs, workspace state (the stored transcript), the audit log file, the workspace.
      for (const dir of [wb.server.userDataDir, wb.workspaceDir]) {
        assert.deepEqual(filesContaining(dir, SECRET), [], `the secret value is in files under ${dir}`);
        assert.deepEqual(filesContaining(dir, API_KEY), [], `the API key is in files under ${dir}`);
      }
      const chat = await chatFrame(wb);
      // The command's output is in the card's folded details: read the text, shown or not.
      assert.match((await chat.locator('#transcript').textContent()) ?? '', /\[REDACTED\]/);
    },
  );
});
