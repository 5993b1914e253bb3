/**
 * The simulation engine: runs a LayerGraph forward on simulated tensors and backward from a cotangent.
 * Each layer class has a handler that returns its output and a backward closure (per layer, never per
 * element). Mean-field equivalents for layers that are not simulated literally are documented in
 * docs/simulation.md; every approximation that applies leaves a note.
 */
import type { Config, ConfigValue, InitializerRef, LayerGraph, LayerNode } from '../graph/types';
import { normalizeActivation, normalizeInitializer } from '../graph/catalog';
import {
  activationDerivative,
  activationScalar,
  ACTIVATIONS,
  isPositivelyHomogeneous,
  softmaxBackward,
  softmaxForward,
  type ActivationName,
  type ActivationParams,
} from '../kernels/activations';
import { attentionBackward, attentionForward } from '../kernels/attention';
import { batchNormBackward, batchNormForward } from '../kernels/batchNorm';
import { concatBackward, concatForward } from '../kernels/merge';
import { embeddingBackward, embeddingForward } from '../kernels/embedding';
import { dropoutBackward, dropoutForward } from '../kernels/dropout';
import type { KernelBackend } from '../kernels/types';
import { Rng } from './rng';
import { accumulate, addInto, align, copyData, like, makeVal, materialize, newData, newOutput, newOutput64, renormalize, scaleInPlace, scaleInto, storedRms, withData, type Val } from './values';
import { meanFieldFactors, normalDraw, WeightStore } from './weights';
import { initialize } from './initializers';
import { tensorOpNode } from './tensorOps';

export interface EngineContext {
  seed: number;
  /** width cap */
  width: number;
  batch: number;
  seqLen: number;
  /** hard cap on any allocated width (concatenations) */
  maxWidth: number;
  backend: KernelBackend;
  weights: WeightStore;
  notes: Set<string>;
  dropoutTraining: boolean;
  /** stop between layers (cancellation / time budget). */
  shouldStop(): boolean;
}

/** Gradient of a weight: log10 of its (real-equivalent) Frobenius norm. */
export type Backward = (dy: Val) => (Val | undefined)[];

export interface NodeOutput {
  out: Val;
  back: Backward;
  /** set by `back` for weighted layers. */
  weightGrad?: { log10Norm: number };
  /** pre-activation (for saturation) and activation name (for dead units). */
  pre?: Val;
  activation?: ActivationName;
  /** Backward of the part before the activation (dL/dpre -> inputs), for a loss head at the output. */
  preBack?: Backward;
}

const LN10 = Math.LN10;

const LOG10E = Math.LOG10E;

// ---------------------------------------------------------------------------------------------------------
// config helpers

