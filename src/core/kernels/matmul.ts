/**
 * Reference matrix product: out (m x n) = op(A) (m x k) · op(B) (k x n), float64 accumulation, row-major.
 * A is stored m x k, or k x m with transA; B is stored k x n, or n x k with transB. With `accumulate` the
 * product is added to `out`'s current contents.
 *
 * op(A) rows and op(B) columns are packed contiguously (float32, exact copies), then a 2x2 register-blocked
 * loop of dot products accumulates in float64 (four independent accumulators keep the add latency hidden).
 */
import type { MatmulParams } from './types';

let packA: Float32Array = new Float32Array(0);
let packB: Float32Array = new Float32Array(0);

function grow(buf: Float32Array, n: number): Float32Array {
  return buf.length >= n ? buf : new Float32Array(Math.max(n, 2 * buf.length));
}

export function matmul(a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array): Float32Array {
  const { m, k, n } = p;
  const transA = p.transA === true;
  const transB = p.transB === true;
  const acc = p.accumulate === true;
  if (a.length < m * k || b.length < k * n) throw new RangeError(`matmul: operands too small for ${m}x${k}x${n}`);
  const o = out ?? new Float32Array(m * n);
  if (o.length < m * n) throw new RangeError('matmul: out too small');
  // A as m rows of length k.
  let A: Float32Array = a;
  if (transA) {
    packA = grow(packA, m * k);
    A = packA;
    for (let q = 0; q < k; q++) {
      const src = q * m;
      for (let i = 0; i < m; i++) A[i * k + q] = a[src + i];
    }
  }
  // B as n rows of length k (columns of op(B)).
  let B: Float32Array = b;
  if (!transB) {
    packB = grow(packB, n * k);
    B = packB;
    for (let q = 0; q < k; q++) {
      const src = q * n;
      for (let j = 0; j < n; j++) B[j * k + q] = b[src + j];
    }
  }
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    const o0 = i * n;
    const o1 = o0 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let q = 0; q < k; q++) {
        const x0 = A[a0 + q];
        const x1 = A[a1 + q];
        const y0 = B[b0 + q];
        const y1 = B[b1 + q];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      if (acc) {
        s00 += o[o0 + j];
        s01 += o[o0 + j + 1];
        s10 += o[o1 + j];
        s11 += o[o1 + j + 1];
      }
      o[o0 + j] = s00;
      o[o0 + j + 1] = s01;
      o[o1 + j] = s10;
      o[o1 + j + 1] = s11;
    }
    if (j < n) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let q = 0; q < k; q++) {
        s0 += A[a0 + q] * B[b0 + q];
        s1 += A[a1 + q] * B[b0 + q];
      }
      o[o0 + j] = acc ? o[o0 + j] + s0 : s0;
      o[o1 + j] = acc ? o[o1 + j] + s1 : s1;
    }
  }
  if (i < m) {
    const a0 = i * k;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let q = 0; q < k; q++) s += A[a0 + q] * B[b0 + q];
      o[i * n + j] = acc ? o[i * n + j] + s : s;
    }
  }
  return o;
}
