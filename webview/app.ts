/**
 * The webview application: holds the report and the view state, validates incoming messages, and re-renders
 * without flicker (the new tree is built off-document and swapped in one step) while keeping the scroll
 * positions, the focused control and the selection.
 */
import { assertNever, defaultViewState, parseHostMessage, PROTOCOL_VERSION, type HostMessage, type ViewState, type WebviewMessage } from '../src/protocol/messages';
import type { AnalysisReport, FileReport, ModelReport } from '../src/core/report/types';
import type { Span } from '../src/core/graph/types';
import { findingOrder } from './findings';
import { renderEmpty, renderPlotCells, renderReport, resolveSelection, type ReportActions, type ReportView } from './report';

export interface Host {
  kind: 'vscode' | 'html';
  post(msg: WebviewMessage): void;
  saveState(state: ViewState): void;
  log(level: 'error' | 'warn' | 'info', message: string): void;
}

export class App {
  state: ViewState;
  view?: ReportView;
  private empty?: string;
  private status: ReportView['status'];
  private plotWidth = 560;
  private resizeObserver?: ResizeObserver;
  private pendingScrollTo?: string;
  /** The saved window scroll position, applied once the first report is on the page. */
  private restoreScrollY: number;

  constructor(
    private readonly doc: Document,
    private readonly root: HTMLElement,
    private readonly host: Host,
    state?: ViewState,
  ) {
    this.state = state ?? defaultViewState();
    this.restoreScrollY = this.state.scrollY;
  }

  /** Starts the host handshake (VS Code) and observes size changes for the plots. */
  start(): void {
    const win = this.doc.defaultView;
    if (win && 'ResizeObserver' in win) {
      let frame = 0;
      this.resizeObserver = new win.ResizeObserver(() => {
        if (frame) win.cancelAnimationFrame(frame);
        frame = win.requestAnimationFrame(() => this.fitPlots());
      });
      this.resizeObserver.observe(this.root);
    }
    if (win) {
      let t = 0;
      win.addEventListener('scroll', () => {
        if (t) win.clearTimeout(t);
        t = win.setTimeout(() => this.save(), 200);
      });
    }
    if (this.host.kind === 'vscode') this.host.post({ type: 'ready', protocol: PROTOCOL_VERSION });
    this.render();
  }

