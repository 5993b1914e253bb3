/**
 * Signal-propagation plots (Brock, De & Smith 2021): forward activation RMS, backward gradient RMS and sample
 * similarity per layer, on log scales, with the what-if variants overlaid, the float32 limit marked, hover and
 * keyboard read-out of the value and the layer.
 *
 * Scales and ticks come from d3-scale (log scales with sensible decade ticks over 1e-40..1e20 are where
 * hand-written code goes wrong); drawing is plain SVG so the plots follow the theme's CSS variables, render in
 * a unit-test DOM and carry user strings only as SVG text nodes.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import type { LayerReport, ModelReport } from '../src/core/report/types';
import type { SimSeries } from '../src/core/simulate/types';
import { formatNumber } from '../src/core/report/words';
import { el, svg } from './dom';

export type PlotId = 'fwd' | 'grad' | 'cos';

export interface PlotSeries {
  /** 'model' or the what-if's fix kind. */
  key: string;
  label: string;
  /** CSS class picking the series' color and dash. */
  cls: string;
  /** x position of each point (base-series index; inserted what-if layers fall between). */
  xs: number[];
  ys: (number | null)[];
  /** node id of each point. */
  nodes: string[];
}

export interface PlotSpec {
  id: PlotId;
  title: string;
  /** One line under the title: how to read the plot. */
  hint: string;
  /** 'log': y on a log scale; 'similarity': y = 1 − cosine on a reversed log scale, labelled as cosine. */
  mode: 'log' | 'similarity';
  series: PlotSeries[];
  /** Points in the base series (x runs 0 .. n-1). */
  n: number;
  /** Label per base index: "dense_3 · Dense". */
  names: string[];
  nodeIds: string[];
  /** The float32 limit, when reached in this plot's direction. */
  mark?: { index: number; label: string };
}

export interface PlotActions {
  selectIndex(plot: PlotId, index: number): void;
}

const SERIES_CLASSES = ['s-whatif-0', 's-whatif-1', 's-whatif-2', 's-whatif-3'];

/** x positions of a what-if series against the base series: shared nodes align, inserted ones fall between. */
export function alignSeries(baseNodes: string[], nodes: string[]): number[] {
  const base = new Map(baseNodes.map((id, i) => [id, i] as const));
  const xs: number[] = new Array(nodes.length);
  let i = 0;
  while (i < nodes.length) {
    const bi = base.get(nodes[i]);
    if (bi !== undefined) {
      xs[i] = bi;
      i++;
      continue;
    }
    // A run of unknown nodes between two known ones: spread them evenly.
    let j = i;
    while (j < nodes.length && !base.has(nodes[j])) j++;
    const left = i > 0 ? xs[i - 1] : -1;
    const right = j < nodes.length ? (base.get(nodes[j]) as number) : Math.max(left + 1, baseNodes.length - 1);
    for (let t = i; t < j; t++) xs[t] = left + ((t - i + 1) * (right - left)) / (j - i + 1);
    i = j;
  }
  return xs;
}

function layerName(l: LayerReport | undefined, id: string): string {
  return l ? `${l.name} · ${l.className}` : id;
}

