import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ChainSealer } from '../../../src/core/audit/chain';
import type { AuditRecord } from '../../../src/core/audit/event';
import { EventList } from '../../../src/vscode/audit/eventList';
import { hostMessageSchema, viewMessageSchema, type HostMessage, type ViewMessage } from '../../../src/vscode/audit/messages';
import { auditPanelHtml } from '../../../src/vscode/audit/panelHtml';
import { steppingClock, toolEvent } from './helpers';

/**
 * The audit panel's real webview bundle and page, in a real (headless)
 * Chromium, talking to the panel's real host-side list (EventList): the test
 * relays the messages both ways, as the webview panel does.
 */
const root = join(__dirname, '..', '..', '..');
const ORIGIN = 'https://webview.test';

const sealer = new ChainSealer(null, (t) => t, steppingClock());
function event(seq: number, summary?: string): AuditRecord {
  const decision = (['allow', 'ask', 'deny'] as const)[seq % 3] ?? 'allow';
  return sealer.seal(
    toolEvent({
      tool: seq % 2 === 0 ? 'run_command' : 'write_file',
      input: seq % 2 === 0 ? { command: summary ?? `npm test -- case ${seq}` } : { path: summary ?? `src/file${seq}.ts` },
      decision,
      approver: decision === 'ask' ? 'person' : 'rule',
      answer: decision === 'ask' ? 'approved' : null,
      rule: decision === 'deny' ? 'warden.commands.deny: sudo *' : null,
    }),
  );
}

