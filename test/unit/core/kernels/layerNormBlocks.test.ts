// The wasm LayerNorm backward works in blocks of rows (pass 1 over the block, then pass 2; about 2 MiB of x and
// dy per block, at most 512 rows: 512 rows at 64 columns, 256 at 1024, 127 at 2051). Shapes that cross block
// boundaries and end in a partial block, odd row counts, column tails, and dx written over dy, against float64
// gradients within the kernel's stated tolerance (1e-4 max|g|).
import { strict as assert } from 'node:assert';
import { loadWasmKernels } from '../../../../src/core/kernels/wasm/index';
import { lnBwdRef64, randn } from './helpers';

function within(got: Float32Array, want: Float64Array, what: string): void {
  let mx = 0;
  for (const v of want) mx = Math.max(mx, Math.abs(v));
  for (let i = 0; i < got.length; i++)
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * mx + 1e-6, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

describe('kernels/wasm layerNorm backward, row blocks', () => {
  for (const [rows, cols] of [
    [1, 1024],
    [41, 1024],
    [6, 2051],
    [3, 5],
    [130, 2051],
    [257, 1024],
    [1030, 64],
  ] as [number, number][]) {
    it(`matches the float64 gradients at ${rows}x${cols}, also with dx written over dy`, function () {
      const w = loadWasmKernels();
      if (!w) this.skip();
      const eps = 1e-3;
      const x = randn(rows * cols, rows + cols, 2);
      for (let i = 0; i < x.length; i++) x[i] += 3;
      const gamma = randn(cols, 5);
      const dy = randn(rows * cols, 6);
      const p = { rows, cols, epsilon: eps };
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      w.layerNormForward(x, gamma, new Float32Array(cols), p, new Float32Array(rows * cols), mean, rstd);
      const want = lnBwdRef64(dy, x, gamma, rows, cols, eps);
      const g = w.layerNormBackward(dy, x, gamma, mean, rstd, p);
      within(g.dx, want.dx, 'dx');
      within(g.dgamma, want.dgamma, 'dgamma');
      within(g.dbeta, want.dbeta, 'dbeta');
      const dyv = w.alloc(rows * cols);
      dyv.set(dy);
      const xv = w.alloc(rows * cols);
      xv.set(x);
      w.layerNormBackward(dyv, xv, gamma, mean, rstd, p, { dx: dyv });
      within(dyv.slice(), want.dx, 'dx over dy');
      w.free(dyv);
      w.free(xv);
    });
  }
});
