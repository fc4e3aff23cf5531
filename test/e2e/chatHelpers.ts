// Helpers for the chat and secrets suites: the password input boxes of the
// secret commands, the chat's cards, state and streamed text, and a sweep of
// every surface (webviews, workbench text, output channels, server files,
// model requests) for a value that must never show.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator } from 'playwright-core';
import type { RecordedRequest } from '../fixtures/fake-anthropic/server';
import { chatFrame } from './approvalHelpers';
import type { LaunchedWorkbench } from './harness';
import { exactText, UI_TIMEOUT_MS } from './workbench';

export { chatFrame, sendChat, waitForChatText, waitForFile } from './approvalHelpers';

/** Runs a palette command, retrying while the workbench has not yet read Warden's contributions. */
export async function runWardenCommand(wb: LaunchedWorkbench, title: string): Promise<void> {
  await wb.activityBarItem('Warden').waitFor({ state: 'visible', timeout: 120_000 });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await wb.runCommand(title);
      return;
    } catch (e) {
      await wb.page.keyboard.press('Escape');
      if (attempt >= 3) throw e;
    }
  }
}

/** The open input box: its title, whether it hides what is typed, and its field. */
export async function inputBox(wb: LaunchedWorkbench, title: RegExp): Promise<{ field: Locator; password: boolean; title: string }> {
  const widget = wb.page.locator('.quick-input-widget');
  const heading = widget.locator('.quick-input-title', { hasText: title });
  await heading.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const field = widget.locator('input.input');
  await field.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  return { field, password: (await field.getAttribute('type')) === 'password', title: (await heading.innerText()).trim() };
}

/** Types into the open input box and submits it. */
export async function submitInput(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.press('Enter');
}

export async function waitInputClosed(wb: LaunchedWorkbench): Promise<void> {
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

/**
 * "Warden: Set API Key" through the palette; returns whether its box was a
 * password box (checked before typing) and screenshots it as `shot`.
 */
export async function setApiKeyViaPalette(wb: LaunchedWorkbench, key: string, shot?: string): Promise<boolean> {
  await runWardenCommand(wb, 'Warden: Set API Key');
  const box = await inputBox(wb, /Set API Key/);
  if (shot) await wb.screenshot(shot);
  await submitInput(box.field, key);
  await waitInputClosed(wb);
  return box.password;
}

/** "Warden: Set Secret": name box, then value box; returns whether the value box was a password box. */
export async function setSecretViaPalette(wb: LaunchedWorkbench, name: string, value: string, shot?: string): Promise<boolean> {
  await runWardenCommand(wb, 'Warden: Set Secret');
  const first = await inputBox(wb, /Set Secret \(1\/2\)/);
  await submitInput(first.field, name);
  const second = await inputBox(wb, /Set Secret \(2\/2\)/);
  await second.field.fill(value);
  if (shot) await wb.screenshot(shot);
  await second.field.press('Enter');
  await waitInputClosed(wb);
  return second.password;
}

/** The chat card of the call whose summary contains `summary`. */
export async function card(wb: LaunchedWorkbench, summary: string | RegExp): Promise<Locator> {
  const chat = await chatFrame(wb);
  return chat.locator('.card', { has: chat.locator('.card-summary', { hasText: summary }) }).last();
}

/** Waits until the card's status line reads `status`; returns the card. */
export async function waitForCardStatus(
  wb: LaunchedWorkbench,
  summary: string | RegExp,
  status: string,
  timeout = 60_000,
): Promise<Locator> {
  const c = await card(wb, summary);
  // The status fact sits in the card's folded details: present, though not shown until opened.
  await c.locator('.card-status', { hasText: new RegExp(`^${status}$`) }).waitFor({ state: 'attached', timeout });
  return c;
}

/** What a card says, folded details included: its decision attribute and each fact line. */
export async function cardFacts(
  c: Locator,
): Promise<{ decision: string | null; rule: string; reason: string; approver: string; status: string; outcome: string; text: string }> {
  // textContent: the facts sit in the card's folded details.
  const text = async (sel: string): Promise<string> => ((await c.locator(sel).allTextContents())[0] ?? '').trim();
  return {
    decision: await c.getAttribute('data-decision'),
    rule: await text('.card-rule'),
    reason: await text('.card-reason'),
    approver: await text('.card-approver'),
    status: await text('.card-status'),
    outcome: await text('.card-outcome'),
    text: ((await c.textContent()) ?? '').trim(),
  };
}

/** The chat is idle: Send enabled, Stop disabled. */
export async function waitForIdle(wb: LaunchedWorkbench, timeout = 60_000): Promise<void> {
  const chat = await chatFrame(wb);
  await chat.locator('#send:not([disabled])').waitFor({ state: 'visible', timeout });
  await chat.locator('#stop[disabled]').waitFor({ state: 'attached', timeout });
}

export async function meterText(wb: LaunchedWorkbench): Promise<string> {
  return ((await (await chatFrame(wb)).locator('#meter').innerText()) ?? '').trim();
}

/**
 * Samples the text of the newest assistant message until it contains `end`;
 * returns every distinct text seen, in order (more than one: it streamed).
 */
export async function watchStreamedAnswer(frame: Frame, end: string, timeout = 60_000): Promise<string[]> {
  const seen: string[] = [];
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const text = await frame.evaluate(() => {
      const all = document.querySelectorAll<HTMLElement>('#transcript .msg.assistant');
      return all.length ? (all[all.length - 1]?.innerText ?? '') : '';
    });
    if (text && text !== seen.at(-1)) seen.push(text);
    if (text.includes(end)) return seen;
    await sleep(50);
  }
  throw new Error(`the answer never reached "${end}"; last text: ${JSON.stringify(seen.at(-1) ?? '')}`);
}