/** The three plots of a model (none when it was not simulated). `hidden` holds legend keys switched off. */
export function buildPlotSpecs(model: ModelReport, hidden: readonly string[]): PlotSpec[] {
  const sim = model.simulation;
  if (!sim) return [];
  const byId = new Map(model.layers.map((l) => [l.id, l] as const));
  const baseNodes = sim.series.nodes;
  const names = baseNodes.map((id) => layerName(byId.get(id), id));
  const variants: { key: string; label: string; cls: string; series: SimSeries }[] = [
    { key: 'model', label: `your model (${sim.verdict})`, cls: 's-model', series: sim.series },
    ...(model.whatIf ?? []).map((w, i) => ({ key: w.fix, label: `${w.label} (${w.verdict})`, cls: SERIES_CLASSES[i % SERIES_CLASSES.length], series: w.series })),
  ].filter((v) => !hidden.includes(v.key));
  const pick = (f: (s: SimSeries) => (number | null)[]): PlotSeries[] =>
    variants.map((v) => ({
      key: v.key,
      label: v.label,
      cls: v.cls,
      xs: v.key === 'model' ? v.series.nodes.map((_, i) => i) : alignSeries(baseNodes, v.series.nodes),
      ys: f(v.series),
      nodes: v.series.nodes,
    }));
  const limit = sim.float32Limit;
  const limitIndex = limit ? baseNodes.indexOf(limit.node) : -1;
  const mark = (dir: 'forward' | 'backward'): PlotSpec['mark'] =>
    limit && limit.direction === dir && limitIndex >= 0 ? { index: limitIndex, label: `float32 ${limit.kind === 'overflow' ? 'overflows to ∞' : 'underflows to 0'} here` } : undefined;
  const common = { n: baseNodes.length, names, nodeIds: baseNodes };
  return [
    { id: 'fwd', title: 'Forward activation RMS', hint: 'Scale of each layer’s output. Flat is healthy; a straight slope on this log scale is exponential growth or decay.', mode: 'log', series: pick((s) => s.fwdRms), mark: mark('forward'), ...common },
    { id: 'grad', title: 'Backward gradient RMS', hint: 'Scale of the gradient reaching each layer from a unit-variance signal at the output. Layers far below the rest barely learn.', mode: 'log', series: pick((s) => s.gradRms), mark: mark('backward'), ...common },
    { id: 'cos', title: 'Sample similarity', hint: 'Mean cosine between different inputs’ representations. Toward 1, inputs become indistinguishable (rank collapse).', mode: 'similarity', series: pick((s) => s.sampleCosine), ...common },
  ];
}

const SUP: { [c: string]: string } = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "10⁻¹⁰" for decades outside 0.01..1000, plain numbers otherwise. */
export function formatLogTick(v: number): string {
  const e = Math.log10(v);
  const re = Math.round(e);
  if (Math.abs(e - re) < 1e-9) {
    if (re >= -2 && re <= 3) return String(Number(Math.pow(10, re).toPrecision(1)));
    return `10${String(re).replace(/./g, (c) => SUP[c] ?? c)}`;
  }
  return formatNumber(v);
}

/** Value shown to the user for a similarity point (the cosine itself). */
function similarityLabel(v: number): string {
  const c = 1 - v;
  if (v < 1e-4) return `1 − ${formatLogTick(v)}`;
  return String(Number(c.toPrecision(6)));
}

const FLOAT32_RMS_MAX = Math.sqrt(3.4028235e38);
const FLOAT32_RMS_MIN = Math.sqrt(1.1754944e-38);

export interface PlotOptions {
  width: number;
  height?: number;
  selectedIndex?: number;
}

/** y value as plotted (similarity: 1 − cosine, clamped to the scale). */
function plotted(mode: PlotSpec['mode'], v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  if (mode === 'similarity') return Math.min(2, Math.max(1e-6, 1 - v));
  return v > 0 ? v : null;
}

export function yDomain(spec: PlotSpec): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spec.series)
    for (const y of s.ys) {
      const p = plotted(spec.mode, y);
      if (p === null) continue;
      lo = Math.min(lo, p);
      hi = Math.max(hi, p);
    }
  if (!Number.isFinite(lo)) return spec.mode === 'similarity' ? [1e-3, 1] : [0.1, 10];
  if (spec.mode === 'similarity') return [Math.min(lo, 0.01), Math.max(hi, 1)];
  if (hi / lo < 10) {
    const mid = Math.sqrt(hi * lo);
    return [mid / Math.sqrt(10), mid * Math.sqrt(10)];
  }
  return [lo, hi];
}

