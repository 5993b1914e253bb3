/**
 * Small structural validators for data crossing the webview boundary (and for the report JSON embedded in the
 * HTML export). Each check pushes readable errors ("files[0].models[2].layers[5].name: expected a string")
 * and stops after a few. Unknown extra fields are allowed: the report contract only grows.
 */
import type { AnalysisReport } from '../core/report/types';

export type Check = (v: unknown, at: string, errs: string[]) => void;

const MAX_ERRORS = 8;

function fail(errs: string[], at: string, what: string): void {
  if (errs.length < MAX_ERRORS) errs.push(`${at || 'value'}: expected ${what}`);
}

export const str: Check = (v, at, e) => {
  if (typeof v !== 'string') fail(e, at, 'a string');
};
export const num: Check = (v, at, e) => {
  if (typeof v !== 'number') fail(e, at, 'a number');
};
export const int: Check = (v, at, e) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(e, at, 'a non-negative integer');
};
export const bool: Check = (v, at, e) => {
  if (typeof v !== 'boolean') fail(e, at, 'a boolean');
};
export const any: Check = () => undefined;

export function nullable(c: Check): Check {
  return (v, at, e) => {
    if (v !== null) c(v, at, e);
  };
}

export function oneOf(...values: string[]): Check {
  return (v, at, e) => {
    if (typeof v !== 'string' || !values.includes(v)) fail(e, at, `one of ${values.join(', ')}`);
  };
}

const OPTIONAL = Symbol('optional');
type OptionalCheck = Check & { [OPTIONAL]: true };

export function opt(c: Check): Check {
  const o = ((v: unknown, at: string, e: string[]) => {
    if (v !== undefined) c(v, at, e);
  }) as OptionalCheck;
  o[OPTIONAL] = true;
  return o;
}

function isOptional(c: Check): boolean {
  return (c as Partial<OptionalCheck>)[OPTIONAL] === true;
}

export function isPlainObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(shape: { [key: string]: Check }): Check {
  return (v, at, e) => {
    if (!isPlainObject(v)) return fail(e, at, 'an object');
    for (const key of Object.keys(shape)) {
      if (e.length >= MAX_ERRORS) return;
      const c = shape[key];
      const val = Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
      if (val === undefined && !isOptional(c)) {
        fail(e, `${at}.${key}`, 'a value');
        continue;
      }
      c(val, `${at}.${key}`, e);
    }
  };
}

export function arr(c: Check, max = 1_000_000): Check {
  return (v, at, e) => {
    if (!Array.isArray(v)) return fail(e, at, 'an array');
    if (v.length > max) return fail(e, at, `at most ${max} items`);
    for (let i = 0; i < v.length && e.length < MAX_ERRORS; i++) c(v[i], `${at}[${i}]`, e);
  };
}

export function record(c: Check): Check {
  return (v, at, e) => {
    if (!isPlainObject(v)) return fail(e, at, 'an object');
    for (const k of Object.keys(v)) {
      if (e.length >= MAX_ERRORS) return;
      c(v[k], `${at}.${k}`, e);
    }
  };
}

export function union(...cs: Check[]): Check {
  return (v, at, e) => {
    for (const c of cs) {
      const sub: string[] = [];
      c(v, at, sub);
      if (sub.length === 0) return;
    }
    fail(e, at, 'a value of an allowed type');
  };
}

/** Runs a check: the errors (empty when valid). */
export function validate(c: Check, v: unknown, at = ''): string[] {
  const errs: string[] = [];
  c(v, at, errs);
  return errs;
}

// --- The report contract (src/core/report/types.ts, src/core/simulate/types.ts, src/core/rules/types.ts) ---

const position = obj({ line: int, character: int });
export const span = obj({ file: str, start: position, end: position });
const note = obj({ kind: str, message: str, span: opt(span) });
const numOrNull = nullable(num);
const numSeries = arr(numOrNull);
const verdict = oneOf('stable', 'exploding', 'vanishing', 'growing', 'decaying', 'collapsing');
const float32Limit = nullable(obj({ node: str, direction: oneOf('forward', 'backward'), kind: oneOf('underflow', 'overflow') }));
const series = obj({ nodes: arr(str), fwdRms: numSeries, gradRms: numSeries, sampleCosine: numSeries, weightGradNorm: numSeries });
const layerSim = obj({
  fwdRms: numOrNull,
  fwdMean: numOrNull,
  maxAbs: numOrNull,
  deadFraction: num,
  saturation: opt(num),
  gradRms: numOrNull,
  weightGradNorm: numOrNull,
  sampleCosine: numOrNull,
  inputRetention: opt(numOrNull),
});
const textEdit = obj({ span, newText: str });
const fix = obj({ title: str, edits: arr(textEdit), isPreferred: opt(bool), whatIf: opt(str) });
const finding = obj({
  ruleId: str,
  severity: oneOf('error', 'warning', 'info', 'hint'),
  message: str,
  span,
  related: arr(obj({ span, message: str })),
  fixes: arr(fix),
  data: opt(record(union(num, str, bool))),
  nodes: opt(arr(str)),
});
const simulation = obj({
  verdict,
  forwardVerdict: verdict,
  backwardVerdict: verdict,
  borderline: bool,
  reason: str,
  outputGain: numOrNull,
  gradientGain: numOrNull,
  weightGradImbalance: numOrNull,
  float32Limit,
  seed: num,
  width: num,
  batch: num,
  seqLen: opt(num),
  profile: oneOf('full', 'interactive'),
  ms: num,
  partial: bool,
  layers: record(layerSim),
  series,
  notes: arr(str),
});
const whatIf = obj({ fix: str, label: str, verdict, borderline: bool, outputGain: numOrNull, gradientGain: numOrNull, float32Limit, series });
const layer = obj({
  id: str,
  className: str,
  name: str,
  config: record(any),
  span: opt(span),
  inputs: arr(str),
  outputShape: opt(arr(numOrNull)),
  kind: str,
  sim: opt(layerSim),
});
const summary = obj({
  weightedLayers: num,
  totalLayers: num,
  depthWeighted: num,
  maxPlainRun: num,
  normalization: arr(str),
  residual: bool,
  residualBlocks: num,
  blockStyle: opt(oneOf('pre-ln', 'post-ln', 'mixed', 'unnormalized', 'none')),
  assumptions: arr(note),
});
const model = obj({
  name: str,
  builder: opt(str),
  span,
  api: str,
  layers: arr(layer, 100_000),
  summary,
  findings: arr(finding),
  simulation: opt(simulation),
  whatIf: opt(arr(whatIf)),
});
export const fileReport = obj({ path: str, errors: arr(note), notes: arr(note), models: arr(model) });
export const analysisReport = obj({ version: str, tool: obj({ name: str, version: str }), files: arr(fileReport) });

export function validateReport(v: unknown): string[] {
  return validate(analysisReport, v, 'report');
}

export function isAnalysisReport(v: unknown): v is AnalysisReport {
  return validateReport(v).length === 0;
}
