// Moments (sum, sum of squares, max |x|) on every backend, against a float64 loop: relative 1e-12 (the wasm
// kernel promotes every f32 exactly and only sums in another order).
import { strict as assert } from 'node:assert';
import { listBackends } from '../../../../src/core/kernels/backend';
import { isWasmBackend } from '../../../../src/core/kernels/wasm/index';
import { randn } from './helpers';

function ref(x: ArrayLike<number>): { sum: number; sumSq: number; maxAbs: number } {
  let sum = 0;
  let sumSq = 0;
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    sum += v;
    sumSq += v * v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  return { sum, sumSq, maxAbs };
}

function close(a: number, b: number, scale: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 * scale, `${what}: ${a} vs ${b}`);
}

for (const backend of listBackends()) {
  describe(`kernels/moments (${backend.name})`, () => {
    for (const n of [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 1000, 16384 + 5]) {
      it(`matches the float64 loop for ${n} entries`, () => {
        const x = randn(n, n + 3, 2);
        for (let i = 0; i < n; i++) x[i] += 0.25; // non-zero mean
        const r = ref(x);
        const m = backend.moments(x);
        close(m.sum, r.sum, r.sumSq + 1, 'sum');
        close(m.sumSq, r.sumSq, r.sumSq, 'sumSq');
        assert.equal(m.maxAbs, r.maxAbs);
      });
    }

    it('works on views and unaligned subarray views of the wasm memory', function () {
      if (!isWasmBackend(backend)) this.skip();
      const v = backend.alloc(1001);
      v.set(randn(1001, 5));
      const sub = v.subarray(1, 1000);
      const r = ref(sub);
      const m = backend.moments(sub);
      close(m.sum, r.sum, r.sumSq + 1, 'sum');
      close(m.sumSq, r.sumSq, r.sumSq, 'sumSq');
      assert.equal(m.maxAbs, r.maxAbs);
      backend.free(v);
    });

    it('never lets NaN win the max; extremes of float32 stay exact in float64', () => {
      const x = new Float32Array(37).fill(1);
      x[3] = NaN;
      x[20] = -3;
      assert.equal(backend.moments(x).maxAbs, 3);
      const big = new Float32Array(9).fill(3.4e38);
      const m = backend.moments(big);
      close(m.sumSq, 9 * Math.fround(3.4e38) ** 2, 9 * Math.fround(3.4e38) ** 2, 'sumSq beyond float32');
      const tiny = new Float32Array(9).fill(1e-45);
      assert.ok(backend.moments(tiny).sumSq > 0, 'squares of subnormals do not underflow in float64');
    });
  });
}
