/** Builds the report data model (report/types.ts) from graphs, structure and findings. */
import type { LayerGraph, Note } from '../graph/types';
import { layerKind } from '../graph/kinds';
import type { StructureInfo } from '../graph/structure';
import type { Finding } from '../rules/types';
import { REPORT_VERSION, type AnalysisReport, type FileReport, type LayerReport, type ModelReport } from './types';

export function buildLayerReports(graph: LayerGraph): LayerReport[] {
  return graph.nodes.map((n) => {
    const r: LayerReport = { id: n.id, className: n.className, name: n.name, config: n.config, inputs: n.inputs, kind: layerKind(n) };
    if (n.span) r.span = n.span;
    if (n.outputShape) r.outputShape = n.outputShape;
    return r;
  });
}

/**
 * A finding's numbers as JSON can carry them: Infinity and NaN (a factor compounded over thousands of layers, a
 * user's negative scale) are spelled as strings, as configs spell them, never turned into null silently.
 */
function finiteData(f: Finding): Finding {
  if (!f.data || Object.values(f.data).every((v) => typeof v !== 'number' || Number.isFinite(v))) return f;
  const data: NonNullable<Finding['data']> = {};
  for (const [k, v] of Object.entries(f.data)) data[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return { ...f, data };
}

export function buildModelReport(graph: LayerGraph, structure: StructureInfo, findings: Finding[]): ModelReport {
  const m: ModelReport = {
    name: graph.name,
    span: graph.span,
    api: graph.api,
    layers: buildLayerReports(graph),
    summary: structure.summary,
    findings: findings.map(finiteData),
  };
  if (graph.builder) m.builder = graph.builder;
  return m;
}

export function buildFileReport(path: string, models: ModelReport[], notes: Note[] = [], errors: Note[] = []): FileReport {
  return { path, errors, notes, models };
}

export function buildAnalysisReport(files: FileReport[], toolVersion: string): AnalysisReport {
  return { version: REPORT_VERSION, tool: { name: 'stability-lens', version: toolVersion }, files };
}

/** Severity order for filtering and exit codes. */
export const SEVERITY_RANK: { [s: string]: number } = { hint: 0, info: 1, warning: 2, error: 3 };

/**
 * A file's findings with the model reporting each, every finding once: several models of a file (a builder called
 * for two differently named models) give the same findings at the same places, and text and SARIF show them once.
 */
export function distinctFindings(file: FileReport): { model: ModelReport; finding: Finding }[] {
  const seen = new Set<string>();
  const out: { model: ModelReport; finding: Finding }[] = [];
  for (const model of file.models)
    for (const finding of model.findings) {
      const { start, end, file: path } = finding.span;
      const id = `${finding.ruleId}|${path}|${start.line}:${start.character}-${end.line}:${end.character}|${finding.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ model, finding });
    }
  return out;
}

/** Every finding of a report with its file path. */
export function allFindings(report: AnalysisReport): { path: string; model: string; finding: Finding }[] {
  const out: { path: string; model: string; finding: Finding }[] = [];
  for (const f of report.files) for (const m of f.models) for (const finding of m.findings) out.push({ path: f.path, model: m.name, finding });
  return out;
}