describe('audit panel webview (real bundle, real Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const posted = async (): Promise<ViewMessage[]> => page.evaluate(() => (window as unknown as { posted: ViewMessage[] }).posted);
  const send = (m: HostMessage | Record<string, unknown>): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const visibleRows = (): Promise<number> => page.locator('.row:not([hidden])').count();
  const statusText = (): Promise<string> => page.locator('#status').innerText();
  const list = new EventList();
  let rowsSent = 0;
  /** The host side: answers the page's view requests from the real list. */
  const host = async (raw: unknown): Promise<void> => {
    const m = viewMessageSchema.parse(raw);
    if (m.type !== 'view') return;
    const t = performance.now();
    list.setFilter(m.filter);
    const rows = list.window(m.start, m.count);
    rowsSent = Math.max(rowsSent, rows.length);
    const selectedAt = m.selected === null ? null : list.positionOf(m.selected);
    const reply: HostMessage = {
      type: 'page',
      version: m.version,
      start: m.start,
      total: list.total,
      matched: list.matched,
      rows,
      selectedAt,
      hostMs: performance.now() - t,
    };
    await send(hostMessageSchema.parse(reply));
  };

  before(async () => {
    const bundle = await build({
      entryPoints: [join(root, 'media/audit/main.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
    });
    const js = bundle.outputFiles[0]?.text ?? '';
    const css = readFileSync(join(root, 'media/audit.css'), 'utf8');
    const html = auditPanelHtml({ nonce: 'n0nce', cspSource: ORIGIN, script: `${ORIGIN}/audit.js`, style: `${ORIGIN}/audit.css` });
    browser = await chromium.launch({
      executablePath: process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const body = path === '/audit.js' ? js : path === '/audit.css' ? css : html;
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'text/html';
      return route.fulfill({ status: 200, contentType: type, body });
    });
    await page.exposeFunction('wardenHost', (m: unknown) => host(m));
    // A string, not a function: functions are serialised from the test's transpiled source.
    await page.addInitScript(
      'window.posted = []; window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.posted.push(m); window.wardenHost(m); } }; };',
    );
    await page.goto(`${ORIGIN}/index.html`);
  });
  after(async () => {
    await browser?.close();
  });

  it('says it is ready once loaded (the script ran under the CSP)', async () => {
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    assert.deepEqual((await posted())[0], { type: 'ready' });
  });

  it('with no events says what will appear here, and offers no Export', async () => {
    await send({ type: 'init', file: '/storage/audit/audit.jsonl', skipped: 0, tools: [] });
    await page.locator('#empty:not([hidden])').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('#empty').innerText(), /No events yet\.[\s\S]*Every tool call the agent makes will appear here/);
    assert.equal(await page.locator('#export-csv').isDisabled(), true);
    assert.equal(await page.locator('#export-jsonl').isDisabled(), true);
  });

  it('lists 10,000 events newest first, receiving and rendering only the rows in view', async () => {
    for (let i = 0; i < 10_000; i++) list.add(event(i));
    await send({ type: 'grew', total: list.total, matched: list.matched, added: 10_000, tools: list.tools() });
    await page.waitForFunction(() => document.querySelector('.row .seq')?.textContent === '#9999');
    assert.equal(await page.locator('#empty').isHidden(), true, 'the empty state goes once events exist');
    assert.equal(await page.locator('#export-csv').isDisabled(), false);
    assert.match(await statusText(), /10,000 of 10,000 events/);
    assert.ok((await visibleRows()) < 80, `${await visibleRows()} rows in the DOM`);
    assert.ok(rowsSent < 200, `${rowsSent} rows in one page`);
  });

  it('renders the rows further down when scrolled', async () => {
    await page.locator('#list').evaluate((e) => (e.scrollTop = 22 * 5000));
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>('.row:not([hidden]) .seq')].some((s) => s.textContent === '#4999'),
    );
    assert.ok((await visibleRows()) < 80);
    await page.locator('#list').evaluate((e) => (e.scrollTop = 0));
  });

  it('filters by decision and tool, and searches', async () => {
    await page.selectOption('#decision', 'deny');
    await page.waitForFunction(() => /^3,333 of 10,000 events/.test(document.getElementById('status')?.innerText ?? ''));
    await page.selectOption('#tool', 'run_command');
    await page.waitForFunction(() => /^1,667 of/.test(document.getElementById('status')?.innerText ?? ''));
    await page.fill('#search', 'case 9998');
    await page.waitForFunction(() => /^1 of/.test(document.getElementById('status')?.innerText ?? ''));
    await page.fill('#search', '');
    await page.selectOption('#tool', '');
    await page.selectOption('#decision', '');
    await page.waitForFunction(() => /^10,000 of/.test(document.getElementById('status')?.innerText ?? ''));
  });

  it('says why a filter shows nothing, and offers no Export of nothing', async () => {
    await page.fill('#search', 'no such text anywhere');
    await page.locator('#empty:not([hidden])').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('#empty').innerText(), /No event passes these filters\.\s+10,000 events are in the log\./);
    assert.equal(await page.locator('#export-csv').isDisabled(), true);
    await page.fill('#search', '');
    await page.waitForFunction(() => /^10,000 of/.test(document.getElementById('status')?.innerText ?? ''));
  });

  it('asks the host for the full record of the selected event, and shows it with the patch', async () => {
    await page.locator('.row', { hasText: '#9998' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'select', seq: 9998 });
    await send({
      type: 'detail',
      detail: {
        seq: 9998,
        title: 'run_command npm test',
        command: 'npm test -- case 9998',
        editedCommand: null,
        patch: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new',
        editedPatch: null,
        rule: 'warden.commands.allow: npm test *',
        reason: 'command-allowed: …',
        record: '{\n  "seq": 9998\n}',
      },
    });
    await page.waitForSelector('#detail h2');
    const text = await page.locator('#detail').innerText();
    for (const part of ['npm test -- case 9998', 'warden.commands.allow: npm test *', '"seq": 9998']) assert.ok(text.includes(part), part);
    assert.equal((await page.locator('#detail .line.add').innerText()).trim(), '+new');
    assert.equal((await page.locator('#detail .line.del').innerText()).trim(), '-old');
  });

  it('shows text as text: markup in an event is never rendered', async () => {
    list.add(event(10_000, '<img src=x onerror="window.pwned=1">'));
    await send({ type: 'grew', total: list.total, matched: list.matched, added: 1, tools: list.tools() });
    await page.waitForFunction(() => /10,001 of 10,001/.test(document.getElementById('status')?.innerText ?? ''));
    await page.waitForFunction(() => document.querySelector('.row .summary')?.textContent?.includes('<img') === true);
    assert.equal(await page.locator('#spacer img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  });

  it('puts events that arrive live at the top', async () => {
    list.add(event(10_001));
    await send({ type: 'grew', total: list.total, matched: list.matched, added: 1, tools: list.tools() });
    await page.waitForFunction(() => document.querySelector('.row .seq')?.textContent === '#10001');
  });

  it('selects with the keyboard across pages the host has not sent yet', async () => {
    await page.locator('.row', { hasText: '#10001' }).click();
    await page.locator('#list').press('PageDown');
    await page.locator('#list').press('PageDown');
    await page.locator('#list').press('End');
    await page.waitForFunction(() => document.querySelector('.row[aria-selected="true"] .seq')?.textContent === '#0');
    assert.deepEqual((await posted()).at(-1), { type: 'select', seq: 0 });
    await page.locator('#list').press('Home');
    await page.waitForFunction(() => document.querySelector('.row[aria-selected="true"] .seq')?.textContent === '#10001');
  });

  it('hides session start and end rows unless "Session rows" is checked', async () => {
    list.add(
      sealer.seal(
        toolEvent({
          kind: 'session',
          tool: null,
          input: null,
          decision: null,
          reason: null,
          approver: null,
          answer: null,
          outcome: null,
          note: 'chat task started; sandbox: bubblewrap',
        }),
      ),
    );
    await send({ type: 'grew', total: list.total, matched: list.matched, added: 0, tools: list.tools() });
    await page.waitForFunction(() => /^10,002 of 10,003 events/.test(document.getElementById('status')?.innerText ?? ''));
    assert.equal(await page.locator('.row .summary', { hasText: 'chat task started' }).count(), 0);
    await page.check('#sessions');
    await page.waitForFunction(() => /^10,003 of 10,003 events/.test(document.getElementById('status')?.innerText ?? ''));
    await page.locator('.row:not([hidden]) .summary', { hasText: 'chat task started' }).waitFor({ timeout: 10_000 });
    const lastView = (await posted()).filter((m) => m.type === 'view').at(-1);
    assert.deepEqual(lastView?.type === 'view' ? lastView.filter : null, { sessions: true }, 'the host is asked for session rows too');
    await page.uncheck('#sessions');
    await page.waitForFunction(() => /^10,002 of 10,003 events/.test(document.getElementById('status')?.innerText ?? ''));
  });

  it('shows the reason a person typed when they rejected a call', async () => {
    await page.locator('.row', { hasText: '#10001' }).click();
    await send({
      type: 'detail',
      detail: {
        seq: 10001,
        title: 'write_file rejected',
        command: null,
        editedCommand: null,
        patch: null,
        editedPatch: null,
        rule: null,
        reason: null,
        feedback: 'use src/ instead',
        record: '{}',
      },
    });
    await page.locator('#detail dd', { hasText: 'use src/ instead' }).waitFor({ timeout: 10_000 });
    assert.match(await page.locator('#detail dl').innerText(), /Reject reason\s+use src\/ instead/);
  });

  it('ignores a message that is not valid', async () => {
    const before = await statusText();
    await send({ type: 'init', file: 1, rows: 'all' });
    await send({ type: 'page', version: 1, start: 0, total: 1, matched: 1, rows: [{ seq: -5 }], selectedAt: null, hostMs: 0 });
    assert.equal(await statusText(), before);
  });

  it('Verify and Export post typed requests, with the current filter', async () => {
    await page.selectOption('#approver', 'person');
    await page.click('#verify');
    await page.click('#export-csv');
    const last = (await posted()).filter((m) => m.type !== 'view').slice(-2);
    assert.deepEqual(last, [{ type: 'verify' }, { type: 'export', format: 'csv', filter: { approver: 'person' } }]);
    await send({ type: 'verified', status: { ok: false, text: 'Audit log damaged at audit.jsonl:7: edited' } });
    await page.waitForFunction(() => /damaged at audit\.jsonl:7/.test(document.getElementById('status')?.innerText ?? ''));
  });
});
