/**
 * Weight initializers exactly as tfjs draws them (tfjs-layers/src/initializers.ts, tfjs-core rand_util.ts):
 *
 * - varianceScaling: scale / max(1, fanIn | fanOut | (fanIn + fanOut)/2). distribution 'normal' draws a normal
 *   truncated at +-2 sigma WITHOUT Keras's correction (0.77374 of the nominal variance); every other value
 *   ('uniform', and also 'truncatedNormal', which tfjs accepts but routes to its uniform branch) draws
 *   U(-limit, limit) with limit = sqrt(3 scale / n): exact variance. Keras's 'untruncatedNormal' (not valid in
 *   tfjs) is taken as a plain normal.
 * - glorotNormal/Uniform (scale 1, fanAvg), heNormal/Uniform (2, fanIn), leCunNormal/Uniform (1, fanIn).
 * - randomNormal (mean 0, stddev 0.05), randomUniform (-0.05, 0.05), truncatedNormal (0, 0.05, +-2 sigma
 *   rejection): tfjs reads the args with `||`, so a 0 minval / maxval / stddev falls back to the default.
 * - zeros, ones, constant(value), identity(gain) (square; non-square simulated shapes get eye(rows, cols)),
 *   orthogonal(gain): Gram-Schmidt on the rows of a normal matrix of the shorter orientation (tfjs).
 * - computeFans: 2-D [in, out]; 3-5-D conv kernels (channelsLast) receptive field x channels; else sqrt(prod).
 */
import type { ConfigValue, InitializerRef } from '../graph/types';
import { Rng } from './rng';
import { dict } from '../dict';

/** Variance of N(0,1) truncated at +-2: what tfjs's "normal" initializers keep of their nominal variance. */
export const TRUNCATED_NORMAL_VARIANCE_FACTOR = 0.7737413;

export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length >= 3 && shape.length <= 5) {
    let receptive = 1;
    for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
    return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
  }
  const prod = shape.reduce((a, b) => a * b, 1);
  return [Math.sqrt(prod), Math.sqrt(prod)];
}

interface VsForm {
  scale: number;
  mode: 'fanIn' | 'fanOut' | 'fanAvg';
  distribution: 'normal' | 'uniform' | 'untruncatedNormal';
}

const NAMED: { [id: string]: VsForm } = dict({
  glorotNormal: { scale: 1, mode: 'fanAvg', distribution: 'normal' },
  glorotUniform: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fanIn', distribution: 'normal' },
  heUniform: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
  leCunNormal: { scale: 1, mode: 'fanIn', distribution: 'normal' },
  leCunUniform: { scale: 1, mode: 'fanIn', distribution: 'uniform' },
});

