import assert from 'node:assert/strict';
import { documentDiffs, makeNonce, reportCsp, reportPageHtml } from '../../../src/vscode/reportPage';
import { fixtures } from '../../fixtures/report/fixtures';

describe('report webview page', () => {
  const parts = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', cssUri: 'https://x/media/report.css', nonce: 'abc123' };

  it('a strict CSP: nothing by default, scripts only with the nonce, styles from the extension or the nonce', () => {
    assert.equal(reportCsp(parts), "default-src 'none'; script-src 'nonce-abc123'; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-abc123'; img-src https://file+.vscode-resource.vscode-cdn.net data:");
    const html = reportPageHtml(parts);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/dist\/webview.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" nonce="abc123" href="https:\/\/x\/media\/report.css">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('nonces are 32 alphanumerics and differ', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a, makeNonce());
  });

  it('diffs every fix against the document text', () => {
    const report = fixtures.plainMlp();
    const text = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`).join('\n');
    const d = documentDiffs(report, text);
    assert.deepEqual(Object.keys(d).sort(), ['0/0/0/0', '0/0/1/0']);
    assert.ok(d['0/0/0/0'][0].lines.some((l) => l.kind === 'add' && l.text.includes('layerNormalization')));
  });
});
