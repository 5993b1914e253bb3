/**
 * Diagnostics from analysis results: structural findings at once, the simulation verdict when it arrives.
 * A file's analysis can put diagnostics on other files (spans in an imported helper): the collection holds,
 * per URI, the union of what every analysed file contributes; a document's contribution goes when it closes.
 */
import * as vscode from 'vscode';
import type { AnalysisEntry, AnalysisService } from './analysisService';
import { DIAGNOSTIC_SOURCE, findingToDiagnostic, simulationDiagnostic, toRange, type DiagnosticContext, type LensDiagnostic } from './convert';
import { findingKey } from './fixes';

/** The diagnostics one analysis contributes, grouped by target URI. */
export function diagnosticsFor(entry: AnalysisEntry, ctx: DiagnosticContext): Map<string, { uri: vscode.Uri; diagnostics: LensDiagnostic[] }> {
  const out = new Map<string, { uri: vscode.Uri; diagnostics: LensDiagnostic[] }>();
  // The same finding from several models of the file (one builder, two models) is one diagnostic.
  const seen = new Set<string>();
  const add = (uri: vscode.Uri, d: LensDiagnostic): void => {
    const k = uri.toString();
    const r = d.range;
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    const id = `${k}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${String(code)}|${d.message}`;
    if (seen.has(id)) return;
    seen.add(id);
    const slot = out.get(k) ?? { uri, diagnostics: [] };
    slot.diagnostics.push(d);
    out.set(k, slot);
  };
  const { report } = entry;
  report.models.forEach((model, mi) => {
    model.findings.forEach((f, fi) => add(ctx.uriFor(f.span.file), findingToDiagnostic(f, ctx, findingKey(mi, fi))));
    const sim = model.simulation;
    if (sim) {
      const d = simulationDiagnostic(model, sim, ctx);
      if (d) add(ctx.uriFor(model.span.file), d);
    }
  });
  for (const e of report.errors) {
    const range = e.span ? toRange(e.span) : new vscode.Range(0, 0, 0, 0);
    const d: LensDiagnostic = new vscode.Diagnostic(range, `Not analysed: ${e.message}`, vscode.DiagnosticSeverity.Information);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = 'not-analysed';
    add(entry.uri, d);
  }
  // Limits hit: the file's, and each model's (a model cut at maxNodes says so where the code is, not only in the report)
  const limitNotes = [...report.notes, ...report.models.flatMap((m) => m.summary.assumptions)];
  for (const n of limitNotes) {
    if (n.kind !== 'limit') continue;
    const d: LensDiagnostic = new vscode.Diagnostic(n.span ? toRange(n.span) : new vscode.Range(0, 0, 0, 0), n.message, vscode.DiagnosticSeverity.Information);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = 'analysis-limit';
    add(n.span ? ctx.uriFor(n.span.file) : entry.uri, d);
  }
  return out;
}

const diagKey = (d: vscode.Diagnostic): string => {
  const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${code}|${d.message}`;
};

export function registerDiagnostics(service: AnalysisService): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('stabilityLens');
  /** analysed file -> (target uri -> its diagnostics) */
  const contributions = new Map<string, Map<string, { uri: vscode.Uri; diagnostics: LensDiagnostic[] }>>();
  const ctx: DiagnosticContext = { uriFor: service.uriFor, docsBase: service.docsBase };

  const refresh = (targets: Iterable<string>, uris: Map<string, vscode.Uri>): void => {
    for (const t of targets) {
      const seen = new Set<string>();
      const all: LensDiagnostic[] = [];
      for (const byTarget of contributions.values()) {
        for (const d of byTarget.get(t)?.diagnostics ?? []) {
          const k = diagKey(d);
          if (seen.has(k)) continue;
          seen.add(k);
          all.push(d);
        }
      }
      const uri = uris.get(t)!;
      if (all.length) collection.set(uri, all);
      else collection.delete(uri);
    }
  };

  const sub = service.onDidUpdate(({ uri, entry }) => {
    const key = uri.toString();
    const before = contributions.get(key);
    const uris = new Map<string, vscode.Uri>();
    for (const [k, v] of before ?? []) uris.set(k, v.uri);
    if (entry) {
      const next = diagnosticsFor(entry, ctx);
      contributions.set(key, next);
      for (const [k, v] of next) uris.set(k, v.uri);
    } else {
      contributions.delete(key);
    }
    uris.set(key, uri);
    refresh(uris.keys(), uris);
  });
  return vscode.Disposable.from(sub, collection);
}
