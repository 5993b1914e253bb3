import { strict as assert } from 'node:assert';
import { listBackends } from '../../../../src/core/kernels/backend';
import { assertClose, randn } from './helpers';

/** Naive float64 reference: op(A) op(B). */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number, tA: boolean, tB: boolean): Float64Array {
  const o = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += (tA ? a[q * m + i] : a[i * k + q]) * (tB ? b[j * k + q] : b[q * n + j]);
      o[i * n + j] = s;
    }
  return o;
}

// Tolerance: relative to the largest |entry|; float32 storage of the result plus (wasm) f32 lane sums over k <= 67.
const RTOL = 2e-6;

for (const backend of listBackends()) {
  describe(`kernels/matmul (${backend.name})`, () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [17, 33, 9],
      [64, 67, 65],
    ];
    for (const [m, k, n] of shapes)
      for (const tA of [false, true])
        for (const tB of [false, true])
          it(`${m}x${k}x${n} transA=${tA} transB=${tB}`, () => {
            const a = randn(m * k, 1 + m + k);
            const b = randn(k * n, 7 + n);
            const got = backend.matmul(a, b, { m, k, n, transA: tA, transB: tB });
            assertClose(got, naive(a, b, m, k, n, tA, tB), RTOL, 0, 'product');
          });

    it('accumulates into out and writes into a given buffer', () => {
      const [m, k, n] = [9, 13, 11];
      const a = randn(m * k, 3);
      const b = randn(k * n, 4);
      const base = randn(m * n, 5);
      const out = Float32Array.from(base);
      const ret = backend.matmul(a, b, { m, k, n, accumulate: true }, out);
      assert.equal(ret, out);
      const ref = naive(a, b, m, k, n, false, false).map((v, i) => v + base[i]);
      assertClose(out, ref, RTOL, 0, 'accumulate');
    });
  });
}