/** y ticks: decades (thinned on wide ranges), or 1-2-5 within a narrow one. */
export function yTicks(domain: [number, number], max = 6): number[] {
  const s = scaleLog().domain(domain);
  let ticks = s.ticks(10);
  if (ticks.length > max) {
    const decades = ticks.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
    ticks = decades.length >= 2 ? decades : ticks;
  }
  if (ticks.length > max) {
    // Every k-th decade, aligned on 10^0 so "1" stays when it is in range.
    const exps = ticks.map((t) => Math.round(Math.log10(t)));
    const spacing = Math.max(1, exps[1] - exps[0]);
    const k = Math.ceil(ticks.length / max) * spacing;
    ticks = ticks.filter((_, i) => ((exps[i] % k) + k) % k === 0);
  }
  return ticks;
}

export function renderPlot(doc: Document, spec: PlotSpec, opts: PlotOptions, actions: PlotActions): HTMLElement {
  const width = Math.max(240, Math.floor(opts.width));
  const height = opts.height ?? 180;
  const m = { top: 10, right: 14, bottom: 26, left: 52 };
  const iw = width - m.left - m.right;
  const ih = height - m.top - m.bottom;
  const x = scaleLinear()
    .domain([0, Math.max(1, spec.n - 1)])
    .range([m.left, m.left + iw]);
  let domain = yDomain(spec);
  const y = scaleLog().domain(domain).range(spec.mode === 'similarity' ? [m.top, m.top + ih] : [m.top + ih, m.top]);
  if (spec.mode === 'log') {
    y.nice();
    domain = y.domain() as [number, number];
  }

  const root = svg(doc, 'svg', {
    class: `plot plot-${spec.id}`,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${spec.title}, one point per layer, ${spec.mode === 'log' ? 'log scale' : 'log scale of one minus the similarity'}`,
    'data-scale': 'log',
  });

  // Grid and y axis.
  const yAxis = svg(doc, 'g', { class: 'axis axis-y', 'data-scale': 'log' });
  const ticks = spec.mode === 'similarity' ? similarityTicks(domain) : yTicks(domain);
  for (const t of ticks) {
    const py = y(t);
    yAxis.appendChild(svg(doc, 'line', { class: 'grid', x1: m.left, x2: m.left + iw, y1: py, y2: py }));
    yAxis.appendChild(svg(doc, 'text', { class: 'tick', x: m.left - 6, y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, spec.mode === 'similarity' ? similarityLabel(t) : formatLogTick(t)));
  }
  root.appendChild(yAxis);

  // float32 range, when inside the domain (RMS plots).
  if (spec.mode === 'log') {
    for (const [v, label] of [
      [FLOAT32_RMS_MAX, 'float32 max'],
      [FLOAT32_RMS_MIN, 'float32 min'],
    ] as const) {
      if (v < domain[0] || v > domain[1]) continue;
      const py = y(v);
      root.appendChild(svg(doc, 'line', { class: 'f32-range', x1: m.left, x2: m.left + iw, y1: py, y2: py }));
      root.appendChild(svg(doc, 'text', { class: 'f32-label', x: m.left + 4, y: py - 3 }, label));
    }
  }

  // x axis (layer index).
  const xAxis = svg(doc, 'g', { class: 'axis axis-x' });
  xAxis.appendChild(svg(doc, 'line', { class: 'domain', x1: m.left, x2: m.left + iw, y1: m.top + ih, y2: m.top + ih }));
  for (const t of x.ticks(Math.max(2, Math.floor(iw / 70))).filter(Number.isInteger)) {
    const px = x(t);
    xAxis.appendChild(svg(doc, 'line', { class: 'tick-mark', x1: px, x2: px, y1: m.top + ih, y2: m.top + ih + 4 }));
    xAxis.appendChild(svg(doc, 'text', { class: 'tick', x: px, y: m.top + ih + 16, 'text-anchor': 'middle' }, String(t)));
  }
  xAxis.appendChild(svg(doc, 'text', { class: 'axis-title', x: m.left + iw, y: height - 1, 'text-anchor': 'end' }, 'layer →'));
  root.appendChild(xAxis);

  // The float32 limit.
  if (spec.mark) {
    const px = x(spec.mark.index);
    root.appendChild(svg(doc, 'rect', { class: 'f32-zone', x: px, y: m.top, width: Math.max(0, m.left + iw - px), height: ih }));
    root.appendChild(svg(doc, 'line', { class: 'f32-mark', x1: px, x2: px, y1: m.top, y2: m.top + ih }));
    const anchorEnd = px > m.left + iw * 0.6;
    root.appendChild(svg(doc, 'text', { class: 'f32-label', x: anchorEnd ? px - 4 : px + 4, y: m.top + 12, 'text-anchor': anchorEnd ? 'end' : 'start' }, spec.mark.label));
  }

  // Series: what-ifs first, your model on top.
  const ordered = [...spec.series].sort((a, b) => (a.key === 'model' ? 1 : 0) - (b.key === 'model' ? 1 : 0));
  for (const s of ordered) {
    const d = pathFor(s, (i) => x(s.xs[i]), (v) => y(v), spec.mode);
    root.appendChild(svg(doc, 'path', { class: `series ${s.cls}`, d, 'data-series': s.key, 'data-points': s.ys.filter((v) => plotted(spec.mode, v) !== null).length }));
  }

  // Selected layer.
  if (opts.selectedIndex !== undefined && opts.selectedIndex >= 0) {
    const px = x(opts.selectedIndex);
    root.appendChild(svg(doc, 'line', { class: 'sel-line', x1: px, x2: px, y1: m.top, y2: m.top + ih }));
  }

  // Hover cursor (moved by pointer and keyboard).
  const cursor = svg(doc, 'g', { class: 'cursor', visibility: 'hidden' });
  const cursorLine = svg(doc, 'line', { class: 'cursor-line', y1: m.top, y2: m.top + ih });
  cursor.appendChild(cursorLine);
  const dots = spec.series.map((s) => {
    const c = svg(doc, 'circle', { class: `dot ${s.cls}`, r: 3.5 });
    cursor.appendChild(c);
    return c;
  });
  root.appendChild(cursor);
  const overlay = svg(doc, 'rect', { class: 'overlay', x: m.left, y: m.top, width: iw, height: ih });
  root.appendChild(overlay);

  const tip = el(doc, 'div', { class: 'tooltip', role: 'presentation', hidden: true });
  const live = el(doc, 'div', { class: 'sr-only', 'aria-live': 'polite' });
  const wrap = el(
    doc,
    'figure',
    { class: `plot-wrap plot-${spec.id}`, tabindex: 0, 'data-plot': spec.id, 'data-key': `plot:${spec.id}`, 'aria-describedby': `hint-${spec.id}` },
    el(doc, 'figcaption', {}, el(doc, 'span', { class: 'plot-title' }, spec.title), el(doc, 'span', { class: 'plot-hint', id: `hint-${spec.id}` }, spec.hint)),
  );
  wrap.append(root, tip, live);

  let cur = -1;
  const valueAt = (s: PlotSeries, idx: number): number | null => {
    const node = spec.nodeIds[idx];
    const j = s.key === 'model' ? idx : s.nodes.indexOf(node);
    return j < 0 ? null : s.ys[j];
  };
  const lines = (idx: number): string[] => {
    const out = [`#${idx} ${spec.names[idx] ?? ''}`];
    for (const s of spec.series) {
      const v = valueAt(s, idx);
      const p = plotted(spec.mode, v);
      out.push(`${s.label}: ${v === null ? '—' : spec.mode === 'similarity' && p !== null ? similarityLabel(p) : formatNumber(v, 3)}`);
    }
    return out;
  };
  const show = (idx: number, announce: boolean): void => {
    cur = Math.max(0, Math.min(spec.n - 1, idx));
    const px = x(cur);
    cursor.setAttribute('visibility', 'visible');
    cursorLine.setAttribute('x1', String(px));
    cursorLine.setAttribute('x2', String(px));
    spec.series.forEach((s, k) => {
      const p = plotted(spec.mode, valueAt(s, cur));
      if (p === null) dots[k].setAttribute('visibility', 'hidden');
      else {
        dots[k].setAttribute('visibility', 'visible');
        dots[k].setAttribute('cx', String(px));
        dots[k].setAttribute('cy', String(y(p)));
      }
    });
    const text = lines(cur);
    tip.replaceChildren(...text.map((t, i) => el(doc, 'div', { class: i === 0 ? 'tip-head' : 'tip-line' }, t)));
    tip.hidden = false;
    const left = px / width;
    tip.classList.toggle('tip-left', left > 0.55);
    tip.style.setProperty('--tip-x', `${(left * 100).toFixed(2)}%`);
    if (announce) live.textContent = text.join('. ');
  };
  const hide = (): void => {
    cursor.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  };
  const indexAt = (ev: MouseEvent): number => {
    const rect = root.getBoundingClientRect();
    const scale = rect.width > 0 ? width / rect.width : 1;
    return Math.round(x.invert((ev.clientX - rect.left) * scale));
  };
  overlay.addEventListener('mousemove', (ev) => show(indexAt(ev as MouseEvent), false));
  overlay.addEventListener('mouseleave', () => {
    if (doc.activeElement !== wrap) hide();
  });
  overlay.addEventListener('click', (ev) => actions.selectIndex(spec.id, indexAt(ev as MouseEvent)));
  wrap.addEventListener('focus', () => show(cur >= 0 ? cur : (opts.selectedIndex ?? 0), true));
  wrap.addEventListener('blur', hide);
  wrap.addEventListener('keydown', (ev: KeyboardEvent) => {
    const step = ev.shiftKey ? 10 : 1;
    let next = cur;
    if (ev.key === 'ArrowRight') next = cur + step;
    else if (ev.key === 'ArrowLeft') next = cur - step;
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = spec.n - 1;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      if (cur >= 0) actions.selectIndex(spec.id, cur);
      return;
    } else if (ev.key === 'Escape') {
      hide();
      return;
    } else return;
    ev.preventDefault();
    show(next, true);
  });
  return wrap;
}

