import { createDom } from './env.cjs';
import { deepEqual, equal, ok, texts } from './check';
import { fixtures, HOSTILE } from '../../fixtures/report/fixtures';
import { renderFindings } from '../../../webview/findings';
import { renderReport, type ReportActions, type ReportView } from '../../../webview/report';
import { renderExplainer } from '../../../webview/explainer';
import { defaultViewState, type ViewState } from '../../../src/protocol/messages';
import { fixToHunks } from '../../../src/core/report/diff';
import type { AnalysisReport } from '../../../src/core/report/types';

function actionsLog(calls: string[]): ReportActions {
  return {
    selectFile: (p) => calls.push(`file ${p}`),
    selectModel: (n) => calls.push(`model ${n}`),
    selectLayer: (id, r) => calls.push(`layer ${id} ${r}`),
    toggleGroup: (k) => calls.push(`toggle ${k}`),
    toggleSeries: (k) => calls.push(`series ${k}`),
    selectFinding: (d) => calls.push(`finding ${d}`),
    applyFix: (_f, m, fi, xi) => calls.push(`fix ${m.name} ${fi} ${xi}`),
    reveal: (s) => calls.push(`reveal ${s.start.line}`),
    setExplainer: (o) => calls.push(`explainer ${o}`),
    requestFull: () => calls.push('full'),
  };
}

const view = (report: AnalysisReport, host: 'vscode' | 'html' = 'html'): ReportView => ({ report, host, canApplyFixes: host === 'vscode', diffs: {} });
const state = (s: Partial<ViewState> = {}): ViewState => ({ ...defaultViewState(), ...s });

