/** The text report in an output channel: what Show Stability Report falls back to without the webview. */
import * as vscode from 'vscode';
import type { AnalysisEntry } from './analysisService';
import { textReport } from './format';

export class TextReportView implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;

  show(entry: AnalysisEntry): string {
    const text = textReport(entry.report);
    this.channel ??= vscode.window.createOutputChannel('Stability Lens Report');
    this.channel.replace(text);
    this.channel.show(true);
    return text;
  }

  dispose(): void {
    this.channel?.dispose();
  }
}
