/**
 * The stability report webview: one panel that shows the report of the active TypeScript/JavaScript editor,
 * updates when its analysis changes, restores after a restart (WebviewPanelSerializer + the webview's
 * getState/setState), and turns the webview's messages into editor actions (reveal a layer's code, apply a fix,
 * run the full simulation). Every message from the webview is validated; a wrong shape is ignored and logged.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import type { Span } from '../core/graph/types';
import { parseViewState, type HostMessage, type WebviewMessage } from '../protocol/messages';
import { documentDiffs, isRevealable, receiveWebviewMessage, reportPageHtml } from './reportPage';
import { fixId } from './fixes';

export const REPORT_VIEW_TYPE = 'stabilityLens.report';

/** What the panel needs from the analysis service (the AnalysisService satisfies it). */
export type ReportSource = Pick<
  AnalysisService,
  'get' | 'onDidUpdate' | 'onDidChangeBusy' | 'isBusy' | 'requestFull' | 'applyFix' | 'revealSpan' | 'analysisReport' | 'isCandidate' | 'log'
>;

/** The webview page for this extension's dist/ and media/. */
export function webviewHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, extensionUri: vscode.Uri): string {
  return reportPageHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    cssUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'report.css')).toString(),
    // no nonce: reportPageHtml draws a fresh one for every page
  });
}

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private uri: vscode.Uri | undefined;
  private ready = false;
  /** For tests and the status of the panel: messages received from the webview (valid ones), and posted. */
  readonly received: WebviewMessage[] = [];
  readonly posted: HostMessage['type'][] = [];
  private readonly receivedEmitter = new vscode.EventEmitter<WebviewMessage>();
  readonly onDidReceiveMessage = this.receivedEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: ReportSource,
  ) {
    this.disposables.push(
      this.receivedEmitter,
      source.onDidUpdate((u) => {
        if (this.uri && u.uri.toString() === this.uri.toString()) void this.postCurrent();
      }),
      source.onDidChangeBusy((uri) => {
        if (this.uri && uri.toString() === this.uri.toString()) void this.post({ type: 'status', state: source.isBusy(uri) ? 'analyzing' : 'idle' });
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Follow the active editor; the webview itself (no text editor) keeps the current file.
        if (!this.panel || !editor || !this.source.isCandidate(editor.document)) return;
        if (this.uri?.toString() === editor.document.uri.toString()) return;
        this.setUri(editor.document.uri);
        if (!this.source.get(editor.document.uri)) void this.source.requestFull(editor.document.uri);
      }),
    );
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  get documentUri(): vscode.Uri | undefined {
    return this.uri;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Shows the panel for a document (the active editor's by default), running the full analysis when needed. */
  async show(uri?: vscode.Uri): Promise<{ uri: string | undefined; panel: true }> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? this.uri;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Stability Report', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options());
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, true);
    }
    if (target) {
      this.setUri(target);
      const e = this.source.get(target);
      if (!e || e.profile !== 'full') await this.source.requestFull(target);
    }
    return { uri: target?.toString(), panel: true };
  }

  /** Restores a panel VS Code kept across a restart. */
  revive(panel: vscode.WebviewPanel, state: unknown): void {
    this.attach(panel);
    const saved = parseViewState(state);
    const uri = saved.uri ? vscode.Uri.parse(saved.uri) : vscode.window.activeTextEditor?.document.uri;
    if (uri) {
      this.setUri(uri);
      if (!this.source.get(uri)) void this.source.requestFull(uri);
    }
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.disposePanel();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.panelDisposables.forEach((d) => d.dispose());
        this.panelDisposables = [];
      }),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (retainContextWhenHidden false): it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  private setUri(uri: vscode.Uri): void {
    this.uri = uri;
    if (this.panel) this.panel.title = `Stability: ${uri.path.split('/').pop() ?? 'report'}`;
    void this.postCurrent();
  }

  /** Sends the current document's report (or why there is none). */
  async postCurrent(): Promise<void> {
    if (!this.panel || !this.ready) return;
    const uri = this.uri;
    if (!uri) {
      await this.post({ type: 'empty', reason: 'Open a TensorFlow.js file to see its stability report.' });
      return;
    }
    const entry = this.source.get(uri);
    const report = this.source.analysisReport(uri);
    if (!entry || !report) {
      await this.post({ type: 'empty', reason: this.source.isBusy(uri) ? 'Analyzing…' : 'No TensorFlow.js model found in this file (yet).' });
      await this.post({ type: 'status', state: this.source.isBusy(uri) ? 'analyzing' : 'idle' });
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const current = doc !== undefined && (entry.version === undefined || entry.version === doc.version);
    await this.post({
      type: 'report',
      report,
      uri: uri.toString(),
      stale: this.source.isBusy(uri) || entry.simulationPending,
      canApplyFixes: doc !== undefined,
      diffs: doc && current ? documentDiffs(report, doc.getText()) : {},
    });
  }

  /** Posts a message to the webview (when it is there). */
  async post(msg: HostMessage): Promise<boolean> {
    if (!this.panel) return false;
    this.posted.push(msg.type);
    return this.panel.webview.postMessage(msg);
  }

  private receive(raw: unknown): void {
    receiveWebviewMessage(raw, (m) => this.source.log.warn(m), {
      accepted: (msg) => {
        this.received.push(msg);
        this.receivedEmitter.fire(msg);
      },
      ready: () => {
        this.ready = true;
        void this.postCurrent();
      },
      revealSpan: (span) => void this.reveal(span),
      applyFix: (msg) => void this.applyFix(msg),
      requestAnalysis: () => {
        if (this.uri) void this.source.requestFull(this.uri);
      },
      log: (level, message) => this.source.log[level](`report webview: ${message}`),
    });
  }

  /** Reveals a span of the current report's file (spans naming other files are refused). */
  private async reveal(span: Span): Promise<void> {
    const entry = this.uri ? this.source.get(this.uri) : undefined;
    if (!entry) return;
    if (!isRevealable(entry, span)) {
      this.source.log.warn(`report panel: refused to reveal ${span.file}: not part of the report`);
      return;
    }
    await this.source.revealSpan(span);
  }

  private async applyFix(msg: Extract<WebviewMessage, { type: 'applyFix' }>): Promise<void> {
    const uri = this.uri;
    const entry = uri ? this.source.get(uri) : undefined;
    if (!uri || !entry) return;
    const mi = entry.report.models.findIndex((m) => m.name === msg.model);
    const finding = entry.report.models[mi]?.findings[msg.findingIndex];
    const fix = finding?.fixes[msg.fixIndex];
    if (!finding || !fix || finding.ruleId !== msg.ruleId || fix.title !== msg.title) {
      void vscode.window.showWarningMessage('Stability Lens: this fix no longer matches the code; the report is being refreshed.');
      void this.postCurrent();
      return;
    }
    const ok = await this.source.applyFix(uri, fixId(mi, msg.findingIndex, msg.fixIndex));
    if (!ok) void vscode.window.showWarningMessage(`Stability Lens: could not apply “${fix.title}”.`);
  }

  /** Disposed with the panel manager. */
  track(d: vscode.Disposable): void {
    this.disposables.push(d);
  }

  private disposePanel(): void {
    this.panelDisposables.forEach((d) => d.dispose());
    this.panelDisposables = [];
  }

  dispose(): void {
    this.disposePanel();
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Creates the report panel and registers its serializer (restore after a restart). */
export function registerReportPanel(extensionUri: vscode.Uri, source: ReportSource): ReportPanel {
  const panel = new ReportPanel(extensionUri, source);
  const serializer = vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel, state: unknown) => panel.revive(webviewPanel, state),
  });
  panel.track(serializer);
  return panel;
}
