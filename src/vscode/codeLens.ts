/** One CodeLens above each detected model: depth, simulated output scale, and a link to the report. */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { COMMANDS } from './commands';
import { toRange } from './convert';
import { codeLensTitle } from './format';
import { ANALYSED_LANGUAGES } from './textCheck';

export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly service: AnalysisService) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.service.settings.codeLens.enabled) return [];
    const entry = this.service.getCurrent(document);
    if (!entry) return [];
    return entry.report.models
      .map((model, index) => ({ model, index }))
      .filter(({ model }) => model.span.file === entry.path)
      .map(({ model, index }) => {
        const start = toRange(model.span).start;
        return new vscode.CodeLens(new vscode.Range(start, start), {
          title: codeLensTitle(model, entry.simulationPending),
          tooltip: `Open the Stability Lens report for '${model.name}'`,
          command: COMMANDS.showReport,
          arguments: [document.uri, index],
        });
      });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerCodeLens(service: AnalysisService): vscode.Disposable {
  const provider = new ModelCodeLensProvider(service);
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider(
      ANALYSED_LANGUAGES.map((language) => ({ language })),
      provider,
    ),
    service.onDidUpdate(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('stabilityLens.codeLens')) provider.refresh();
    }),
  );
}
