/**
 * The whole report page, as a pure function of (report data, view state, host) -> DOM.
 * The App (app.ts) owns state, messages and re-rendering; this file only builds elements.
 */
import type { AnalysisReport, FileReport, LayerReport, ModelReport } from '../src/core/report/types';
import type { Note } from '../src/core/graph/types';
import type { DiffMap, ViewState } from '../src/protocol/messages';
import type { Finding } from '../src/core/rules/types';
import { fixKey, fixToHunks } from '../src/core/report/diff';
import { VERDICT_MEANING, VERDICT_WORDS, formatNumber, mainRisk, verdictTone } from '../src/core/report/words';
import { button, el } from './dom';
import { renderGraph } from './graph';
import { buildPlotSpecs, renderLegend, renderPlot, type PlotId, type PlotSpec } from './plot';
import { findingOrder, renderFindings } from './findings';
import { renderExplainer } from './explainer';

export interface ReportView {
  report: AnalysisReport;
  host: 'vscode' | 'html';
  canApplyFixes: boolean;
  diffs: DiffMap;
  stale?: boolean;
  status?: { state: 'analyzing' | 'idle' | 'error'; message?: string };
}

export interface ReportActions {
  selectFile(path: string): void;
  selectModel(name: string): void;
  selectLayer(id: string, reveal: boolean): void;
  toggleGroup(key: string): void;
  toggleSeries(key: string): void;
  selectFinding(displayIndex: number, firstNode: string | undefined): void;
  applyFix(file: FileReport, model: ModelReport, findingIndex: number, fixIndex: number): void;
  reveal(span: Finding['span']): void;
  setExplainer(open: boolean): void;
  requestFull(): void;
}

export interface RenderOptions {
  plotWidth: number;
}

/** The file and model the state points at (falling back to the first ones). */
export function resolveSelection(report: AnalysisReport, state: ViewState): { fileIndex: number; modelIndex: number } {
  let fileIndex = report.files.findIndex((f) => f.path === state.file);
  if (fileIndex < 0) fileIndex = Math.max(0, report.files.findIndex((f) => f.models.length > 0));
  const file = report.files[fileIndex];
  let modelIndex = file ? file.models.findIndex((m) => m.name === state.model) : -1;
  if (modelIndex < 0) modelIndex = 0;
  return { fileIndex, modelIndex };
}

function notesList(doc: Document, notes: Note[], cls: string, title: string): HTMLElement | null {
  if (!notes.length) return null;
  const det = el(doc, 'details', { class: `notes ${cls}`, 'data-key': `notes:${cls}` }, el(doc, 'summary', {}, `${title} (${notes.length})`));
  const ul = el(doc, 'ul', {});
  for (const n of notes) ul.appendChild(el(doc, 'li', {}, el(doc, 'span', { class: 'note-kind' }, n.kind), ' ', n.message, n.span ? el(doc, 'span', { class: 'muted' }, ` (line ${n.span.start.line + 1})`) : null));
  det.appendChild(ul);
  return det;
}

function stat(doc: Document, label: string, value: string, caption: string, tone?: string): HTMLElement {
  return el(doc, 'div', { class: `stat${tone ? ` tone-${tone}` : ''}` }, el(doc, 'div', { class: 'stat-value' }, value), el(doc, 'div', { class: 'stat-label' }, label), el(doc, 'div', { class: 'stat-caption' }, caption));
}

function gainTone(g: number | null, limit: number): string | undefined {
  if (g === null || !Number.isFinite(g)) return undefined;
  return g > limit || g < 1 / limit ? 'bad' : undefined;
}