describe('webview report', () => {
  let dom: ReturnType<typeof createDom>;
  beforeEach(() => (dom = createDom()));
  afterEach(() => dom.close());

  it('header: verdict in words, the key numbers and the main risk', () => {
    const page = renderReport(dom.document, view(fixtures.plainMlp()), state(), { plotWidth: 600 }, actionsLog([]));
    equal(page.querySelector('.verdict')?.textContent, 'Vanishing');
    equal(page.querySelector('.verdict')?.getAttribute('data-verdict'), 'vanishing');
    deepEqual(texts(page, '.stat-label'), ['weighted depth', 'longest plain run', 'output gain', 'gradient gain']);
    deepEqual(texts(page, '.stat-value'), ['48', '48', '1.3e-10', '1.2e-10']);
    ok(/first layers receive only 1\.2e-10/.test(page.querySelector('.risk')?.textContent ?? ''), page.querySelector('.risk')?.textContent ?? '');
    equal(page.querySelectorAll('svg.plot').length, 3);
    ok(page.querySelector('.graph'), 'graph present');
    ok(page.querySelector('details.explainer'), 'explainer present');

    const stable = renderReport(dom.document, view(fixtures.resnet()), state(), { plotWidth: 600 }, actionsLog([]));
    equal(stable.querySelector('.verdict')?.textContent, 'Stable');
    ok((stable.querySelector('.findings')?.textContent ?? '').includes('No findings'));
  });

  it('several models: a tab per model with its verdict; the state picks one', () => {
    const calls: string[] = [];
    const r = fixtures.multiModel();
    const page = renderReport(dom.document, view(r), state({ model: 'discriminator' }), { plotWidth: 600 }, actionsLog(calls));
    const tabs = Array.from(page.querySelectorAll<HTMLButtonElement>('[role=tab]'));
    deepEqual(
      tabs.map((t) => t.querySelector('.tab-name')?.textContent),
      ['encoder', 'decoder', 'discriminator', 'critic'],
    );
    deepEqual(
      tabs.map((t) => t.getAttribute('aria-selected')),
      ['false', 'false', 'true', 'false'],
    );
    equal(page.querySelector('.model-name')?.textContent, 'discriminator');
    tabs[3].click();
    deepEqual(calls, ['model critic']);
    const critic = renderReport(dom.document, view(r), state({ model: 'critic' }), { plotWidth: 600 }, actionsLog([]));
    equal(critic.querySelectorAll('svg.plot').length, 0, 'not simulated: no plots');
    equal(critic.querySelector('.verdict')?.textContent, 'Not simulated');
    ok((critic.textContent ?? '').includes('Notes (2)'), 'file notes shown');
  });

  it('several files: a file selector; an unreadable file shows its error', () => {
    const calls: string[] = [];
    const r = fixtures.all();
    const page = renderReport(dom.document, view(r), state(), { plotWidth: 600 }, actionsLog(calls));
    const sel = page.querySelector('select.file-select') as HTMLSelectElement;
    equal(sel.options.length, 6);
    const broken = renderReport(dom.document, view(r), state({ file: 'examples/broken.json' }), { plotWidth: 600 }, actionsLog([]));
    ok((broken.querySelector('.file-error')?.textContent ?? '').includes('Unexpected token'));
  });

  it('findings: severity, numbers, citation; VS Code shows Apply buttons that post the fix', () => {
    const calls: string[] = [];
    const page = renderReport(dom.document, view(fixtures.postLnTransformer(), 'vscode'), state(), { plotWidth: 600 }, actionsLog(calls));
    const cards = page.querySelectorAll('article.finding');
    equal(cards.length, 2);
    equal(cards[0].querySelector('.sev')?.textContent?.trim(), '⚠ Warning');
    ok(texts(cards[0], '.numbers dt').includes('blocks'));
    ok((cards[0].querySelector('cite')?.textContent ?? '').includes('Xiong et al. 2020'));
    ok((cards[1].querySelector('cite')?.textContent ?? '').length > 0, 'default citation by rule id');
    const buttons = Array.from(cards[0].querySelectorAll<HTMLButtonElement>('button[data-apply]'));
    deepEqual(
      buttons.map((b) => b.textContent),
      ['Apply fix', 'Apply fix'],
    );
    ok(buttons[0].classList.contains('primary'), 'the preferred fix is the primary button');
    equal(cards[0].querySelectorAll('.diff').length, 0, 'no diff without hunks from the host');
    ok((cards[0].querySelector('.whatif')?.textContent ?? '').includes('stable'), 'what the simulated fix changes');
    buttons[1].click();
    (cards[0].querySelector('button[data-key="finding:0:why"]') as HTMLButtonElement).click();
    (cards[0].querySelector('button[data-key="finding:0:reveal"]') as HTMLButtonElement).click();
    deepEqual(calls, ['fix encoder 0 1', 'explainer true', 'reveal 11']);
  });

  it('a remedy the finding names without an edit (data.whatIf) shows its simulated result', () => {
    const r = fixtures.postLnTransformer();
    const f = r.files[0].models[0].findings[1];
    f.data = { ...f.data, whatIf: 'deepnorm' };
    const page = renderReport(dom.document, view(r), state(), { plotWidth: 600 }, actionsLog([]));
    const card = page.querySelectorAll('article.finding')[1];
    ok((card.querySelector('.whatif')?.textContent ?? '').includes('with DeepNorm'), card.textContent ?? '');
    ok(!texts(card, '.numbers dt').includes('what if'), 'not listed as a number');
  });

  it('findings in the HTML export: the edit as a diff, no buttons', () => {
    const m = fixtures.plainMlp().files[0].models[0];
    const source = Array.from({ length: 14 }, (_, i) => (i === 7 ? "    model.add(tf.layers.dense({units: 256, activation: 'relu'}));" : `// line ${i + 1}`)).join('\n');
    const hunks = fixToHunks(m.findings[0].fixes[0], source);
    const section = renderFindings(
      dom.document,
      m,
      'examples/deep_mlp.ts',
      { host: 'html', canApplyFixes: false, diffs: (fi, xi) => (fi === 0 && xi === 0 ? hunks : fixToHunks(m.findings[fi].fixes[xi])) },
      { selectFinding: () => undefined, applyFix: () => undefined, reveal: () => undefined, openExplainer: () => undefined },
    );
    equal(section.querySelectorAll('button[data-apply]').length, 0);
    const diff = section.querySelector('.diff')!;
    ok(diff, 'diff shown');
    deepEqual(texts(diff, '.diff-add').map((t) => t.replace(/^\d+\s*\+/, '').trim()), ['model.add(tf.layers.layerNormalization());']);
    ok(texts(diff, '.diff-context').length >= 2, 'context lines around the edit');
    equal(diff.querySelector('.diff-file')?.textContent, 'examples/deep_mlp.ts');
  });

  it('hostile names, paths and messages are rendered as text: no element is injected', () => {
    const page = renderReport(dom.document, view(fixtures.hostile(), 'vscode'), state({ selected: 'n3' }), { plotWidth: 600 }, actionsLog([]));
    dom.document.body.appendChild(page);
    equal(dom.document.querySelectorAll('img').length, 0);
    equal(dom.document.querySelectorAll('script').length, 0);
    equal(dom.document.querySelectorAll('svg[onload], [onerror], [onload]').length, 0);
    const all = Array.from(dom.document.querySelectorAll('*'));
    ok(all.every((e) => Array.from(e.attributes).every((a) => !/^on/i.test(a.name))), 'no event-handler attributes');
    const text = dom.document.body.textContent ?? '';
    ok(text.includes(`examples/${HOSTILE}/model.ts`), 'path as text');
    equal(page.querySelector('.model-name')?.textContent, HOSTILE);
    ok(text.includes('</script><script>alert(2)</script>'), 'layer name as text');
    ok(text.includes('<svg onload=alert(3)>'), 'class name as text');
    ok(text.includes('and "quotes" & ampersands'));
    equal(page.querySelector('.detail-title strong')?.textContent, HOSTILE, 'selected layer detail');
  });

  it('explainer: a diagram and the toggle reports its state', () => {
    const seen: boolean[] = [];
    const d = renderExplainer(dom.document, true, (o) => seen.push(o));
    ok(d.hasAttribute('open'));
    ok(d.querySelector('svg.explainer-diagram'), 'diagram');
    ok((d.textContent ?? '').includes('residual path'));
  });
});
