import { createDom } from './env.cjs';
import { deepEqual, equal, ok } from './check';
import { fixtures } from '../../fixtures/report/fixtures';
import { App, type Host } from '../../../webview/app';
import { groupKey } from '../../../webview/graph';
import type { ViewState, WebviewMessage } from '../../../src/protocol/messages';

function makeHost(kind: 'vscode' | 'html' = 'vscode'): Host & { posted: WebviewMessage[]; logs: string[]; saved: ViewState[] } {
  const h = {
    kind,
    posted: [] as WebviewMessage[],
    logs: [] as string[],
    saved: [] as ViewState[],
    post: (m: WebviewMessage) => void h.posted.push(m),
    saveState: (s: ViewState) => void h.saved.push(JSON.parse(JSON.stringify(s))),
    log: (level: string, m: string) => void h.logs.push(`${level}: ${m}`),
  };
  return h;
}

describe('webview app', () => {
  let dom: ReturnType<typeof createDom>;
  let root: HTMLElement;
  beforeEach(() => {
    dom = createDom();
    root = dom.document.createElement('div');
    dom.document.body.appendChild(root);
  });
  afterEach(() => dom.close());

  it('starts with the ready handshake and shows an empty page until a report arrives', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    deepEqual(host.posted, [{ type: 'ready', protocol: 1 }]);
    ok((root.textContent ?? '').includes('Open a TensorFlow.js file'));
    app.handle({ type: 'report', report: fixtures.plainMlp(), uri: 'file:///w/deep_mlp.ts', canApplyFixes: true });
    equal(root.querySelectorAll('svg.plot').length, 3);
    app.handle({ type: 'empty', reason: 'No model in this file.' });
    ok((root.textContent ?? '').includes('No model in this file.'));
  });

  it('ignores and logs messages of the wrong shape', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    app.handle({ type: 'report', report: fixtures.plainMlp(), uri: 'file:///a.ts' });
    const before = root.innerHTML;
    app.handle({ type: 'report', report: { version: '1.0', files: 'nope' } });
    app.handle({ type: 'evil', payload: '<img src=x onerror=alert(1)>' });
    app.handle('<img src=x>');
    app.handle(null);
    equal(host.logs.length, 4);
    ok(host.logs.every((l) => l.startsWith('warn: ignored a message')));
    equal(root.innerHTML, before, 'nothing re-rendered');
  });

  it('a click on a layer selects it and posts revealSpan with its source span', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    const report = fixtures.plainMlp();
    app.handle({ type: 'report', report, uri: 'file:///w/deep_mlp.ts', canApplyFixes: true });
    (root.querySelector('button[data-node="n48"]') as HTMLButtonElement).click();
    const last = host.posted[host.posted.length - 1];
    equal(last.type, 'revealSpan');
    deepEqual(last.type === 'revealSpan' ? last.span : null, report.files[0].models[0].layers[48].span);
    equal(root.querySelector('button.selected')?.getAttribute('data-node'), 'n48');
    equal(app.state.selected, 'n48');
    equal(host.saved[host.saved.length - 1].selected, 'n48', 'state saved for restore');
  });

  it('Apply fix posts applyFix naming the finding and fix', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    app.handle({ type: 'report', report: fixtures.plainMlp(), uri: 'file:///w/deep_mlp.ts', canApplyFixes: true });
    (root.querySelector('button[data-apply="1/0"]') as HTMLButtonElement).click();
    deepEqual(host.posted[host.posted.length - 1], {
      type: 'applyFix',
      path: 'examples/deep_mlp.ts',
      model: 'model',
      findingIndex: 1,
      fixIndex: 0,
      ruleId: 'relu-normal-init',
      title: "Use kernelInitializer: 'heUniform'",
    });
  });

  it('live update keeps the selection, expanded blocks, hidden series and focus', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    const r1 = fixtures.postLnTransformer();
    app.handle({ type: 'report', report: r1, uri: 'file:///w/t.ts' });
    (root.querySelector('button.group-row') as HTMLButtonElement).click();
    (root.querySelector('button[data-node="n10"]') as HTMLButtonElement).click();
    (root.querySelector('button.legend-item[data-series="pre-ln-residual"]') as HTMLButtonElement).click();
    (root.querySelector('button[data-node="n11"]') as HTMLButtonElement).focus();
    // The file changes: a new report with a different number.
    const r2 = fixtures.postLnTransformer();
    r2.files[0].models[0].simulation!.gradientGain = 0.2;
    app.handle({ type: 'report', report: r2, uri: 'file:///w/t.ts' });
    equal(root.querySelector('button.group-row')?.getAttribute('aria-expanded'), 'true');
    equal(root.querySelector('button.selected')?.getAttribute('data-node'), 'n10');
    equal(root.querySelectorAll('path.series[data-series="pre-ln-residual"]').length, 0);
    equal(dom.document.activeElement?.getAttribute('data-node'), 'n11', 'focus restored');
    ok((root.textContent ?? '').includes('0.2'), 'new numbers shown');
    deepEqual(app.state.toggled, [groupKey(r1.files[0].models[0], { start: 2, period: 7, times: 24 })]);
  });

  it('another document resets the selection but keeps preferences', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host, { toggled: [], hidden: ['he-uniform'], explainerOpen: true, scrollY: 0, selected: 'n3', uri: 'file:///a.ts' });
    app.start();
    app.handle({ type: 'report', report: fixtures.resnet(), uri: 'file:///b.ts' });
    equal(app.state.selected, undefined);
    equal(app.state.uri, 'file:///b.ts');
    deepEqual(app.state.hidden, ['he-uniform']);
    equal(app.state.explainerOpen, true);
  });

  it('restores a saved state (after a restart): model, selection and open explainer', () => {
    const host = makeHost();
    const saved: ViewState = { toggled: [], hidden: [], explainerOpen: true, scrollY: 0, model: 'decoder', selected: 'n4', uri: 'file:///gan.ts', file: 'examples/gan.ts' };
    const app = new App(dom.document, root, host, saved);
    app.start();
    app.handle({ type: 'report', report: fixtures.multiModel(), uri: 'file:///gan.ts' });
    equal(root.querySelector('.model-name')?.textContent, 'decoder');
    ok(root.querySelector('details.explainer')?.hasAttribute('open'));
    // decoder: 17 layers, small enough to show unfolded; the selection is restored.
    equal(root.querySelector('button.row.selected')?.getAttribute('data-node'), 'n4');
    // A folded block shows that it holds the selection.
    app.handle({ type: 'report', report: fixtures.plainMlp(), uri: 'file:///gan.ts' });
    app.handle({ type: 'selectLayer', model: 'model', nodeId: 'n7' });
    ok(root.querySelector('button.group-row.contains-selected'), 'folded block marked');
  });

  it('status and selectLayer messages', () => {
    const host = makeHost();
    const app = new App(dom.document, root, host);
    app.start();
    app.handle({ type: 'report', report: fixtures.multiModel(), uri: 'file:///gan.ts' });
    app.handle({ type: 'status', state: 'analyzing' });
    equal(root.querySelector('.status')?.textContent, 'Analyzing…');
    app.handle({ type: 'selectLayer', model: 'discriminator', nodeId: 'n2' });
    equal(root.querySelector('.model-name')?.textContent, 'discriminator');
    equal(app.state.selected, 'n2');
  });

  it('the HTML host never posts messages', () => {
    const host = makeHost('html');
    const app = new App(dom.document, root, host);
    app.setReport(fixtures.plainMlp(), { canApplyFixes: false, diffs: {} });
    app.start();
    (root.querySelector('button[data-node="n48"]') as HTMLButtonElement).click();
    deepEqual(host.posted, []);
    equal(root.querySelectorAll('button[data-apply]').length, 0);
    ok(root.querySelector('.diff'), 'diffs instead of buttons');
  });
});