export function renderHeader(doc: Document, model: ModelReport, view: ReportView, actions: ReportActions): HTMLElement {
  const sim = model.simulation;
  const header = el(doc, 'header', { class: 'model-header' });
  const titleRow = el(doc, 'div', { class: 'title-row' });
  if (sim) {
    const tone = verdictTone(sim.verdict, sim.borderline);
    titleRow.appendChild(el(doc, 'span', { class: `verdict tone-${tone}`, 'data-verdict': sim.verdict, title: VERDICT_MEANING[sim.verdict] }, VERDICT_WORDS[sim.verdict]));
    if (sim.borderline) titleRow.appendChild(el(doc, 'span', { class: 'chip' }, 'borderline'));
  } else {
    titleRow.appendChild(el(doc, 'span', { class: 'verdict tone-none', 'data-verdict': 'none' }, 'Not simulated'));
  }
  titleRow.appendChild(el(doc, 'h2', { class: 'model-name' }, model.name));
  const kindWords = { sequential: 'tf.sequential', functional: 'tf.model (functional)', json: 'model.json' } as { [k: string]: string };
  titleRow.appendChild(
    el(doc, 'span', { class: 'muted model-where' }, `${kindWords[model.api] ?? model.api}${model.builder ? ` in ${model.builder}()` : ''} · line ${model.span.start.line + 1}`),
  );
  header.appendChild(titleRow);
  header.appendChild(el(doc, 'p', { class: 'risk' }, mainRisk(model)));
  if (sim) {
    const dirs = el(
      doc,
      'p',
      { class: 'directions muted' },
      'Forward: ',
      el(doc, 'strong', { class: `tone-${verdictTone(sim.forwardVerdict)}` }, sim.forwardVerdict),
      ' · Backward: ',
      el(doc, 'strong', { class: `tone-${verdictTone(sim.backwardVerdict)}` }, sim.backwardVerdict),
      ' · ',
      sim.reason,
    );
    header.appendChild(dirs);
  }
  const s = model.summary;
  const stats = el(doc, 'div', { class: 'stats' });
  stats.append(
    stat(doc, 'weighted depth', String(s.depthWeighted), `${s.weightedLayers} weighted of ${s.totalLayers} layers`),
    stat(doc, 'longest plain run', String(s.maxPlainRun), s.maxPlainRun > 1 ? 'weighted layers with no norm or skip' : 'no long plain stretch', s.maxPlainRun >= 16 ? 'bad' : undefined),
    stat(doc, 'output gain', sim ? formatNumber(sim.outputGain) : '—', 'output RMS ÷ input RMS', sim ? gainTone(sim.outputGain, 10) : undefined),
    stat(doc, 'gradient gain', sim ? formatNumber(sim.gradientGain) : '—', 'input ÷ output gradient RMS', sim ? gainTone(sim.gradientGain, 10) : undefined),
  );
  header.appendChild(stats);
  const facts: string[] = [];
  if (s.normalization.length) facts.push(`normalization: ${s.normalization.join(', ')}`);
  else facts.push('no normalization');
  facts.push(s.residual ? `${s.residualBlocks} residual block${s.residualBlocks === 1 ? '' : 's'}${s.blockStyle && s.blockStyle !== 'none' ? ` (${s.blockStyle})` : ''}` : 'no residual path');
  if (sim) facts.push(`simulated: seed ${sim.seed}, width ${sim.width}, batch ${sim.batch}${sim.seqLen ? `, ${sim.seqLen} tokens` : ''}, ${sim.profile} profile, ${Math.round(sim.ms)} ms${sim.partial ? ', partial' : ''}`);
  const factsP = el(doc, 'p', { class: 'facts muted' }, facts.join(' · '));
  if (view.host === 'vscode' && (!sim || sim.profile === 'interactive' || sim.partial)) {
    factsP.appendChild(doc.createTextNode(' '));
    factsP.appendChild(button(doc, { class: 'link', 'data-key': 'run-full' }, 'Run the full simulation', () => actions.requestFull()));
  }
  header.appendChild(factsP);
  return header;
}

