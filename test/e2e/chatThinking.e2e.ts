// Warden's chat on a current model (Sonnet 5.5, which puts the text between
// tool calls inside thinking blocks), against the strict fake server: the
// thinking shows as a collapsed live row of plain text (a link or image in it
// stays text), redacted thinking is named, a stream that ends without
// message_stop is retried with a "retrying in N s (attempt k of n)" notice and
// its partial text taken back, and every request the chat made is one the
// real API accepts (thinking blocks sent back unmodified, no empty text).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatFrame, sendChat, waitForChatText, waitForIdle } from './chatHelpers';
import { setApiKey } from './approvalHelpers';
import type { FakeModel } from './fakeModel';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const text = (t: string) => ({ type: 'text' as const, text: t });
const think = (t: string) => ({ type: 'thinking' as const, thinking: t });

describe('thinking and retries in the chat, in a real VS Code', { timeout: 8 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;

  workbenchWithModel(
    {
      turns: [
        {
          content: [
            think('Reading src/greet.ts first. See [a link](https://example.com/x) and ![a picture](https://example.com/p.png).'),
            { type: 'redacted_thinking' },
            text(''),
            { type: 'tool_use', name: 'read_file', input: { path: 'src/greet.ts' } },
          ],
          chunkDelayMs: 100,
          chunkSize: 5,
        },
        { content: [think('Half a thought'), text('PARTIAL-TEXT-OF-A-FAILED-ATTEMPT')], endWithoutStop: true },
        {
          content: [think('It exports a greeting; nothing to change.'), text('The file greets the world; **no change needed**.')],
          usage: { input_tokens: 200, output_tokens: 30, cache_read_input_tokens: 800, cache_creation_input_tokens: 100 },
        },
        {
          content: [text('I will start on that')],
          stopReason: 'refusal',
          stopDetails: { category: 'cyber', explanation: 'This request was declined because it could enable cyber harm.' },
        },
        { content: [text('Back to greetings.')] },
      ],
    },
    {
      suite: 'chat-thinking',
      settings: { 'warden.model': 'claude-sonnet-5-5', 'warden.thinking.effort': 'medium' },
      viewport: { width: 1300, height: 860 },
      ready: async () => {
        await setApiKey(wb, 'sk-e2e-thinking');
      },
    },
    (s) => ({ wb, model } = s),
  );

  it(
    'shows thinking collapsed and as plain text, retries a cut stream with a notice, and sends only valid requests',
    { timeout: 180_000 },
    async () => {
      await wb.openWardenView();
      const chat = await chatFrame(wb);
      await sendChat(wb, 'Look at greet.ts');
      const live = chat.locator('#transcript details.thinking.live');
      await live.first().waitFor({ state: 'attached', timeout: 60_000 });
      assert.equal(await live.first().evaluate((d) => (d as HTMLDetailsElement).open), false, 'the live thinking row starts collapsed');
      await wb.screenshot('01-thinking-live');
      await waitForChatText(wb, 'no change needed');
      await waitForIdle(wb);

      const rows = chat.locator('#transcript details.thinking');
      assert.equal(await rows.count(), 2, 'one thinking row per model turn that thought (the failed attempt’s row taken back)');
      assert.equal(await chat.locator('#transcript details.thinking.live').count(), 0, 'no row is still live');
      const first = rows.first();
      assert.match(await first.locator('summary').innerText(), /Thought · 1 redacted block/);
      await first.locator('summary').click();
      assert.equal(await first.evaluate((d) => (d as HTMLDetailsElement).open), true);
      assert.match(
        await first.locator('.thinking-text').innerText(),
        /See \[a link\]\(https:\/\/example\.com\/x\) and !\[a picture\]/,
        'markdown in thinking stays text',
      );
      assert.equal(
        await chat.locator('#transcript .thinking a, #transcript .thinking img').count(),
        0,
        'no link or image element in thinking',
      );
      assert.match(await rows.nth(1).locator('summary').innerText(), /^Thought$/);
      // 100 + 200 uncached, 800 read and 100 written over the task: the meter shows the cache's share.
      assert.match(
        await chat.locator('#meter').innerText(),
        /turns 2\/30 · \$\d+\.\d+ \/ \$2 · cache 67% read, 100 written · claude-sonnet-5-5/,
      );

      const transcript = await chat.locator('#transcript').innerText();
      assert.doesNotMatch(transcript, /PARTIAL-TEXT-OF-A-FAILED-ATTEMPT/, 'the failed attempt’s partial text was taken back');
      assert.match(transcript, /retrying in 1 s \(attempt 2 of 5\)/);
      assert.match(transcript, /message_stop/);
      await wb.screenshot('02-thinking-expanded-and-retry-notice');

      const reqs = model.requests();
      assert.deepEqual(
        reqs.flatMap((r) => (r.rejected ? [r.rejected] : [])),
        [],
        'the strict server accepted every request',
      );
      const messages = reqs.filter((r) => r.url === '/v1/messages');
      assert.equal(messages.length, 3);
      const body = (i: number) =>
        messages[i]?.body as {
          model: string;
          thinking: unknown;
          output_config: unknown;
          messages: Array<{ role: string; content: Array<{ type: string }> }>;
        };
      assert.equal(body(0).model, 'claude-sonnet-5-5');
      assert.deepEqual(body(0).thinking, { type: 'adaptive', display: 'summarized' });
      assert.deepEqual(body(0).output_config, { effort: 'medium' });
      assert.deepEqual(
        body(2).messages[1]?.content.map((b) => b.type),
        ['thinking', 'redacted_thinking', 'tool_use'],
      );
    },
  );

  it('shows a refusal’s category and explanation, and the next task is sent without the refused one', { timeout: 120_000 }, async () => {
    const chat = await chatFrame(wb);
    await sendChat(wb, 'REFUSED-TASK-TEXT');
    await waitForChatText(wb, 'category: cyber');
    await waitForIdle(wb);
    assert.match(
      await chat.locator('#transcript .notice-error').last().innerText(),
      /declined.*category: cyber; This request was declined because it could enable cyber harm\./s,
    );
    await wb.screenshot('03-refusal');
    await sendChat(wb, 'Say hello');
    await waitForChatText(wb, 'Back to greetings.');
    await waitForIdle(wb);
    const reqs = model.requests().filter((r) => r.url === '/v1/messages');
    assert.deepEqual(
      model.requests().flatMap((r) => (r.rejected ? [r.rejected] : [])),
      [],
    );
    const last = JSON.stringify(reqs.at(-1)?.body);
    assert.doesNotMatch(last, /REFUSED-TASK-TEXT|I will start on that/, 'the refused task is out of the conversation');
    assert.match(last, /Look at greet\.ts/, 'the earlier task is still in it');
  });
});
