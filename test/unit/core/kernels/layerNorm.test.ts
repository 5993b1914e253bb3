import { strict as assert } from 'node:assert';
import { listBackends } from '../../../../src/core/kernels/backend';
import { assertClose, dot, fdGrad, randn, to64 } from './helpers';

/** Float64 reference forward: the formula y = (x - mean) / sqrt(var + eps) * gamma + beta. */
function lnRef(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, rows: number, cols: number, eps: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m += x[r * cols + c] / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[r * cols + c] - m) ** 2 / cols;
    for (let c = 0; c < cols; c++) y[r * cols + c] = ((x[r * cols + c] - m) / Math.sqrt(v + eps)) * gamma[c] + beta[c];
  }
  return y;
}

for (const backend of listBackends()) {
  describe(`kernels/layerNorm (${backend.name})`, () => {
    for (const [rows, cols] of [
      [1, 1],
      [4, 7],
      [5, 64],
      [3, 257],
    ] as [number, number][]) {
      it(`forward matches the formula at ${rows}x${cols} and fills mean/rstd`, () => {
        const x = randn(rows * cols, rows + cols, 3);
        for (let i = 0; i < x.length; i++) x[i] += 2; // non-zero mean
        const gamma = randn(cols, 11);
        const beta = randn(cols, 12);
        const mean = new Float32Array(rows);
        const rstd = new Float32Array(rows);
        const y = backend.layerNormForward(x, gamma, beta, { rows, cols, epsilon: 1e-3 }, undefined, mean, rstd);
        // float32 output; relative 1e-5 of the largest |y|.
        assertClose(y, lnRef(x, gamma, beta, rows, cols, 1e-3), 1e-5, 0, 'y');
        for (let r = 0; r < rows; r++) {
          let m = 0;
          for (let c = 0; c < cols; c++) m += x[r * cols + c] / cols;
          assert.ok(Math.abs(mean[r] - m) <= 1e-5 * (1 + Math.abs(m)), 'mean');
        }
      });
    }

    it('variance does not cancel for a large mean (two-pass, not E[x^2]-E[x]^2)', () => {
      const cols = 256;
      const x = randn(cols, 5, 1e-2);
      for (let i = 0; i < cols; i++) x[i] += 1000;
      const rstd = new Float32Array(1);
      const g = new Float32Array(cols).fill(1);
      const b = new Float32Array(cols);
      backend.layerNormForward(x, g, b, { rows: 1, cols, epsilon: 0 }, undefined, new Float32Array(1), rstd);
      let m = 0;
      for (let i = 0; i < cols; i++) m += x[i] / cols;
      let v = 0;
      for (let i = 0; i < cols; i++) v += (x[i] - m) ** 2 / cols;
      // 1% of the true 1/std: E[x^2]-E[x]^2 in float32 would be off by orders of magnitude here.
      assert.ok(Math.abs(rstd[0] * Math.sqrt(v) - 1) < 1e-2, `rstd ${rstd[0]} vs ${1 / Math.sqrt(v)}`);
    });

    for (const [rows, cols] of [
      [3, 5],
      [2, 33],
    ] as [number, number][]) {
      it(`backward matches central finite differences (float64 reference) at ${rows}x${cols}`, () => {
        const eps = 1e-3;
        const x = randn(rows * cols, 21 + cols);
        const gamma = randn(cols, 22);
        const beta = randn(cols, 23);
        const dy = randn(rows * cols, 24);
        const mean = new Float32Array(rows);
        const rstd = new Float32Array(rows);
        backend.layerNormForward(x, gamma, beta, { rows, cols, epsilon: eps }, undefined, mean, rstd);
        const got = backend.layerNormBackward(dy, x, gamma, mean, rstd, { rows, cols, epsilon: eps });
        const fx = fdGrad((v) => dot(dy, lnRef(v, gamma, beta, rows, cols, eps)), to64(x));
        const fg = fdGrad((v) => dot(dy, lnRef(x, v, beta, rows, cols, eps)), to64(gamma));
        const fb = fdGrad((v) => dot(dy, lnRef(x, gamma, v, rows, cols, eps)), to64(beta));
        // float32 kernel vs float64 differences (h = 1e-5): 1e-4 relative to the largest entry.
        assertClose(got.dx, fx, 1e-4, 0, 'dx');
        assertClose(got.dgamma, fg, 1e-4, 0, 'dgamma');
        assertClose(got.dbeta, fb, 1e-4, 0, 'dbeta');
      });
    }
  });
}
