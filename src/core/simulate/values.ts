/**
 * Simulated tensors. Values are kept in float32 (`data`) times a float64 scale factor exp(logScale), so the
 * true value is data * exp(logScale). The scale is renormalised by powers of two (exact in floating point)
 * whenever the stored RMS leaves [2^-20, 2^20]: a vanishing or exploding stack keeps meaningful statistics far
 * beyond float32's range (1e-60, 1e80), and the float32 limit is computed from the true scale.
 */
import { add as addKernel } from '../kernels/add';
import { moments } from '../kernels/moments';
import { scale as scaleKernel } from '../kernels/scale';
import type { Moments } from '../kernels/types';

export interface Val {
  /** rows x cols, row-major. */
  data: Float32Array;
  /** batch x seq. */
  rows: number;
  /** simulated width (<= the width cap, except transiently). */
  cols: number;
  /** tokens per sample (1 for non-sequence tensors); rows = batch * seq. */
  seq: number;
  /** the real width of this tensor's last axis (flattened size for flattened tensors). */
  realWidth: number;
  /** natural log of the scale factor. */
  logScale: number;
  /** token ids (for an Embedding input), with the simulated vocabulary size. */
  ids?: Int32Array;
  vocab?: number;
}

/** Where tensor storage comes from (see arena.ts): plain arrays, or views on the wasm memory during a run. */
export interface Allocator {
  /** n zeroed floats. */
  alloc(n: number): Float32Array;
  /** n floats, possibly not zeroed: only for outputs that a kernel overwrites entirely. */
  allocFull(n: number): Float32Array;
  /** dst.set(src) (equal lengths). */
  copy(dst: Float32Array, src: Float32Array): void;
  /** out = a + b element-wise (float32 sums, as the JavaScript loop rounds them). */
  add(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = x * f element-wise (float64 product rounded once). */
  scale(x: Float32Array, f: number, out: Float32Array): void;
}

export const plainAllocator: Allocator = {
  alloc: (n) => new Float32Array(n),
  allocFull: (n) => new Float32Array(n),
  copy: (dst, src) => dst.set(src),
  add: (a, b, out) => void addKernel(a, b, out),
  scale: (x, f, out) => void scaleKernel(x, f, out),
};

let allocator: Allocator = plainAllocator;

/** Zeroed storage for n floats from the running simulation's allocator. */
export function newData(n: number): Float32Array {
  return allocator.alloc(n);
}

/** Storage for n floats that a kernel overwrites entirely (a matmul's output): not necessarily zeroed. */
export function newOutput(n: number): Float32Array {
  return allocator.allocFull(n);
}

/** Storage for n float64 values that a kernel overwrites entirely (views 64-byte aligned in the arena). */
export function newOutput64(n: number): Float64Array {
  const f = allocator.allocFull(2 * n);
  return new Float64Array(f.buffer, f.byteOffset, n);
}

/** A copy of `a` in storage from the running simulation's allocator. */
export function copyData(a: Float32Array): Float32Array {
  const d = allocator.allocFull(a.length);
  allocator.copy(d, a);
  return d;
}

/**
 * `a` as tensor storage of the running simulation: itself with plain storage, else a copy in the arena (for
 * arrays that are read many times in a run, such as weights drawn once and cached across runs).
 */
export function intoStorage(a: Float32Array): Float32Array {
  return allocator === plainAllocator ? a : copyData(a);
}

/** Runs f with tensor storage from `a` (the previous allocator is restored afterwards, also on a throw). */
export function withAllocator<T>(a: Allocator, f: () => T): T {
  const prev = allocator;
  allocator = a;
  try {
    return f();
  } finally {
    allocator = prev;
  }
}

const LN2 = Math.LN2;
const HI = 2 ** 20;
const LO = 2 ** -20;

/**
 * Every Val is built here, with one fixed field order (ids and vocab always present), so that all of them share
 * one hidden class: the hot functions that read them stay monomorphic.
 */
export function makeVal(rows: number, cols: number, seq: number, realWidth: number, logScale = 0, data?: Float32Array): Val {
  return { data: data ?? newData(rows * cols), rows, cols, seq, realWidth, logScale, ids: undefined, vocab: undefined };
}

/** A Val of v's shape (new zeroed storage unless `data` is given), with v's logScale unless `logScale` is given. */
export function like(v: Val, data?: Float32Array, logScale?: number): Val {
  return makeVal(v.rows, v.cols, v.seq, v.realWidth, logScale ?? v.logScale, data);
}

/** v with other storage (and optionally another logScale / real width): shares nothing but the shape. */
export function withData(v: Val, data: Float32Array, logScale = v.logScale, realWidth = v.realWidth): Val {
  return makeVal(v.rows, v.cols, v.seq, realWidth, logScale, data);
}

/** Root mean square of the stored data (float64 accumulation). */
export function storedRms(d: Float32Array): number {
  const n = d.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = d[i];
    const b = d[i + 1];
    const c = d[i + 2];
    const e = d[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += e * e;
  }
  for (; i < n; i++) s0 += d[i] * d[i];
  return n ? Math.sqrt((s0 + s1 + s2 + s3) / n) : 0;
}

/** RMS estimated from at most ~1024 evenly strided entries (exact for small arrays); full pass if they are all 0. */
export function sampledRms(d: Float32Array): number {
  const n = d.length;
  if (n <= 2048) return storedRms(d);
  const step = Math.floor(n / 1024) | 1;
  let s = 0;
  let k = 0;
  for (let i = 0; i < n; i += step) {
    s += d[i] * d[i];
    k++;
  }
  return s > 0 && Number.isFinite(s) ? Math.sqrt(s / k) : storedRms(d);
}

/** Keep the stored RMS within [2^-20, 2^20] by moving powers of two into logScale. Returns v. */
export function renormalize(v: Val): Val {
  const r = sampledRms(v.data);
  if (!(r > 0) || !Number.isFinite(r)) return v;
  if (r >= LO && r <= HI && v.logScale === 0) return v;
  if (r >= LO && r <= HI && Math.abs(v.logScale) < 20 * LN2) {
    // Small offset: fold it back when the true values are comfortably inside float32.
    const t = r * Math.exp(v.logScale);
    if (t >= LO && t <= HI) {
      scaleInPlace(v.data, Math.exp(v.logScale));
      v.logScale = 0;
    }
    return v;
  }
  const k = Math.round(Math.log2(r));
  if (k !== 0) {
    scaleInPlace(v.data, 2 ** -k);
    v.logScale += k * LN2;
  }
  return v;
}

/** out = a + b element-wise with the running simulation's storage (wasm for arena views). */
export function addInto(a: Float32Array, b: Float32Array, out: Float32Array): void {
  allocator.add(a, b, out);
}

/** out = x * f element-wise (float64 products rounded once) with the running simulation's storage. */
export function scaleInto(x: Float32Array, f: number, out: Float32Array): void {
  allocator.scale(x, f, out);
}

export function scaleInPlace(d: Float32Array, f: number): void {
  allocator.scale(d, f, d);
}

/**
 * The true values as float32 (values beyond float32's range are clamped to +-3.4e38 or flushed to 0): for the
 * few non-linear pieces that need them (recurrent cells, attention stand-ins, unknown maps). Exact when
 * logScale = 0.
 */
export function materialize(v: Val): Float32Array {
  if (v.logScale === 0) return v.data;
  const f = Math.exp(v.logScale);
  const out = newData(v.data.length);
  for (let i = 0; i < out.length; i++) {
    const t = v.data[i] * f;
    out[i] = Number.isFinite(t) ? Math.max(-3.4e38, Math.min(3.4e38, t)) : v.data[i] > 0 ? 3.4e38 : v.data[i] < 0 ? -3.4e38 : 0;
  }
  return out;
}

/**
 * Bring several values to a common scale (the largest logScale) for a sum-like combination: returns the
 * stored arrays rescaled (copies only where needed) and the common logScale. A term that is more than
 * 2^-150 smaller than the largest becomes 0, as it would in the true sum at float32 precision.
 */
export function align(vals: readonly Val[]): { datas: Float32Array[]; logScale: number } {
  let m = -Infinity;
  for (const v of vals) if (v.logScale > m) m = v.logScale;
  const datas = vals.map((v) => {
    if (v.logScale === m) return v.data;
    const d = newData(v.data.length);
    allocator.scale(v.data, Math.exp(v.logScale - m), d);
    return d;
  });
  return { datas, logScale: m };
}

/** Accumulate `add` into `acc` (same shape), aligning scales; returns the accumulated value. */
export function accumulate(acc: Val | undefined, add: Val): Val {
  if (!acc) return add;
  if (acc.data.length !== add.data.length) return acc;
  const { datas, logScale } = align([acc, add]);
  const out = datas[0] === acc.data ? acc.data : datas[0];
  allocator.add(out, datas[1], out);
  acc.data = out;
  acc.logScale = logScale;
  return renormalize(acc);
}

export interface TrueStats {
  /** log10 of the true mean square (-Infinity for all zeros). */
  log10Ms: number;
  rms: number;
  mean: number;
  maxAbs: number;
}

const LOG10E = Math.LOG10E;

/** Statistics of the true values, from the stored data's float64 moments (a kernel backend's, or the TS loop). */
export function trueStats(v: Val, mom: (x: Float32Array) => Moments = moments): TrueStats {
  const m = mom(v.data);
  return statsFrom(m.sum, m.sumSq, m.maxAbs, v.data.length, v.logScale);
}

/** TrueStats from the stored sums (sum, sum of squares, max |x|) of n entries and the log-scale. */
export function statsFrom(sum: number, sumSq: number, maxAbs: number, n: number, logScale: number): TrueStats {
  const len = Math.max(1, n);
  const f = Math.exp(logScale);
  const ms = sumSq / len;
  const log10Ms = ms > 0 ? Math.log10(ms) + 2 * logScale * LOG10E : -Infinity;
  return { log10Ms, rms: Math.sqrt(ms) * f, mean: (sum / len) * f, maxAbs: maxAbs * f };
}
