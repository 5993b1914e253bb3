/**
 * Words and numbers for the editor surface (CodeLens titles, hovers, the status bar, the text report),
 * as pure functions of the report data: no 'vscode' import, unit-tested.
 */
import type { ConfigValue, Span } from '../core/graph/types';
import type { FileReport, LayerReport, ModelReport } from '../core/report/types';
import type { Severity } from '../core/rules/types';
import type { SimulationResult, Verdict } from '../core/simulate/types';

/** A scale factor in a few characters: ×1e6, ×0.52, ×3.4, ×1e-8; '?' when unknown. */
export function formatScale(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return x === Infinity ? '×∞' : '×?';
  if (x === 0) return '×0';
  const e = Math.log10(Math.abs(x));
  if (e >= 2 || e <= -2) return `×1e${Math.round(e)}`;
  return `×${Math.abs(x) >= 10 ? x.toFixed(0) : x.toPrecision(2)}`;
}

/** A plain number for tables: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Float32 failure: values reach 0 or Infinity in a real float32 model. */
export function float32Text(sim: SimulationResult): string | undefined {
  const f = sim.float32Limit;
  if (!f) return undefined;
  const dir = f.direction === 'forward' ? 'activations' : 'gradients';
  return `${dir} ${f.kind === 'overflow' ? 'overflow float32 to Infinity' : 'underflow float32 to 0'} at ${f.node}`;
}

/** Severity of the simulation verdict as a diagnostic (STYLE §5): undefined for a clean stable run. */
export function verdictSeverity(sim: SimulationResult): Severity | undefined {
  if (sim.float32Limit) return 'error';
  if (sim.verdict === 'exploding' || sim.verdict === 'vanishing' || sim.verdict === 'collapsing') return 'warning';
  if (sim.verdict === 'stable' && !sim.borderline) return undefined;
  return 'info';
}

const VERDICT_WORDS: { [v in Verdict]: string } = {
  stable: 'stable',
  exploding: 'exploding',
  vanishing: 'vanishing',
  growing: 'growing',
  decaying: 'decaying',
  collapsing: 'collapsing (rank collapse)',
};

export function verdictWords(sim: SimulationResult): string {
  if (sim.float32Limit) return sim.float32Limit.kind === 'overflow' ? 'diverges (float32 overflow)' : 'vanishes (float32 underflow)';
  return `${VERDICT_WORDS[sim.verdict] ?? sim.verdict}${sim.borderline ? ' (borderline)' : ''}`;
}

/** The diagnostic message for a model's simulation verdict. */
export function simulationMessage(model: ModelReport, sim: SimulationResult): string {
  const parts = [
    `Simulated signal propagation of '${model.name}': ${verdictWords(sim)}`,
    `activations ${formatScale(sim.outputGain)} from input to output, gradients ${formatScale(sim.gradientGain)} from output to input`,
  ];
  const f32 = float32Text(sim);
  if (f32) parts.push(f32);
  let msg = parts.join('; ') + '.';
  if (sim.reason) msg += ` ${sim.reason}`;
  msg += ` (seed ${sim.seed}, ${sim.profile} profile${sim.partial ? ', partial: time budget reached' : ''})`;
  return msg;
}

/** "Stability Lens: 48 weighted layers · activations ×1e6 at output · Show report". */
export function codeLensTitle(model: ModelReport, pending: boolean): string {
  const parts = [`Stability Lens: ${plural(model.summary.weightedLayers, 'weighted layer')}`];
  const sim = model.simulation;
  if (sim) {
    parts.push(`activations ${formatScale(sim.outputGain)} at output`);
    if (sim.float32Limit || sim.verdict !== 'stable') parts.push(verdictWords(sim));
  } else if (pending) {
    parts.push('simulating…');
  }
  const n = model.findings.length;
  if (n > 0) parts.push(plural(n, 'finding'));
  parts.push('Show report');
  return parts.join(' · ');
}

/** The worst verdict across a file's models, for the status bar. */
export function fileVerdict(report: FileReport): { text: string; severity: Severity | 'ok' } | undefined {
  if (report.models.length === 0) return undefined;
  const rank = { error: 3, warning: 2, info: 1, hint: 0, ok: -1 } as const;
  let worst: { text: string; severity: Severity | 'ok' } | undefined;
  for (const m of report.models) {
    const sim = m.simulation;
    const sev: Severity | 'ok' = sim ? (verdictSeverity(sim) ?? 'ok') : 'ok';
    const text = sim ? verdictWords(sim) : 'not simulated';
    if (!worst || rank[sev] > rank[worst.severity]) worst = { text, severity: sev };
  }
  return worst;
}