  /** Handles a message from the extension host: validated first; a wrong shape is ignored and logged. */
  handle(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      this.host.log('warn', `ignored a message: ${parsed.error}`);
      return;
    }
    const msg: HostMessage = parsed.message;
    switch (msg.type) {
      case 'report':
        this.empty = undefined;
        this.setReport(msg.report, { canApplyFixes: msg.canApplyFixes ?? false, diffs: msg.diffs ?? {}, stale: msg.stale, uri: msg.uri });
        return;
      case 'empty':
        this.empty = msg.reason;
        this.view = undefined;
        this.render();
        return;
      case 'status':
        this.status = { state: msg.state, message: msg.message };
        if (this.view) this.view.status = this.status;
        this.updateStatus();
        return;
      case 'selectLayer': {
        if (this.state.model !== msg.model) this.state = { ...this.state, model: msg.model, activeFinding: undefined };
        this.state.selected = msg.nodeId;
        this.pendingScrollTo = msg.nodeId;
        this.render();
        if (msg.activate) {
          // The row's own click handler, as if the user clicked it; a folded row stands in through the action.
          const row = Array.from(this.root.querySelectorAll<HTMLButtonElement>('button.row[data-node]')).find((b) => b.getAttribute('data-node') === msg.nodeId);
          if (row) row.click();
          else this.actions.selectLayer(msg.nodeId, true);
        }
        return;
      }
      default:
        assertNever(msg);
    }
  }

  setReport(report: AnalysisReport, extra: { canApplyFixes: boolean; diffs: ReportView['diffs']; stale?: boolean; uri?: string }): void {
    const firstFile = report.files[0];
    if (extra.uri !== undefined && extra.uri !== this.state.uri) {
      // Another document: keep the model if it has one of the same name, drop the rest.
      this.state = { ...defaultViewState(), uri: extra.uri, file: firstFile?.path, model: this.state.model, toggled: this.state.toggled, hidden: this.state.hidden, explainerOpen: this.state.explainerOpen };
    }
    this.view = { report, host: this.host.kind, canApplyFixes: extra.canApplyFixes, diffs: extra.diffs, stale: extra.stale, status: this.status };
    // A finding index past the end (the file changed) is dropped.
    const { fileIndex, modelIndex } = resolveSelection(report, this.state);
    const model = report.files[fileIndex]?.models[modelIndex];
    if (model && this.state.activeFinding !== undefined && this.state.activeFinding >= model.findings.length) this.state.activeFinding = undefined;
    this.render();
  }

  private currentModel(): { file: FileReport; model: ModelReport } | undefined {
    if (!this.view) return undefined;
    const { fileIndex, modelIndex } = resolveSelection(this.view.report, this.state);
    const file = this.view.report.files[fileIndex];
    const model = file?.models[modelIndex];
    return file && model ? { file, model } : undefined;
  }

  private save(): void {
    const win = this.doc.defaultView;
    this.state.scrollY = win ? win.scrollY : 0;
    this.host.saveState(this.state);
  }

  private readonly actions: ReportActions = {
    selectFile: (path) => {
      this.state = { ...this.state, file: path, model: undefined, selected: undefined, activeFinding: undefined };
      this.render();
    },
    selectModel: (name) => {
      this.state = { ...this.state, model: name, selected: undefined, activeFinding: undefined };
      this.render();
    },
    selectLayer: (id, reveal) => {
      this.state.selected = id;
      this.pendingScrollTo = id;
      this.render();
      if (reveal) {
        const layer = this.currentModel()?.model.layers.find((l) => l.id === id);
        if (layer?.span) this.reveal(layer.span);
      }
    },
    toggleGroup: (key) => {
      const t = new Set(this.state.toggled);
      if (t.has(key)) t.delete(key);
      else t.add(key);
      this.state.toggled = [...t];
      this.render();
    },
    toggleSeries: (key) => {
      const h = new Set(this.state.hidden);
      if (h.has(key)) h.delete(key);
      else h.add(key);
      this.state.hidden = [...h];
      this.render();
    },
    selectFinding: (di, first) => {
      const same = this.state.activeFinding === di;
      this.state.activeFinding = same ? undefined : di;
      if (!same && first !== undefined) {
        this.state.selected = first;
        this.pendingScrollTo = first;
      }
      this.render();
    },
    applyFix: (file, model, fi, xi) => {
      const f = model.findings[fi];
      const fix = f?.fixes[xi];
      if (!fix) return;
      this.host.post({ type: 'applyFix', path: file.path, model: model.name, findingIndex: fi, fixIndex: xi, ruleId: f.ruleId, title: fix.title });
    },
    reveal: (span) => this.reveal(span),
    setExplainer: (open) => {
      if (this.state.explainerOpen === open) return;
      this.state.explainerOpen = open;
      this.render();
      if (open) {
        const det = this.root.querySelector<HTMLDetailsElement>('#explainer');
        det?.scrollIntoView({ block: 'start', behavior: 'smooth' });
        det?.querySelector<HTMLElement>('summary')?.focus();
      }
    },
    requestFull: () => this.host.post({ type: 'requestAnalysis', profile: 'full' }),
  };

  private reveal(span: Span): void {
    if (this.host.kind === 'vscode') this.host.post({ type: 'revealSpan', span });
  }

  /** Order of a finding in display order, for tests and the host. */
  displayIndexOf(model: ModelReport, findingIndex: number): number {
    return findingOrder(model.findings).indexOf(findingIndex);
  }

  private updateStatus(): void {
    const s = this.root.querySelector('.status');
    if (!s) return this.render();
    const text = this.status?.state === 'analyzing' ? 'Analyzing…' : this.status?.state === 'error' ? this.status.message ?? 'Analysis failed' : '';
    s.textContent = text;
    s.classList.toggle('busy', text !== '');
  }

  /** Re-renders everything, keeping window and inner scroll positions, the focused control and the selection. */
  render(): void {
    const win = this.doc.defaultView;
    const scrollY = win ? win.scrollY : 0;
    const inner = new Map<string, number>();
    this.root.querySelectorAll<HTMLElement>('[data-scroll-key]').forEach((e) => inner.set(e.dataset.scrollKey ?? '', e.scrollTop));
    const focusKey = (this.doc.activeElement as HTMLElement | null)?.getAttribute?.('data-key') ?? undefined;

    const next = this.view
      ? renderReport(this.doc, this.view, this.state, { plotWidth: this.plotWidth }, this.actions)
      : renderEmpty(this.doc, this.empty ?? (this.host.kind === 'vscode' ? 'Open a TensorFlow.js file to see its stability report.' : 'This report holds no data.'), this.status);
    this.root.replaceChildren(next);
    this.fitPlots();

    this.root.querySelectorAll<HTMLElement>('[data-scroll-key]').forEach((e) => {
      const t = inner.get(e.dataset.scrollKey ?? '');
      if (t !== undefined) e.scrollTop = t;
    });
    if (win && this.view && this.restoreScrollY > 0) {
      win.scrollTo(0, this.restoreScrollY);
      this.restoreScrollY = 0;
    } else if (win && win.scrollY !== scrollY) win.scrollTo(0, scrollY);
    if (focusKey) {
      const target = Array.from(this.root.querySelectorAll<HTMLElement>('[data-key]')).find((e) => e.getAttribute('data-key') === focusKey);
      target?.focus({ preventScroll: true });
    }
    if (this.pendingScrollTo !== undefined) {
      const id = this.pendingScrollTo;
      this.pendingScrollTo = undefined;
      const row = Array.from(this.root.querySelectorAll<HTMLElement>('button.row[data-node]')).find((e) => e.getAttribute('data-node') === id);
      row?.scrollIntoView?.({ block: 'nearest' });
    }
    this.save();
  }

  /** Renders the plots at the width their cells have (after layout); no-op when it did not change. */
  fitPlots(): void {
    const cell = this.root.querySelector<HTMLElement>('.plot-cell');
    if (!cell || !this.view) return;
    const w = Math.floor(cell.clientWidth);
    if (w <= 0 || Math.abs(w - this.plotWidth) < 2) return;
    this.plotWidth = w;
    const cur = this.currentModel();
    if (cur) renderPlotCells(this.doc, this.root, cur.model, this.state, w, this.actions);
  }
}
