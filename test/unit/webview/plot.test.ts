import { createDom } from './env.cjs';
import { close, deepEqual, equal, ok, texts } from './check';
import { fixtures } from '../../fixtures/report/fixtures';
import { alignSeries, buildPlotSpecs, formatLogTick, renderLegend, renderPlot, yTicks } from '../../../webview/plot';
import type { ModelReport } from '../../../src/core/report/types';

const model = (name: keyof typeof fixtures, i = 0): ModelReport => fixtures[name]().files[0].models[i];
const noop = { selectIndex: () => undefined };

describe('webview plots', () => {
  let dom: ReturnType<typeof createDom>;
  beforeEach(() => (dom = createDom()));
  afterEach(() => dom.close());

  it('builds forward, backward and similarity plots with the what-ifs overlaid', () => {
    const specs = buildPlotSpecs(model('plainMlp'), []);
    deepEqual(
      specs.map((s) => s.id),
      ['fwd', 'grad', 'cos'],
    );
    for (const s of specs) deepEqual(s.series.map((x) => x.key), ['model', 'insert-layernorm', 'he-uniform']);
    equal(specs[0].n, 49);
    // Hidden through the legend.
    deepEqual(buildPlotSpecs(model('plainMlp'), ['he-uniform'])[0].series.map((x) => x.key), ['model', 'insert-layernorm']);
    // Not simulated: no plots.
    equal(buildPlotSpecs(fixtures.multiModel().files[0].models[3], []).length, 0);
  });

  it('aligns a what-if with inserted layers between the layers they follow', () => {
    const xs = alignSeries(['a', 'b', 'c'], ['a', 'a~ln', 'b', 'b~ln', 'c']);
    deepEqual(xs, [0, 0.5, 1, 1.5, 2]);
    const two = alignSeries(['a', 'b'], ['a', 'x', 'y', 'b']);
    close(two[1], 1 / 3, 1e-12);
    close(two[2], 2 / 3, 1e-12);
    const lnSeries = buildPlotSpecs(model('plainMlp'), [])[0].series[1];
    equal(lnSeries.xs.length, lnSeries.ys.length);
    ok(lnSeries.xs.every((x, i) => i === 0 || x > lnSeries.xs[i - 1]), 'x increases along the what-if');
  });

  it('draws log axes with decade ticks, one path per series', () => {
    const spec = buildPlotSpecs(model('plainMlp'), [])[0];
    const fig = renderPlot(dom.document, spec, { width: 600 }, noop);
    const svgEl = fig.querySelector('svg.plot')!;
    equal(svgEl.getAttribute('data-scale'), 'log');
    equal(fig.querySelectorAll('path.series').length, 3);
    equal(fig.querySelector('path.s-model')?.getAttribute('data-points'), '49');
    const ticks = texts(fig, '.axis-y .tick');
    ok(ticks.includes('1'), `1 is a tick: ${ticks}`);
    ok(ticks.some((t) => t === '10⁻¹⁰'), `10⁻¹⁰ is a tick: ${ticks}`);
    ok(ticks.length <= 7);
    // Ticks are evenly spaced on screen: a log axis.
    const ys = Array.from(fig.querySelectorAll('.axis-y line.grid')).map((l) => Number(l.getAttribute('y1')));
    const gaps = ys.slice(1).map((y, i) => y - ys[i]);
    for (const g of gaps) close(g, gaps[0], 0.01);
  });

  it('thins decade ticks on wide ranges and formats them', () => {
    const t = yTicks([1e-40, 1e20]);
    ok(t.length >= 2 && t.length <= 6, `${t.length} ticks`);
    ok(t.every((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9), 'decades only');
    ok(t.includes(1), '1 stays');
    equal(formatLogTick(1e-10), '10⁻¹⁰');
    equal(formatLogTick(1e21), '10²¹');
    equal(formatLogTick(0.01), '0.01');
    equal(formatLogTick(100), '100');
  });

  it('similarity is plotted as 1 − cosine on a log scale, labelled in cosine', () => {
    const spec = buildPlotSpecs(model('postLnTransformer'), [])[2];
    equal(spec.mode, 'similarity');
    const fig = renderPlot(dom.document, spec, { width: 500 }, noop);
    const ticks = texts(fig, '.axis-y .tick');
    ok(ticks.includes('0') && ticks.includes('0.9'), `cosine labels: ${ticks}`);
    // Higher similarity is drawn higher up.
    const y0 = Number(Array.from(fig.querySelectorAll('.axis-y line.grid'))[ticks.indexOf('0')].getAttribute('y1'));
    const y9 = Number(Array.from(fig.querySelectorAll('.axis-y line.grid'))[ticks.indexOf('0.9')].getAttribute('y1'));
    ok(y9 < y0);
  });

  it('marks the float32 limit in the plot of its direction only', () => {
    const specs = buildPlotSpecs(model('float32Limit'), []);
    ok(specs[0].mark, 'forward plot is marked');
    equal(specs[1].mark, undefined);
    const fig = renderPlot(dom.document, specs[0], { width: 600 }, noop);
    equal(fig.querySelectorAll('line.f32-mark').length, 1);
    ok(texts(fig, '.f32-label').some((t) => t.includes('overflows')));
    ok(texts(fig, '.f32-label').includes('float32 max'), 'the float32 range line is inside the domain');
    equal(renderPlot(dom.document, buildPlotSpecs(model('plainMlp'), [])[0], { width: 600 }, noop).querySelectorAll('.f32-mark').length, 0);
  });

  it('keyboard: arrows move a read-out of the layer and every series; Enter selects', () => {
    const spec = buildPlotSpecs(model('plainMlp'), [])[0];
    const picked: number[] = [];
    const fig = renderPlot(dom.document, spec, { width: 600 }, { selectIndex: (_p, i) => picked.push(i) });
    dom.document.body.appendChild(fig);
    equal(fig.getAttribute('tabindex'), '0');
    fig.dispatchEvent(new dom.window.FocusEvent('focus'));
    const key = (k: string): void => void fig.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowRight');
    key('ArrowRight');
    const tip = fig.querySelector('.tooltip') as HTMLElement;
    equal(tip.hidden, false);
    ok((tip.textContent ?? '').includes('#2 dense_1 · Dense'), tip.textContent ?? '');
    ok((tip.textContent ?? '').includes('your model (vanishing): 0.'), tip.textContent ?? '');
    ok((tip.textContent ?? '').includes('with LayerNormalization after each Dense (stable)'));
    ok((fig.querySelector('[aria-live]')?.textContent ?? '').includes('dense_1'), 'announced');
    key('End');
    key('Enter');
    deepEqual(picked, [48]);
  });

  it('legend toggles series and reports their state', () => {
    const toggled: string[] = [];
    const legend = renderLegend(dom.document, model('postLnTransformer'), ['deepnorm'], (k) => toggled.push(k));
    const items = Array.from(legend.querySelectorAll<HTMLButtonElement>('button.legend-item'));
    deepEqual(
      items.map((b) => b.getAttribute('aria-pressed')),
      ['true', 'false', 'true'],
    );
    items[1].click();
    deepEqual(toggled, ['deepnorm']);
  });
});
