// What the workbench did after a command ran: a notification, an input box or
// quick pick, a modal dialog, a new editor — or nothing visible. Lets a test
// check "the command ran" without knowing how each command answers, and
// catch the workbench's own errors ("command not found", "resulted in an error").
import type { Page } from 'playwright-core';

export type CommandReaction =
  | { kind: 'notification'; text: string }
  | { kind: 'input'; title: string; password: boolean }
  | { kind: 'dialog'; text: string }
  | { kind: 'editor'; title: string }
  | { kind: 'none' };

/** The workbench's messages for a command that is missing or threw. */
export const COMMAND_ERROR = /command '[^']+' not found|resulted in an error|Running the contributed command/i;

export interface WorkbenchSnapshot {
  toasts: string[];
  activeTab: string;
  tabs: number;
}

export async function snapshot(page: Page): Promise<WorkbenchSnapshot> {
  return {
    toasts: await page.locator('.notification-toast .notification-list-item-message').allInnerTexts(),
    // allInnerTexts does not wait: there may be no editor at all.
    activeTab: ((await page.locator('.tabs-container .tab.active').allInnerTexts())[0] ?? '').trim(),
    tabs: await page.locator('.tabs-container .tab').count(),
  };
}

/**
 * Polls for the first visible reaction to a command started after `before`
 * was taken; `{ kind: 'none' }` when nothing shows within `quietMs`.
 */
export async function waitForReaction(page: Page, before: WorkbenchSnapshot, quietMs = 3_000): Promise<CommandReaction> {
  const deadline = Date.now() + quietMs;
  for (;;) {
    const reaction = await currentReaction(page, before);
    if (reaction) return reaction;
    if (Date.now() > deadline) return { kind: 'none' };
    await page.waitForTimeout(150);
  }
}

async function currentReaction(page: Page, before: WorkbenchSnapshot): Promise<CommandReaction | undefined> {
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.isVisible()) return { kind: 'dialog', text: (await dialog.innerText()).trim() };
  // An input box or quick pick opened by the command has a title; the palette has none.
  const quick = page.locator('.quick-input-widget');
  if (await quick.isVisible()) {
    const title = ((await quick.locator('.quick-input-title').allInnerTexts())[0] ?? '').trim();
    const password = (await quick.locator('input[type="password"]').count()) > 0;
    if (title || password) return { kind: 'input', title, password };
  }
  const toasts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  const fresh = toasts.filter((t) => !before.toasts.includes(t));
  if (fresh.length > 0) return { kind: 'notification', text: fresh.join('\n') };
  const now = await snapshot(page);
  if (now.tabs > before.tabs || (now.activeTab && now.activeTab !== before.activeTab)) return { kind: 'editor', title: now.activeTab };
  return undefined;
}

/** Closes whatever the reaction left open (input box, dialog), so the next step starts clean. */
export async function dismiss(page: Page, reaction: CommandReaction): Promise<void> {
  if (reaction.kind === 'input' || reaction.kind === 'dialog') {
    await page.keyboard.press('Escape');
    await page
      .locator('.quick-input-widget, .monaco-dialog-box')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
  }
}

export function describeReaction(r: CommandReaction): string {
  switch (r.kind) {
    case 'notification':
      return `notification "${r.text}"`;
    case 'input':
      return `${r.password ? 'password ' : ''}input "${r.title}"`;
    case 'dialog':
      return `dialog "${r.text}"`;
    case 'editor':
      return `editor "${r.title}"`;
    case 'none':
      return 'nothing visible';
  }
}
