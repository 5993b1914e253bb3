/**
 * When documents are analysed: on open and on change (debounced) while live analysis is on; on save always;
 * forgotten on close. Settings changes re-analyse the open documents.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { CONTEXT_KEYS } from './commands';
import { SETTINGS_SECTION } from './settings';

export function registerLiveAnalysis(service: AnalysisService): vscode.Disposable {
  const live = (): boolean => service.settings.analysis.live;
  const setContext = (): Thenable<unknown> => vscode.commands.executeCommand('setContext', CONTEXT_KEYS.liveAnalysis, live());
  const analyzeOpen = (): void => {
    for (const d of vscode.workspace.textDocuments) void service.analyzeDocument(d);
  };

  const subs: vscode.Disposable[] = [
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (live()) void service.analyzeDocument(d);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || !live()) return;
      service.schedule(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      const current = service.getCurrent(d);
      if (current && !service.isBusy(d.uri)) return; // this exact version is analysed already
      void service.analyzeDocument(d);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => service.forget(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
      service.reloadSettings();
      void setContext();
      // everything but CodeLens / hover toggles changes the analysis itself
      const analysisChanged = ['analysis', 'simulation', 'rules'].some((g) => e.affectsConfiguration(`${SETTINGS_SECTION}.${g}`));
      if (analysisChanged && live()) analyzeOpen();
    }),
  ];
  void setContext();
  // documents already open when the extension activates: after activation returns
  const initial = setTimeout(() => {
    if (live()) analyzeOpen();
  }, 0);
  return new vscode.Disposable(() => {
    clearTimeout(initial);
    for (const s of subs) s.dispose();
  });
}
