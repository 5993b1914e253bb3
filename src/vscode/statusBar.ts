/** One status bar item (right, theme colors) with the active file's verdict; clicking it opens the report. */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { COMMANDS, CONTEXT_KEYS } from './commands';
import { statusBarText, statusBarTooltip } from './format';
import { isAnalysedLanguage } from './textCheck';

export function registerStatusBar(service: AnalysisService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('stabilityLens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Stability Lens';
  item.command = COMMANDS.showReport;
  let last: { supported?: boolean; hasModels?: boolean } = {};

  const update = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const supported = doc ? isAnalysedLanguage(doc.languageId) : false;
    const entry = doc ? service.get(doc.uri) : undefined;
    const hasModels = (entry?.report.models.length ?? 0) > 0;
    const busy = doc ? service.isBusy(doc.uri) || entry?.simulationPending === true : false;
    const text = supported && doc ? statusBarText(entry?.report, busy && service.isCandidate(doc)) : undefined;
    if (text) {
      item.text = text;
      item.tooltip = entry ? statusBarTooltip(entry.report) : 'Stability Lens: analysing…';
      item.accessibilityInformation = { label: `Stability Lens: ${text.replace(/\$\([^)]*\)\s*/g, '')}` };
      item.show();
    } else {
      item.hide();
    }
    if (last.supported !== supported) void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activeSupported, supported);
    if (last.hasModels !== hasModels) void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activeHasModels, hasModels);
    last = { supported, hasModels };
  };

  const active = (uri: vscode.Uri): boolean => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
  update();
  return vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    service.onDidUpdate((u) => active(u.uri) && update()),
    service.onDidChangeBusy((uri) => active(uri) && update()),
  );
}
