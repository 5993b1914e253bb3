/**
 * The report panel's side of the webview boundary (src/vscode/reportPanel.ts hands every message to
 * receiveWebviewMessage in reportPage.ts): a message of the wrong shape reaches no handler and is logged as a
 * warning; a valid one reaches exactly its handler. Spans the webview asks to reveal must belong to the report.
 * And the page itself: a strict Content-Security-Policy whose only script source is a nonce fresh per page.
 */
import assert from 'node:assert/strict';
import { isRevealable, receiveWebviewMessage, reportPageHtml, type WebviewMessageHandlers } from '../../../src/vscode/reportPage';
import type { WebviewMessage } from '../../../src/protocol/messages';
import { fixtures } from '../../fixtures/report/fixtures';

function recorder() {
  const calls: string[] = [];
  const warnings: string[] = [];
  const handlers: WebviewMessageHandlers = {
    accepted: (m) => calls.push(`accepted ${m.type}`),
    ready: () => calls.push('ready'),
    revealSpan: (s) => calls.push(`revealSpan ${s.file}:${s.start.line}`),
    applyFix: (m) => calls.push(`applyFix ${m.model} ${m.findingIndex} ${m.fixIndex}`),
    requestAnalysis: () => calls.push('requestAnalysis'),
    log: (level, message) => calls.push(`log ${level} ${message}`),
  };
  return { calls, warnings, handlers, warn: (m: string) => void warnings.push(m) };
}

const span = { file: '/w/model.ts', start: { line: 3, character: 2 }, end: { line: 3, character: 9 } };

describe('report panel: messages from the webview', () => {
  it('a message of the wrong shape is ignored (no handler runs) and logged as a warning', () => {
    const wrong: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      [],
      [{ type: 'ready', protocol: 1 }],
      {},
      { type: 7 },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'openExternal', url: 'https://example.invalid' },
      JSON.parse('{"type":"__proto__"}'),
      { type: 'toString' },
      { type: 'constructor' },
      { type: 'ready' },
      { type: 'ready', protocol: '1' },
      { type: 'revealSpan' },
      { type: 'revealSpan', span: { file: 3, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      { type: 'revealSpan', span: { ...span, start: { line: -1, character: 0 } } },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: -1, fixIndex: 0, ruleId: 'r', title: 't' },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: 0, fixIndex: 1.5, ruleId: 'r', title: 't' },
      { type: 'applyFix', path: 'a.ts', model: { toString: 'x' }, findingIndex: 0, fixIndex: 0, ruleId: 'r', title: 't' },
      { type: 'requestAnalysis', profile: 'everything' },
      { type: 'log', level: 'fatal', message: 'x' },
      { type: 'log', level: 'info', message: 'x'.repeat(10_001) },
      { type: 'log', level: 'info', message: ['<img src=x onerror=alert(1)>'] },
    ];
    for (const m of wrong) {
      const r = recorder();
      const label = JSON.stringify(m)?.slice(0, 80) ?? String(m);
      assert.equal(receiveWebviewMessage(m, r.warn, r.handlers), undefined, label);
      assert.deepEqual(r.calls, [], `${label}: no handler ran`);
      assert.equal(r.warnings.length, 1, `${label}: one warning`);
      assert.match(r.warnings[0], /^report panel: ignored a message from the webview: (webview message without a string "type"|unknown webview message type|malformed webview message)/, label);
    }
  });

  it('the warning is bounded: a huge unknown type is cut, not echoed', () => {
    const r = recorder();
    receiveWebviewMessage({ type: 'x'.repeat(100_000) }, r.warn, r.handlers);
    assert.ok(r.warnings[0].length < 200, `${r.warnings[0].length} characters`);
  });

  it('a valid message reaches exactly its handler, with its fields, and nothing is logged', () => {
    const cases: [WebviewMessage, string][] = [
      [{ type: 'ready', protocol: 1 }, 'ready'],
      [{ type: 'revealSpan', span }, 'revealSpan /w/model.ts:3'],
      [{ type: 'applyFix', path: '/w/model.ts', model: 'model', findingIndex: 1, fixIndex: 0, ruleId: 'deep-plain-stack', title: 'Insert' }, 'applyFix model 1 0'],
      [{ type: 'requestAnalysis', profile: 'full' }, 'requestAnalysis'],
      [{ type: 'log', level: 'error', message: 'boom' }, 'log error boom'],
    ];
    for (const [m, call] of cases) {
      const r = recorder();
      assert.deepEqual(receiveWebviewMessage(m, r.warn, r.handlers), m);
      assert.deepEqual(r.calls, [`accepted ${m.type}`, call]);
      assert.deepEqual(r.warnings, []);
    }
  });

  it('extra fields (even __proto__) do not pollute anything', () => {
    const r = recorder();
    const m = JSON.parse('{"type":"ready","protocol":1,"__proto__":{"polluted":true}}');
    receiveWebviewMessage(m, r.warn, r.handlers);
    assert.deepEqual(r.calls, ['accepted ready', 'ready']);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('reveals only spans of the report’s own file or of files its layers come from', () => {
    const report = fixtures.plainMlp().files[0];
    const entry = { path: report.path, report };
    const layerFile = report.models[0].layers.find((l) => l.span)?.span?.file;
    assert.ok(layerFile);
    assert.equal(isRevealable(entry, { ...span, file: report.path }), true);
    assert.equal(isRevealable(entry, { ...span, file: layerFile }), true);
    for (const other of ['/etc/passwd', '../secrets.ts', `${report.path}/../x.ts`, '', 'file:///w/other.ts']) {
      assert.equal(isRevealable(entry, { ...span, file: other }), false, other);
    }
  });
});