function num(c: Config, k: string): number | undefined {
  const v = c[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function bool(c: Config, k: string, d: boolean): boolean {
  const v = c[k];
  return typeof v === 'boolean' ? v : d;
}
function initRef(c: Config, k: string, d: InitializerRef): InitializerRef {
  return normalizeInitializer(c[k]) ?? d;
}
function numList(v: ConfigValue | undefined): number[] | undefined {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null)) return v.map((x) => (typeof x === 'number' ? x : NaN));
  return undefined;
}
export function activationOf(name: string | undefined): ActivationName | undefined {
  const n = normalizeActivation(name ?? 'linear') ?? 'linear';
  if (n === 'silu') return 'swish';
  return (ACTIVATIONS as readonly string[]).includes(n) ? (n as ActivationName) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// element-wise activations with log-scale handling

function applyActivation(ctx: EngineContext, x: Val, name: ActivationName, p: ActivationParams, what: string): { out: Val; back: (dy: Val) => Val } {
  if (name === 'linear') return { out: x, back: (dy) => dy };
  if (name === 'softmax') return applySoftmax(x);
  if (isPositivelyHomogeneous(name, p) || x.logScale === 0) {
    // GELU keeps its erf values for the backward pass (the same numbers, not computed twice).
    const aux = name === 'gelu' ? newOutput64(x.data.length) : undefined;
    const y = like(x, ctx.backend.activationForward(name, x.data, newData(x.data.length), p, aux));
    if (!isPositivelyHomogeneous(name, p)) y.logScale = 0;
    renormalize(y);
    // y may have been renormalised: tanh/sigmoid backward read y, so keep the un-normalised output for them.
    const yRaw = y.logScale === 0 ? y.data : ctx.backend.activationForward(name, x.data, newData(x.data.length), p);
    return {
      out: y,
      back: (dy) => {
        const d = like(dy, ctx.backend.activationBackward(name, x.data, yRaw, dy.data, newData(dy.data.length), p, aux));
        d.logScale = dy.logScale;
        return renormalize(d);
      },
    };
  }
  // Outside float32's comfortable range and not homogeneous: evaluate on the true values in float64.
  ctx.notes.add(`${what}: ${name} evaluated on values outside float32's range in float64 (true scale e^${x.logScale.toFixed(1)}).`);
  const f = Math.exp(x.logScale);
  const n = x.data.length;
  const tmp = new Float64Array(n);
  let ss = 0;
  const clamp = (t: number) => (t > 1e300 ? 1e300 : t < -1e300 ? -1e300 : t);
  const linearRegime = f === 0;
  const d0 = activationDerivative(name, 0, p);
  const f0 = activationScalar(name, 0, p);
  for (let i = 0; i < n; i++) {
    const t = clamp(x.data[i] * f);
    const v = linearRegime ? (f0 !== 0 ? f0 : d0 * x.data[i]) : clamp(activationScalar(name, t, p));
    tmp[i] = v;
    ss += v * v;
  }
  const y = like(x);
  const rms = Math.sqrt(ss / Math.max(1, n));
  if (linearRegime && f0 === 0) {
    for (let i = 0; i < n; i++) y.data[i] = tmp[i];
    y.logScale = x.logScale;
  } else if (rms > 0 && Number.isFinite(rms)) {
    const k = Math.round(Math.log2(rms));
    const s = 2 ** -k;
    for (let i = 0; i < n; i++) y.data[i] = tmp[i] * s;
    y.logScale = k * Math.LN2;
  } else {
    y.logScale = 0;
  }
  renormalize(y);
  return {
    out: y,
    back: (dy) => {
      const d = like(dy);
      for (let i = 0; i < n; i++) {
        const t = linearRegime ? 0 : clamp(x.data[i] * f);
        const g = activationDerivative(name, t, p);
        d.data[i] = dy.data[i] * (Number.isFinite(g) ? g : 0);
      }
      d.logScale = dy.logScale;
      return renormalize(d);
    },
  };
}

function applySoftmax(x: Val): { out: Val; back: (dy: Val) => Val } {
  let logits = x.data;
  if (x.logScale !== 0) {
    // softmax(e^L x): shift by the row max in float64, then scale the differences.
    const f = Math.exp(x.logScale);
    logits = newData(x.data.length);
    for (let off = 0; off < logits.length; off += x.cols) {
      let mx = -Infinity;
      for (let c = 0; c < x.cols; c++) mx = Math.max(mx, x.data[off + c]);
      for (let c = 0; c < x.cols; c++) {
        const d = (x.data[off + c] - mx) * f;
        logits[off + c] = Number.isFinite(d) ? Math.max(d, -1e30) : x.data[off + c] === mx ? 0 : -1e30;
      }
    }
  }
  const y = like(x, softmaxForward(logits, x.cols, newData(logits.length)));
  y.logScale = 0;
  const scaleBack = x.logScale;
  return {
    out: y,
    back: (dy) => {
      const d = like(dy, softmaxBackward(y.data, dy.data, x.cols, newData(dy.data.length)));
      d.logScale = dy.logScale + scaleBack; // d(e^L x) chain rule
      return renormalize(d);
    },
  };
}

/** Add a bias vector (true values) to v (per column), aligning scales. */
function addBias(v: Val, bias: Float32Array): void {
  let any = false;
  for (let i = 0; i < bias.length; i++)
    if (bias[i] !== 0) {
      any = true;
      break;
    }
  if (!any) return;
  const target = Math.max(v.logScale, 0);
  const a = Math.exp(v.logScale - target);
  const b = Math.exp(-target);
  const d = v.data;
  for (let r = 0; r < v.rows; r++) {
    const off = r * v.cols;
    for (let c = 0; c < v.cols; c++) d[off + c] = d[off + c] * a + bias[c] * b;
  }
  v.logScale = target;
  renormalize(v);
}

// ---------------------------------------------------------------------------------------------------------
// linear maps (Dense, conv mean-field, projections)

interface LinearSpec {
  key: string;
  kernelRef: InitializerRef;
  realShape: number[];
  fanSumIn: number;
  fanSumOut: number;
  realOut: number;
  useBias: boolean;
  biasRef: InitializerRef;
}

function capWidth(ctx: EngineContext, real: number): number {
  return Math.max(1, Math.min(Number.isFinite(real) && real > 0 ? Math.round(real) : ctx.width, ctx.width));
}

function linear(ctx: EngineContext, x: Val, s: LinearSpec): { out: Val; back: Backward; grad: { log10Norm: number } } {
  const simIn = x.cols;
  const simOut = capWidth(ctx, s.realOut);
  const W = ctx.weights.get({ key: `${s.key}/kernel`, ref: s.kernelRef, realShape: s.realShape, rows: simIn, cols: simOut });
  const fac = meanFieldFactors(s.kernelRef, s.realShape, s.fanSumIn, s.fanSumOut, simIn, simOut);
  const y = makeVal(x.rows, simOut, x.seq, s.realOut, x.logScale + Math.log(fac.fwd), newOutput(x.rows * simOut));
  ctx.backend.matmul(x.data, W, { m: x.rows, k: simIn, n: simOut }, y.data);
  if (s.useBias) addBias(y, ctx.weights.get({ key: `${s.key}/bias`, ref: s.biasRef, realShape: [s.realOut], rows: 1, cols: simOut }));
  renormalize(y);
  const grad = { log10Norm: NaN };
  const gradEntries = Math.log10((s.realShape.reduce((a, b) => a * b, 1) || 1) / (simIn * simOut)) / 2;
  return {
    out: y,
    grad,
    back: (dy) => {
      const dx = makeVal(x.rows, simIn, x.seq, x.realWidth, dy.logScale + Math.log(fac.bwd), newOutput(x.rows * simIn));
      ctx.backend.matmul(dy.data, W, { m: x.rows, k: simOut, n: simIn, transB: true }, dx.data);
      const dW = ctx.backend.matmul(x.data, dy.data, { m: simIn, k: x.rows, n: simOut, transA: true }, newOutput(simIn * simOut));
      const r = Math.sqrt(ctx.backend.moments(dW).sumSq);
      grad.log10Norm = r > 0 ? Math.log10(r) + (x.logScale + dy.logScale) * LOG10E + gradEntries : -Infinity;
      return [renormalize(dx)];
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// normalization

function layerNorm(ctx: EngineContext, x: Val, key: string, cfg: Config, batch: boolean): { out: Val; back: Backward } {
  const eps = num(cfg, 'epsilon') ?? 1e-3;
  const cols = x.cols;
  const gamma = bool(cfg, 'scale', true)
    ? ctx.weights.get({ key: `${key}/gamma`, ref: initRef(cfg, 'gammaInitializer', { id: 'ones' }), realShape: [x.realWidth], rows: 1, cols })
    : new Float32Array(cols).fill(1);
  const beta = bool(cfg, 'center', true)
    ? ctx.weights.get({ key: `${key}/beta`, ref: initRef(cfg, 'betaInitializer', { id: 'zeros' }), realShape: [x.realWidth], rows: 1, cols })
    : new Float32Array(cols);
  const epsEff = eps * Math.exp(-2 * x.logScale);
  const statN = batch ? cols : x.rows;
  if (epsEff < 1e30) {
    const p = { rows: x.rows, cols, epsilon: epsEff };
    const mean = newData(statN);
    const rstd = newData(statN);
    const y = like(x);
    y.logScale = 0;
    if (batch) batchNormForward(x.data, gamma, beta, p, y.data, mean, rstd);
    else ctx.backend.layerNormForward(x.data, gamma, beta, p, y.data, mean, rstd);
    renormalize(y);
    const yScale = y.logScale;
    return {
      out: y,
      back: (dy) => {
        const g = batch ? batchNormBackward(dy.data, x.data, gamma, mean, rstd, p) : ctx.backend.layerNormBackward(dy.data, x.data, gamma, mean, rstd, p, { dx: newData(x.data.length) });
        const dx = like(x, g.dx);
        dx.logScale = dy.logScale - x.logScale;
        void yScale;
        return [renormalize(dx)];
      },
    };
  }
  // Input so small that epsilon dominates: the normalization is linear, y = gamma (x - mean) / sqrt(eps) + beta
  // (relative error below 1e-30 in the variance term).
  ctx.notes.add(`${key}: input below epsilon's scale; normalization simulated in its linear regime.`);
  const y = like(x);
  center(x.data, y.data, x.rows, cols, batch, gamma);
  y.logScale = x.logScale - 0.5 * Math.log(eps);
  addBias(y, beta);
  renormalize(y);
  return {
    out: y,
    back: (dy) => {
      const dx = like(x);
      const gd = newData(dy.data.length);
      for (let i = 0; i < gd.length; i++) gd[i] = dy.data[i] * gamma[i % cols];
      center(gd, dx.data, x.rows, cols, batch);
      dx.logScale = dy.logScale - 0.5 * Math.log(eps);
      return [renormalize(dx)];
    },
  };
}

/** out = (x - mean) * gamma, the mean over each row (layer) or each column (batch). */
function center(x: Float32Array, out: Float32Array, rows: number, cols: number, byColumn: boolean, gamma?: Float32Array): void {
  if (!byColumn) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[r * cols + c];
      const m = s / cols;
      for (let c = 0; c < cols; c++) out[r * cols + c] = (x[r * cols + c] - m) * (gamma ? gamma[c] : 1);
    }
    return;
  }
  const m = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[c] += x[r * cols + c] / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = (x[r * cols + c] - m[c]) * (gamma ? gamma[c] : 1);
}

// ---------------------------------------------------------------------------------------------------------
// shape conformance for merges

/**
 * Tile (or cut) v to rows x cols; returns the data and a function folding a gradient back. A single column
 * (x - mean(x, -1, keepDims)) and a per-sample row ([B, d] against [B, S, d]) are broadcasts as tfjs does them;
 * the gradient of a broadcast column sums over the real width (`realCols`) in the mean-field sense.
 */
function conform(ctx: EngineContext, v: Val, rows: number, cols: number, what: string, realCols = cols): { data: Float32Array; fold: (d: Float32Array) => Float32Array } {
  if (v.rows === rows && v.cols === cols) return { data: v.data, fold: (d) => d };
  const colB = v.cols === 1;
  const per = v.rows < rows && v.seq === 1 && rows % v.rows === 0 ? rows / v.rows : 0;
  if (!(colB || v.cols === cols) || !(per || v.rows === rows))
    ctx.notes.add(`${what}: inputs of different simulated shapes (${v.rows}x${v.cols} vs ${rows}x${cols}) were broadcast by tiling.`);
  const row = (r: number) => (v.rows === rows ? r : per ? Math.floor(r / per) : r % v.rows);
  const colScale = colB && cols > 1 ? Math.max(1, realCols) / cols : 1;
  const out = newData(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = v.data[row(r) * v.cols + (c % v.cols)];
  return {
    data: out,
    fold: (d) => {
      const g = newData(v.rows * v.cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) g[row(r) * v.cols + (c % v.cols)] += d[r * cols + c];
      if (colScale !== 1) scaleInPlace(g, colScale);
      return g;
    },
  };
}

type MergeKind = 'add' | 'average' | 'multiply' | 'maximum' | 'minimum' | 'subtract';

function merge(ctx: EngineContext, kind: MergeKind, xs: Val[], what: string): { out: Val; back: Backward } {
  let rows = 0;
  let cols = 0;
  let ref = xs[0];
  for (const v of xs) {
    if (v.rows * v.cols > rows * cols) ref = v;
    rows = Math.max(rows, v.rows);
    cols = Math.max(cols, v.cols);
  }
  const realCols = Math.max(...xs.map((v) => v.realWidth));
  const conf = xs.map((v) => conform(ctx, v, rows, cols, what, realCols));
  const n = rows * cols;
  const y = makeVal(rows, cols, ref.seq, Math.max(...xs.map((v) => v.realWidth)), 0);
  if (kind === 'multiply') {
    y.logScale = xs.reduce((a, v) => a + v.logScale, 0);
    y.data.fill(1);
    for (const c of conf) for (let i = 0; i < n; i++) y.data[i] *= c.data[i];
    renormalize(y);
    return {
      out: y,
      back: (dy) =>
        xs.map((v, j) => {
          const d = copyData(dy.data);
          let ls = dy.logScale;
          conf.forEach((c, q) => {
            if (q === j) return;
            ls += xs[q].logScale;
            for (let i = 0; i < n; i++) d[i] *= c.data[i];
          });
          return renormalize(like(v, conf[j].fold(d), ls));
        }),
    };
  }
  const al = align(xs.map((v, j) => withData(v, conf[j].data)));
  y.logScale = al.logScale;
  const k = xs.length;
  const arg = kind === 'maximum' || kind === 'minimum' ? new Uint8Array(n) : undefined;
  const ds = al.datas;
  const out = y.data;
  // One loop per kind (float64 sums of the float32 inputs, rounded once when stored).
  if (arg) {
    const isMax = kind === 'maximum';
    for (let i = 0; i < n; i++) {
      let s = ds[0][i];
      for (let j = 1; j < k; j++) {
        const v = ds[j][i];
        if (isMax ? v > s : v < s) {
          s = v;
          arg[i] = j;
        }
      }
      out[i] = s;
    }
  } else if (k === 2) {
    const a = ds[0];
    const b = ds[1];
    if (kind === 'subtract') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else if (kind === 'average') for (let i = 0; i < n; i++) out[i] = (a[i] + b[i]) / 2;
    else addInto(a, b, out);
  } else {
    const sign = kind === 'subtract' ? -1 : 1;
    const div = kind === 'average' ? k : 1;
    for (let i = 0; i < n; i++) {
      let s = ds[0][i];
      for (let j = 1; j < k; j++) s += sign === 1 ? ds[j][i] : -ds[j][i];
      out[i] = div === 1 ? s : s / div;
    }
  }
  renormalize(y);
  return {
    out: y,
    back: (dy) =>
      xs.map((v, j) => {
        const src = dy.data;
        const f = kind === 'average' ? 1 / k : kind === 'subtract' && j > 0 ? -1 : 1;
        let d: Float32Array;
        if (arg) {
          d = newData(n);
          for (let i = 0; i < n; i++) if (arg[i] === j) d[i] = src[i];
        } else if (f === 1) d = copyData(src);
        else {
          d = newData(n);
          scaleInto(src, f, d);
        }
        return renormalize(like(v, conf[j].fold(d), dy.logScale));
      }),
  };
}

function concatenate(ctx: EngineContext, xs: Val[], what: string): { out: Val; back: Backward } {
  const rows = Math.max(...xs.map((v) => v.rows));
  const conf = xs.map((v) => conform(ctx, v, rows, v.cols, what));
  let cols = xs.map((v) => v.cols);
  const total = cols.reduce((a, b) => a + b, 0);
  // Units are exchangeable at init: when the concatenation exceeds the allocation cap, keep a proportional
  // subset of each input's columns.
  let picks: Float32Array[] = conf.map((c) => c.data);
  if (total > ctx.maxWidth) {
    ctx.notes.add(`${what}: concatenation of ${total} simulated units subsampled to ${ctx.maxWidth}.`);
    const keep = cols.map((c) => Math.max(1, Math.floor((c * ctx.maxWidth) / total)));
    picks = conf.map((c, j) => {
      const out = newData(rows * keep[j]);
      for (let r = 0; r < rows; r++) for (let q = 0; q < keep[j]; q++) out[r * keep[j] + q] = c.data[r * cols[j] + q];
      return out;
    });
    cols = keep;
  }
  const al = align(xs.map((v, j) => makeVal(rows, cols[j], v.seq, v.realWidth, v.logScale, picks[j])));
  const sumCols = cols.reduce((a, b) => a + b, 0);
  const y = makeVal(rows, sumCols, xs[0].seq, xs.reduce((a, v) => a + v.realWidth, 0), al.logScale, concatForward(al.datas, cols, rows));
  renormalize(y);
  const origCols = xs.map((v) => v.cols);
  return {
    out: y,
    back: (dy) => {
      const parts = concatBackward(dy.data, cols, rows);
      return xs.map((v, j) => {
        let d = parts[j];
        if (cols[j] !== origCols[j]) {
          const full = newData(rows * origCols[j]);
          for (let r = 0; r < rows; r++) for (let q = 0; q < cols[j]; q++) full[r * origCols[j] + q] = d[r * cols[j] + q];
          d = full;
        }
        return renormalize(like(v, conf[j].fold(d), dy.logScale));
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Dot (batched contraction per sample), used by attention built from pieces

function dotLayer(ctx: EngineContext, a: Val, b: Val, cfg: Config, what: string): { out: Val; back: Backward } {
  const axesRaw = numList(cfg.axes) ?? [-1];
  const ax = (axesRaw.length === 1 ? [axesRaw[0], axesRaw[0]] : axesRaw).map((v, i) => {
    const rank = (i === 0 ? a : b).seq > 1 ? 3 : 2;
    return v < 0 ? rank + v : v;
  });
  if (bool(cfg, 'normalize', false)) ctx.notes.add(`${what}: Dot normalize=true simulated without the l2 normalization.`);
  const batch = Math.max(1, Math.round(a.rows / a.seq));
  const A = materialize(a);
  const B = materialize(b);
  const aSeq = a.seq;
  const bSeq = b.seq;
  // Per sample: A_b is aSeq x a.cols, B_b is bSeq x b.cols. Contract A's axis ax[0] with B's axis ax[1].
  const transA = aSeq > 1 ? ax[0] === 1 : false; // contracting the sequence axis of A
  const transB = bSeq > 1 ? ax[1] === 2 : true; // contracting the feature axis of B
  const m = transA ? a.cols : aSeq;
  const k = transA ? aSeq : a.cols;
  const n = transB ? bSeq : b.cols;
  const kB = transB ? b.cols : bSeq;
  if (k !== kB) ctx.notes.add(`${what}: Dot contraction sizes differ in the simulation (${k} vs ${kB}); truncated.`);
  const kk = Math.min(k, kB);
  // Contracting a (capped) feature axis: rescale so the real number of terms is represented.
  const featureAxis = !transA;
  const realK = featureAxis ? a.realWidth : aSeq;
  const fac = featureAxis ? Math.sqrt(realK / kk) : 1;
  const y = makeVal(batch * m, n, m, transB ? bSeq : b.realWidth, Math.log(fac));
  const sliceA = (bi: number) => A.subarray(bi * aSeq * a.cols, (bi + 1) * aSeq * a.cols);
  const sliceB = (bi: number) => B.subarray(bi * bSeq * b.cols, (bi + 1) * bSeq * b.cols);
  const mm = ctx.backend.matmul;
  const run = (bi: number) => {
    const o = y.data.subarray(bi * m * n, (bi + 1) * m * n);
    if (kk === k && kk === kB) mm(sliceA(bi), sliceB(bi), { m, k, n, transA, transB }, o);
    else naiveContract(sliceA(bi), sliceB(bi), m, n, kk, transA, transB, a.cols, aSeq, b.cols, bSeq, o);
  };
  for (let bi = 0; bi < batch; bi++) run(bi);
  renormalize(y);
  return {
    out: y,
    back: (dy) => {
      const da = newData(A.length);
      const db = newData(B.length);
      for (let bi = 0; bi < batch; bi++) {
        const dO = dy.data.subarray(bi * m * n, (bi + 1) * m * n);
        const Ab = sliceA(bi);
        const Bb = sliceB(bi);
        const dAb = da.subarray(bi * aSeq * a.cols, (bi + 1) * aSeq * a.cols);
        const dBb = db.subarray(bi * bSeq * b.cols, (bi + 1) * bSeq * b.cols);
        if (kk !== k || kk !== kB) continue;
        // d op(A) = dO op(B)^T ; d op(B) = op(A)^T dO
        if (!transA) mm(dO, Bb, { m, k: n, n: k, transB: !transB }, dAb);
        else mm(Bb, dO, { m: k, k: n, n: m, transA: transB, transB: true }, dAb);
        if (!transB) mm(Ab, dO, { m: k, k: m, n, transA: !transA }, dBb);
        else mm(dO, Ab, { m: n, k: m, n: k, transA: true, transB: transA }, dBb);
      }
      const ls = dy.logScale + Math.log(fac);
      return [renormalize(like(a, da, ls)), renormalize(like(b, db, ls))];
    },
  };
}

function naiveContract(
  A: Float32Array,
  B: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  aCols: number,
  _aSeq: number,
  bCols: number,
  _bSeq: number,
  out: Float32Array,
): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += (transA ? A[q * aCols + i] : A[i * aCols + q]) * (transB ? B[j * bCols + q] : B[q * bCols + j]);
      out[i * n + j] = s;
    }
}

// ---------------------------------------------------------------------------------------------------------
// attention stand-in (MultiHeadAttention of converted Keras models, attention-like custom layers)

function multiHeadAttention(ctx: EngineContext, q: Val, kv: Val, key: string, heads: number, refs: { qk: InitializerRef; vo: InitializerRef; vScale?: number }): { out: Val; back: Backward; grad: { log10Norm: number } } {
  const d = q.realWidth;
  const spec = (name: string, ref: InitializerRef): LinearSpec => ({
    key: `${key}/${name}`,
    kernelRef: ref,
    realShape: [d, d],
    fanSumIn: d,
    fanSumOut: d,
    realOut: d,
    useBias: false,
    biasRef: { id: 'zeros' },
  });
  const Q = linear(ctx, q, spec('query', refs.qk));
  const K = linear(ctx, kv, spec('key', refs.qk));
  const V = linear(ctx, kv, spec('value', refs.vo));
  const cols = Q.out.cols;
  const h = Math.max(1, Math.min(heads, cols));
  const dk = Math.floor(cols / h);
  const seq = q.seq;
  const batch = Math.max(1, Math.round(q.rows / seq));
  const qd = materialize(Q.out);
  const kd = materialize(K.out);
  const vd = materialize(V.out);
  const att = makeVal(q.rows, cols, seq, d, 0);
  const probs: Float32Array[] = [];
  const gather = (src: Float32Array, hh: number) => {
    const o = newData(batch * seq * dk);
    for (let r = 0; r < batch * seq; r++) for (let c = 0; c < dk; c++) o[r * dk + c] = src[r * cols + hh * dk + c];
    return o;
  };
  const scatter = (dst: Float32Array, src: Float32Array, hh: number) => {
    for (let r = 0; r < batch * seq; r++) for (let c = 0; c < dk; c++) dst[r * cols + hh * dk + c] = src[r * dk + c];
  };
  const hq: Float32Array[] = [];
  const hk: Float32Array[] = [];
  const hv: Float32Array[] = [];
  for (let hh = 0; hh < h; hh++) {
    hq.push(gather(qd, hh));
    hk.push(gather(kd, hh));
    hv.push(gather(vd, hh));
    const r = attentionForward(hq[hh], hk[hh], hv[hh], { batch, seq, dim: dk }, undefined, undefined, ctx.backend.matmul);
    probs.push(r.probs);
    scatter(att.data, r.out, hh);
  }
  renormalize(att);
  const O = linear(ctx, att, spec('output', refs.vo));
  const grad = { log10Norm: NaN };
  return {
    out: O.out,
    grad,
    back: (dy) => {
      const [dAtt] = O.back(dy) as Val[];
      const dA = materialize(dAtt);
      const dq = like(Q.out);
      const dkk = like(K.out);
      const dv = like(V.out);
      for (const x of [dq, dkk, dv]) x.logScale = 0;
      for (let hh = 0; hh < h; hh++) {
        const g = attentionBackward(gather(dA, hh), hq[hh], hk[hh], hv[hh], probs[hh], { batch, seq, dim: dk }, undefined, ctx.backend.matmul);
        scatter(dq.data, g.dq, hh);
        scatter(dkk.data, g.dk, hh);
        scatter(dv.data, g.dv, hh);
      }
      const [dxq] = Q.back(renormalize(dq)) as Val[];
      const [dxk] = K.back(renormalize(dkk)) as Val[];
      const [dxv] = V.back(renormalize(dv)) as Val[];
      grad.log10Norm = Math.max(Q.grad.log10Norm, K.grad.log10Norm, V.grad.log10Norm, O.grad.log10Norm);
      if (kv === q) return [accumulate(accumulate(accumulate(undefined, dxq), dxk), dxv)];
      return [dxq, accumulate(accumulate(undefined, dxk), dxv)];
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// recurrent layers: a few time steps through their gates (the simulated sequence), BPTT backward

type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';

function recurrent(ctx: EngineContext, x: Val, cell: Cell, key: string, cfg: Config, goBackwards: boolean): { out: Val; back: Backward; grad: { log10Norm: number } } {
  const units = num(cfg, 'units') ?? x.realWidth;
  const G = cell === 'LSTM' ? 4 : cell === 'GRU' ? 3 : 1;
  const u = capWidth(ctx, units);
  const inS = x.cols;
  const act = activationOf(cfg.activation as string) ?? 'tanh';
  const rec = cell === 'SimpleRNN' ? act : (activationOf(cfg.recurrentActivation as string) ?? 'hardSigmoid');
  const kRef = initRef(cfg, 'kernelInitializer', { id: 'glorotNormal' });
  const rRef = initRef(cfg, 'recurrentInitializer', { id: 'orthogonal', args: { gain: 1 } });
  const W = Float32Array.from(ctx.weights.get({ key: `${key}/kernel`, ref: kRef, realShape: [x.realWidth, G * units], rows: inS, cols: G * u }));
  const U = Float32Array.from(ctx.weights.get({ key: `${key}/recurrent`, ref: rRef, realShape: [units, G * units], rows: u, cols: G * u }));
  const fw = meanFieldFactors(kRef, [x.realWidth, G * units], x.realWidth, G * units, inS, G * u).fwd;
  const fr = meanFieldFactors(rRef, [units, G * units], units, G * units, u, G * u).fwd;
  scaleInPlace(W, fw);
  scaleInPlace(U, fr);
  const bias = bool(cfg, 'useBias', true)
    ? Float32Array.from(ctx.weights.get({ key: `${key}/bias`, ref: initRef(cfg, 'biasInitializer', { id: 'zeros' }), realShape: [G * units], rows: 1, cols: G * u }))
    : new Float32Array(G * u);
  if (cell === 'LSTM' && bool(cfg, 'unitForgetBias', false)) for (let c = u; c < 2 * u; c++) bias[c] += 1;
  if (x.logScale !== 0) ctx.notes.add(`${key}: recurrent input outside float32's comfortable range was materialized (clamped).`);
  const X = materialize(x);
  const T = x.seq;
  const B = Math.max(1, Math.round(x.rows / T));
  const retSeq = bool(cfg, 'returnSequences', false);
  const step = (t: number) => (goBackwards ? T - 1 - t : t);
  const xt = (t: number) => {
    const o = new Float32Array(B * inS);
    const tt = step(t);
    for (let b = 0; b < B; b++) o.set(X.subarray((b * T + tt) * inS, (b * T + tt + 1) * inS), b * inS);
    return o;
  };
  const mm = ctx.backend.matmul;
  const GU = G * u;
  const hs: Float32Array[] = [new Float32Array(B * u)];
  const cs: Float32Array[] = [new Float32Array(B * u)];
  const zs: Float32Array[] = [];
  const xs: Float32Array[] = [];
  const rh: Float32Array[] = [];
  const F = (n: ActivationName, v: number) => activationScalar(n, v);
  for (let t = 0; t < T; t++) {
    const xi = xt(t);
    xs.push(xi);
    const z = mm(xi, W, { m: B, k: inS, n: GU });
    const hp = hs[t];
    const h = new Float32Array(B * u);
    if (cell === 'GRU') {
      // z, r from x W + h U; candidate from x W_h + (r * h) U_h
      const hu = mm(hp, U, { m: B, k: u, n: GU });
      const rhp = new Float32Array(B * u);
      for (let b = 0; b < B; b++)
        for (let c = 0; c < u; c++) {
          const o = b * GU;
          z[o + c] += hu[o + c] + bias[c];
          z[o + u + c] += hu[o + u + c] + bias[u + c];
          rhp[b * u + c] = F(rec, z[o + u + c]) * hp[b * u + c];
        }
      const Uh = new Float32Array(u * u);
      for (let r = 0; r < u; r++) for (let c = 0; c < u; c++) Uh[r * u + c] = U[r * GU + 2 * u + c];
      const cand = mm(rhp, Uh, { m: B, k: u, n: u });
      for (let b = 0; b < B; b++)
        for (let c = 0; c < u; c++) {
          const o = b * GU;
          z[o + 2 * u + c] += cand[b * u + c] + bias[2 * u + c];
          const zg = F(rec, z[o + c]);
          h[b * u + c] = zg * hp[b * u + c] + (1 - zg) * F(act, z[o + 2 * u + c]);
        }
      rh.push(rhp);
      cs.push(new Float32Array(0));
    } else {
      mm(hp, U, { m: B, k: u, n: GU, accumulate: true }, z);
      for (let b = 0; b < B; b++) for (let c = 0; c < GU; c++) z[b * GU + c] += bias[c];
      if (cell === 'SimpleRNN') {
        for (let i = 0; i < B * u; i++) h[i] = F(act, z[i]);
        cs.push(new Float32Array(0));
      } else {
        const cPrev = cs[t];
        const cNew = new Float32Array(B * u);
        for (let b = 0; b < B; b++)
          for (let c = 0; c < u; c++) {
            const o = b * GU;
            const ig = F(rec, z[o + c]);
            const fg = F(rec, z[o + u + c]);
            const gg = F(act, z[o + 2 * u + c]);
            const og = F(rec, z[o + 3 * u + c]);
            const cc = fg * cPrev[b * u + c] + ig * gg;
            cNew[b * u + c] = cc;
            h[b * u + c] = og * F(act, cc);
          }
        cs.push(cNew);
      }
    }
    zs.push(z);
    hs.push(h);
  }
  const outSeq = retSeq ? T : 1;
  const y = makeVal(B * outSeq, u, outSeq, units, 0);
  if (retSeq) {
    for (let t = 0; t < T; t++) {
      const tt = step(t);
      for (let b = 0; b < B; b++) y.data.set(hs[t + 1].subarray(b * u, (b + 1) * u), (b * T + tt) * u);
    }
  } else y.data.set(hs[T]);
  renormalize(y);
  const grad = { log10Norm: NaN };
  const D = (n: ActivationName, v: number) => activationDerivative(n, v);
  return {
    out: y,
    grad,
    back: (dyV) => {
      const dy = materialize(dyV);
      const dX = new Float32Array(X.length);
      const dW = new Float32Array(W.length);
      const dU = new Float32Array(U.length);
      let dh = new Float32Array(B * u);
      let dc = new Float32Array(B * u);
      for (let t = T - 1; t >= 0; t--) {
        const tt = step(t);
        if (retSeq) for (let b = 0; b < B; b++) for (let c = 0; c < u; c++) dh[b * u + c] += dy[(b * T + tt) * u + c];
        else if (t === T - 1) for (let i = 0; i < B * u; i++) dh[i] += dy[i];
        const z = zs[t];
        const hp = hs[t];
        const dz = new Float32Array(B * GU);
        const dhPrev = new Float32Array(B * u);
        if (cell === 'SimpleRNN') {
          for (let i = 0; i < B * u; i++) dz[i] = dh[i] * D(act, z[i]);
        } else if (cell === 'LSTM') {
          const cPrev = cs[t];
          const cNew = cs[t + 1];
          const dcPrev = new Float32Array(B * u);
          for (let b = 0; b < B; b++)
            for (let c = 0; c < u; c++) {
              const o = b * GU;
              const i = b * u + c;
              const ig = F(rec, z[o + c]);
              const fg = F(rec, z[o + u + c]);
              const gg = F(act, z[o + 2 * u + c]);
              const og = F(rec, z[o + 3 * u + c]);
              const dcc = dc[i] + dh[i] * og * D(act, cNew[i]);
              dz[o + 3 * u + c] = dh[i] * F(act, cNew[i]) * D(rec, z[o + 3 * u + c]);
              dz[o + c] = dcc * gg * D(rec, z[o + c]);
              dz[o + 2 * u + c] = dcc * ig * D(act, z[o + 2 * u + c]);
              dz[o + u + c] = dcc * cPrev[i] * D(rec, z[o + u + c]);
              dcPrev[i] = dcc * fg;
            }
          dc = dcPrev;
        } else {
          // GRU
          const rhp = rh[t];
          const dRh = new Float32Array(B * u);
          const dzh = new Float32Array(B * u);
          for (let b = 0; b < B; b++)
            for (let c = 0; c < u; c++) {
              const o = b * GU;
              const i = b * u + c;
              const zg = F(rec, z[o + c]);
              const hh = F(act, z[o + 2 * u + c]);
              dz[o + c] = dh[i] * (hp[i] - hh) * D(rec, z[o + c]);
              dzh[i] = dh[i] * (1 - zg) * D(act, z[o + 2 * u + c]);
              dz[o + 2 * u + c] = dzh[i];
              dhPrev[i] += dh[i] * zg;
            }
          const Uh = new Float32Array(u * u);
          for (let r = 0; r < u; r++) for (let c = 0; c < u; c++) Uh[r * u + c] = U[r * GU + 2 * u + c];
          mm(dzh, Uh, { m: B, k: u, n: u, transB: true }, dRh);
          for (let b = 0; b < B; b++)
            for (let c = 0; c < u; c++) {
              const o = b * GU;
              const i = b * u + c;
              const rg = F(rec, z[o + u + c]);
              dz[o + u + c] = dRh[i] * hp[i] * D(rec, z[o + u + c]);
              dhPrev[i] += dRh[i] * rg;
            }
          // recurrent-kernel gradient of the candidate uses (r * h)
          const dUh = mm(rhp, dzh, { m: u, k: B, n: u, transA: true });
          for (let r = 0; r < u; r++) for (let c = 0; c < u; c++) dU[r * GU + 2 * u + c] += dUh[r * u + c];
          const dzr = new Float32Array(B * GU);
          for (let b = 0; b < B; b++) for (let c = 0; c < 2 * u; c++) dzr[b * GU + c] = dz[b * GU + c];
          mm(dzr, U, { m: B, k: GU, n: u, transB: true, accumulate: true }, dhPrev);
          const dUzr = mm(hp, dzr, { m: u, k: B, n: GU, transA: true });
          for (let i = 0; i < dU.length; i++) dU[i] += dUzr[i];
        }
        if (cell !== 'GRU') {
          mm(dz, U, { m: B, k: GU, n: u, transB: true, accumulate: true }, dhPrev);
          mm(hp, dz, { m: u, k: B, n: GU, transA: true, accumulate: true }, dU);
        }
        const dxt = mm(dz, W, { m: B, k: GU, n: inS, transB: true });
        for (let b = 0; b < B; b++) dX.set(dxt.subarray(b * inS, (b + 1) * inS), (b * T + tt) * inS);
        mm(xs[t], dz, { m: inS, k: B, n: GU, transA: true, accumulate: true }, dW);
        dh = dhPrev;
      }
      const nW = storedRms(dW) * Math.sqrt(dW.length);
      grad.log10Norm = nW > 0 ? Math.log10(nW) + dyV.logScale * LOG10E : -Infinity;
      return [renormalize(like(x, dX, dyV.logScale))];
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// pooling / reshape

/** Max over p "positions" = p cyclically shifted samples (mean-field: positions independent at init). */
function maxPool(x: Val, p: number): { out: Val; back: Backward } {
  const rows = x.rows;
  const cols = x.cols;
  const y = like(x);
  const src = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let best = r;
      let v = x.data[r * cols + c];
      for (let s = 1; s < p; s++) {
        const rr = (r + s * 7) % rows;
        const w = x.data[rr * cols + c];
        if (w > v) {
          v = w;
          best = rr;
        }
      }
      y.data[r * cols + c] = v;
      src[r * cols + c] = best;
    }
  return {
    out: y,
    back: (dy) => {
      const d = like(x);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) d.data[src[r * cols + c] * cols + c] += dy.data[r * cols + c];
      d.logScale = dy.logScale;
      return [renormalize(d)];
    },
  };
}

/** Average (or max) over the sequence axis: [B, S, d] -> [B, d]. */
function poolSequence(x: Val, mode: 'avg' | 'max'): { out: Val; back: Backward } {
  const S = x.seq;
  const B = Math.max(1, Math.round(x.rows / S));
  const cols = x.cols;
  const y = makeVal(B, cols, 1, x.realWidth, x.logScale);
  const arg = new Int32Array(B * cols);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < cols; c++) {
      let s = mode === 'avg' ? 0 : -Infinity;
      for (let t = 0; t < S; t++) {
        const v = x.data[(b * S + t) * cols + c];
        if (mode === 'avg') s += v / S;
        else if (v > s) {
          s = v;
          arg[b * cols + c] = t;
        }
      }
      y.data[b * cols + c] = s;
    }
  renormalize(y);
  return {
    out: y,
    back: (dy) => {
      const d = like(x);
      for (let b = 0; b < B; b++)
        for (let c = 0; c < cols; c++) {
          const g = dy.data[b * cols + c];
          if (mode === 'avg') for (let t = 0; t < S; t++) d.data[(b * S + t) * cols + c] = g / S;
          else d.data[(b * S + arg[b * cols + c]) * cols + c] = g;
        }
      d.logScale = dy.logScale;
      return [renormalize(d)];
    },
  };
}

/** [B, S, d] -> [B, S*d] (subsampled to the cap), keeping the real flattened width. */
function flattenSequence(ctx: EngineContext, x: Val, realWidth: number): { out: Val; back: Backward } {
  const S = x.seq;
  const B = Math.max(1, Math.round(x.rows / S));
  const total = S * x.cols;
  const cols = Math.min(total, ctx.maxWidth);
  const y = makeVal(B, cols, 1, realWidth, x.logScale);
  for (let b = 0; b < B; b++) for (let c = 0; c < cols; c++) y.data[b * cols + c] = x.data[b * total + c];
  return {
    out: y,
    back: (dy) => {
      const d = like(x);
      for (let b = 0; b < B; b++) for (let c = 0; c < cols; c++) d.data[b * total + c] = dy.data[b * cols + c];
      d.logScale = dy.logScale;
      return [renormalize(d)];
    },
  };
}

function identity(x: Val, realWidth?: number): { out: Val; back: Backward } {
  const out = realWidth === undefined || realWidth === x.realWidth ? x : withData(x, x.data, x.logScale, realWidth);
  return { out, back: (dy) => [dy] };
}

function prod(v: number[] | undefined, d: number): number {
  if (!v || !v.length) return d;
  return v.reduce((a, b) => a * (Number.isFinite(b) ? b : 1), 1);
}

// ---------------------------------------------------------------------------------------------------------
// the runner

export interface RunnerRecord {
  out: Val;
  pre?: Val;
  activation?: ActivationName;
  weightGrad?: { log10Norm: number };
  grad?: Val;
  preBack?: Backward;
  /** An output whose activation is the loss head (softmax, sigmoid): probed at its logits. */
  head?: boolean;
}

/** Runs one LayerGraph (the model, or a custom layer's body). */
export class GraphRunner {
  readonly records = new Map<string, RunnerRecord>();
  private readonly backs = new Map<string, Backward>();
  private readonly consumers = new Map<string, number>();
  /** nodes whose forward completed, in order. */
  readonly done: string[] = [];
  stopped = false;
  /** Where a stop happened: the layer not run, and in which pass. */
  stoppedAt: { node: string; pass: 'forward' | 'backward' } | undefined;
  /** A layer with no units (units 0, negative or unknown-and-invalid): nothing flows past it. */
  noWidth: { node: string; width: number } | undefined;

  constructor(
    private readonly graph: LayerGraph,
    private readonly ctx: EngineContext,
    private readonly prefix: string,
  ) {
    for (const n of graph.nodes) for (const i of n.inputs) this.consumers.set(i, (this.consumers.get(i) ?? 0) + 1);
  }

  private nodeIndex: Map<string, LayerNode> | undefined;
  private byId(id: string): LayerNode | undefined {
    if (!this.nodeIndex) this.nodeIndex = new Map(this.graph.nodes.map((n) => [n.id, n]));
    return this.nodeIndex.get(id);
  }

  /** Forward. `given` maps input node ids to values (bodies); top-level inputs are generated. */
  forward(given?: Map<string, Val>, makeInput?: (node: LayerNode) => Val, checkStop = false): Val[] {
    for (const node of this.graph.nodes) {
      if (checkStop && this.ctx.shouldStop()) {
        this.stopped = true;
        this.stoppedAt = { node: node.name, pass: 'forward' };
        break;
      }
      let rec: RunnerRecord;
      if (node.className === 'InputLayer' || this.graph.inputs.includes(node.id)) {
        const v = given?.get(node.id) ?? makeInput?.(node);
        if (!v) throw new Error(`no value for input ${node.id}`);
        if (checkStop && !(v.realWidth > 0)) {
          this.noWidth = { node: node.name, width: v.realWidth };
          this.stopped = true;
          break;
        }
        rec = { out: v };
        this.backs.set(node.id, (dy) => [dy]);
      } else {
        const ins = node.inputs.map((i) => this.records.get(i)?.out).filter((v): v is Val => v !== undefined);
        if (ins.length === 0) {
          this.ctx.notes.add(`${node.name}: no simulated input; skipped.`);
          continue;
        }
        const r = this.layer(node, ins);
        if (checkStop && !(r.out.realWidth > 0)) {
          // a zero-width (or negative-width) layer: its output holds nothing, so the layers after it see nothing
          this.noWidth = { node: node.name, width: r.out.realWidth };
          this.stopped = true;
          break;
        }
        rec = { out: r.out, pre: r.pre, activation: r.activation, weightGrad: r.weightGrad, preBack: r.preBack };
        this.backs.set(node.id, r.back);
      }
      this.records.set(node.id, rec);
      this.done.push(node.id);
    }
    return this.graph.outputs.map((o) => this.records.get(o)?.out).filter((v): v is Val => v !== undefined);
  }

  /**
   * Treat an output's activation as part of the loss (softmax / sigmoid cross-entropy): the backward
   * probe then starts at the logits, as a real classification loss's gradient (p - y) does.
   */
  treatAsLossHead(id: string): boolean {
    const rec = this.records.get(id);
    if (!rec?.preBack || !rec.pre) return false;
    this.backs.set(id, rec.preBack);
    rec.head = true;
    return true;
  }

  /** Backward from cotangents at the outputs; returns the gradients at the graph's inputs (in order). */
  backward(dOut: Map<string, Val>, checkStop = false): (Val | undefined)[] {
    for (const [id, g] of dOut) {
      const r = this.records.get(id);
      if (r) r.grad = accumulate(r.grad, withData(g, copyData(g.data)));
    }
    for (let i = this.done.length - 1; i >= 0; i--) {
      if (checkStop && this.ctx.shouldStop()) {
        this.stopped = true;
        this.stoppedAt = { node: this.byId(this.done[i])?.name ?? this.done[i], pass: 'backward' };
        break;
      }
      const id = this.done[i];
      const node = this.byId(id)!;
      const rec = this.records.get(id)!;
      if (!rec.grad || this.graph.inputs.includes(id)) continue;
      const back = this.backs.get(id)!;
      const gs = back(rec.grad);
      const ins = node.inputs.filter((x) => this.records.has(x));
      ins.forEach((inId, j) => {
        const g = gs[j];
        if (!g) return;
        const target = this.records.get(inId)!;
        const shaped = g.data.length === target.out.data.length ? g : undefined;
        if (shaped) target.grad = accumulate(target.grad, target.grad ? shaped : withData(shaped, shaped.data === rec.grad!.data ? copyData(shaped.data) : shaped.data));
      });
    }
    return this.graph.inputs.map((i) => this.records.get(i)?.grad);
  }

  // ---- per-class handlers -------------------------------------------------------------------------------

  private layer(node: LayerNode, ins: Val[]): NodeOutput {
    const ctx = this.ctx;
    const cfg = node.config;
    const key = `${this.prefix}${node.weightKey ?? node.id}`;
    const what = node.name;
    const x = ins[0];
    const c = node.className;
    const withAct = (base: { out: Val; back: Backward; grad?: { log10Norm: number } }, actName: string | undefined, params: ActivationParams = {}): NodeOutput => {
      const a = activationOf(actName);
      if (actName && !a) ctx.notes.add(`${what}: activation '${actName}' is not simulated; treated as linear.`);
      if (!a || a === 'linear') return { out: base.out, back: base.back, weightGrad: base.grad };
      const act = applyActivation(ctx, base.out, a, { ...params, cols: base.out.cols }, what);
      return { out: act.out, back: (dy) => base.back(act.back(dy)), weightGrad: base.grad, pre: base.out, activation: a, preBack: base.back };
    };
    if (node.custom) return this.custom(node, ins, key);
    switch (c) {
      case 'Dense': {
        const units = num(cfg, 'units') ?? x.realWidth;
        const kRef = initRef(cfg, 'kernelInitializer', { id: 'glorotNormal' });
        const base = linear(ctx, x, {
          key,
          kernelRef: kRef,
          realShape: [x.realWidth, units],
          fanSumIn: x.realWidth,
          fanSumOut: units,
          realOut: units,
          useBias: bool(cfg, 'useBias', true),
          biasRef: initRef(cfg, 'biasInitializer', { id: 'zeros' }),
        });
        return withAct(base, cfg.activation as string);
      }
      case 'Conv1D':
      case 'Conv2D':
      case 'Conv3D':
      case 'Conv1DTranspose':
      case 'Conv2DTranspose':
      case 'Conv3DTranspose':
      case 'SeparableConv1D':
      case 'SeparableConv2D':
      case 'LocallyConnected1D':
      case 'LocallyConnected2D': {
        const rank = c.includes('1D') ? 1 : c.includes('3D') ? 3 : 2;
        const ks = numList(cfg.kernelSize) ?? [3];
        const kdims = Array.from({ length: rank }, (_, i) => ks[Math.min(i, ks.length - 1)]);
        const k = prod(kdims, 1);
        const strides = numList(cfg.strides) ?? [1];
        const sprod = prod(Array.from({ length: rank }, (_, i) => strides[Math.min(i, strides.length - 1)]), 1);
        const filters = num(cfg, 'filters') ?? x.realWidth;
        const cin = x.realWidth;
        const transpose = c.includes('Transpose');
        // Separable: depthwise (fan-in k) then pointwise (fan-in C_in * depthMultiplier): one map with the
        // product of the two gains' effective fans (documented approximation).
        const separable = c.startsWith('Separable');
        const kRef = initRef(cfg, separable ? 'pointwiseInitializer' : 'kernelInitializer', { id: separable ? 'glorotUniform' : 'glorotNormal' });
        const realShape = transpose ? [...kdims, filters, cin] : separable ? [1, cin, filters] : [...kdims, cin, filters];
        const fanSumIn = transpose ? Math.max(1, (k * cin) / sprod) : separable ? cin : k * cin;
        const fanSumOut = transpose ? k * filters : separable ? filters : Math.max(1, (k * filters) / sprod);
        if (separable) ctx.notes.add(`${what}: separable convolution simulated as its pointwise map after a unit-gain depthwise stage.`);
        const base = linear(ctx, x, {
          key,
          kernelRef: kRef,
          realShape,
          fanSumIn,
          fanSumOut,
          realOut: filters,
          useBias: bool(cfg, 'useBias', true),
          biasRef: initRef(cfg, 'biasInitializer', { id: 'zeros' }),
        });
        return withAct(base, cfg.activation as string);
      }
      case 'DepthwiseConv1D':
      case 'DepthwiseConv2D': {
        // Per channel: y_c = sum over the k taps of w * x (k independent positions at init): a diagonal map
        // with gain k Var(W); simulated as an element-wise random scale with that second moment.
        const ks = numList(cfg.kernelSize) ?? [3];
        const k = c === 'DepthwiseConv1D' ? ks[0] : ks[0] * ks[Math.min(1, ks.length - 1)];
        const dm = num(cfg, 'depthMultiplier') ?? 1;
        const ref = initRef(cfg, 'depthwiseInitializer', { id: 'glorotUniform' });
        const realShape = c === 'DepthwiseConv1D' ? [k, x.realWidth, dm] : [ks[0], ks[Math.min(1, ks.length - 1)], x.realWidth, dm];
        const w = ctx.weights.get({ key: `${key}/depthwise`, ref, realShape, rows: k, cols: x.cols });
        const y = like(x);
        const rows = x.rows;
        const cols = x.cols;
        for (let r = 0; r < rows; r++)
          for (let q = 0; q < cols; q++) {
            let s = 0;
            for (let t = 0; t < k; t++) s += w[t * cols + q] * x.data[((r + t * 7) % rows) * cols + q];
            y.data[r * cols + q] = s;
          }
        if (dm !== 1) ctx.notes.add(`${what}: depthMultiplier ${dm} simulated with one output per channel.`);
        renormalize(y);
        const base = {
          out: y,
          back: (dy: Val) => {
            const d = like(x);
            for (let r = 0; r < rows; r++)
              for (let q = 0; q < cols; q++) {
                const g = dy.data[r * cols + q];
                for (let t = 0; t < k; t++) d.data[((r + t * 7) % rows) * cols + q] += w[t * cols + q] * g;
              }
            d.logScale = dy.logScale;
            return [renormalize(d)];
          },
        };
        return withAct(base, cfg.activation as string);
      }
      case 'Embedding': {
        const inputDim = num(cfg, 'inputDim') ?? 1000;
        const outputDim = num(cfg, 'outputDim') ?? ctx.width;
        const cols = capWidth(ctx, outputDim);
        const ids = x.ids;
        const vocab = x.vocab ?? Math.min(inputDim, 4096);
        const table = ctx.weights.get({ key: `${key}/embeddings`, ref: initRef(cfg, 'embeddingsInitializer', { id: 'randomUniform', args: { minval: -0.05, maxval: 0.05 } }), realShape: [inputDim, outputDim], rows: vocab, cols });
        let tokIds = ids;
        if (!tokIds) {
          ctx.notes.add(`${what}: Embedding input is not a token input; token ids drawn uniformly.`);
          const rng = Rng.derive(ctx.seed, `${key}/ids`);
          tokIds = new Int32Array(x.rows);
          for (let i = 0; i < x.rows; i++) tokIds[i] = rng.int(vocab);
        }
        const y = makeVal(tokIds.length, cols, x.seq, outputDim, 0, embeddingForward(tokIds, table, { vocab, dim: cols }));
        renormalize(y);
        const grad = { log10Norm: NaN };
        const realEntries = Math.log10(outputDim / cols) / 2;
        return {
          out: y,
          weightGrad: grad,
          back: (dy) => {
            const dT = embeddingBackward(tokIds!, dy.data, { vocab, dim: cols });
            const n = storedRms(dT) * Math.sqrt(dT.length);
            grad.log10Norm = n > 0 ? Math.log10(n) + dy.logScale * LOG10E + realEntries : -Infinity;
            return [undefined];
          },
        };
      }
      case 'LayerNormalization':
      case 'GroupNormalization':
      case 'UnitNormalization':
        if (c !== 'LayerNormalization') ctx.notes.add(`${what}: ${c} simulated as LayerNormalization.`);
        return layerNorm(ctx, x, key, cfg, false);
      case 'BatchNormalization':
        return layerNorm(ctx, x, key, cfg, true);
      case 'Activation':
        return withAct(identity(x), cfg.activation as string, { alpha: num(cfg, 'alpha') });
      case 'ReLU': {
        const mv = num(cfg, 'maxValue');
        return withAct(identity(x), 'relu', mv !== undefined ? { maxValue: mv } : {});
      }
      case 'LeakyReLU':
        return withAct(identity(x), 'leakyRelu', { alpha: num(cfg, 'alpha') ?? 0.3 });
      case 'ELU':
        return withAct(identity(x), 'elu', { alpha: num(cfg, 'alpha') ?? 1 });
      case 'PReLU':
        ctx.notes.add(`${what}: PReLU simulated with its initial slope (alphaInitializer zeros -> ReLU).`);
        return withAct(identity(x), 'relu');
      case 'ThresholdedReLU':
        ctx.notes.add(`${what}: ThresholdedReLU simulated as ReLU.`);
        return withAct(identity(x), 'relu');
      case 'Softmax':
        return withAct(identity(x), 'softmax');
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'SpatialDropout2D':
      case 'SpatialDropout3D':
      case 'AlphaDropout':
      case 'GaussianDropout':
      case 'GaussianNoise': {
        const rate = num(cfg, 'rate') ?? 0;
        if (!ctx.dropoutTraining || (c !== 'Dropout' && !c.startsWith('Spatial')) || rate <= 0) return identity(x);
        const rng = Rng.derive(ctx.seed, `${key}/mask`);
        const mask = newData(x.data.length);
        const y = like(x, dropoutForward(x.data, { rate, training: true }, () => rng.next(), undefined, mask));
        return { out: y, back: (dy) => [like(dy, dropoutBackward(dy.data, mask))] };
      }
      case 'Add':
        return merge(ctx, 'add', ins, what);
      case 'Average':
        return merge(ctx, 'average', ins, what);
      case 'Multiply':
        return merge(ctx, 'multiply', ins, what);
      case 'Maximum':
        return merge(ctx, 'maximum', ins, what);
      case 'Minimum':
        return merge(ctx, 'minimum', ins, what);
      case 'Subtract':
        return merge(ctx, 'subtract', ins, what);
      case 'Concatenate': {
        const axis = num(cfg, 'axis') ?? -1;
        if (axis !== -1 && !(axis === 2 && x.seq > 1) && !(axis === 1 && x.seq === 1))
          ctx.notes.add(`${what}: concatenation along axis ${axis} simulated along the feature axis.`);
        return concatenate(ctx, ins, what);
      }
      case 'Dot':
        if (ins.length < 2) return identity(x);
        return dotLayer(ctx, ins[0], ins[1], cfg, what);
      case 'MaxPooling1D':
      case 'MaxPooling2D':
      case 'MaxPooling3D': {
        const p = Math.min(9, Math.max(1, prod(numList(cfg.poolSize), 2)));
        return maxPool(x, p);
      }
      case 'AveragePooling1D':
      case 'AveragePooling2D':
      case 'AveragePooling3D':
        // Neighbouring positions are correlated at init (overlapping receptive fields): the scale is kept.
        return identity(x);
      case 'GlobalAveragePooling1D':
      case 'GlobalMaxPooling1D':
        if (x.seq > 1) return poolSequence(x, c.includes('Max') ? 'max' : 'avg');
        return identity(x);
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
      case 'GlobalAveragePooling3D':
      case 'GlobalMaxPooling3D':
        if (c.includes('Max')) return maxPool(x, 4);
        return identity(x);
      case 'Flatten':
      case 'Reshape': {
        const shape = node.outputShape;
        const last = shape && shape.length ? shape[shape.length - 1] : null;
        const realW = shape && shape.length >= 2 ? shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1) : x.realWidth * x.seq;
        if (x.seq > 1 && (c === 'Flatten' || (shape && shape.length === 2))) return flattenSequence(ctx, x, c === 'Flatten' ? realW : (last ?? realW));
        if (c === 'Flatten') return identity(x, Math.max(x.realWidth, realW || x.realWidth));
        return identity(x, last ?? x.realWidth);
      }
      case 'RepeatVector': {
        const n = Math.min(num(cfg, 'n') ?? ctx.seqLen, ctx.seqLen);
        const y = makeVal(x.rows * n, x.cols, n, x.realWidth, x.logScale);
        for (let r = 0; r < x.rows; r++) for (let t = 0; t < n; t++) y.data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), (r * n + t) * x.cols);
        return {
          out: y,
          back: (dy) => {
            const d = like(x);
            for (let r = 0; r < x.rows; r++) for (let t = 0; t < n; t++) for (let q = 0; q < x.cols; q++) d.data[r * x.cols + q] += dy.data[(r * n + t) * x.cols + q];
            d.logScale = dy.logScale;
            return [renormalize(d)];
          },
        };
      }
      case 'Rescaling': {
        const s = num(cfg, 'scale') ?? 1;
        const off = num(cfg, 'offset') ?? 0;
        const y = like(x, copyData(x.data), x.logScale + Math.log(Math.abs(s) || 1));
        if (s < 0) scaleInPlace(y.data, -1);
        if (s === 0) y.data.fill(0);
        if (off !== 0) addBias(y, new Float32Array(x.cols).fill(off));
        return {
          out: y,
          back: (dy) => {
            const d = like(dy, copyData(dy.data), dy.logScale + Math.log(Math.abs(s) || 1));
            if (s < 0) scaleInPlace(d.data, -1);
            if (s === 0) d.data.fill(0);
            return [d];
          },
        };
      }
      case 'Permute':
      case 'ZeroPadding1D':
      case 'ZeroPadding2D':
      case 'Cropping1D':
      case 'Cropping2D':
      case 'UpSampling1D':
      case 'UpSampling2D':
      case 'Masking':
      case 'Resizing':
      case 'CenterCrop':
        return identity(x);
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        const r = recurrent(ctx, x, c, key, cfg, bool(cfg, 'goBackwards', false));
        return { out: r.out, back: r.back, weightGrad: r.grad };
      }
      case 'Bidirectional': {
        const inner = cfg.layer as { className?: string; config?: Config } | undefined;
        const ic = inner?.className;
        if (ic !== 'LSTM' && ic !== 'GRU' && ic !== 'SimpleRNN') break;
        const icfg = inner?.config ?? {};
        const f = recurrent(ctx, x, ic, `${key}/forward`, icfg, false);
        const b = recurrent(ctx, x, ic, `${key}/backward`, icfg, true);
        const mode = typeof cfg.mergeMode === 'string' ? cfg.mergeMode : 'concat';
        const m = mode === 'concat' ? concatenate(ctx, [f.out, b.out], what) : merge(ctx, mode === 'mul' ? 'multiply' : mode === 'ave' ? 'average' : 'add', [f.out, b.out], what);
        const grad = { log10Norm: NaN };
        return {
          out: m.out,
          weightGrad: grad,
          back: (dy) => {
            const [df, db] = m.back(dy);
            const gf = df ? f.back(df)[0] : undefined;
            const gb = db ? b.back(db)[0] : undefined;
            grad.log10Norm = Math.max(f.grad.log10Norm, b.grad.log10Norm);
            return [gf && gb ? accumulate(withData(gf, copyData(gf.data)), gb) : (gf ?? gb)];
          },
        };
      }
      case 'TimeDistributed': {
        const inner = cfg.layer as { className?: string; config?: Config } | undefined;
        if (!inner?.className) break;
        return this.layer({ ...node, className: inner.className, config: inner.config ?? {} }, ins);
      }
      case 'MultiHeadAttention': {
        const heads = num(cfg, 'numHeads') ?? 1;
        const kRef = initRef(cfg, 'kernelInitializer', { id: 'glorotUniform' });
        const r = multiHeadAttention(ctx, x, ins[1] ?? x, key, heads, { qk: kRef, vo: kRef });
        return { out: r.out, back: r.back, weightGrad: r.grad };
      }
      case 'InputLayer':
        return identity(x);
      case 'TensorOp': {
        const inShape = node.inputs.length ? this.byId(node.inputs[0])?.outputShape : undefined;
        return tensorOpNode(ctx, cfg, ins, key, what, inShape, node.outputShape);
      }
      default:
        break;
    }
    ctx.notes.add(`${what}: layer class ${c} is not simulated; treated as the identity.`);
    return identity(x);
  }

  private custom(node: LayerNode, ins: Val[], key: string): NodeOutput {
    const ctx = this.ctx;
    const info = node.custom!;
    const x = ins[0];
    if (info.body && info.body.nodes.length > 0 && !info.opaque) {
      const sub = new GraphRunner(info.body, ctx, `${key}/`);
      const given = new Map<string, Val>();
      info.body.inputs.forEach((id, j) => given.set(id, ins[Math.min(j, ins.length - 1)]));
      const outs = sub.forward(given);
      let out = outs[0] ?? x;
      let res: { out: Val; back: Backward } | undefined;
      // The skip is added when the traced body does not already hold it (an Add): x + F(x) counted once.
      if (info.residual && !info.body.nodes.some((n) => n.className === 'Add')) {
        if (out.cols === x.cols && out.rows === x.rows) {
          res = merge(ctx, 'add', [x, out], node.name);
          out = res.out;
        } else ctx.notes.add(`${node.name}: residual of a custom layer skipped (shapes differ).`);
      }
      const bodyOut = info.body.outputs[0];
      const wg = { log10Norm: NaN };
      return {
        out,
        weightGrad: wg,
        back: (dy) => {
          let dBody = dy;
          let dSkip: Val | undefined;
          if (res) {
            const [a, b] = res.back(dy);
            dSkip = a;
            dBody = b!;
          }
          const gIn = sub.backward(new Map([[bodyOut, dBody]]));
          let best = -Infinity;
          for (const r of sub.records.values()) if (r.weightGrad && r.weightGrad.log10Norm > best) best = r.weightGrad.log10Norm;
          wg.log10Norm = best;
          const grads: (Val | undefined)[] = ins.map((_, j) => {
            const ids = info.body!.inputs.filter((_, q) => Math.min(q, ins.length - 1) === j);
            let acc: Val | undefined;
            for (const id of ids) {
              const g = gIn[info.body!.inputs.indexOf(id)];
              if (g) acc = accumulate(acc ? acc : undefined, acc ? g : withData(g, copyData(g.data)));
            }
            return acc;
          });
          if (dSkip) grads[0] = grads[0] ? accumulate(withData(grads[0], copyData(grads[0].data)), dSkip) : dSkip;
          return grads;
        },
      };
    }
    // No usable body: a mean-field stand-in from the weights it declares.
    const w2 = info.weights.filter((w) => w.shape && w.shape.length === 2 && w.trainable);
    if (/attention|transformer|mha/i.test(info.userClass)) {
      ctx.notes.add(`${node.name}: custom layer ${info.userClass} simulated by a stand-in (single-head scaled dot-product self-attention${info.residual ? ' with its residual' : ''}).`);
      const ref = w2[0]?.initializer ?? { id: 'glorotNormal' };
      const att = multiHeadAttention(ctx, x, x, key, 1, { qk: ref, vo: ref });
      if (!info.residual) return { out: att.out, back: att.back, weightGrad: att.grad };
      const res = merge(ctx, 'add', [x, att.out], node.name);
      return {
        out: res.out,
        weightGrad: att.grad,
        back: (dy) => {
          const [a, b] = res.back(dy);
          const g = att.back(b!)[0]!;
          return [accumulate(withData(a!, copyData(a!.data)), g)];
        },
      };
    }
    if (w2.length > 0) {
      const w = w2[0];
      const shape = w.shape as number[];
      const realIn = Number.isFinite(shape[0]) && shape[0] ? shape[0] : x.realWidth;
      const realOut = Number.isFinite(shape[1]) && shape[1] ? shape[1] : x.realWidth;
      ctx.notes.add(`${node.name}: custom layer ${info.userClass} simulated by a stand-in: one linear map with its weight '${w.name}'${info.residual ? ' and its residual' : ''}.`);
      const lin = linear(ctx, x, {
        key: `${key}/${w.name}`,
        kernelRef: w.initializer ?? { id: 'glorotUniform' },
        realShape: [realIn, realOut],
        fanSumIn: realIn,
        fanSumOut: realOut,
        realOut,
        useBias: false,
        biasRef: { id: 'zeros' },
      });
      if (!info.residual || lin.out.cols !== x.cols) return { out: lin.out, back: lin.back, weightGrad: lin.grad };
      const res = merge(ctx, 'add', [x, lin.out], node.name);
      return {
        out: res.out,
        weightGrad: lin.grad,
        back: (dy) => {
          const [a, b] = res.back(dy);
          const g = lin.back(b!)[0]!;
          return [accumulate(withData(a!, copyData(a!.data)), g)];
        },
      };
    }
    ctx.notes.add(`${node.name}: custom layer ${info.userClass} has no simulated body or weights; treated as the identity.`);
    return identity(x);
  }
}

/** The input tensor of an InputLayer: N(0,1) features, or token ids when every consumer is an Embedding. */
export function makeInputValue(ctx: EngineContext, graph: LayerGraph, node: LayerNode): Val {
  const cfg = node.config;
  const written: ConfigValue[] | undefined =
    node.outputShape ??
    (Array.isArray(cfg.batchInputShape) ? cfg.batchInputShape : undefined) ??
    (Array.isArray(cfg.batchShape) ? cfg.batchShape : undefined) ??
    (Array.isArray(cfg.inputShape) ? [null, ...cfg.inputShape] : undefined);
  // a dimension that is not a whole number of units (a string from broken code, 1e308, NaN) is unknown
  const shape = (written ?? [null, null]).map((d) => (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : null));
  const dims = shape.slice(1);
  const consumers = graph.nodes.filter((n) => n.inputs.includes(node.id));
  const tokens = consumers.length > 0 && consumers.every((n) => n.className === 'Embedding');
  const rng = Rng.derive(ctx.seed, `input/${node.id}`);
  if (tokens) {
    const seqReal = dims.length >= 1 ? dims[0] : null;
    const seq = Math.max(1, Math.min(seqReal ?? ctx.seqLen, ctx.seqLen));
    const inputDim = Math.min(...consumers.map((n) => num(n.config, 'inputDim') ?? 1000));
    const vocab = Math.max(1, Math.min(inputDim, 4096));
    const rows = ctx.batch * seq;
    const ids = new Int32Array(rows);
    for (let i = 0; i < rows; i++) ids[i] = rng.int(vocab);
    const v = makeVal(rows, 1, seq, 1, 0);
    for (let i = 0; i < rows; i++) v.data[i] = ids[i];
    v.ids = ids;
    v.vocab = vocab;
    return v;
  }
  const last = dims.length ? dims[dims.length - 1] : null;
  if (last === null || last === undefined) ctx.notes.add(`${node.name}: input width unknown; simulated at the width cap.`);
  const realWidth = last ?? ctx.width;
  const isSeq = dims.length === 2;
  if (dims.length >= 3) ctx.notes.add(`${node.name}: spatial input simulated per position (mean-field: channels as units, positions as samples).`);
  const seq = isSeq ? Math.max(1, Math.min(dims[0] ?? ctx.seqLen, ctx.seqLen)) : 1;
  const cols = capWidth(ctx, realWidth);
  const v = makeVal(ctx.batch * seq, cols, seq, realWidth, 0);
  v.data.set(normalDraw(ctx.seed, `input/${node.id}`, v.data.length));
  return v;
}

export { initialize };
export const _internal = { applyActivation, layerNorm, linear, LN10 };
