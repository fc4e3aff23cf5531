/**
 * The command preview's page. Strict CSP: nothing by default; the script only
 * with the per-load nonce; styles only from the extension's own files; no
 * images, fonts from elsewhere, connections or forms.
 */
export interface PreviewHtmlParts {
  readonly nonce: string;
  readonly cspSource: string;
  readonly script: string;
  readonly style: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function previewCsp(p: Pick<PreviewHtmlParts, 'nonce' | 'cspSource'>): string {
  return [
    "default-src 'none'",
    `style-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
    "img-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function previewHtml(p: PreviewHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(previewCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(p.style)}">
<title>Warden: Run Command?</title></head>
<body>
<main id="app" aria-live="polite"><p class="muted">Waiting for a command to approve…</p></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.script)}"></script>
</body></html>`;
}
