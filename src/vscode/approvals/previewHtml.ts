/**
 * The command preview's page. Strict CSP: nothing by default; the script only
 * with the per-load nonce; styles only from the extension's own files; no
 * images, fonts from elsewhere, connections or forms.
 */
import { attr, strictCsp } from '../webviewSecurity';

export interface PreviewHtmlParts {
  readonly nonce: string;
  readonly cspSource: string;
  readonly script: string;
  readonly style: string;
}

export function previewCsp(p: Pick<PreviewHtmlParts, 'nonce' | 'cspSource'>): string {
  return strictCsp(p.cspSource, p.nonce);
}

export function previewHtml(p: PreviewHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(previewCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.style)}">
<title>Warden: Run Command?</title></head>
<body>
<main id="app"><p class="muted">Waiting for a command to approve…</p></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.script)}"></script>
</body></html>`;
}
