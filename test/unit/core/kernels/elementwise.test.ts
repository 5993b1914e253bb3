// add, scale and rowDots on every backend: add and scale bit-identical to their JavaScript loops (float32
// sums, float64 products rounded once), rowDots within 1e-12 of a float64 loop; views, plain arrays, aliasing.
import { strict as assert } from 'node:assert';
import { listBackends } from '../../../../src/core/kernels/backend';
import { isWasmBackend } from '../../../../src/core/kernels/wasm/index';
import { randn } from './helpers';

for (const backend of listBackends()) {
  describe(`kernels/add, scale, rowDots (${backend.name})`, () => {
    for (const n of [0, 1, 3, 7, 8, 9, 17, 1000]) {
      it(`add and scale are bit-identical to the loops for ${n} entries (also in place)`, () => {
        const a = randn(n, n + 1, 3);
        const b = randn(n, n + 2, 1e-3);
        if (n > 2) {
          a[0] = 3.4e38;
          b[0] = 3.4e38; // overflows to Infinity in both
          a[1] = 1e-45;
        }
        const sum = backend.add(a, b);
        const f = Math.PI / 7;
        const sc = backend.scale(a, f);
        for (let i = 0; i < n; i++) {
          assert.ok(Object.is(sum[i], Math.fround(a[i] + b[i])), `add[${i}]`);
          assert.ok(Object.is(sc[i], Math.fround(a[i] * f)), `scale[${i}]`);
        }
        const inPlace = Float32Array.from(a);
        backend.add(inPlace, b, inPlace);
        assert.deepEqual(inPlace, sum);
        const s2 = Float32Array.from(a);
        backend.scale(s2, f, s2);
        assert.deepEqual(s2, sc);
      });
    }

    it('rowDots matches a float64 loop over strided rows (within 1e-12)', () => {
      const cols = 37;
      const x = randn(40 * cols, 9);
      const y = randn(40 * cols, 10);
      const n = 12;
      const d = backend.rowDots(x, y.subarray(cols), n, cols, 3 * cols, 2 * cols);
      for (let r = 0; r < n; r++) {
        let ab = 0;
        let aa = 0;
        let bb = 0;
        for (let c = 0; c < cols; c++) {
          const p = x[r * 3 * cols + c];
          const q = y[cols + r * 2 * cols + c];
          ab += p * q;
          aa += p * p;
          bb += q * q;
        }
        for (const [got, want] of [
          [d[3 * r], ab],
          [d[3 * r + 1], aa],
          [d[3 * r + 2], bb],
        ])
          assert.ok(Math.abs(got - want) <= 1e-12 * (aa + bb), `row ${r}: ${got} vs ${want}`);
      }
      assert.equal(backend.rowDots(x, y, 0, cols, cols, cols).length, 0);
    });

    it('gelu backward with the forward pass\'s erf values (aux) is bit-identical to recomputing them', () => {
      const n = 1003;
      const x = randn(n, 31, 4);
      x[0] = 0;
      x[1] = -40;
      x[2] = 38.5;
      const dy = randn(n, 32);
      const aux = new Float64Array(n);
      const y0 = backend.activationForward('gelu', x);
      const y1 = backend.activationForward('gelu', x, undefined, {}, aux);
      assert.deepEqual(y1, y0);
      const g0 = backend.activationBackward('gelu', x, x, dy);
      const g1 = backend.activationBackward('gelu', x, x, dy, undefined, {}, aux);
      for (let i = 0; i < n; i++) assert.ok(Object.is(g1[i], g0[i]), `dx[${i}]: ${g1[i]} vs ${g0[i]}`);
    });

    it('works on wasm views in place (no copies needed)', function () {
      if (!isWasmBackend(backend)) this.skip();
      const a = backend.alloc(1001);
      const b = backend.alloc(1001);
      a.set(randn(1001, 3));
      b.set(randn(1001, 4));
      const want = Float32Array.from(a, (v, i) => v + b[i]);
      backend.add(a, b, a);
      assert.deepEqual(a.slice(), want);
      backend.scale(a.subarray(1), 0.5, a.subarray(1));
      assert.ok(Object.is(a[5], Math.fround(want[5] * 0.5)));
      const c = backend.alloc(4);
      backend.copyInto(c, a.subarray(0, 4));
      assert.deepEqual([...c], [...a.subarray(0, 4)]);
      for (const v of [a, b, c]) backend.free(v);
    });
  });
}
