/**
 * The layer graph: layers in order, one row each, with skip connections drawn as arcs in a gutter on the left,
 * normalization layers and flagged runs marked, and repeated blocks folded into one "×N" row.
 *
 * Layout is hand-written on purpose: the parser already gives a topological order, and the report wants that
 * order (it is the depth the signal travels) with skips as arcs and repeats folded. A layered-DAG library
 * (dagre, elk) would fan parallel branches out sideways, has no notion of folding "×24" blocks, and makes a
 * 300-layer model a very tall drawing; an arc diagram over an ordered list is about a hundred lines.
 */
import type { LayerReport, ModelReport } from '../src/core/report/types';
import { formatNumber } from '../src/core/report/words';
import { el, svg, type Child } from './dom';
import { findRepeats, type RepeatGroup } from './repeats';

export const ROW_HEIGHT = 26;
/** Folded blocks take two lines: the block's layers, then its numbers. */
export const GROUP_HEIGHT = 46;
const MAX_LANES = 6;
const LANE_WIDTH = 7;

export type GraphRow =
  | { type: 'layer'; layer: LayerReport; index: number; inGroup?: string; repetition?: number }
  | { type: 'group'; key: string; group: RepeatGroup; collapsed: boolean; layers: LayerReport[] };

export interface Arc {
  from: number;
  to: number;
  lane: number;
  residual: boolean;
}

export interface GraphLayout {
  rows: GraphRow[];
  arcs: Arc[];
  lanes: number;
  /** node id -> visible row index (nodes of a collapsed group map to its row). */
  rowOf: Map<string, number>;
  /** y of each row's top edge, and the total height. */
  tops: number[];
  height: number;
}

export function groupKey(model: ModelReport, g: RepeatGroup): string {
  return `${model.name}::${model.layers[g.start]?.id ?? g.start}`;
}

/**
 * Folded by default: groups of 8 layers or more in models of more than 24 layers (a small model reads fine
 * unfolded). `toggled` flips the default for the keys it holds.
 */
export function isCollapsed(g: RepeatGroup, key: string, toggled: readonly string[], modelSize = Infinity): boolean {
  const byDefault = g.period * g.times >= 8 && modelSize > 24;
  return toggled.includes(key) ? !byDefault : byDefault;
}

