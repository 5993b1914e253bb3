/**
 * Quick fixes from the findings' data fixes (core TextEdits), read from the cached analysis of exactly this
 * document version; at most one preferred; plus "disable this rule for this line".
 */
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { COMMANDS } from './commands';
import { DIAGNOSTIC_SOURCE, toRange, toWorkspaceEdit, type LensDiagnostic } from './convert';
import { disableLineEdit } from './disableComment';
import { findingKey } from './fixes';

const codeOf = (d: vscode.Diagnostic): string | undefined => (d.code === undefined ? undefined : typeof d.code === 'object' ? String(d.code.value) : String(d.code));

export class StabilityCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly service: AnalysisService) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entry = this.service.getCurrent(document);
    if (!entry) return [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) return [];
    const docPath = entry.path;
    const actions: vscode.CodeAction[] = [];
    let preferredGiven = false;
    const disabled = new Set<string>();
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    entry.report.models.forEach((model, mi) => {
      model.findings.forEach((finding, fi) => {
        if (finding.span.file !== docPath) return;
        const fRange = toRange(finding.span);
        // VS Code hands providers copies of the diagnostics: match them by rule and range
        const diags = ours.filter((d) => (d as LensDiagnostic).findingKey === findingKey(mi, fi) || (codeOf(d) === finding.ruleId && d.range.isEqual(fRange)));
        if (!fRange.intersection(range) && diags.length === 0) return;
        for (const fix of finding.fixes) {
          const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          a.edit = toWorkspaceEdit(fix.edits, this.service.uriFor);
          a.diagnostics = diags;
          if (fix.isPreferred && !preferredGiven) {
            a.isPreferred = true;
            preferredGiven = true;
          }
          actions.push(a);
        }
        // JSON has no comments: no disable action for model.json files
        const line = finding.span.start.line;
        const k = `${finding.ruleId}@${line}`;
        if (document.languageId !== 'json' && !disabled.has(k) && line < document.lineCount) {
          disabled.add(k);
          const prev = line > 0 ? document.lineAt(line - 1).text : undefined;
          const edit = disableLineEdit(docPath, finding.ruleId, line, document.lineAt(line).text, prev);
          // the core may already offer exactly this edit (a finding that starts on the model's line)
          const same = finding.fixes.some((f) => f.edits.length === 1 && f.edits[0].newText === edit.newText && f.edits[0].span.start.line === edit.span.start.line && f.edits[0].span.start.character === edit.span.start.character);
          if (same || edit.newText === '') return;
          const a = new vscode.CodeAction(`Disable ${finding.ruleId} for this line`, vscode.CodeActionKind.QuickFix);
          a.edit = toWorkspaceEdit([edit], this.service.uriFor);
          a.diagnostics = diags;
          actions.push(a);
        }
      });
    });
    return actions;
  }
}

export function registerCodeActions(service: AnalysisService): vscode.Disposable {
  const selector: vscode.DocumentSelector = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'json'].map((language) => ({ language }));
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider(selector, new StabilityCodeActionProvider(service), StabilityCodeActionProvider.metadata),
    vscode.commands.registerCommand(COMMANDS.applyFix, (uri: vscode.Uri | string, id: string) => service.applyFix(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, id)),
  );
}
