// WebAssembly SIMD kernels: sizes that exercise every SIMD tail and edge tile, transposes, accumulate, large
// rows, agreement with the float64 formulas and the TypeScript kernels, finite differences for the LayerNorm
// backward, the zero-copy allocator and the loader's failure modes.
//
// Stated tolerances (float32 storage, f32x4 accumulation):
//   LayerNorm forward:  |y - y64| <= 2e-5 * (1 + |y64|) elementwise; mean, rstd relative 1e-5.
//   LayerNorm backward: |g - g64| <= 1e-4 * max|g64| (+1e-6) for dx, dgamma, dbeta.
//   matmul:             |C - C64| <= 1e-5 * (|op(A)| |op(B)|)_ij elementwise (a bound on f32 rounding).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tsKernels } from '../../../../src/core/kernels/backend';
import {
  isWasmBackend,
  loadWasmKernels,
  type WasmKernelBackend,
} from '../../../../src/core/kernels/wasm/index';
import { dot, fdGrad, lnBwdRef64, lnRef64, randn } from './helpers';

const root = path.resolve(__dirname, '../../../..');

function mmRef64(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
) {
  const c = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const v = a[tA ? p * m + i : i * k + p] * b[tB ? j * k + p : p * n + j];
        s += v;
        t += Math.abs(v);
      }
      c[i * n + j] = s;
      bound[i * n + j] = t;
    }
  return { c, bound };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function assertWithin(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: (i: number) => number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    if (!(e <= tol(i)))
      assert.fail(
        `${what}[${i}]: ${actual[i]} vs ${expected[i]} (|diff| ${e.toExponential(2)} > ${tol(i).toExponential(2)})`,
      );
  }
}

