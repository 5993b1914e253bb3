import { createDom } from './env.cjs';
import { deepEqual, equal, ok, texts } from './check';
import { fixtures } from '../../fixtures/report/fixtures';
import { layoutGraph, renderGraph, groupKey, type GraphOptions } from '../../../webview/graph';
import { findRepeats } from '../../../webview/repeats';
import type { ModelReport } from '../../../src/core/report/types';

const model = (name: keyof typeof fixtures, i = 0): ModelReport => fixtures[name]().files[0].models[i];
const noop = { selectLayer: () => undefined, toggleGroup: () => undefined };
const opts = (extra: Partial<GraphOptions> = {}): GraphOptions => ({ toggled: [], flagged: new Map(), ...extra });

describe('webview graph', () => {
  let dom: ReturnType<typeof createDom>;
  beforeEach(() => (dom = createDom()));
  afterEach(() => dom.close());

  it('finds the 24 repeated Post-LN blocks and the 47 hidden Dense layers', () => {
    deepEqual(findRepeats(model('postLnTransformer').layers), [{ start: 2, period: 7, times: 24 }]);
    deepEqual(findRepeats(model('plainMlp').layers), [{ start: 1, period: 1, times: 47 }]);
    // ResNet: the stem (conv, bn, relu) is not mistaken for a block.
    deepEqual(findRepeats(model('resnet').layers), [{ start: 4, period: 7, times: 8 }]);
    // Too short to fold: 6 Dense+LN pairs of the encoder are folded only when they repeat 3+ times.
    const enc = fixtures.multiModel().files[0].models[0];
    deepEqual(findRepeats(enc.layers), [{ start: 1, period: 2, times: 6 }]);
  });

  it('folds repeated blocks into one "×24" row and expands them on request', () => {
    const m = model('postLnTransformer');
    const folded = renderGraph(dom.document, m, opts(), noop);
    const groups = folded.querySelectorAll('button.group-row');
    equal(groups.length, 1);
    ok((groups[0].textContent ?? '').includes('×24'), 'group shows ×24');
    equal(groups[0].getAttribute('aria-expanded'), 'false');
    equal(folded.querySelectorAll('button.layer-row').length, 3, 'input, embedding, head');
    const key = groupKey(m, { start: 2, period: 7, times: 24 });
    const open = renderGraph(dom.document, m, opts({ toggled: [key] }), noop);
    equal(open.querySelectorAll('button.layer-row').length, m.layers.length);
    equal(open.querySelector('button.group-row')?.getAttribute('aria-expanded'), 'true');
  });

  it('draws residual skips as arcs (one per Add), none inside a folded block', () => {
    const m = model('postLnTransformer');
    const key = groupKey(m, { start: 2, period: 7, times: 24 });
    const open = layoutGraph(m, [key]);
    equal(open.arcs.filter((a) => a.residual).length, 48, 'two residual adds per block');
    ok(open.arcs.every((a) => a.to > a.from));
    const g = renderGraph(dom.document, m, opts({ toggled: [key] }), noop);
    equal(g.querySelectorAll('svg.graph-arcs path.arc-residual').length, 96, 'arc + arrow head per skip');
    equal(layoutGraph(m, []).arcs.length, 0);
    // ResNet expanded: 8 skips.
    const r = model('resnet');
    const rk = groupKey(r, { start: 4, period: 7, times: 8 });
    equal(layoutGraph(r, [rk]).arcs.length, 8);
    // A sequential MLP has no skips at all.
    equal(layoutGraph(model('plainMlp'), [groupKey(model('plainMlp'), { start: 1, period: 1, times: 47 })]).arcs.length, 0);
  });

  it('overlapping arcs take different lanes', () => {
    const m = model('postLnTransformer');
    const key = groupKey(m, { start: 2, period: 7, times: 24 });
    const { arcs } = layoutGraph(m, [key]);
    for (const a of arcs)
      for (const b of arcs) if (a !== b && a.from < b.to && b.from < a.to) ok(a.lane !== b.lane, `arcs ${a.from}-${a.to} and ${b.from}-${b.to} share a lane`);
  });

  it('marks normalization layers, flagged runs, the selection and the float32 limit', () => {
    const m = model('postLnTransformer');
    const key = groupKey(m, { start: 2, period: 7, times: 24 });
    const flagged = new Map(m.findings[0].nodes!.map((id) => [id, 'warning']));
    const sel = m.layers[10].id;
    const g = renderGraph(dom.document, m, opts({ toggled: [key], flagged, selected: sel }), noop);
    equal(g.querySelectorAll('button.kind-norm').length, 48);
    equal(g.querySelectorAll('.chip-norm').length, 48);
    equal(g.querySelectorAll('button.flagged.flag-warning').length, 48);
    const selected = g.querySelectorAll('button.selected');
    equal(selected.length, 1);
    equal(selected[0].getAttribute('data-node'), sel);
    equal(selected[0].getAttribute('tabindex'), '0', 'roving tabindex on the selection');

    const f = model('float32Limit');
    const limit = f.simulation!.float32Limit!.node;
    const folded = renderGraph(dom.document, f, opts({ float32Node: limit, float32Label: 'float32 overflow' }), noop);
    deepEqual(texts(folded, '.chip-error'), ['float32 overflow'], 'the folded block carries the limit');
  });

  it('clicking a layer selects and reveals it; clicking a group toggles it', () => {
    const m = model('plainMlp');
    const calls: string[] = [];
    const g = renderGraph(dom.document, m, opts(), { selectLayer: (id, reveal) => calls.push(`select ${id} ${reveal}`), toggleGroup: (k) => calls.push(`toggle ${k}`) });
    (g.querySelector('button[data-node="n48"]') as HTMLButtonElement).click();
    (g.querySelector('button.group-row') as HTMLButtonElement).click();
    deepEqual(calls, ['select n48 true', `toggle ${groupKey(m, { start: 1, period: 1, times: 47 })}`]);
  });

  it('arrow keys move focus between rows', () => {
    const m = model('plainMlp');
    const g = renderGraph(dom.document, m, opts(), noop);
    dom.document.body.appendChild(g);
    const rows = Array.from(g.querySelectorAll<HTMLButtonElement>('button.row'));
    rows[0].focus();
    rows[0].dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    equal(dom.document.activeElement, rows[1]);
    rows[1].dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    equal(dom.document.activeElement, rows[rows.length - 1]);
  });
});
