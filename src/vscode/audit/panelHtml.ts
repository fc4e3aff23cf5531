/**
 * The audit panel's page. Strict CSP: nothing by default; scripts only with
 * the per-load nonce; styles only from the extension's own files; no images,
 * connections or forms. The script and stylesheet are the extension's own
 * (`dist/media/audit.js`, `media/audit.css`).
 */
import { attr, strictCsp } from '../webviewSecurity';

export interface PanelHtmlParts {
  readonly nonce: string;
  readonly cspSource: string;
  readonly script: string;
  readonly style: string;
}

export function auditPanelHtml(p: PanelHtmlParts): string {
  const csp = strictCsp(p.cspSource, p.nonce);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.style)}">
<title>Warden Audit Log</title></head>
<body>
<header id="toolbar">
  <input id="search" type="search" placeholder="Search" aria-label="Search events">
  <select id="tool" aria-label="Tool"><option value="">All tools</option></select>
  <select id="decision" aria-label="Decision"><option value="">All decisions</option><option>allow</option><option>ask</option><option>deny</option><option value="none">none</option></select>
  <select id="approver" aria-label="Approver"><option value="">Anyone</option><option value="rule">rule</option><option value="person">person</option></select>
  <label class="toggle"><input id="sessions" type="checkbox"> Session rows</label>
  <button id="verify" type="button">Verify</button>
  <button id="export-csv" type="button" disabled>Export CSV</button>
  <button id="export-jsonl" type="button" disabled>Export JSONL</button>
</header>
<div id="status" role="status"></div>
<main id="panes">
  <div id="list" tabindex="0" role="listbox" aria-label="Audit events, newest first"><div id="spacer"></div><div id="empty" hidden></div></div>
  <section id="detail" aria-live="polite"><p class="muted">Select an event to see its full record.</p></section>
</main>
<script nonce="${attr(p.nonce)}" src="${attr(p.script)}"></script>
</body></html>`;
}
