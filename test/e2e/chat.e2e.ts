// Warden's chat in a real VS Code: the API key set through the palette, a
// streamed markdown answer with the turn and cost meter, a write approved
// from its chat card, calls the guard denies, Stop cutting a slow stream, and
// Restricted Mode refusing a write. One code-server and one fake model serve
// the trusted tests; the model's script (chat-flow.json) plays one task per
// test, in order. Restricted Mode needs an untrusted window: a second launch.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import {
  authKey,
  card,
  cardFacts,
  chatFrame,
  meterText,
  sendChat,
  setApiKeyViaPalette,
  waitForCardStatus,
  waitForChatText,
  waitForFile,
  waitForIdle,
  watchStreamedAnswer,
} from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import type { FakeModel } from './fakeModel';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const SCRIPTS = join(REPO_ROOT, 'test', 'fixtures', 'fake-anthropic', 'scripts');
const API_KEY = 'sk-e2e-chat-key';

/** The JSON text of a request's body. */
const bodyText = (r: { body?: unknown }): string => JSON.stringify(r.body ?? null);

describe('the chat view in a real VS Code', { timeout: 12 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;
  const ws = (rel: string): string => join(wb.workspaceDir, rel);

  // Read at load: the launch options need it.
  // In the dark theme: the other suites' screenshots show the light one.

  workbenchWithModel(
    join(SCRIPTS, 'chat-flow.json'),
    {
      suite: 'chat',
      settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      viewport: { width: 1400, height: 860 },
    },
    (s) => ({ wb, model } = s),
  );

  it(
    'takes the API key from a password box, then streams a markdown answer and counts the turn and its cost',
    { timeout: 180_000 },
    async () => {
      await wb.openWardenView();
      const chat = await chatFrame(wb);
      await chat.locator('#banners', { hasText: 'No API key is set.' }).waitFor({ timeout: 60_000 });
      // An empty chat explains itself: what Warden guards, two ways to start, prompts to try.
      const welcome = chat.locator('#welcome');
      await welcome.waitFor({ state: 'visible', timeout: 30_000 });
      const said = await welcome.innerText();
      assert.match(said, /nothing is written or run until you approve it/, said);
      assert.match(said, /Two ways to start/, said);
      assert.match(said, /warden\.anthropic\.baseUrl and warden\.model/, said);
      assert.ok((await welcome.locator('button.example').count()) >= 2, 'example prompts to try');
      await wb.screenshot('01-chat-welcome-no-api-key-dark');

      const hidden = await setApiKeyViaPalette(wb, API_KEY, '02-set-api-key-password-box');
      assert.ok(hidden, 'the API key box is a password box');
      await wb.waitForNotification('API key saved');
      await chat.locator('#banners .banner', { hasText: 'No API key is set.' }).waitFor({ state: 'detached', timeout: 30_000 });
      assert.match(await meterText(wb), /^turns 0\//, 'the meter starts at 0 turns');
      await wb.clearNotifications();

      await sendChat(wb, 'hello-task');
      await welcome.waitFor({ state: 'hidden', timeout: 10_000 });
      const seen = await watchStreamedAnswer(chat, 'That is all for hello-task.');
      assert.ok(seen.length >= 3, `the answer appeared piece by piece (saw ${seen.length} states)`);
      assert.ok((seen[0]?.length ?? 0) < (seen.at(-1)?.length ?? 0), 'the first text seen was a part of the answer');
      await waitForIdle(wb);

      const answer = chat.locator('#transcript .msg.assistant').last();
      assert.equal((await answer.locator('h2').innerText()).trim(), 'Plan');
      assert.equal((await answer.locator('strong').innerText()).trim(), "Warden's fake model");
      assert.equal(await answer.locator('li').count(), 3);
      assert.equal((await answer.locator('code').first().innerText()).trim(), 'src/greet.ts');
      const link = answer.locator('a.md-link');
      assert.equal((await link.innerText()).trim(), 'the docs');
      assert.equal(await link.getAttribute('href'), null, 'a link carries no href: only a click through VS Code opens it');
      assert.equal(await link.getAttribute('data-href'), 'https://example.com/docs');
      assert.equal(await chat.locator('#transcript img').count(), 0, 'no image element: nothing remote loads');
      assert.match(await answer.locator('.md-image').innerText(), /image: a remote picture/);
      assert.match(await answer.innerText(), /<img src="https:\/\/example\.com\/raw\.png"> raw html stays text/);
      assert.equal((await chat.locator('#transcript .msg.user').last().innerText()).trim(), 'hello-task');

      // 1000 input and 50 output tokens at claude-sonnet-5-5's $2 / $10 per million.
      await chat.locator('#meter', { hasText: /^turns 1\// }).waitFor({ timeout: 30_000 });
      const meter = await meterText(wb);
      const cost = Number(/\$(\d+\.\d+) \//.exec(meter)?.[1]);
      assert.ok(Math.abs(cost - 0.0025) < 0.0001, `the meter shows the turn's cost: ${meter}`);
      await wb.screenshot('03-chat-streamed-markdown-and-meter');

      const requests = model.requests();
      assert.equal(requests.length, 1, 'one request for one turn');
      assert.match(bodyText(requests[0]!), /hello-task/);
      assert.equal(authKey(requests[0]!), API_KEY, 'the key set in the palette reached the model endpoint');
    },
  );

  it(
    'a write that asks is approved from its chat card, lands on disk, and the card says a person approved it and it is done',
    { timeout: 180_000 },
    async () => {
      await sendChat(wb, 'write-task');
      const c = await waitForCardStatus(wb, 'write notes/hello.md', 'awaiting-approval');
      const asking = await cardFacts(c);
      assert.equal(asking.decision, 'ask');
      assert.equal(existsSync(ws('notes/hello.md')), false, 'nothing is written before the approval');
      await c.locator('button.approve').waitFor({ state: 'visible', timeout: 10_000 });
      await wb.screenshot('04-card-awaiting-approval');

      await c.locator('button.approve').click();
      await waitForFile(ws('notes/hello.md'), (t) => t === '# Hello\n\nWritten by Warden after approval.\n');
      const done = await cardFacts(await waitForCardStatus(wb, 'write notes/hello.md', 'done'));
      assert.equal(done.approver, 'decided by: person');
      assert.equal(done.decision, 'ask');
      assert.equal(await c.locator('button.approve').count(), 0, 'the buttons go once answered');
      await waitForChatText(wb, 'write-task finished.');
      await waitForIdle(wb);
      await wb.screenshot('05-card-approved-done');
    },
  );

  it('calls the guard denies show deny with their rule and reason, and nothing changes on disk', { timeout: 180_000 }, async () => {
    const envBefore = readFileSync(ws('.env'), 'utf8');
    await sendChat(wb, 'deny-task');
    await waitForChatText(wb, 'deny-task finished.');
    await waitForIdle(wb);

    const env = await cardFacts(await waitForCardStatus(wb, 'write .env', 'denied'));
    assert.equal(env.decision, 'deny');
    assert.match(env.rule, /^rule: .*warden\.paths\.denyRead.*\*\*\/\.env/, env.text);
    assert.match(env.reason, /^reason: \S/, env.text);
    assert.equal(env.approver, 'decided by: rule');

    const sudo = await cardFacts(await waitForCardStatus(wb, 'run: sudo rm -rf /', 'denied'));
    assert.equal(sudo.decision, 'deny');
    assert.match(sudo.rule, /^rule: .*warden\.commands\.deny.*sudo \*/, sudo.text);
    assert.match(sudo.reason, /^reason: \S/, sudo.text);
    assert.equal(sudo.approver, 'decided by: rule');

    assert.equal(readFileSync(ws('.env'), 'utf8'), envBefore, '.env is unchanged');
    const chat = await chatFrame(wb);
    assert.equal(await chat.locator('.card button.approve').count(), 0, 'a denied call is never offered for approval');
    const told = bodyText(model.requests().at(-1)!);
    assert.match(
      told,
      /"tool_use_id":"toolu_chat_env"[^}]*"is_error":true|"is_error":true[^}]*"tool_use_id":"toolu_chat_env"/,
      'the model was told the write failed',
    );
    await (await card(wb, 'run: sudo rm -rf /')).scrollIntoViewIfNeeded();
    await wb.screenshot('06-cards-denied');
  });

  it(
    'Stop cuts a slow stream short: the view goes idle, says it stopped, and the model gets no further request',
    { timeout: 180_000 },
    async () => {
      const chat = await chatFrame(wb);
      await sendChat(wb, 'stop-task');
      await chat.locator('#transcript .msg.assistant', { hasText: 'Step 3:' }).waitFor({ timeout: 60_000 });
      const requestsAtStop = model.requests().length;
      await chat.locator('#stop:not([disabled])').click();
      // The whole stream takes over a minute; idle well before that means Stop cut it.
      await waitForIdle(wb, 20_000);
      await chat.locator('#transcript .notice', { hasText: 'Stopped by the person.' }).waitFor({ timeout: 10_000 });
      const partial = await chat.locator('#transcript .msg.assistant').last().innerText();
      assert.doesNotMatch(partial, /STREAM-END-NEVER-SHOWN/, 'the rest of the stream never arrived');
      await wb.screenshot('07-stopped-mid-stream');

      // Nothing more reaches the model for the stopped task…
      await sleep(3_000);
      assert.equal(model.requests().length, requestsAtStop, 'no request after Stop');
      // …and the next message gets the script's next turn, so none was spent in between.
      await sendChat(wb, 'after-stop-task');
      await waitForChatText(wb, 'after-stop-task finished.');
      await waitForIdle(wb);
      assert.equal(model.requests().length, requestsAtStop + 1);
    },
  );

  it('logs no error of the chat in the Warden output channel', { timeout: 30_000 }, () => {
    const errors = wb
      .readOutputChannel('Warden')
      .split('\n')
      .filter((l) => /\[error\]|chat view:/.test(l));
    assert.deepEqual(errors, [], errors.join('\n'));
  });
});

describe('the chat view in Restricted Mode', { timeout: 8 * 60_000 }, () => {
  let wb: LaunchedWorkbench;

  workbenchWithModel(
    join(SCRIPTS, 'chat-restricted.json'),
    {
      suite: 'chat-restricted',
      trust: false,
      viewport: { width: 1400, height: 860 },
    },
    (s) => ({ wb } = s),
  );

  it('shows the Restricted Mode banner and refuses a scripted write, which never lands', { timeout: 180_000 }, async () => {
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
    await setApiKeyViaPalette(wb, API_KEY);
    await wb.openWardenView();
    const chat = await chatFrame(wb);
    const banner = chat.locator('#banners .banner', { hasText: 'Restricted Mode' });
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.innerText(), /nothing is written and nothing runs until you trust this folder/);
    assert.doesNotMatch(await banner.innerText(), /propose/i, 'it promises no proposals it will not show');
    await banner.locator('button', { hasText: 'Manage Workspace Trust' }).waitFor({ timeout: 10_000 });

    await sendChat(wb, 'restricted-task');
    await waitForChatText(wb, 'restricted-task finished.');
    await waitForIdle(wb);
    const refused = await cardFacts(await waitForCardStatus(wb, 'write restricted.txt', 'denied'));
    assert.equal(refused.decision, 'deny');
    assert.match(refused.text, /restricted-mode/, refused.text);
    assert.equal(existsSync(join(wb.workspaceDir, 'restricted.txt')), false, 'the file was not written');
    assert.equal(await chat.locator('.card button.approve').count(), 0, 'nothing was offered for approval');
    await wb.screenshot('01-restricted-banner-and-refused-write');
  });
});
