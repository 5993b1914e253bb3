/**
 * activate/deactivate only: a log channel, the analysis service, and one Disposable per feature. Nothing heavy
 * loads here: the parser and the simulator live in the worker thread (dist/worker.js), started on first use.
 */
import * as vscode from 'vscode';
import { AnalysisService } from './vscode/analysisService';
import { registerCodeActions } from './vscode/codeActions';
import { registerCodeLens } from './vscode/codeLens';
import { registerCommands } from './vscode/commandHandlers';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerHover } from './vscode/hover';
import { repositoryBase } from './vscode/links';
import { registerLiveAnalysis } from './vscode/liveAnalysis';
import { registerReportPanel, type ReportPanel } from './vscode/reportPanel';
import { registerStatusBar } from './vscode/statusBar';

/** What activate returns: the service, for the integration tests and other extensions. */
export interface StabilityLensApi {
  readonly service: AnalysisService;
  /** The report webview (src/vscode/reportPanel.ts). */
  readonly reportPanel: ReportPanel;
}

export function activate(context: vscode.ExtensionContext): StabilityLensApi {
  const log = vscode.window.createOutputChannel('Stability Lens', { log: true });
  const pkg = context.extension.packageJSON as { version?: string; repository?: unknown; homepage?: unknown };
  const service = new AnalysisService(context.extensionUri, log, repositoryBase(pkg), pkg.version ?? '0.0.0');
  const reportPanel = registerReportPanel(context.extensionUri, service);
  context.subscriptions.push(
    log,
    service,
    registerDiagnostics(service),
    registerCodeActions(service),
    registerCodeLens(service),
    registerHover(service),
    registerStatusBar(service),
    reportPanel,
    registerCommands(service, (uri) => reportPanel.show(uri)),
    registerLiveAnalysis(service),
  );
  return { service, reportPanel };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
