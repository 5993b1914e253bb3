import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript, renderHtmlReport } from '../../../../src/core/report/html';
import { fixtures, HOSTILE } from '../../../fixtures/report/fixtures';

const between = (html: string, open: RegExp, close: string): string => {
  const m = open.exec(html);
  assert.ok(m, `no ${open}`);
  const start = m.index + m[0].length;
  return html.slice(start, html.indexOf(close, start));
};

describe('HTML export', () => {
  const script = 'console.log("hi </script><script>alert(1)</script>"); var x = "<!--";';
  const css = 'body { color: var(--vscode-foreground); } /* </style><script>alert(1)</script> */';

  it('a strict CSP pinning the inline script and style by hash, nothing from the network', () => {
    const html = renderHtmlReport(fixtures.plainMlp(), { script, css });
    const csp = between(html, /<meta http-equiv="Content-Security-Policy" content="/, '"').replace(/&#39;/g, "'");
    assert.match(csp, /^default-src 'none'; /);
    const inlineScript = between(html, /<\/script>\n<script>/, "</script>");
    const inlineStyle = between(html, /<style>/, '</style>');
    const hash = (s: string) => createHash('sha256').update(s).digest('base64');
    assert.ok(csp.includes(`script-src 'sha256-${hash(inlineScript)}'`), csp);
    assert.ok(csp.includes(`style-src 'sha256-${hash(inlineStyle)}'`), csp);
    assert.doesNotMatch(html, /https?:\/\//, 'no network URL anywhere');
    assert.doesNotMatch(html, /<(link|iframe|img|object|embed)\b/i);
    // Inline content cannot close its element early.
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'exactly the data and the script element close');
    assert.equal((html.match(/<\/style>/g) ?? []).length, 1);
    assert.ok(inlineScript.includes('<\\/script>'));
  });

  it('the report is embedded as inert JSON that parses back unchanged', () => {
    const report = fixtures.hostile();
    const html = renderHtmlReport(report, { script: '', css: '' });
    const data = between(html, /<script type="application\/json" id="stability-lens-data">/, '</script>');
    assert.doesNotMatch(data, /[<>&]/);
    assert.deepEqual(JSON.parse(data).report, report);
    // The hostile string never appears raw: not in the data, not in the title.
    assert.equal(html.includes(HOSTILE), false);
    assert.ok(html.includes(`<title>Stability report: examples/${escapeHtml(HOSTILE)}/model.ts</title>`));
  });

  it('with the sources: the fixes become diffs with context', () => {
    const report = fixtures.plainMlp();
    const src = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`).join('\n');
    const html = renderHtmlReport(report, { script: '', sources: { 'examples/deep_mlp.ts': src } });
    const data = JSON.parse(between(html, /id="stability-lens-data">/, '</script>'));
    assert.deepEqual(Object.keys(data.diffs).sort(), ['0/0/0/0', '0/0/1/0']);
    const lines = data.diffs['0/0/0/0'][0].lines as { kind: string; text: string }[];
    assert.deepEqual(lines.filter((l) => l.kind === 'add').map((l) => l.text), ['    model.add(tf.layers.layerNormalization());']);
  });

  it('jsonForScript escapes the characters that end a script or a line', () => {
    assert.equal(jsonForScript({ a: '</script>\u2028&' }), '{"a":"\\u003c/script\\u003e\\u2028\\u0026"}');
    assert.deepEqual(JSON.parse(jsonForScript({ a: '</script>\u2028&' })), { a: '</script>\u2028&' });
  });
});