function num(v: ConfigValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** tfjs reads these args with `x || default`: 0 and absent both give the default. */
function orDefault(v: ConfigValue | undefined, d: number): number {
  const n = num(v);
  return n ? n : d;
}

function vsForm(ref: InitializerRef): VsForm | undefined {
  const named = NAMED[ref.id];
  if (named) return named;
  if (ref.id !== 'varianceScaling') return undefined;
  const a = ref.args ?? {};
  const scale = num(a.scale) ?? 1;
  const mode = a.mode === 'fanOut' || a.mode === 'fanAvg' ? a.mode : 'fanIn';
  const d = a.distribution;
  // tfjs: `distribution === 'normal'` -> truncated normal; anything else -> uniform.
  const distribution = d === undefined || d === null || d === 'normal' ? 'normal' : d === 'untruncatedNormal' ? 'untruncatedNormal' : 'uniform';
  return { scale, mode, distribution };
}

function vsScale(f: VsForm, fans: [number, number]): number {
  const [fanIn, fanOut] = fans;
  const n = f.mode === 'fanIn' ? fanIn : f.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  return f.scale / Math.max(1, n);
}

export interface InitMoments {
  mean: number;
  variance: number;
  /** True for identity/orthogonal: a structured matrix, not i.i.d. entries. */
  structured: boolean;
}

/** The mean and variance per entry that `initialize` draws for a weight of this (real) shape. */
export function initializerMoments(ref: InitializerRef | undefined, shape: readonly number[]): InitMoments {
  const id = ref?.id ?? 'glorotNormal';
  const a = ref?.args ?? {};
  const vs = vsForm(ref ?? { id });
  if (vs) {
    const s = vsScale(vs, computeFans(shape));
    return { mean: 0, variance: vs.distribution === 'normal' ? s * TRUNCATED_NORMAL_VARIANCE_FACTOR : s, structured: false };
  }
  switch (id) {
    case 'zeros':
      return { mean: 0, variance: 0, structured: false };
    case 'ones':
      return { mean: 1, variance: 0, structured: false };
    case 'constant':
      return { mean: num(a.value) ?? 0, variance: 0, structured: false };
    case 'randomNormal': {
      const sd = orDefault(a.stddev, 0.05);
      return { mean: orDefault(a.mean, 0), variance: sd * sd, structured: false };
    }
    case 'truncatedNormal': {
      const sd = orDefault(a.stddev, 0.05);
      return { mean: orDefault(a.mean, 0), variance: sd * sd * TRUNCATED_NORMAL_VARIANCE_FACTOR, structured: false };
    }
    case 'randomUniform': {
      const lo = orDefault(a.minval, -0.05);
      const hi = orDefault(a.maxval, 0.05);
      return { mean: (lo + hi) / 2, variance: (hi - lo) ** 2 / 12, structured: false };
    }
    case 'identity':
    case 'orthogonal': {
      const g = num(a.gain) ?? 1;
      const rows = shape[0] ?? 1;
      const cols = shape[shape.length - 1] ?? 1;
      // Orthonormal rows (or columns) of the longer side: per entry g^2 / max(rows, cols).
      return { mean: 0, variance: (g * g) / Math.max(rows, cols), structured: true };
    }
    default:
      // Unknown initializer ids: tfjs would fail to deserialize them; treat as the Dense default (glorotNormal).
      return initializerMoments({ id: 'glorotNormal' }, shape);
  }
}

/** True when the simulator knows this initializer id (others fall back to glorotNormal with a note). */
export function isKnownInitializer(id: string): boolean {
  return (
    id in NAMED ||
    ['varianceScaling', 'zeros', 'ones', 'constant', 'randomNormal', 'truncatedNormal', 'randomUniform', 'identity', 'orthogonal'].includes(id)
  );
}

export interface DrawShape {
  rows: number;
  cols: number;
}

/**
 * Draw a weight as tfjs would for the real `shape` (fans and all parameters from it). `draw` is the shape of
 * the matrix actually produced (defaults to the real 2-D shape, or prod(shape[:-1]) x shape[-1]): the
 * simulator passes its capped shape here and rescales afterwards (see simulate/weights.ts).
 */
export function initialize(ref: InitializerRef | undefined, shape: readonly number[], rng: Rng, draw?: DrawShape, out?: Float32Array): Float32Array {
  const rows = draw?.rows ?? shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cols = draw?.cols ?? shape[shape.length - 1] ?? 1;
  const n = rows * cols;
  const w = out ?? new Float32Array(n);
  const id = ref?.id ?? 'glorotNormal';
  const a = ref?.args ?? {};
  const vs = vsForm(ref ?? { id });
  if (vs) {
    const s = vsScale(vs, computeFans(shape));
    if (vs.distribution === 'normal') rng.fillTruncatedNormal(w.subarray(0, n), 0, Math.sqrt(s));
    else if (vs.distribution === 'untruncatedNormal') rng.fillNormal(w.subarray(0, n), 0, Math.sqrt(s));
    else {
      const limit = Math.sqrt(3 * s);
      rng.fillUniform(w.subarray(0, n), -limit, limit);
    }
    return w;
  }
  switch (id) {
    case 'zeros':
      w.fill(0, 0, n);
      return w;
    case 'ones':
      w.fill(1, 0, n);
      return w;
    case 'constant':
      w.fill(num(a.value) ?? 0, 0, n);
      return w;
    case 'randomNormal':
      rng.fillNormal(w.subarray(0, n), orDefault(a.mean, 0), orDefault(a.stddev, 0.05));
      return w;
    case 'truncatedNormal':
      rng.fillTruncatedNormal(w.subarray(0, n), orDefault(a.mean, 0), orDefault(a.stddev, 0.05));
      return w;
    case 'randomUniform':
      rng.fillUniform(w.subarray(0, n), orDefault(a.minval, -0.05), orDefault(a.maxval, 0.05));
      return w;
    case 'identity': {
      const g = num(a.gain) ?? 1;
      w.fill(0, 0, n);
      for (let i = 0; i < Math.min(rows, cols); i++) w[i * cols + i] = g;
      return w;
    }
    case 'orthogonal':
      return orthogonal(rows, cols, num(a.gain) ?? 1, rng, w);
    default:
      return initialize({ id: 'glorotNormal' }, shape, rng, { rows, cols }, w);
  }
}

/** tfjs Orthogonal: Gram-Schmidt on the rows of a normal [min, max]-oriented matrix, transposed back, x gain. */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng, out?: Float32Array): Float32Array {
  const transpose = rows > cols;
  const r = transpose ? cols : rows;
  const c = transpose ? rows : cols;
  const m = new Float64Array(r * c);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  for (let i = 0; i < r; i++) {
    const oi = i * c;
    for (let j = 0; j < i; j++) {
      const oj = j * c;
      let d = 0;
      for (let k = 0; k < c; k++) d += m[oi + k] * m[oj + k];
      for (let k = 0; k < c; k++) m[oi + k] -= d * m[oj + k];
    }
    let nn = 0;
    for (let k = 0; k < c; k++) nn += m[oi + k] * m[oi + k];
    const inv = 1 / Math.sqrt(nn);
    for (let k = 0; k < c; k++) m[oi + k] *= inv;
  }
  const w = out ?? new Float32Array(rows * cols);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < c; k++) {
      if (transpose) w[k * cols + i] = gain * m[i * c + k];
      else w[i * cols + k] = gain * m[i * c + k];
    }
  return w;
}
