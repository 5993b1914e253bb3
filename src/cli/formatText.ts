/** The text format: a table per model and the findings as `file:line:col severity rule-id message`. */
import type { AnalysisReport, FileReport, ModelReport } from '../core/report/types';
import type { Note } from '../core/graph/types';
import { fmt } from '../core/rules/util';
import { distinctFindings } from '../core/report/build';

/**
 * Names, paths and messages come from the analysed code, model.json files and file names: a line break, a
 * terminal escape (ESC, CSI...), another control character, a Unicode line/paragraph separator or a bidi
 * override in them is printed as an escape (\n, \u001b...), so each entry stays one line (no forged
 * `file:line:col` lines for a problem matcher) and nothing reaches the terminal as a control sequence.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : fmt(x));

function modelRow(m: ModelReport, withSim: boolean): string[] {
  const s = m.summary;
  const row = [
    m.name,
    m.api,
    String(s.weightedLayers),
    String(s.depthWeighted),
    String(s.maxPlainRun),
    s.normalization.length ? s.normalization.join(',') : '-',
    s.residual ? `yes (${s.residualBlocks}${s.blockStyle && s.blockStyle !== 'none' ? `, ${s.blockStyle}` : ''})` : 'no',
  ];
  if (withSim) {
    const sim = m.simulation;
    row.push(sim ? `${sim.verdict}${sim.borderline ? ' (borderline)' : ''}${sim.partial ? ' (partial)' : ''}` : '-', num(sim?.outputGain), num(sim?.gradientGain));
  }
  return row;
}

const loc = (path: string, n: { span?: { start: { line: number; character: number } } }): string =>
  n.span ? `${path}:${n.span.start.line + 1}:${n.span.start.character + 1}` : path;

function noteLine(path: string, n: Note, what: string): string {
  return `${loc(path, n)} ${what} ${n.kind}: ${n.message}`;
}

export function formatText(report: AnalysisReport, opts: { quiet: boolean; displayPath?: (p: string) => string }): string {
  const show = opts.displayPath ?? ((p: string) => p);
  const out: string[] = [];
  let findings = 0;
  const bySeverity: { [s: string]: number } = {};
  let models = 0;
  for (const f of report.files) {
    const path = show(f.path);
    const lines = fileLines(f, path, opts.quiet);
    models += f.models.length;
    for (const { finding: x } of distinctFindings(f)) {
      findings++;
      bySeverity[x.severity] = (bySeverity[x.severity] ?? 0) + 1;
    }
    if (lines.length) out.push(...lines, ...(opts.quiet ? [] : ['']));
  }
  if (!opts.quiet) {
    const parts = ['error', 'warning', 'info', 'hint'].filter((s) => bySeverity[s]).map((s) => `${bySeverity[s]} ${s}${bySeverity[s] === 1 ? '' : s === 'info' ? '' : 's'}`);
    out.push(
      `${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${models} model${models === 1 ? '' : 's'}, ` +
        (findings ? `${findings} finding${findings === 1 ? '' : 's'} (${parts.join(', ')})` : 'no findings'),
    );
  }
  return out.map(printable).join('\n') + (out.length ? '\n' : '');
}

function fileLines(f: FileReport, path: string, quiet: boolean): string[] {
  const out: string[] = [];
  for (const e of f.errors) out.push(noteLine(path, e, 'error'));
  if (f.models.length === 0) {
    if (!quiet && f.errors.length === 0) out.push(`${path}: no tfjs models found`);
    if (!quiet) for (const n of f.notes.filter((x) => x.kind !== 'assumption')) out.push(noteLine(path, n, 'note'));
    return out;
  }
  if (!quiet) {
    out.push(path);
    const withSim = f.models.some((m) => m.simulation);
    const header = ['model', 'api', 'weighted', 'depth', 'max plain run', 'normalization', 'residual'];
    if (withSim) header.push('simulation', 'output gain', 'gradient gain');
    out.push(...table([header, ...f.models.map((m) => modelRow(m, withSim))]).map((l) => `  ${l}`));
    for (const n of f.notes.filter((x) => x.kind !== 'assumption')) out.push(noteLine(path, n, 'note'));
    for (const m of f.models) {
      const sim = m.simulation;
      if (sim && (sim.verdict !== 'stable' || sim.float32Limit)) out.push(`  ${m.name}: ${sim.reason}`);
      for (const w of m.whatIf ?? []) out.push(`  ${m.name}: ${w.label}: ${w.verdict}${w.borderline ? ' (borderline)' : ''}, output gain ${num(w.outputGain)}, gradient gain ${num(w.gradientGain)}`);
      const assumptions = m.summary.assumptions.length;
      if (assumptions) out.push(`  ${m.name}: ${assumptions} assumption${assumptions === 1 ? '' : 's'} (${m.summary.assumptions[0].message}${assumptions > 1 ? ' ...' : ''})`);
    }
  }
  for (const { finding: x } of distinctFindings(f)) out.push(`${loc(path, x)} ${x.severity} ${x.ruleId} ${x.message}`);
  return out;
}
