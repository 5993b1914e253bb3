/**
 * Reference matrix product: out (m x n) = op(A) (m x k) · op(B) (k x n), float64 accumulation, row-major.
 * A is stored m x k, or k x m with transA; B is stored k x n, or n x k with transB. With `accumulate` the
 * product is added to `out`'s current contents.
 */
import type { MatmulParams } from './types';

let scratch = new Float64Array(0);

function rowScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

export function matmul(a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array): Float32Array {
  const { m, k, n } = p;
  const transA = p.transA === true;
  const transB = p.transB === true;
  const acc = p.accumulate === true;
  if (a.length < m * k || b.length < k * n) throw new RangeError(`matmul: operands too small for ${m}x${k}x${n}`);
  const o = out ?? new Float32Array(m * n);
  if (o.length < m * n) throw new RangeError('matmul: out too small');
  if (!transB) {
    // i-p-j order: stream rows of B into a float64 row accumulator.
    const row = rowScratch(n);
    for (let i = 0; i < m; i++) {
      const oOff = i * n;
      if (acc) for (let j = 0; j < n; j++) row[j] = o[oOff + j];
      else row.fill(0, 0, n);
      for (let q = 0; q < k; q++) {
        const av = transA ? a[q * m + i] : a[i * k + q];
        if (av === 0) continue;
        const bOff = q * n;
        for (let j = 0; j < n; j++) row[j] += av * b[bOff + j];
      }
      for (let j = 0; j < n; j++) o[oOff + j] = row[j];
    }
    return o;
  }
  // transB: dot products of contiguous rows of B.
  const colA = transA ? rowScratch(k) : undefined;
  for (let i = 0; i < m; i++) {
    const oOff = i * n;
    let ar: Float32Array | Float64Array = a;
    let aOff = i * k;
    if (colA) {
      for (let q = 0; q < k; q++) colA[q] = a[q * m + i];
      ar = colA;
      aOff = 0;
    }
    for (let j = 0; j < n; j++) {
      const bOff = j * k;
      let s = 0;
      for (let q = 0; q < k; q++) s += ar[aOff + q] * b[bOff + q];
      o[oOff + j] = acc ? o[oOff + j] + s : s;
    }
  }
  return o;
}
