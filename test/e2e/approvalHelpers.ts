// Helpers for the approval panes in the real workbench: setting a key, sending
// a chat message, the proposal diff editor, the command preview webview.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator } from 'playwright-core';
import type { LaunchedWorkbench } from './harness';
import { UI_TIMEOUT_MS } from './workbench';

/** Stores an API key through "Warden: Set API Key" (any key works with the fake model). */
export async function setApiKey(wb: LaunchedWorkbench, key = 'sk-e2e-approvals'): Promise<void> {
  // The view container appears once the workbench has read Warden's contributions.
  await wb.activityBarItem('Warden').waitFor({ state: 'visible', timeout: 120_000 });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await wb.runCommand('Warden: Set API Key');
      break;
    } catch (e) {
      // A palette opened before the contributions arrived does not list them: close it and retry.
      await wb.page.keyboard.press('Escape');
      if (attempt >= 3) throw e;
    }
  }
  const input = wb.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.fill(key);
  await input.press('Enter');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

/**
 * The chat view's content frame, opening the view only when the side bar does
 * not show it (clicking the active activity bar item would close it).
 */
export async function chatFrame(wb: LaunchedWorkbench, timeout = UI_TIMEOUT_MS): Promise<Frame> {
  const title = wb.page.locator('.part.sidebar .composite.title');
  const shown = (await title.isVisible().catch(() => false)) && /warden/i.test(await title.innerText().catch(() => ''));
  if (!shown) await wb.activityBarItem('Warden').click();
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    for (const f of wb.page.frames()) {
      if (await f.$('#transcript').catch(() => null)) return f;
    }
    await sleep(250);
  }
  throw new Error('the chat view did not open');
}

/** Types a message into the chat view and sends it. */
export async function sendChat(wb: LaunchedWorkbench, text: string): Promise<void> {
  const chat = await chatFrame(wb);
  const input = chat.locator('#input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // The previous task may still be finishing (its closing text shows before it ends): wait for Send.
  await chat.locator('#send:not([disabled])').waitFor({ state: 'visible', timeout: 60_000 });
  await input.fill(text);
  await input.press('Enter');
  await chat.locator('#transcript', { hasText: text }).waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
}

/** Waits until the chat transcript holds `text` (e.g. the fake model's closing line). */
export async function waitForChatText(wb: LaunchedWorkbench, text: string | RegExp, timeout = 60_000): Promise<void> {
  const chat = await chatFrame(wb);
  await chat.locator('#transcript', { hasText: text }).waitFor({ state: 'attached', timeout });
}

/** The tab of the proposal diff whose title contains `text`. */
export function proposalTab(wb: LaunchedWorkbench, text: string | RegExp): Locator {
  return wb.page.locator('.tabs-container .tab', { hasText: text }).first();
}

/** Waits for a proposal diff editor to be open and active; returns its tab's full title. */
export async function waitForProposal(wb: LaunchedWorkbench, text: string | RegExp): Promise<string> {
  const tab = proposalTab(wb, text);
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  await wb.page.locator('.monaco-diff-editor .editor.modified .view-lines').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // Let the diff computation paint before screenshots and edits.
  await sleep(600);
  return (await tab.getAttribute('aria-label')) ?? (await tab.innerText());
}

/** Clicks an action in the active editor's title bar (Accept / Reject / Choose Hunks). */
export async function clickEditorAction(wb: LaunchedWorkbench, title: string): Promise<void> {
  const action = wb.page.locator(`.editor-group-container.active .editor-actions a.action-label[aria-label^="${title}"]`).first();
  await action.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await action.click();
}

/** Types at the end of the proposed (right) side of the active diff editor. */
export async function typeAtEndOfProposal(wb: LaunchedWorkbench, text: string): Promise<void> {
  const modified = wb.page.locator('.monaco-diff-editor .editor.modified .view-lines').first();
  await modified.click();
  await wb.page.keyboard.press('Control+End');
  await wb.page.keyboard.type(text, { delay: 10 });
}

/** Polls a file on disk until `ok(content)` holds (null content: the file is missing). */
export async function waitForFile(path: string, ok: (content: string | null) => boolean, timeout = 30_000): Promise<string | null> {
  const until = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < until) {
    last = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (ok(last)) return last;
    await sleep(200);
  }
  throw new Error(`${path} did not reach the expected state; last content: ${JSON.stringify(last)}`);
}

/**
 * The command preview webview's content frame: the frame holding the
 * `#command` field of the proposal `callId` shows (waits for it).
 */
export async function previewFrame(wb: LaunchedWorkbench, commandText: string | RegExp, timeout = 60_000): Promise<Frame> {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    for (const f of wb.page.frames()) {
      const field = await f.$('textarea#command').catch(() => null);
      if (!field) continue;
      const value = await field.inputValue().catch(() => '');
      if (typeof commandText === 'string' ? value === commandText : commandText.test(value)) {
        const run = await f.$('#run');
        if (run && !(await run.isDisabled())) return f;
      }
    }
    await sleep(250);
  }
  throw new Error(`no command preview showing ${String(commandText)}`);
}

/** Waits until the preview's state line matches `text`; returns it. */
export async function waitForPreviewState(frame: Frame, text: RegExp, timeout = 60_000): Promise<string> {
  const state = frame.locator('#state');
  await state.filter({ hasText: text }).waitFor({ state: 'visible', timeout });
  return state.innerText();
}

/** Every request body the fake model received, as JSON text (for "was the model told …"). */
export function requestText(requests: { body?: unknown }[]): string[] {
  return requests.map((r) => JSON.stringify(r.body ?? r));
}

/** The text of the last tool result the fake model was sent (what the model was told about the last call). */
export function lastToolResult(requests: { body?: unknown }[]): string {
  const body = requests.at(-1)?.body as { messages?: { role: string; content: unknown }[] } | undefined;
  for (const m of [...(body?.messages ?? [])].reverse()) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const block of [...(m.content as { type?: string; content?: unknown }[])].reverse()) {
      if (block.type !== 'tool_result') continue;
      const c = block.content;
      if (typeof c === 'string') return c;
      if (Array.isArray(c)) return (c as { text?: string }[]).map((x) => x.text ?? '').join('');
    }
  }
  return '';
}
