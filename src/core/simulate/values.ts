/**
 * Simulated tensors. Values are kept in float32 (`data`) times a float64 scale factor exp(logScale), so the
 * true value is data * exp(logScale). The scale is renormalised by powers of two (exact in floating point)
 * whenever the stored RMS leaves [2^-20, 2^20]: a vanishing or exploding stack keeps meaningful statistics far
 * beyond float32's range (1e-60, 1e80), and the float32 limit is computed from the true scale.
 */

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

const LN2 = Math.LN2;
const HI = 2 ** 20;
const LO = 2 ** -20;

export function makeVal(rows: number, cols: number, seq: number, realWidth: number, logScale = 0, data?: Float32Array): Val {
  return { data: data ?? new Float32Array(rows * cols), rows, cols, seq, realWidth, logScale };
}

export function like(v: Val, data?: Float32Array): Val {
  return { data: data ?? new Float32Array(v.rows * v.cols), rows: v.rows, cols: v.cols, seq: v.seq, realWidth: v.realWidth, logScale: v.logScale };
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

export function scaleInPlace(d: Float32Array, f: number): void {
  for (let i = 0; i < d.length; i++) d[i] *= f;
}

/**
 * The true values as float32 (values beyond float32's range are clamped to +-3.4e38 or flushed to 0): for the
 * few non-linear pieces that need them (recurrent cells, attention stand-ins, unknown maps). Exact when
 * logScale = 0.
 */
export function materialize(v: Val): Float32Array {
  if (v.logScale === 0) return v.data;
  const f = Math.exp(v.logScale);
  const out = new Float32Array(v.data.length);
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
    const f = Math.exp(v.logScale - m);
    const d = new Float32Array(v.data.length);
    for (let i = 0; i < d.length; i++) d[i] = v.data[i] * f;
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
  const b = datas[1];
  for (let i = 0; i < out.length; i++) out[i] += b[i];
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

export function trueStats(v: Val): TrueStats {
  const d = v.data;
  const len = d.length;
  let s = 0;
  let s1 = 0;
  let q0 = 0;
  let q1 = 0;
  let m0 = 0;
  let m1 = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const x = d[i];
    const y = d[i + 1];
    s += x;
    s1 += y;
    q0 += x * x;
    q1 += y * y;
    const a = x < 0 ? -x : x;
    const b = y < 0 ? -y : y;
    m0 = a > m0 ? a : m0;
    m1 = b > m1 ? b : m1;
  }
  for (; i < len; i++) {
    const x = d[i];
    s += x;
    q0 += x * x;
    const a = x < 0 ? -x : x;
    m0 = a > m0 ? a : m0;
  }
  s += s1;
  const sq = q0 + q1;
  const mx = m0 > m1 ? m0 : m1;
  const n = Math.max(1, d.length);
  const f = Math.exp(v.logScale);
  const ms = sq / n;
  const log10Ms = ms > 0 ? Math.log10(ms) + 2 * v.logScale * LOG10E : -Infinity;
  return { log10Ms, rms: Math.sqrt(ms) * f, mean: (s / n) * f, maxAbs: mx * f };
}
