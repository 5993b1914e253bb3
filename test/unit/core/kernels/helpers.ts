// Test utilities for the kernel suites: seeded data, float64 central finite differences, tolerant comparisons.
import { strict as assert } from 'node:assert';

/** Small deterministic generator for test data (independent of the simulator's RNG). */
export function testRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function randn(n: number, seed: number, scale = 1): Float32Array {
  const u = testRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(u(), 1e-12);
    out[i] = scale * Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  }
  return out;
}

export function to64(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x);
}

/** Central differences of a float64 scalar function, step h. */
export function fdGrad(f: (x: Float64Array) => number, x0: ArrayLike<number>, h = 1e-5): Float64Array {
  const x = Float64Array.from(x0);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h;
    const fp = f(x);
    x[i] = v - h;
    const fm = f(x);
    x[i] = v;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** <g, y> in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max |a - b| <= atol + rtol * max |b| (a norm-wise test, robust for float32 storage). */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= atol + rtol * scale, `${what}: max error ${worst} at ${at} (actual ${actual[at]}, expected ${expected[at]}, scale ${scale})`);
}

/** LayerNorm over the last axis in float64: y, mean and rstd (the references of the wasm kernel tests). */
export function lnRef64(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  rows: number,
  cols: number,
  eps: number,
) {
  const y = new Float64Array(rows * cols);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m += x[r * cols + c];
    m /= cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[r * cols + c] - m) ** 2;
    v /= cols;
    const rs = 1 / Math.sqrt(v + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c] - m) * rs * gamma[c] + beta[c];
  }
  return { y, mean, rstd };
}

/** LayerNorm backward in float64: dx, dgamma and dbeta for the output gradient dy. */
export function lnBwdRef64(
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  rows: number,
  cols: number,
  eps: number,
) {
  const { mean, rstd } = lnRef64(x, gamma, new Float64Array(cols), rows, cols, eps);
  const dx = new Float64Array(rows * cols);
  const dgamma = new Float64Array(cols);
  const dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let s1 = 0;
    let s2 = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const h = (x[i] - mean[r]) * rstd[r];
      const g = dy[i] * gamma[c];
      dgamma[c] += dy[i] * h;
      dbeta[c] += dy[i];
      s1 += g;
      s2 += g * h;
    }
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const h = (x[i] - mean[r]) * rstd[r];
      dx[i] = rstd[r] * (dy[i] * gamma[c] - s1 / cols - (h * s2) / cols);
    }
  }
  return { dx, dgamma, dbeta };
}
