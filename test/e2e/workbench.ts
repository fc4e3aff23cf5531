// Driving the VS Code workbench page: the activity bar, webviews, the command
// palette, notifications, output channels and screenshots. Selectors are the
// workbench's own (VS Code 1.100, code-server 4.100.3).
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { COMMAND_ERROR, dismiss, snapshot, waitForReaction, type CommandReaction } from './reactions';

export const UI_TIMEOUT_MS = 30_000;

/** Waits until the workbench is usable: its shell, then a row in the explorer. */
export async function waitForWorkbench(page: Page, timeout = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout });
}

export class Workbench {
  constructor(
    readonly page: Page,
    /** The server's user-data dir: its logs hold the output channels. */
    readonly userDataDir: string,
    /** Screenshots go here. */
    readonly artifactsDir: string,
  ) {}

  /** The activity bar entry of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar .action-item a.action-label[aria-label^="${title}"]`);
  }

  /** Opens Warden's view container and returns the chat webview's content frame. */
  async openWardenView(): Promise<FrameLocator> {
    const item = this.activityBarItem('Warden');
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const checked = await item.getAttribute('aria-checked');
    const expanded = await item.getAttribute('aria-expanded');
    if (checked !== 'true' && expanded !== 'true') await item.click();
    const frame = this.webviewFrame();
    await frame.locator('body').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
    return frame;
  }

  /**
   * A webview's content: two frames down, `iframe.webview.ready` then
   * `#active-frame`. `outer` narrows the outer iframe when several webviews
   * are open (e.g. `iframe.webview.ready[src*="purpose=webviewView"]`).
   */
  webviewFrame(outer = 'iframe.webview.ready'): FrameLocator {
    return this.page.frameLocator(outer).first().frameLocator('#active-frame');
  }

  /** Moves keyboard focus out of any webview, onto the (empty) editor area. */
  async focusWorkbench(): Promise<void> {
    // Blurring the focused iframe hands keyboard focus back to the workbench
    // document, whose keybindings (F1…) then work; no click, so nothing can
    // intercept it.
    await this.page.evaluate(() => {
      const active = document.activeElement;
      if (active instanceof HTMLElement) active.blur();
    });
  }

  private async focusIsInWebview(): Promise<boolean> {
    return this.page.evaluate(() => document.activeElement instanceof HTMLIFrameElement);
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette with `filter` typed in. */
  async openPalette(filter: string): Promise<Locator> {
    const input = this.quickInput().locator('input.input');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (attempt > 0 || (await this.focusIsInWebview())) await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 2_000 });
        break;
      } catch {
        // Focus was somewhere that swallowed F1: retry after moving it.
      }
    }
    await input.fill(`>${filter}`);
    return this.quickInput().locator('.quick-input-list .monaco-list-row');
  }

  async closePalette(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Labels of the palette rows matching `filter` (e.g. `Warden:`). */
  async paletteCommands(filter: string): Promise<string[]> {
    const rows = await this.openPalette(filter);
    await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const labels = await rows.locator('.label-name').allInnerTexts();
    await this.closePalette();
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  /** Runs a command from the palette by its full title (`Warden: New Chat`), matching it exactly. */
  async runCommand(title: string): Promise<void> {
    // A webview that finishes loading just then can take focus, which closes the palette: open it again, once.
    for (let attempt = 0; ; attempt += 1) {
      const rows = await this.openPalette(title);
      const row = rows.filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: attempt === 0 ? 10_000 : UI_TIMEOUT_MS });
        await row.click({ timeout: attempt === 0 ? 5_000 : UI_TIMEOUT_MS });
        break;
      } catch (e) {
        if (attempt > 0) throw e;
      }
    }
    // The palette closes, or the command reuses the widget for its own input box.
    await this.page.waitForFunction(
      () => {
        const w = document.querySelector<HTMLElement>('.quick-input-widget');
        if (!w || w.style.display === 'none' || w.offsetParent === null) return true;
        const input = w.querySelector<HTMLInputElement>('input.input');
        return !input || !input.value.startsWith('>');
      },
      undefined,
      { timeout: 10_000 },
    );
  }

  /**
   * Runs a command and reports what visibly happened (see reactions.ts);
   * throws when the workbench says the command is missing or failed.
   */
  async runCommandObserved(title: string, quietMs = 3_000): Promise<CommandReaction> {
    const before = await snapshot(this.page);
    await this.runCommand(title);
    const reaction = await waitForReaction(this.page, before, quietMs);
    const errors = (await this.notifications()).filter((t) => COMMAND_ERROR.test(t));
    if (errors.length > 0) throw new Error(`${title}: ${errors.join('\n')}`);
    return reaction;
  }

  /** Closes the input box or dialog a command left open. */
  async dismiss(reaction: CommandReaction): Promise<void> {
    await dismiss(this.page, reaction);
  }

  /** A notification toast whose message contains `text`, once visible. */
  async waitForNotification(text: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<Locator> {
    const toast = this.page.locator('.notification-toast .notification-list-item-message', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    // Toasts slide in; let the animation finish so screenshots show them.
    await this.page.waitForTimeout(400);
    return toast;
  }

  /** Every notification message currently shown as a toast. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Clears the notification toasts, if any (the command is only in the palette while there are some). */
  async clearNotifications(): Promise<void> {
    const toasts = this.page.locator('.notification-toast');
    if ((await toasts.count()) === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await toasts
      .first()
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => undefined);
  }

  /** Shows an output channel in the panel (for a screenshot); read its text with readOutputChannel. */
  async showOutputChannel(name: string): Promise<void> {
    await this.runCommand('Output: Show Output Channels...');
    const row = this.quickInput()
      .locator('.quick-input-list .monaco-list-row', { hasText: exactText(name) })
      .first();
    await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await row.click();
  }

  /**
   * The full text of an output channel, from the files the workbench keeps
   * under the server's logs (the panel only renders what is on screen).
   * Empty string when the channel has not been written to.
   */
  readOutputChannel(name: string): string {
    const files = logFiles(join(this.userDataDir, 'logs')).filter((f) => {
      const b = basename(f);
      return b === `${name}.log` || new RegExp(`^\\d+-${escapeRegExp(name)}\\.log$`).test(b);
    });
    return files.map((f) => readFileSync(f, 'utf8')).join('');
  }

  /** The extension host's log (activation failures and extension errors land here). */
  extensionHostLog(): string {
    return logFiles(join(this.userDataDir, 'logs'))
      .filter((f) => /exthost\d*\.log$/.test(basename(f)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('');
  }

  /** Saves a screenshot of the whole page as `<artifactsDir>/<name>.png`; returns the path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.artifactsDir, { recursive: true });
    const path = join(this.artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** A screenshot in the current (dark) theme and one in the light theme (after `settle`, if given); back to dark after. */
  async screenshotBothThemes(name: string, settle?: () => Promise<void>): Promise<void> {
    await this.screenshot(`${name}-dark`);
    await this.runCommand('Preferences: Toggle between Light/Dark Themes');
    await this.page.locator('.monaco-workbench.vs').first().waitFor({ state: 'attached', timeout: 10_000 });
    await sleep(700);
    await settle?.();
    await this.screenshot(`${name}-light`);
    await this.runCommand('Preferences: Toggle between Light/Dark Themes');
    await this.page.locator('.monaco-workbench.vs-dark').first().waitFor({ state: 'attached', timeout: 10_000 });
    await sleep(500);
  }
}

export function logFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.log')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A RegExp matching exactly `s` (whole text), for locator filters. */
export function exactText(s: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);
}
