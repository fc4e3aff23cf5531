import { Marked, type Tokens } from 'marked';

/**
 * Markdown to HTML for the chat, safe by construction: raw HTML is shown as
 * text, images become a text label (nothing remote ever loads), and links carry
 * no `href` — a click asks the extension host to open them through VS Code.
 * The webview also runs DOMPurify over the result and forbids remote loads in
 * its CSP; this renderer does not rely on either.
 */
const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const md = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    image(token: Tokens.Image): string {
      const label = token.text ? `image: ${token.text}` : 'image';
      return `<span class="md-image" title="${escapeHtml(token.href)}">[${escapeHtml(label)}]</span>`;
    },
    link(token: Tokens.Link): string {
      const inner = this.parser.parseInline(token.tokens);
      return `<a class="md-link" data-href="${escapeHtml(token.href)}" title="${escapeHtml(token.href)}" role="link" tabindex="0">${inner}</a>`;
    },
  },
});

export function renderMarkdown(text: string): string {
  return md.parse(text, { async: false });
}