function layerDetail(doc: Document, layer: LayerReport | undefined, host: ReportView['host'], actions: ReportActions): HTMLElement {
  const box = el(doc, 'div', { class: 'layer-detail', 'aria-live': 'polite' });
  if (!layer) {
    box.appendChild(el(doc, 'p', { class: 'muted' }, host === 'vscode' ? 'Click a layer to see its numbers and jump to its code.' : 'Click a layer to see its numbers.'));
    return box;
  }
  box.appendChild(el(doc, 'div', { class: 'detail-title' }, el(doc, 'strong', {}, layer.name), ' ', el(doc, 'span', { class: 'muted' }, `${layer.className} · ${layer.kind}`)));
  const rows: [string, string][] = [];
  if (layer.outputShape) rows.push(['output shape', `[${layer.outputShape.map((d) => (d === null ? 'batch' : String(d))).join(', ')}]`]);
  const sim = layer.sim;
  if (sim) {
    rows.push(['activation RMS', formatNumber(sim.fwdRms, 3)], ['gradient RMS', formatNumber(sim.gradRms, 3)], ['sample similarity', formatNumber(sim.sampleCosine, 3)]);
    if (sim.weightGradNorm !== null) rows.push(['weight gradient', formatNumber(sim.weightGradNorm, 3)]);
    if (sim.deadFraction > 0) rows.push(['dead units', `${Math.round(sim.deadFraction * 100)}%`]);
    if (sim.saturation) rows.push(['saturated', `${Math.round(sim.saturation * 100)}%`]);
  }
  for (const key of ['units', 'filters', 'activation', 'kernelInitializer', 'epsilon']) {
    const v = layer.config[key];
    if (v === undefined || v === null) continue;
    rows.push([key, typeof v === 'object' && !Array.isArray(v) && typeof v.id === 'string' ? v.id : typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  }
  const dl = el(doc, 'dl', { class: 'numbers' });
  for (const [k, v] of rows) dl.append(el(doc, 'dt', {}, k), el(doc, 'dd', {}, v));
  box.appendChild(dl);
  if (layer.span) {
    const span = layer.span;
    if (host === 'vscode') box.appendChild(button(doc, { class: 'link', 'data-key': 'detail:reveal' }, `Go to line ${span.start.line + 1}`, () => actions.reveal(span)));
    else box.appendChild(el(doc, 'span', { class: 'where' }, `${span.file}:${span.start.line + 1}`));
  }
  return box;
}

function plotElement(doc: Document, spec: PlotSpec, model: ModelReport, state: ViewState, width: number, actions: ReportActions): HTMLElement {
  const selIndex = state.selected !== undefined && model.simulation ? model.simulation.series.nodes.indexOf(state.selected) : -1;
  return renderPlot(doc, spec, { width, selectedIndex: selIndex >= 0 ? selIndex : undefined }, {
    selectIndex: (_p: PlotId, i: number) => {
      const id = spec.nodeIds[i];
      if (id !== undefined) actions.selectLayer(id, true);
    },
  });
}

/** Re-renders the plots inside their existing cells (after a resize), leaving the rest of the page alone. */
export function renderPlotCells(doc: Document, root: HTMLElement, model: ModelReport, state: ViewState, width: number, actions: ReportActions): void {
  const specs = buildPlotSpecs(model, state.hidden);
  root.querySelectorAll<HTMLElement>('[data-plot-cell]').forEach((cell) => {
    const spec = specs.find((s) => s.id === cell.getAttribute('data-plot-cell'));
    if (spec) cell.replaceChildren(plotElement(doc, spec, model, state, width, actions));
  });
}

export function renderModel(doc: Document, file: FileReport, fileIndex: number, modelIndex: number, view: ReportView, state: ViewState, opts: RenderOptions, actions: ReportActions): HTMLElement {
  const model = file.models[modelIndex];
  const section = el(doc, 'section', { class: 'model', 'data-model': model.name, id: 'model-panel', role: 'tabpanel' });
  section.appendChild(renderHeader(doc, model, view, actions));

  // Findings' layers: flagged (warning/error), and the picked finding's layers highlighted.
  const flagged = new Map<string, string>();
  for (const f of model.findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    for (const id of f.nodes ?? []) if (!flagged.has(id) || f.severity === 'error') flagged.set(id, f.severity);
  }
  const order = findingOrder(model.findings);
  const activeFinding = state.activeFinding !== undefined ? model.findings[order[state.activeFinding]] : undefined;
  const active = activeFinding ? new Set(activeFinding.nodes ?? []) : undefined;
  const limit = model.simulation?.float32Limit ?? null;

  const cols = el(doc, 'div', { class: 'columns' });
  // Plots.
  const main = el(doc, 'div', { class: 'col-main' });
  const specs = buildPlotSpecs(model, state.hidden);
  if (model.simulation) {
    const plots = el(doc, 'section', { class: 'plots', 'aria-labelledby': 'plots-title' }, el(doc, 'h3', { id: 'plots-title' }, 'Signal propagation'));
    plots.appendChild(renderLegend(doc, model, state.hidden, (k) => actions.toggleSeries(k)));
    const grid = el(doc, 'div', { class: 'plot-grid' });
    for (const spec of specs) {
      const cell = el(doc, 'div', { class: 'plot-cell', 'data-plot-cell': spec.id });
      cell.appendChild(plotElement(doc, spec, model, state, opts.plotWidth, actions));
      grid.appendChild(cell);
    }
    plots.appendChild(grid);
    for (const n of model.simulation.notes) plots.appendChild(el(doc, 'p', { class: 'muted small' }, n));
    main.appendChild(plots);
  } else {
    main.appendChild(el(doc, 'section', { class: 'plots' }, el(doc, 'h3', {}, 'Signal propagation'), el(doc, 'p', { class: 'empty' }, 'This model was not simulated, so there are no plots. The structural findings below still apply.')));
  }
  main.appendChild(
    renderFindings(
      doc,
      model,
      file.path,
      {
        host: view.host,
        canApplyFixes: view.canApplyFixes,
        activeFinding: state.activeFinding,
        diffs: (fi, xi) => view.diffs[fixKey(fileIndex, modelIndex, fi, xi)] ?? (view.host === 'html' ? fixToHunks(model.findings[fi].fixes[xi]) : undefined),
      },
      {
        selectFinding: (di, first) => actions.selectFinding(di, first),
        applyFix: (fi, xi) => actions.applyFix(file, model, fi, xi),
        reveal: (f) => actions.reveal(f.span),
        openExplainer: () => actions.setExplainer(true),
      },
    ),
  );

  // Graph.
  const side = el(doc, 'section', { class: 'col-graph', 'aria-labelledby': 'graph-title' });
  side.appendChild(el(doc, 'h3', { id: 'graph-title' }, `Layers (${model.layers.length})`));
  side.appendChild(
    el(
      doc,
      'p',
      { class: 'legend-graph muted small' },
      el(doc, 'span', { class: 'key key-norm' }, 'N'),
      ' normalization ',
      el(doc, 'span', { class: 'key key-flag' }, ' '),
      ' flagged by a finding ',
      el(doc, 'span', { class: 'key key-arc' }, '⤺'),
      ' skip connection',
    ),
  );
  side.appendChild(layerDetail(doc, model.layers.find((l) => l.id === state.selected), view.host, actions));
  const limitLabel = limit ? `float32 ${limit.kind}` : undefined;
  const graphBox = el(doc, 'div', { class: 'graph-scroll', 'data-scroll-key': `graph:${model.name}` });
  graphBox.appendChild(
    renderGraph(doc, model, { toggled: state.toggled, selected: state.selected, flagged, active, float32Node: limit?.node, float32Label: limitLabel }, { selectLayer: actions.selectLayer, toggleGroup: actions.toggleGroup }),
  );
  side.appendChild(graphBox);
  cols.append(side, main);
  section.appendChild(cols);

  const notes = notesList(doc, model.summary.assumptions, 'assumptions', 'Assumptions');
  if (notes) section.appendChild(notes);
  section.appendChild(renderExplainer(doc, state.explainerOpen, (o) => actions.setExplainer(o)));
  return section;
}

function modelTabs(doc: Document, file: FileReport, modelIndex: number, actions: ReportActions): HTMLElement | null {
  if (file.models.length < 2) return null;
  const nav = el(doc, 'div', { class: 'model-tabs', role: 'tablist', 'aria-label': 'Models in this file' });
  file.models.forEach((m, i) => {
    const v = m.simulation?.verdict;
    const tone = v ? verdictTone(v, m.simulation?.borderline) : 'none';
    const b = el(
      doc,
      'button',
      { type: 'button', role: 'tab', class: `tab t-${tone}`, 'aria-selected': String(i === modelIndex), 'aria-controls': 'model-panel', tabindex: i === modelIndex ? 0 : -1, 'data-key': `tab:${i}`, 'data-model-tab': i },
      el(doc, 'span', { class: 'dot', 'aria-hidden': 'true' }),
      el(doc, 'span', { class: 'tab-name' }, m.name),
      el(doc, 'span', { class: 'tab-verdict' }, v ? VERDICT_WORDS[v] : 'not simulated'),
    );
    b.addEventListener('click', () => actions.selectModel(m.name));
    nav.appendChild(b);
  });
  nav.addEventListener('keydown', (ev: KeyboardEvent) => {
    const tabs = Array.from(nav.querySelectorAll<HTMLButtonElement>('[role=tab]'));
    const i = tabs.indexOf(doc.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const next = ev.key === 'ArrowRight' ? (i + 1) % tabs.length : ev.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : ev.key === 'Home' ? 0 : ev.key === 'End' ? tabs.length - 1 : -1;
    if (next < 0) return;
    ev.preventDefault();
    tabs[next].focus();
    tabs[next].click();
  });
  return nav;
}

export function renderReport(doc: Document, view: ReportView, state: ViewState, opts: RenderOptions, actions: ReportActions): HTMLElement {
  const main = el(doc, 'main', { class: `report host-${view.host}` });
  const { report } = view;
  const { fileIndex, modelIndex } = resolveSelection(report, state);
  const file = report.files[fileIndex];

  const top = el(doc, 'div', { class: 'topbar' });
  top.appendChild(el(doc, 'span', { class: 'brand' }, 'Stability Lens'));
  if (report.files.length > 1) {
    const sel = el(doc, 'select', { class: 'file-select', 'aria-label': 'File', 'data-key': 'file-select' });
    report.files.forEach((f) => {
      const o = el(doc, 'option', {}, `${f.path}${f.errors.length ? ' (unreadable)' : f.models.length ? ` — ${f.models.length} model${f.models.length > 1 ? 's' : ''}` : ' — no models'}`);
      o.value = f.path;
      o.selected = f === file;
      sel.appendChild(o);
    });
    sel.addEventListener('change', () => actions.selectFile(sel.value));
    top.appendChild(sel);
  } else if (file) {
    top.appendChild(el(doc, 'span', { class: 'file-path', title: file.path }, file.path));
  }
  const status = view.status?.state === 'analyzing' || view.stale ? 'Analyzing…' : view.status?.state === 'error' ? view.status.message ?? 'Analysis failed' : '';
  top.appendChild(el(doc, 'span', { class: `status${status ? ' busy' : ''}`, role: 'status' }, status));
  main.appendChild(top);

  if (!file) {
    main.appendChild(el(doc, 'p', { class: 'empty' }, 'The report has no files.'));
    return main;
  }
  for (const e of file.errors) main.appendChild(el(doc, 'p', { class: 'file-error' }, e.message));
  const fnotes = notesList(doc, file.notes, 'file-notes', 'Notes');
  if (fnotes) main.appendChild(fnotes);
  if (!file.models.length) {
    if (!file.errors.length) main.appendChild(el(doc, 'p', { class: 'empty' }, 'No TensorFlow.js model found in this file.'));
    return main;
  }
  const tabs = modelTabs(doc, file, modelIndex, actions);
  if (tabs) main.appendChild(tabs);
  main.appendChild(renderModel(doc, file, fileIndex, modelIndex, view, state, opts, actions));
  return main;
}

export function renderEmpty(doc: Document, reason: string, status?: ReportView['status']): HTMLElement {
  return el(
    doc,
    'main',
    { class: 'report empty-report' },
    el(doc, 'div', { class: 'topbar' }, el(doc, 'span', { class: 'brand' }, 'Stability Lens'), el(doc, 'span', { class: 'status', role: 'status' }, status?.state === 'analyzing' ? 'Analyzing…' : '')),
    el(doc, 'p', { class: 'empty' }, reason),
  );
}
