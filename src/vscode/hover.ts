/** Hover on a layer factory call: its resolved config (tfjs defaults marked) and its simulated scales. */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { toRange } from './convert';
import { layerHoverMarkdown, layersAt } from './format';
import { ANALYSED_LANGUAGES } from './textCheck';

export class LayerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly service: AnalysisService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.service.settings.hover.enabled) return undefined;
    const entry = this.service.getCurrent(document);
    if (!entry) return undefined;
    const hit = layersAt(entry.report, entry.path, position.line, position.character);
    if (!hit) return undefined;
    const written = entry.written[hit.modelIndex]?.[hit.layers[0].id];
    const md = new vscode.MarkdownString(layerHoverMarkdown(hit, written));
    md.supportHtml = false;
    md.isTrusted = false;
    return new vscode.Hover(md, toRange(hit.layers[0].span!));
  }
}

export function registerHover(service: AnalysisService): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    ANALYSED_LANGUAGES.map((language) => ({ language })),
    new LayerHoverProvider(service),
  );
}
