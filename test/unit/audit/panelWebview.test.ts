import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AuditRow, HostMessage, ViewMessage } from '../../../src/vscode/audit/messages';
import { auditPanelHtml } from '../../../src/vscode/audit/panelHtml';

/**
 * The audit panel's real webview bundle and page, in a real (headless)
 * Chromium: the host side is played by the test through postMessage.
 */
const root = join(__dirname, '..', '..', '..');
const ORIGIN = 'https://webview.test';

function row(seq: number): AuditRow {
  const decision = (['allow', 'ask', 'deny'] as const)[seq % 3] ?? null;
  return {
    seq,
    time: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    kind: 'tool_call',
    tool: seq % 2 === 0 ? 'run_command' : 'write_file',
    decision,
    approver: decision === 'ask' ? 'person' : 'rule',
    answer: decision === 'ask' ? 'approved' : null,
    rule: decision === 'deny' ? 'warden.commands.deny: sudo *' : null,
    reason: null,
    status: 'ok',
    summary: seq % 2 === 0 ? `npm test -- case ${seq}` : `src/file${seq}.ts`,
    search: `{"command":"npm test -- case ${seq}"}`,
  };
}

describe('audit panel webview (real bundle, real Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const posted = async (): Promise<ViewMessage[]> => page.evaluate(() => (window as unknown as { posted: ViewMessage[] }).posted);
  const send = (m: HostMessage | Record<string, unknown>): Promise<void> => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const visibleRows = (): Promise<number> => page.locator('.row:not([hidden])').count();
  const statusText = (): Promise<string> => page.locator('#status').innerText();

  before(async () => {
    const bundle = await build({ entryPoints: [join(root, 'media/audit/main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false });
    const js = bundle.outputFiles[0]?.text ?? '';
    const css = readFileSync(join(root, 'media/audit.css'), 'utf8');
    const html = auditPanelHtml({ nonce: 'n0nce', cspSource: ORIGIN, script: `${ORIGIN}/audit.js`, style: `${ORIGIN}/audit.css` });
    browser = await chromium.launch({ executablePath: process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const body = path === '/audit.js' ? js : path === '/audit.css' ? css : html;
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'text/html';
      return route.fulfill({ status: 200, contentType: type, body });
    });
    // A string, not a function: functions are serialised from the test's transpiled source.
    await page.addInitScript('window.posted = []; window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.posted.push(m); } }; };');
    await page.goto(`${ORIGIN}/index.html`);
  });
  after(async () => {
    await browser?.close();
  });

  it('says it is ready once loaded (the script ran under the CSP)', async () => {
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    assert.deepEqual((await posted())[0], { type: 'ready' });
  });

  it('lists 10,000 events newest first, rendering only the rows in view', async () => {
    await send({ type: 'init', file: '/storage/audit/audit.jsonl', rows: Array.from({ length: 10_000 }, (_, i) => row(i)), skipped: 0 });
    await page.waitForFunction(() => document.querySelectorAll('.row').length > 0);
    assert.match(await statusText(), /10,000 of 10,000 events/);
    assert.ok((await visibleRows()) < 80, `${await visibleRows()} rows in the DOM`);
    assert.equal(await page.locator('.row').first().locator('.seq').innerText(), '#9999');
  });

  it('renders the rows further down when scrolled', async () => {
    await page.locator('#list').evaluate((e) => (e.scrollTop = 22 * 5000));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.row:not([hidden]) .seq')].some((s) => s.textContent === '#4999'));
    assert.ok((await visibleRows()) < 80);
    await page.locator('#list').evaluate((e) => (e.scrollTop = 0));
  });

  it('filters by decision and tool, and searches', async () => {
    await page.selectOption('#decision', 'deny');
    assert.match(await statusText(), /3,333 of 10,000 events/);
    await page.selectOption('#tool', 'run_command');
    assert.match(await statusText(), /1,667 of 10,000 events/);
    await page.fill('#search', 'case 9998');
    await page.waitForFunction(() => /^1 of/.test(document.getElementById('status')?.innerText ?? ''));
    await page.fill('#search', '');
    await page.selectOption('#tool', '');
    await page.selectOption('#decision', '');
    await page.waitForFunction(() => /^10,000 of/.test(document.getElementById('status')?.innerText ?? ''));
  });

  it('asks the host for the full record of the selected event, and shows it with the patch', async () => {
    await page.locator('.row', { hasText: '#9998' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'select', seq: 9998 });
    await send({
      type: 'detail',
      detail: { seq: 9998, title: 'run_command npm test', command: 'npm test -- case 9998', editedCommand: null, patch: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new', editedPatch: null, rule: 'warden.commands.allow: npm test *', reason: 'command-allowed: …', record: '{\n  "seq": 9998\n}' },
    });
    await page.waitForSelector('#detail h2');
    const text = await page.locator('#detail').innerText();
    for (const part of ['npm test -- case 9998', 'warden.commands.allow: npm test *', '"seq": 9998']) assert.ok(text.includes(part), part);
    assert.equal((await page.locator('#detail .line.add').innerText()).trim(), '+new');
    assert.equal((await page.locator('#detail .line.del').innerText()).trim(), '-old');
  });

  it('shows text as text: markup in an event is never rendered', async () => {
    await send({ type: 'append', rows: [{ ...row(10_000), summary: '<img src=x onerror="window.pwned=1">' }] });
    await page.waitForFunction(() => /10,001 of 10,001/.test(document.getElementById('status')?.innerText ?? ''));
    assert.equal(await page.locator('#spacer img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  });

  it('puts events that arrive live at the top', async () => {
    await send({ type: 'append', rows: [row(10_001)] });
    await page.waitForFunction(() => document.querySelector('.row .seq')?.textContent === '#10001');
  });

  it('ignores a message that is not valid', async () => {
    const before = await statusText();
    await send({ type: 'init', file: 1, rows: 'all' });
    await send({ type: 'append', rows: [{ seq: -5 }] });
    assert.equal(await statusText(), before);
  });

  it('Verify and Export post typed requests, with the current filter', async () => {
    await page.selectOption('#approver', 'person');
    await page.click('#verify');
    await page.click('#export-csv');
    const last = (await posted()).slice(-2);
    assert.deepEqual(last, [{ type: 'verify' }, { type: 'export', format: 'csv', filter: { approver: 'person' } }]);
    await send({ type: 'verified', status: { ok: false, text: 'Audit log damaged at audit.jsonl:7: edited' } });
    await page.waitForFunction(() => /damaged at audit\.jsonl:7/.test(document.getElementById('status')?.innerText ?? ''));
  });
});