/** The directives of a CSP, each a list of its sources. */
function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) {
      assert.ok(!out.has(name), `directive ${name} twice`);
      out.set(name, sources);
    }
  }
  return out;
}

function pageCsp(html: string): string {
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, 'exactly one CSP');
  assert.ok(html.indexOf(metas[0][0]) < html.indexOf('<script'), 'the CSP comes before any script');
  return metas[0][1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('report panel: the webview page', () => {
  const parts = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', cssUri: 'https://x/media/report.css' };

  it("a strict CSP: default-src 'none', scripts only with the page's nonce, no unsafe-inline / unsafe-eval", () => {
    const html = reportPageHtml(parts);
    const csp = directives(pageCsp(html));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    const script = csp.get('script-src');
    assert.ok(script && script.length === 1, `script-src ${script?.join(' ')}`);
    const nonce = /^'nonce-([A-Za-z0-9]{32})'$/.exec(script[0])?.[1];
    assert.ok(nonce, script[0]);
    for (const [name, sources] of csp) {
      for (const s of sources) assert.ok(!/unsafe|^\*$|^https?:$|^data:$/.test(s) || (name === 'img-src' && s === 'data:'), `${name} ${s}`);
    }
    assert.equal(csp.has('script-src-elem') || csp.has('script-src-attr') || csp.has('connect-src') || csp.has('frame-src'), false, 'nothing loosens default-src');
    // Every script and stylesheet carries the page's nonce; there is no inline script and no event handler.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], new RegExp(`^ nonce="${nonce}" src="https://x/dist/webview\\.js"$`));
    assert.equal(scripts[0][2], '', 'no inline code');
    assert.match(html, new RegExp(`<link rel="stylesheet" nonce="${nonce}" href=`));
    assert.doesNotMatch(html, /\son[a-z]+=/i);
  });

  it('a fresh nonce for every page', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const html = reportPageHtml(parts);
      const n = /'nonce-([^']+)'/.exec(pageCsp(html))?.[1];
      assert.ok(n);
      assert.equal((html.match(new RegExp(`nonce="${n}"`, 'g')) ?? []).length, 2, 'the script and the stylesheet carry the CSP nonce');
      nonces.add(n);
    }
    assert.equal(nonces.size, 50);
  });

  it('URIs are attribute-escaped: a quote cannot end the attribute', () => {
    const html = reportPageHtml({ ...parts, scriptUri: 'https://x/a"><script>alert(1)</script>', nonce: 'n0' });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('src="https://x/a&quot;>&lt;script>alert(1)&lt;/script>"'));
  });
});