/** Every webview's whole document (markup, text and form values), one string per frame. */
export async function webviewDocuments(wb: LaunchedWorkbench): Promise<string[]> {
  const out: string[] = [];
  for (const f of wb.page.frames()) {
    if (f === wb.page.mainFrame()) continue;
    const doc = await f
      .evaluate(() => {
        const values = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].map((e) => e.value);
        return `${document.documentElement.outerHTML}\n${document.body?.innerText ?? ''}\n${values.join('\n')}`;
      })
      .catch(() => '');
    out.push(doc);
  }
  return out;
}

/** The workbench's own visible text (notifications, editors, panels, status bar). */
export async function workbenchText(wb: LaunchedWorkbench): Promise<string> {
  return wb.page.evaluate(() => document.body.innerText);
}

/** Files under `dir` whose bytes contain `needle` (binary-safe; skips unreadable files). */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 64 * 1024 * 1024) {
        try {
          if (readFileSync(p).includes(bytes)) hits.push(p);
        } catch {
          // unreadable: a socket or a file removed meanwhile
        }
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}

/** The forms a value can leak under: itself, base64 (padded and unpadded), hex in both cases, URL-encoding. */
export function leakForms(value: string): Record<string, string> {
  const b = Buffer.from(value, 'utf8');
  return {
    raw: value,
    base64: b.toString('base64').replace(/=+$/, ''),
    base64url: b.toString('base64url'),
    hex: b.toString('hex'),
    HEX: b.toString('hex').toUpperCase(),
    urlencoded: encodeURIComponent(value),
  };
}

/** `where: form` for every form of `value` found in any of `texts` (named by key). */
export function findLeaks(texts: Record<string, string>, value: string): string[] {
  const forms = leakForms(value);
  const out: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [form, needle] of Object.entries(forms)) {
      if (needle && text.includes(needle)) out.push(`${where}: ${form}`);
    }
  }
  return out;
}

/** The API key a request carried in its auth header (`x-api-key`, or `authorization: Bearer`). */
export function authKey(r: RecordedRequest): string | undefined {
  const x = r.headers['x-api-key'];
  if (typeof x === 'string') return x;
  const a = r.headers.authorization;
  return typeof a === 'string' ? /^Bearer (.+)$/.exec(a)?.[1] : undefined;
}

/**
 * Shows an output channel in the panel, matching the quick pick row by its
 * label alone (a row's text may carry its group's separator too).
 */
export async function showOutputChannel(wb: LaunchedWorkbench, name: string): Promise<void> {
  await wb.runCommand('Output: Show Output Channels...');
  const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const row = rows.filter({ has: wb.page.locator('.label-name', { hasText: exactText(name) }) }).first();
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await row.click();
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

/** A request's headers minus the ones allowed to carry the API key. */
export function headersWithoutAuth(r: RecordedRequest): string {
  const { 'x-api-key': _k, authorization: _a, ...rest } = r.headers;
  return JSON.stringify(rest);
}