describe('kernels/wasm', function () {
  let w: WasmKernelBackend;

  before(function () {
    this.timeout(120000);
    // A fresh checkout under plain mocha has no dist/ yet: build the kernels (what `npm run build` does).
    if (!fs.existsSync(path.join(root, 'dist', 'kernels.wasm'))) {
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'buildWasm.mjs')], {
        cwd: root,
        stdio: 'inherit',
      });
      assert.equal(r.status, 0, 'scripts/buildWasm.mjs failed');
    }
    const b = loadWasmKernels();
    assert.ok(
      b,
      'loadWasmKernels() returned undefined although dist/kernels.wasm exists (no WebAssembly SIMD?)',
    );
    assert.ok(isWasmBackend(b));
    w = b;
  });

  describe('loader', () => {
    it('returns one cached backend named wasm', () => {
      assert.equal(w.name, 'wasm');
      assert.equal(loadWasmKernels(), w);
    });

    it('returns undefined without throwing when switched off (STABILITY_LENS_WASM=0)', () => {
      const script = `
        const { loadWasmKernels } = require(${JSON.stringify(path.join(root, 'src/core/kernels/wasm/index.ts'))});
        process.stdout.write(String(loadWasmKernels() === undefined));`;
      const off = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: root,
        env: { ...process.env, STABILITY_LENS_WASM: '0' },
        encoding: 'utf8',
      });
      assert.equal(off.stdout.trim(), 'true', off.stderr);
    });
  });

  describe('layerNorm forward', () => {
    for (const [rows, cols] of [
      [1, 1],
      [3, 3],
      [2, 5],
      [7, 13],
      [4, 63],
      [9, 64],
      [5, 67],
      [17, 770],
      [3, 4099],
    ] as [number, number][]) {
      it(`matches the float64 formula at ${rows}x${cols} (incl. mean and rstd)`, () => {
        const x = randn(rows * cols, rows * 31 + cols, 2);
        for (let i = 0; i < x.length; i++) x[i] += 3;
        const gamma = randn(cols, 7);
        const beta = randn(cols, 8);
        const mean = new Float32Array(rows);
        const rstd = new Float32Array(rows);
        const y = w.layerNormForward(x, gamma, beta, { rows, cols, epsilon: 1e-3 }, undefined, mean, rstd);
        const ref = lnRef64(x, gamma, beta, rows, cols, 1e-3);
        assertWithin(y, ref.y, (i) => 2e-5 * (1 + Math.abs(ref.y[i])), 'y');
        assertWithin(mean, ref.mean, (i) => 1e-5 * (1 + Math.abs(ref.mean[i])), 'mean');
        assertWithin(rstd, ref.rstd, (i) => 1e-5 * ref.rstd[i], 'rstd');
      });
    }

    it('works in place (out === x) and on views and subarray views', () => {
      const rows = 6;
      const cols = 21;
      const x = randn(rows * cols, 3);
      const g = randn(cols, 4);
      const b = randn(cols, 5);
      const ref = lnRef64(x, g, b, rows, cols, 1e-3).y;
      const tol = (i: number): number => 2e-5 * (1 + Math.abs(ref[i]));
      const inPlace = x.slice();
      w.layerNormForward(inPlace, g, b, { rows, cols, epsilon: 1e-3 }, inPlace);
      assertWithin(inPlace, ref, tol, 'in place');
      const big = w.alloc(rows * cols + 3);
      const xv = big.subarray(3); // unaligned view
      xv.set(x);
      const yv = w.alloc(rows * cols);
      const out = w.layerNormForward(xv, g, b, { rows, cols, epsilon: 1e-3 }, yv);
      assert.equal(out, yv);
      assertWithin(yv, ref, tol, 'views');
      w.layerNormForward(xv, g, b, { rows, cols, epsilon: 1e-3 }, xv);
      assertWithin(xv, ref, tol, 'view in place');
      w.free(big);
      w.free(yv);
    });

    it('stays finite and correct where float32 moments overflow or underflow (float64 row fallback)', () => {
      const cols = 40;
      for (const scale of [1e25, 1e-25, 3e37]) {
        const x = randn(cols, 9, 1);
        for (let i = 0; i < cols; i++) x[i] *= scale;
        const g = new Float32Array(cols).fill(1);
        const b = new Float32Array(cols);
        const y = w.layerNormForward(x, g, b, { rows: 1, cols, epsilon: 0 }, undefined);
        const ref = lnRef64(x, g, b, 1, cols, 0).y;
        assertWithin(y, ref, (i) => 1e-4 * (1 + Math.abs(ref[i])), `scale ${scale}`);
      }
    });

    it('short rows go through two at a time: the float64 fallback per row of a pair, odd row counts, in place', () => {
      // Rows of at most 64 columns take the two-rows-at-a-time path; a pair mixes ordinary and out-of-range rows,
      // and the fifth row is the odd one out (rows after the last pair).
      const cols = 40;
      const rows = 5;
      const scales = [1, 1e25, 3e37, 1, 1e-25];
      const x = randn(rows * cols, 11, 1);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) x[r * cols + c] = x[r * cols + c] * scales[r] + scales[r];
      const g = randn(cols, 12);
      const b = randn(cols, 13);
      const ref = lnRef64(x, g, b, rows, cols, 0);
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      const y = w.layerNormForward(x, g, b, { rows, cols, epsilon: 0 }, undefined, mean, rstd);
      assertWithin(y, ref.y, (i) => 1e-4 * (1 + Math.abs(ref.y[i])), 'y');
      assertWithin(mean, ref.mean, (i) => 1e-5 * Math.abs(ref.mean[i]), 'mean');
      assertWithin(rstd, ref.rstd, (i) => 1e-5 * ref.rstd[i], 'rstd');
      const g64 = randn(64, 14);
      const b64 = randn(64, 15);
      for (const n of [3, 5, 7]) {
        const xs = randn(n * 64, n, 2);
        const want = lnRef64(xs, g64, b64, n, 64, 1e-3).y;
        const inPlace = xs.slice();
        w.layerNormForward(inPlace, g64, b64, { rows: n, cols: 64, epsilon: 1e-3 }, inPlace);
        assertWithin(inPlace, want, (i) => 2e-5 * (1 + Math.abs(want[i])), `${n} rows in place`);
      }
    });

    it('agrees with the TypeScript kernel on a [512, 768] batch', () => {
      const rows = 512;
      const cols = 768;
      const x = randn(rows * cols, 77, 3);
      const g = randn(cols, 78);
      const b = randn(cols, 79);
      const yw = w.layerNormForward(x, g, b, { rows, cols, epsilon: 1e-5 });
      const yt = tsKernels.layerNormForward(x, g, b, { rows, cols, epsilon: 1e-5 });
      assertWithin(yw, yt, (i) => 2e-5 * (1 + Math.abs(yt[i])), 'wasm vs ts');
    });
  });

  describe('layerNorm backward', () => {
    for (const [rows, cols] of [
      [1, 1],
      [2, 3],
      [5, 7],
      [33, 64],
      [19, 130],
      [40, 1027],
    ] as [number, number][]) {
      it(`matches the float64 gradients at ${rows}x${cols} (dx, dgamma, dbeta)`, () => {
        const x = randn(rows * cols, rows + 3 * cols, 1.5);
        const gamma = randn(cols, 21);
        const dy = randn(rows * cols, 22);
        const mean = new Float32Array(rows);
        const rstd = new Float32Array(rows);
        w.layerNormForward(
          x,
          gamma,
          new Float32Array(cols),
          { rows, cols, epsilon: 1e-3 },
          undefined,
          mean,
          rstd,
        );
        const got = w.layerNormBackward(dy, x, gamma, mean, rstd, { rows, cols, epsilon: 1e-3 });
        const ref = lnBwdRef64(dy, x, gamma, rows, cols, 1e-3);
        for (const k of ['dx', 'dgamma', 'dbeta'] as const) {
          const s = maxAbs(ref[k]);
          assertWithin(got[k], ref[k], () => 1e-4 * s + 1e-6, k);
        }
      });
    }

    it('matches central finite differences of <dy, LN(x)> for x, gamma and beta', () => {
      const rows = 3;
      const cols = 11;
      const eps = 1e-3;
      const x = randn(rows * cols, 41);
      const gamma = randn(cols, 42);
      const beta = randn(cols, 43);
      const dy = randn(rows * cols, 44);
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      w.layerNormForward(x, gamma, beta, { rows, cols, epsilon: eps }, undefined, mean, rstd);
      const got = w.layerNormBackward(dy, x, gamma, mean, rstd, { rows, cols, epsilon: eps });
      // The loss in float64 (the formula), differentiated numerically: checks the kernel's calculus.
      const loss = (xx: ArrayLike<number>, gg: ArrayLike<number>, bb: ArrayLike<number>): number =>
        dot(dy, lnRef64(xx, gg, bb, rows, cols, eps).y);
      const fx = fdGrad((v) => loss(v, gamma, beta), x);
      const fg = fdGrad((v) => loss(x, v, beta), gamma);
      const fb = fdGrad((v) => loss(x, gamma, v), beta);
      // float32 kernel vs float64 differences (step 1e-5, error ~1e-9): relative 1e-4 of the largest entry.
      assertWithin(got.dx, fx, () => 1e-4 * maxAbs(fx) + 1e-6, 'dx');
      assertWithin(got.dgamma, fg, () => 1e-4 * maxAbs(fg) + 1e-6, 'dgamma');
      assertWithin(got.dbeta, fb, () => 1e-4 * maxAbs(fb) + 1e-6, 'dbeta');
    });

    it('writes into given outputs (views or plain), dx may alias dy, and agrees with the TS kernel on [512, 768]', () => {
      const rows = 512;
      const cols = 768;
      const x = randn(rows * cols, 51, 2);
      const gamma = randn(cols, 52);
      const dy = randn(rows * cols, 53);
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      tsKernels.layerNormForward(
        x,
        gamma,
        new Float32Array(cols),
        { rows, cols, epsilon: 1e-3 },
        undefined,
        mean,
        rstd,
      );
      const t = tsKernels.layerNormBackward(dy, x, gamma, mean, rstd, { rows, cols, epsilon: 1e-3 });
      const dgamma = w.alloc(cols);
      const dbeta = new Float32Array(cols);
      const dyv = w.alloc(rows * cols);
      dyv.set(dy);
      const got = w.layerNormBackward(
        dyv,
        x,
        gamma,
        mean,
        rstd,
        { rows, cols, epsilon: 1e-3 },
        { dx: dyv, dgamma, dbeta },
      );
      assert.equal(got.dx, dyv);
      assert.equal(got.dgamma, dgamma);
      assert.equal(got.dbeta, dbeta);
      for (const k of ['dx', 'dgamma', 'dbeta'] as const) {
        const s = maxAbs(t[k]);
        assertWithin(got[k], t[k], () => 1e-4 * s + 1e-6, k);
      }
      w.free(dgamma);
      w.free(dyv);
    });
  });

  describe('matmul', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 5, 3],
      [3, 1, 7],
      [4, 8, 8],
      [5, 9, 13],
      [7, 3, 9],
      [37, 300, 19],
      [130, 257, 70],
      [9, 1030, 11],
      [6, 4, 1033],
    ];
    for (const [m, k, n] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          it(`${m}x${k} . ${k}x${n}${tA ? ' transA' : ''}${tB ? ' transB' : ''}: = and += within 1e-5 |A||B|`, () => {
            const a = randn(m * k, m * 7 + k, 1);
            const b = randn(k * n, n * 5 + k, 1);
            const ref = mmRef64(a, b, m, k, n, tA, tB);
            const c = w.matmul(a, b, { m, k, n, transA: tA, transB: tB });
            assertWithin(c, ref.c, (i) => 1e-5 * ref.bound[i] + 1e-30, '=');
            const init = randn(m * n, 99);
            const acc = init.slice();
            w.matmul(a, b, { m, k, n, transA: tA, transB: tB, accumulate: true }, acc);
            assertWithin(
              acc,
              ref.c.map((v, i) => v + init[i]),
              (i) => 1e-5 * (ref.bound[i] + Math.abs(init[i])) + 1e-30,
              '+=',
            );
          });
        }
      }
    }

    it('k = 0 gives zeros (or leaves out unchanged with accumulate)', () => {
      const out = new Float32Array(6).fill(5);
      w.matmul(new Float32Array(0), new Float32Array(0), { m: 2, k: 0, n: 3 }, out);
      assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
      out.fill(5);
      w.matmul(new Float32Array(0), new Float32Array(0), { m: 2, k: 0, n: 3, accumulate: true }, out);
      assert.deepEqual([...out], [5, 5, 5, 5, 5, 5]);
    });

    it('agrees with the TypeScript kernel at [256 x 512] . [512 x 384] with views', () => {
      const m = 256;
      const k = 512;
      const n = 384;
      const a = w.alloc(m * k);
      a.set(randn(m * k, 61));
      const b = w.alloc(k * n);
      b.set(randn(k * n, 62));
      const c = w.alloc(m * n);
      w.matmul(a, b, { m, k, n }, c);
      const t = tsKernels.matmul(a.slice(), b.slice(), { m, k, n });
      const ref = mmRef64(a, b, m, k, n, false, false);
      assertWithin(c, t, (i) => 2e-5 * ref.bound[i], 'wasm vs ts');
      for (const v of [a, b, c]) w.free(v);
    });
  });

  describe('allocator', () => {
    it('hands out zeroed views that survive memory growth and are reused after free', () => {
      const before = w.stats();
      const a = w.alloc(1000);
      a[999] = 7;
      assert.ok(w.isView(a));
      assert.ok(!w.isView(new Float32Array(4)));
      // Force growth well beyond the current memory: the shared memory grows without detaching `a`.
      const big = w.alloc(before.memoryBytes / 4 + (8 << 20));
      assert.ok(w.stats().memoryBytes > before.memoryBytes);
      assert.equal(a.length, 1000);
      assert.equal(a[999], 7);
      assert.ok(w.isView(big) && w.isView(a));
      big[big.length - 1] = 1;
      w.free(big);
      const again = w.alloc(16);
      assert.ok(
        again.every((v) => v === 0),
        'zero-filled',
      );
      w.free(again);
      w.free(a);
      assert.equal(w.stats().blocks, before.blocks);
    });

    it('freeAll releases every block but the internal scratch', () => {
      w.alloc(10);
      w.alloc(20);
      w.freeAll();
      assert.ok(w.stats().blocks <= 1);
      // Still usable afterwards.
      const y = w.layerNormForward(
        new Float32Array([1, 2, 3]),
        new Float32Array([1, 1, 1]),
        new Float32Array(3),
        { rows: 1, cols: 3, epsilon: 0 },
      );
      assertWithin(y, [-1.224744871, 0, 1.224744871], () => 1e-5, 'after freeAll');
    });

    it('rejects wrong lengths (internal bug) instead of reading out of bounds', () => {
      assert.throws(
        () => w.matmul(new Float32Array(5), new Float32Array(6), { m: 2, k: 3, n: 2 }),
        RangeError,
      );
      assert.throws(
        () =>
          w.layerNormForward(new Float32Array(5), new Float32Array(3), new Float32Array(3), {
            rows: 2,
            cols: 3,
            epsilon: 0,
          }),
        RangeError,
      );
    });
  });
});