function similarityTicks(domain: [number, number]): number[] {
  const out: number[] = [];
  const lo = Math.floor(Math.log10(domain[0]));
  for (let e = 0; e >= lo; e--) out.push(Math.pow(10, e));
  if (domain[1] > 1.5) out.unshift(2);
  if (out.length > 6) {
    const step = Math.ceil(out.length / 6);
    return out.filter((_, i) => i % step === 0);
  }
  return out;
}

function pathFor(s: PlotSeries, px: (i: number) => number, py: (v: number) => number, mode: PlotSpec['mode']): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < s.ys.length; i++) {
    const v = plotted(mode, s.ys[i]);
    if (v === null || !Number.isFinite(s.xs[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(i).toFixed(1)},${py(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The legend: one toggle per series, shared by the three plots. */
export function renderLegend(doc: Document, model: ModelReport, hidden: readonly string[], toggle: (key: string) => void): HTMLElement {
  const sim = model.simulation;
  const items: { key: string; label: string; cls: string }[] = sim
    ? [{ key: 'model', label: `your model — ${sim.verdict}`, cls: 's-model' }, ...(model.whatIf ?? []).map((w, i) => ({ key: w.fix, label: `${w.label} — ${w.verdict}`, cls: SERIES_CLASSES[i % SERIES_CLASSES.length] }))]
    : [];
  const legend = el(doc, 'div', { class: 'legend', role: 'group', 'aria-label': 'Series shown in the plots' });
  for (const it of items) {
    const on = !hidden.includes(it.key);
    const swatch = svg(doc, 'svg', { class: 'swatch', width: 26, height: 10, 'aria-hidden': 'true' }, svg(doc, 'line', { class: `series ${it.cls}`, x1: 1, x2: 25, y1: 5, y2: 5 }));
    const b = el(doc, 'button', { type: 'button', class: `legend-item ${on ? 'on' : 'off'}`, 'aria-pressed': String(on), 'data-key': `legend:${it.key}`, 'data-series': it.key }, swatch, el(doc, 'span', {}, it.label));
    b.addEventListener('click', () => toggle(it.key));
    legend.appendChild(b);
  }
  return legend;
}
