/**
 * The one place where core data (0-based spans, severities, text edits) becomes VS Code objects.
 */
import * as vscode from 'vscode';
import type { Position, Span } from '../core/graph/types';
import type { ModelReport } from '../core/report/types';
import type { Finding, Severity, TextEdit } from '../core/rules/types';
import type { SimulationResult } from '../core/simulate/types';
import { simulationMessage, verdictSeverity } from './format';
import { ruleDocsUrl } from './links';

export const DIAGNOSTIC_SOURCE = 'Stability Lens';
/** The code of a simulation-verdict diagnostic (docs/rules/simulation-verdict.md). */
export const SIMULATION_RULE_ID = 'simulation-verdict';

/** Maps a span's `file` (the path the analyzer was given) to a URI. */
export type UriForFile = (file: string) => vscode.Uri;

export function toPosition(p: Position): vscode.Position {
  return new vscode.Position(Math.max(0, p.line), Math.max(0, p.character));
}

export function toRange(span: Span): vscode.Range {
  return new vscode.Range(toPosition(span.start), toPosition(span.end));
}

export function toSpan(file: string, range: vscode.Range): Span {
  return {
    file,
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

export interface DiagnosticContext {
  uriFor: UriForFile;
  docsBase: string;
}

/** Diagnostics remember which finding they came from, so code actions can find its fixes. */
export interface LensDiagnostic extends vscode.Diagnostic {
  findingKey?: string;
}

export function findingToDiagnostic(f: Finding, ctx: DiagnosticContext, findingKey: string): LensDiagnostic {
  const d: LensDiagnostic = new vscode.Diagnostic(toRange(f.span), f.message, toSeverity(f.severity));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.ruleId, target: vscode.Uri.parse(ruleDocsUrl(ctx.docsBase, f.ruleId)) };
  d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(ctx.uriFor(r.span.file), toRange(r.span)), r.message));
  d.findingKey = findingKey;
  return d;
}

/** The model's simulation verdict as a diagnostic on the model's span (none for a clean stable run). */
export function simulationDiagnostic(model: ModelReport, sim: SimulationResult, ctx: DiagnosticContext): LensDiagnostic | undefined {
  const sev = verdictSeverity(sim);
  if (!sev) return undefined;
  const d: LensDiagnostic = new vscode.Diagnostic(toRange(model.span), simulationMessage(model, sim), toSeverity(sev));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: SIMULATION_RULE_ID, target: vscode.Uri.parse(ruleDocsUrl(ctx.docsBase, SIMULATION_RULE_ID)) };
  const limitLayer = sim.float32Limit ? model.layers.find((l) => l.id === sim.float32Limit!.node) : undefined;
  const related: vscode.DiagnosticRelatedInformation[] = [];
  if (limitLayer?.span) {
    related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(ctx.uriFor(limitLayer.span.file), toRange(limitLayer.span)), `float32 limit reached at ${limitLayer.name}`));
  }
  d.relatedInformation = related;
  return d;
}

export function toWorkspaceEdit(edits: readonly TextEdit[], uriFor: UriForFile, edit = new vscode.WorkspaceEdit()): vscode.WorkspaceEdit {
  for (const e of edits) edit.replace(uriFor(e.span.file), toRange(e.span), e.newText);
  return edit;
}