export function layoutGraph(model: ModelReport, toggled: readonly string[]): GraphLayout {
  const layers = model.layers;
  const groups = findRepeats(layers);
  const rows: GraphRow[] = [];
  const rowOf = new Map<string, number>();
  let gi = 0;
  for (let i = 0; i < layers.length; ) {
    const g = groups[gi];
    if (g && g.start === i) {
      const key = groupKey(model, g);
      const collapsed = isCollapsed(g, key, toggled, layers.length);
      const members = layers.slice(i, i + g.period * g.times);
      rows.push({ type: 'group', key, group: g, collapsed, layers: members });
      if (collapsed) {
        for (const l of members) rowOf.set(l.id, rows.length - 1);
      } else {
        members.forEach((l, t) => {
          rowOf.set(l.id, rows.length);
          rows.push({ type: 'layer', layer: l, index: i + t, inGroup: key, repetition: Math.floor(t / g.period) });
        });
      }
      i += g.period * g.times;
      gi++;
      continue;
    }
    rowOf.set(layers[i].id, rows.length);
    rows.push({ type: 'layer', layer: layers[i], index: i });
    i++;
  }

  // Skip arcs: an input that is not the previous layer in order.
  const order = new Map(layers.map((l, i) => [l.id, i] as const));
  const seen = new Set<string>();
  const raw: Omit<Arc, 'lane'>[] = [];
  for (const l of layers) {
    const to = rowOf.get(l.id);
    const li = order.get(l.id);
    if (to === undefined || li === undefined) continue;
    for (const src of l.inputs) {
      const from = rowOf.get(src);
      const si = order.get(src);
      if (from === undefined || si === undefined || from === to) continue;
      if (li - si <= 1) continue;
      const folded = rows[from].type === 'group' || rows[to].type === 'group';
      if (folded && to - from <= 1) continue;
      const key = `${from}>${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      raw.push({ from, to, residual: l.kind === 'merge' });
    }
  }
  // Lanes: shortest arcs innermost; arcs that overlap take different lanes.
  raw.sort((a, b) => a.to - a.from - (b.to - b.from) || a.from - b.from);
  const laneEnds: { from: number; to: number }[][] = [];
  const arcs: Arc[] = raw.map((a) => {
    let lane = 0;
    for (; lane < MAX_LANES - 1; lane++) {
      const used = laneEnds[lane] ?? [];
      if (!used.some((u) => a.from < u.to && u.from < a.to)) break;
    }
    (laneEnds[lane] ??= []).push({ from: a.from, to: a.to });
    return { ...a, lane };
  });
  const lanes = arcs.reduce((m, a) => Math.max(m, a.lane + 1), 0);
  const tops: number[] = [];
  let y = 0;
  for (const r of rows) {
    tops.push(y);
    y += r.type === 'group' ? GROUP_HEIGHT : ROW_HEIGHT;
  }
  return { rows, arcs, lanes, rowOf, tops, height: y };
}

export interface GraphActions {
  selectLayer(id: string, reveal: boolean): void;
  toggleGroup(key: string): void;
}

export interface GraphOptions {
  toggled: readonly string[];
  selected?: string;
  /** node id -> 'error' | 'warning' | 'info' | 'hint': layers named by findings. */
  flagged: Map<string, string>;
  /** nodes of the finding the user picked. */
  active?: ReadonlySet<string>;
  float32Node?: string;
  float32Label?: string;
}

function kindClass(kind: string): string {
  return /^[a-z]+$/.test(kind) ? `kind-${kind}` : 'kind-other';
}

const KIND_GLYPH: { [k: string]: string } = {
  input: '▶',
  weighted: '■',
  norm: 'N',
  merge: '+',
  activation: 'ƒ',
  attention: '◆',
  dropout: '·',
  pool: '▾',
  reshape: '↔',
  model: '▣',
};

function describe(l: LayerReport): string {
  const act = typeof l.config.activation === 'string' && l.config.activation !== 'linear' ? ` (${l.config.activation})` : '';
  return `${l.className}${act}`;
}

function worst(levels: (string | undefined)[]): string | undefined {
  for (const s of ['error', 'warning', 'info', 'hint']) if (levels.includes(s)) return s;
  return undefined;
}

export function renderGraph(doc: Document, model: ModelReport, opts: GraphOptions, actions: GraphActions): HTMLElement {
  const layout = layoutGraph(model, opts.toggled);
  const gutter = 10 + Math.max(1, layout.lanes) * LANE_WIDTH;
  const list = el(doc, 'div', { class: 'graph-rows', role: 'list' });
  layout.rows.forEach((row, r) => list.appendChild(renderRow(doc, row, r, opts, actions)));

  // Arc gutter.
  const height = layout.height;
  const mid = (r: number): number => layout.tops[r] + (layout.rows[r].type === 'group' ? GROUP_HEIGHT : ROW_HEIGHT) / 2;
  const arcs = svg(doc, 'svg', { class: 'graph-arcs', width: gutter, height, viewBox: `0 0 ${gutter} ${height}`, 'aria-hidden': 'true' });
  const x0 = gutter - 2;
  for (const a of layout.arcs) {
    const y1 = mid(a.from);
    const y2 = mid(a.to);
    const w = 6 + a.lane * LANE_WIDTH;
    const path = `M${x0},${y1} C${x0 - w},${y1} ${x0 - w},${y2} ${x0},${y2}`;
    arcs.appendChild(svg(doc, 'path', { d: path, class: a.residual ? 'arc arc-residual' : 'arc' }));
    arcs.appendChild(svg(doc, 'path', { d: `M${x0 - 4},${y2 - 3} L${x0},${y2} L${x0 - 4},${y2 + 3}`, class: a.residual ? 'arc arc-residual' : 'arc' }));
  }
  const wrap = el(doc, 'div', { class: 'graph', 'data-lanes': layout.lanes, 'data-rows': layout.rows.length });
  wrap.style.setProperty('--gutter', `${gutter}px`);
  wrap.append(arcs, list);

  // Arrow keys move between rows; Right/Left expand/collapse a group.
  list.addEventListener('keydown', (ev: KeyboardEvent) => {
    const buttons = Array.from(list.querySelectorAll<HTMLButtonElement>('button.row'));
    const i = buttons.indexOf(doc.activeElement as HTMLButtonElement);
    if (i < 0) return;
    let next = -1;
    if (ev.key === 'ArrowDown') next = Math.min(buttons.length - 1, i + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = buttons.length - 1;
    else if ((ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') && buttons[i].dataset.group) {
      const expanded = buttons[i].getAttribute('aria-expanded') === 'true';
      if ((ev.key === 'ArrowRight') !== expanded) actions.toggleGroup(buttons[i].dataset.group);
      ev.preventDefault();
      return;
    }
    if (next >= 0) {
      ev.preventDefault();
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    }
  });
  // Roving tabindex: one row in the tab order (the selected one, else the first).
  const rowButtons = Array.from(list.querySelectorAll<HTMLButtonElement>('button.row'));
  const current = rowButtons.find((b) => b.classList.contains('selected') || b.classList.contains('contains-selected')) ?? rowButtons[0];
  rowButtons.forEach((b) => (b.tabIndex = b === current ? 0 : -1));
  return wrap;
}

function renderRow(doc: Document, row: GraphRow, r: number, opts: GraphOptions, actions: GraphActions): HTMLElement {
  const item = el(doc, 'div', { class: `graph-row${row.type === 'group' ? ' graph-group' : ''}`, role: 'listitem', 'data-row': r });
  if (row.type === 'group') {
    const g = row.group;
    const block = row.layers.slice(0, g.period);
    const names = block.map((l) => l.className);
    const norms = block.filter((l) => l.kind === 'norm').length;
    const skips = block.filter((l) => l.kind === 'merge').length;
    // A folded row stands for its layers: it carries their flags; an expanded header does not repeat them.
    const folded = row.collapsed;
    const flaggedLevel = folded ? worst(row.layers.map((l) => opts.flagged.get(l.id))) : undefined;
    const containsSelected = folded && opts.selected !== undefined && row.layers.some((l) => l.id === opts.selected);
    const active = folded && opts.active && row.layers.some((l) => opts.active?.has(l.id));
    const f32 = folded && opts.float32Node !== undefined && row.layers.some((l) => l.id === opts.float32Node);
    const first = row.layers[0]?.sim?.fwdRms ?? null;
    const last = row.layers[row.layers.length - 1]?.sim?.fwdRms ?? null;
    const cls = ['row', 'group-row', row.collapsed ? 'collapsed' : 'expanded'];
    if (flaggedLevel) cls.push('flagged', `flag-${flaggedLevel}`);
    if (containsSelected) cls.push('contains-selected');
    if (active) cls.push('active');
    if (norms) cls.push('has-norm');
    const label = `${row.collapsed ? 'Expand' : 'Collapse'} ${g.times} repeated blocks of ${g.period} layer${g.period === 1 ? '' : 's'}: ${names.join(', ')}`;
    const b = el(
      doc,
      'button',
      { type: 'button', class: cls.join(' '), 'aria-expanded': String(!row.collapsed), 'aria-label': label, title: names.join(' → '), 'data-group': row.key, 'data-key': `group:${row.key}` },
      el(
        doc,
        'span',
        { class: 'line1' },
        el(doc, 'span', { class: 'twisty', 'aria-hidden': 'true' }, row.collapsed ? '▸' : '▾'),
        el(doc, 'span', { class: 'times' }, `×${g.times}`),
        el(doc, 'span', { class: 'name' }, g.period === 1 ? describe(block[0]) : names.join(' → ')),
      ),
      el(
        doc,
        'span',
        { class: 'line2' },
        el(
          doc,
          'span',
          { class: 'meta' },
          [g.period > 1 ? `${g.period} layers per block` : `${g.times} identical layers`, norms ? `${norms} norm` : '', skips ? `${skips} skip${skips > 1 ? 's' : ''}` : '']
            .filter(Boolean)
            .join(' · '),
        ),
        f32 ? el(doc, 'span', { class: 'chip chip-error' }, opts.float32Label ?? 'float32 limit') : null,
        el(doc, 'span', { class: 'value', title: 'forward RMS: first → last layer of the blocks' }, first !== null || last !== null ? `${formatNumber(first)} → ${formatNumber(last)}` : ''),
      ),
    );
    b.addEventListener('click', () => actions.toggleGroup(row.key));
    item.appendChild(b);
    return item;
  }
  const l = row.layer;
  const cls = ['row', 'layer-row', kindClass(l.kind)];
  const flag = opts.flagged.get(l.id);
  if (flag) cls.push('flagged', `flag-${flag}`);
  if (opts.selected === l.id) cls.push('selected');
  if (opts.active?.has(l.id)) cls.push('active');
  if (row.inGroup) cls.push('in-group', row.repetition !== undefined && row.repetition % 2 === 1 ? 'rep-odd' : 'rep-even');
  const f32 = opts.float32Node === l.id;
  const glyph = KIND_GLYPH[l.kind] ?? '·';
  const where = l.span ? `line ${l.span.start.line + 1}` : 'no source position';
  const children: Child[] = [
    el(doc, 'span', { class: 'idx' }, String(row.index)),
    el(doc, 'span', { class: 'glyph', 'aria-hidden': 'true' }, glyph),
    el(doc, 'span', { class: 'name' }, l.name),
    el(doc, 'span', { class: 'meta' }, describe(l)),
    l.kind === 'norm' ? el(doc, 'span', { class: 'chip chip-norm' }, 'norm') : null,
    f32 ? el(doc, 'span', { class: 'chip chip-error' }, opts.float32Label ?? 'float32 limit') : null,
    el(doc, 'span', { class: 'value', title: 'forward activation RMS' }, l.sim ? formatNumber(l.sim.fwdRms) : ''),
  ];
  const b = el(
    doc,
    'button',
    {
      type: 'button',
      class: cls.join(' '),
      'aria-current': opts.selected === l.id ? 'true' : null,
      'aria-label': `${l.name}, ${describe(l)}, ${where}${flag ? `, flagged (${flag})` : ''}`,
      'data-node': l.id,
      'data-key': `layer:${l.id}`,
    },
    ...children,
  );
  b.addEventListener('click', () => actions.selectLayer(l.id, true));
  item.appendChild(b);
  return item;
}