export function statusBarText(report: FileReport | undefined, busy: boolean): string | undefined {
  const icon = (s: Severity | 'ok'): string => (s === 'error' ? '$(error)' : s === 'warning' ? '$(warning)' : s === 'ok' ? '$(pulse)' : '$(info)');
  if (!report) return busy ? '$(sync~spin) Stability Lens' : undefined;
  const v = fileVerdict(report);
  if (!v) return busy ? '$(sync~spin) Stability Lens' : undefined;
  const findings = report.models.reduce((a, m) => a + m.findings.length, 0);
  const models = report.models.length > 1 ? ` (${report.models.length} models)` : '';
  return `${busy ? '$(sync~spin)' : icon(v.severity)} ${v.text}${findings ? ` · ${plural(findings, 'finding')}` : ''}${models}`;
}

export function statusBarTooltip(report: FileReport): string {
  const lines = report.models.map((m) => {
    const sim = m.simulation;
    const simText = sim ? `${verdictWords(sim)}, activations ${formatScale(sim.outputGain)}, gradients ${formatScale(sim.gradientGain)}` : 'not simulated yet';
    return `${m.name}: ${plural(m.summary.weightedLayers, 'weighted layer')}; ${simText}; ${plural(m.findings.length, 'finding')}`;
  });
  return ['Stability Lens (click for the report)', ...lines].join('\n');
}

export function spanContains(span: Span, line: number, character: number): boolean {
  const afterStart = line > span.start.line || (line === span.start.line && character >= span.start.character);
  const beforeEnd = line < span.end.line || (line === span.end.line && character <= span.end.character);
  return afterStart && beforeEnd;
}

function spanSize(s: Span): number {
  return (s.end.line - s.start.line) * 1e6 + (s.end.character - s.start.character);
}

export interface LayerHit {
  model: ModelReport;
  modelIndex: number;
  /** All layers made by the innermost factory call at the position (several when it runs in a loop). */
  layers: LayerReport[];
}

/** The layers whose factory call (span) is the innermost one containing the position, in `file`. */
export function layersAt(report: FileReport, file: string, line: number, character: number): LayerHit | undefined {
  let best: { modelIndex: number; span: Span } | undefined;
  report.models.forEach((model, modelIndex) => {
    for (const layer of model.layers) {
      const s = layer.span;
      if (!s || s.file !== file || !spanContains(s, line, character)) continue;
      if (!best || spanSize(s) < spanSize(best.span)) best = { modelIndex, span: s };
    }
  });
  if (!best) return undefined;
  const { modelIndex, span } = best;
  const model = report.models[modelIndex];
  const here = model.layers.filter((l) => l.span && sameSpan(l.span, span));
  // `inputShape` on the first layer implies an InputLayer with the same span: show the layer itself
  const real = here.filter((l) => l.className !== 'InputLayer');
  return { model, modelIndex, layers: real.length ? real : here };
}

export function sameSpan(a: Span, b: Span): boolean {
  return a.file === b.file && a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export function formatConfigValue(v: ConfigValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatConfigValue).join(', ')}]`;
  // an initializer reference { id, args }
  if (typeof v.id === 'string' && Object.keys(v).every((k) => k === 'id' || k === 'args')) {
    const args = v.args && typeof v.args === 'object' && !Array.isArray(v.args) ? Object.entries(v.args) : [];
    return args.length ? `${v.id}(${args.map(([k, x]) => `${k}: ${formatConfigValue(x)}`).join(', ')})` : v.id;
  }
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${formatConfigValue(x)}`)
    .join(', ')}}`;
}

/** Line breaks and other control characters from the code become spaces: one hover line stays one line. */
// eslint-disable-next-line no-control-regex -- line breaks and control characters are what is removed
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
const escapeMd = (s: string): string => oneLine(s).replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
/**
 * A name or value from the code as inline code: no backtick to close the span early and no line break (a blank
 * line would end the span and the rest, e.g. an `![](https://...)` image, would render as markdown).
 */
const code = (s: string): string => `\`${oneLine(s).replace(/`/g, "'")}\``;

