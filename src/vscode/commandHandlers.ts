/** The command palette commands (ids in commands.ts, titles and `when` clauses in package.json). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisEntry, AnalysisService } from './analysisService';
import { COMMANDS } from './commands';
import { joinGlobs, SETTINGS_SECTION } from './settings';
import { TextReportView } from './reportFallback';

/** What a command resolves to (tests read it; the palette ignores it). */
export interface AnalyzeResult {
  uri: string;
  models: number;
  findings: number;
  verdicts: string[];
}

const summarize = (e: AnalysisEntry): AnalyzeResult => ({
  uri: e.uri.toString(),
  models: e.report.models.length,
  findings: e.report.models.reduce((a, m) => a + m.findings.length, 0),
  verdicts: e.report.models.map((m) => m.simulation?.verdict ?? 'not simulated'),
});

function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

/** `showPanel`: the report webview (reportPanel.ts); without it, Show Stability Report prints the text report. */
export function registerCommands(service: AnalysisService, showPanel?: (uri: vscode.Uri) => Promise<unknown>): vscode.Disposable {
  const textReport = new TextReportView();
  const log = service.log;

  /** A full-profile run with cancellable progress (explicit work). */
  const analyzeWithProgress = (uri: vscode.Uri, title: string, seed?: number): Thenable<AnalysisEntry | undefined> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      const run = service.analyzeUri(uri, { explicit: true, seed }, token);
      return run;
    });

  const analyzeFile = async (arg?: unknown): Promise<AnalyzeResult | undefined> => {
    const uri = targetUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Stability Lens: open a TypeScript, JavaScript or model.json file first.');
      return undefined;
    }
    const entry = await analyzeWithProgress(uri, `Stability Lens: analysing ${path.basename(uri.path)}`);
    if (!entry) {
      void vscode.window.showInformationMessage(`Stability Lens: no TensorFlow.js model code in ${path.basename(uri.path)} (or it is excluded by stabilityLens.analysis settings).`);
      return undefined;
    }
    if (entry.report.models.length === 0) void vscode.window.showInformationMessage(`Stability Lens: no models found in ${path.basename(uri.path)}.`);
    return summarize(entry);
  };

  const analyzeWorkspace = async (): Promise<{ files: number; analysed: number; models: number; findings: number; cancelled: boolean }> => {
    const s = service.settings.analysis;
    const exclude = joinGlobs(s.exclude);
    const result = { files: 0, analysed: 0, models: 0, findings: 0, cancelled: false };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Stability Lens: analysing the workspace', cancellable: true },
      async (progress, token) => {
        const seen = new Map<string, vscode.Uri>();
        for (const inc of s.include) {
          for (const u of await vscode.workspace.findFiles(inc, exclude, 10_000, token)) seen.set(u.toString(), u);
        }
        const files = [...seen.values()].sort((a, b) => a.path.localeCompare(b.path));
        result.files = files.length;
        for (const [i, uri] of files.entries()) {
          if (token.isCancellationRequested) break;
          progress.report({ message: `${i + 1}/${files.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / Math.max(1, files.length) });
          const entry = await service.analyzeUri(uri, {}, token);
          if (!entry) continue;
          result.analysed++;
          result.models += entry.report.models.length;
          result.findings += entry.report.models.reduce((a, m) => a + m.findings.length, 0);
        }
        result.cancelled = token.isCancellationRequested;
      },
    );
    log.info(`workspace analysis: ${result.files} files, ${result.analysed} with models code, ${result.models} models, ${result.findings} findings${result.cancelled ? ' (cancelled)' : ''}`);
    if (!result.cancelled && result.findings > 0) void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(
      `Stability Lens: ${result.models} model${result.models === 1 ? '' : 's'} in ${result.analysed} file${result.analysed === 1 ? '' : 's'}, ${result.findings} finding${result.findings === 1 ? '' : 's'}${result.cancelled ? ' (cancelled)' : ''}.`,
    );
    return result;
  };

  /** The full-profile entry for a file, running it when the cached one is missing or interactive. */
  const fullEntry = async (uri: vscode.Uri): Promise<AnalysisEntry | undefined> => {
    const e = service.get(uri);
    if (e && e.profile === 'full' && !e.simulationPending && service.isBusy(uri) === false) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!doc || doc.version === e.version) return e;
    }
    return (await analyzeWithProgress(uri, `Stability Lens: simulating ${path.basename(uri.path)}`)) ?? service.get(uri);
  };

  const showReport = async (arg?: unknown, _modelIndex?: number): Promise<unknown> => {
    const uri = targetUri(arg);
    if (!uri) return undefined;
    if (showPanel) return showPanel(uri);
    const entry = await fullEntry(uri);
    if (!entry) {
      void vscode.window.showInformationMessage(`Stability Lens: nothing to report for ${path.basename(uri.path)}.`);
      return undefined;
    }
    return textReport.show(entry);
  };

  const exportHtml = async (arg?: unknown, target?: unknown): Promise<string | undefined> => {
    const uri = targetUri(arg);
    if (!uri) return undefined;
    const entry = await fullEntry(uri);
    if (!entry) {
      void vscode.window.showInformationMessage(`Stability Lens: nothing to export for ${path.basename(uri.path)}.`);
      return undefined;
    }
    let dest = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
    if (!dest) {
      const base = path.basename(uri.path).replace(/\.[^.]+$/, '');
      dest = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(uri, '..', `${base}.stability-report.html`),
        filters: { HTML: ['html'] },
        saveLabel: 'Export Report',
        title: 'Export Stability Lens Report as HTML',
      });
      if (!dest) return undefined;
    }
    const html = await service.renderHtml(uri);
    if (html === undefined) return undefined;
    await vscode.workspace.fs.writeFile(dest, new TextEncoder().encode(html));
    log.info(`exported the report of ${uri.toString()} to ${dest.toString()} (${html.length} characters)`);
    void vscode.window.showInformationMessage(`Stability Lens: report saved to ${vscode.workspace.asRelativePath(dest)}.`);
    return dest.toString();
  };

  const rerunWithSeed = async (arg?: unknown, seedArg?: unknown): Promise<AnalyzeResult | undefined> => {
    const uri = targetUri(arg);
    if (!uri) return undefined;
    let seed = typeof seedArg === 'number' ? seedArg : undefined;
    if (seed === undefined) {
      const current = service.get(uri)?.seed ?? service.settings.simulation.seed;
      const input = await vscode.window.showInputBox({
        title: 'Rerun Simulation with Seed',
        prompt: 'The seed for every random draw of the simulation (weights, inputs); the same seed gives the same numbers.',
        value: String(current),
        validateInput: (v) => (/^\d{1,10}$/.test(v.trim()) && Number(v) <= 2 ** 31 - 1 ? undefined : 'A whole number from 0 to 2147483647'),
      });
      if (input === undefined) return undefined;
      seed = Number(input.trim());
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new Error(`invalid seed ${String(seedArg)}`);
    const entry = await analyzeWithProgress(uri, `Stability Lens: simulating with seed ${seed}`, seed);
    return entry ? summarize(entry) : undefined;
  };

  const toggleLive = async (): Promise<boolean> => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inspect = config.inspect<boolean>('analysis.live');
    const next = !service.settings.analysis.live;
    const target = inspect?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update('analysis.live', next, target);
    service.reloadSettings();
    vscode.window.setStatusBarMessage(`Stability Lens: live analysis ${next ? 'on' : 'off'}`, 3000);
    return next;
  };

  const revealSpan = (span: Parameters<AnalysisService['revealSpan']>[0]): Promise<void> => service.revealSpan(span);

  return vscode.Disposable.from(
    textReport,
    vscode.commands.registerCommand(COMMANDS.analyzeFile, analyzeFile),
    vscode.commands.registerCommand(COMMANDS.analyzeWorkspace, analyzeWorkspace),
    vscode.commands.registerCommand(COMMANDS.showReport, showReport),
    vscode.commands.registerCommand(COMMANDS.exportHtml, exportHtml),
    vscode.commands.registerCommand(COMMANDS.rerunWithSeed, rerunWithSeed),
    vscode.commands.registerCommand(COMMANDS.toggleLiveAnalysis, toggleLive),
    vscode.commands.registerCommand(COMMANDS.revealSpan, revealSpan),
  );
}
