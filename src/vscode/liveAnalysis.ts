/**
 * When documents are analysed: on open and on change (debounced) while live analysis is on; on save always;
 * forgotten on close. Settings changes re-analyse the open documents.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { CONTEXT_KEYS } from './commands';
import { SETTINGS_SECTION } from './settings';

function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const i = tab.input;
  if (i instanceof vscode.TabInputText) return [i.uri];
  if (i instanceof vscode.TabInputTextDiff) return [i.original, i.modified];
  return [];
}

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
    // VS Code may keep a document alive for a while after its last editor closes: closing the last tab of a
    // file is what the user sees as "closed", so clear it then.
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      // a tab (re)opened on a document that stayed alive: no open event comes, so analyse it here
      for (const t of e.opened) {
        for (const u of tabUris(t)) {
          const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString());
          if (doc && live() && !service.get(u) && !service.isBusy(u)) void service.analyzeDocument(doc);
        }
      }
      if (e.closed.length === 0) return;
      const open = new Set<string>();
      for (const g of vscode.window.tabGroups.all) for (const t of g.tabs) for (const u of tabUris(t)) open.add(u.toString());
      for (const t of e.closed) for (const u of tabUris(t)) if (!open.has(u.toString())) service.forget(u);
    }),
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