/** Hover markdown for the layers made by one factory call: resolved config (defaults marked) and simulated scales. */
export function layerHoverMarkdown(hit: LayerHit, written: string[] | undefined): string {
  const layer = hit.layers[0];
  const count = hit.layers.length;
  const out: string[] = [];
  out.push(`**${escapeMd(layer.className)}** ${code(layer.name)}${count > 1 ? ` and ${count - 1} more made here (${count} layers)` : ''} · model ${code(hit.model.name)}`);
  out.push('');
  const writtenSet = written ? new Set(written) : undefined;
  // what the user wrote first, then the tfjs defaults it inherits
  const keys = Object.keys(layer.config)
    .filter((k) => k !== 'name' && k !== 'trainable')
    .sort((a, b) => Number(writtenSet ? !writtenSet.has(a) : 0) - Number(writtenSet ? !writtenSet.has(b) : 0));
  if (keys.length) {
    out.push('| option | value | |', '|---|---|---|');
    for (const k of keys) {
      const isDefault = writtenSet ? !writtenSet.has(k) : false;
      out.push(`| ${escapeMd(k)} | ${code(formatConfigValue(layer.config[k])).replace(/\|/g, '\\|')} | ${isDefault ? '*tfjs default*' : ''} |`);
    }
    out.push('');
  }
  const sims = hit.layers.map((l) => l.sim).filter((s): s is NonNullable<typeof s> => s !== undefined);
  const sim = hit.model.simulation;
  if (sims.length && sim) {
    const range = (vals: (number | null)[]): string => {
      const v = vals.filter((x): x is number => x !== null && Number.isFinite(x));
      if (!v.length) return 'n/a';
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      return lo === hi || count === 1 ? formatNumber(lo) : `${formatNumber(lo)} … ${formatNumber(hi)}`;
    };
    const dead = Math.max(...sims.map((s) => s.deadFraction));
    out.push(
      `Simulated (seed ${sim.seed}, ${sim.profile}): forward RMS **${range(sims.map((s) => s.fwdRms))}** · gradient RMS **${range(sims.map((s) => s.gradRms))}**` +
        (dead > 0 ? ` · dead units ${(dead * 100).toFixed(0)}%` : ''),
    );
  } else {
    out.push('*Not simulated yet.*');
  }
  return out.join('\n');
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const loc = (s: Span | undefined): string => (s ? `${s.start.line + 1}:${s.start.character + 1}` : '-');

/** A readable plain-text report of one file (the fallback when the webview report is not available). */
export function textReport(report: FileReport): string {
  const out: string[] = [`Stability Lens report: ${report.path}`, ''];
  for (const e of report.errors) out.push(`error: ${e.message}`);
  for (const n of report.notes) out.push(`note (${n.kind}) ${loc(n.span)}: ${n.message}`);
  if (report.models.length === 0) out.push('No TensorFlow.js models found.');
  for (const m of report.models) {
    const s = m.summary;
    out.push(`Model '${m.name}'${m.builder ? ` (built in ${m.builder})` : ''}, ${m.api}, at ${loc(m.span)}`);
    out.push(`  ${plural(s.weightedLayers, 'weighted layer')}, ${plural(s.totalLayers, 'layer')}, weighted depth ${s.depthWeighted}, longest plain run ${s.maxPlainRun}`);
    out.push(`  normalization: ${s.normalization.length ? s.normalization.join(', ') : 'none'}; residual: ${s.residual ? `yes (${s.residualBlocks} blocks${s.blockStyle && s.blockStyle !== 'none' ? `, ${s.blockStyle}` : ''})` : 'no'}`);
    for (const a of s.assumptions) out.push(`  assumption ${loc(a.span)}: ${a.message}`);
    const sim = m.simulation;
    if (sim) {
      out.push(`  simulation (seed ${sim.seed}, ${sim.profile}, width ${sim.width}, batch ${sim.batch}, ${sim.ms.toFixed(0)} ms${sim.partial ? ', partial' : ''}): ${verdictWords(sim)}`);
      out.push(`    activations ${formatScale(sim.outputGain)} input to output; gradients ${formatScale(sim.gradientGain)} output to input`);
      const f32 = float32Text(sim);
      if (f32) out.push(`    ${f32}`);
      if (sim.reason) out.push(`    ${sim.reason}`);
    }
    for (const w of m.whatIf ?? []) out.push(`  what if ${w.label}: ${w.verdict}${w.borderline ? ' (borderline)' : ''}, activations ${formatScale(w.outputGain)}, gradients ${formatScale(w.gradientGain)}`);
    if (m.findings.length) out.push('  findings:');
    for (const f of m.findings) {
      out.push(`    ${pad(f.severity, 7)} ${pad(loc(f.span), 8)} ${f.ruleId}: ${f.message}`);
      for (const fix of f.fixes) out.push(`      fix: ${fix.title}`);
    }
    if (m.layers.length) {
      out.push('  layers:');
      for (const l of m.layers) {
        const simText = l.sim ? `  fwd ${formatNumber(l.sim.fwdRms)}  grad ${formatNumber(l.sim.gradRms)}` : '';
        out.push(`    ${pad(l.id, 6)} ${pad(l.className, 20)} ${pad(l.name, 24)} ${pad(loc(l.span), 8)}${simText}`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}
