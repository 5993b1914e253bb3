import { strict as assert } from 'node:assert';
import { batchNormBackward, batchNormForward } from '../../../../src/core/kernels/batchNorm';
import { assertClose, dot, fdGrad, randn, to64 } from './helpers';

/** Float64 reference: per-column batch statistics. */
function bnRef(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, rows: number, cols: number, eps: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * cols + c] / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * cols + c] - m) ** 2 / rows;
    for (let r = 0; r < rows; r++) y[r * cols + c] = ((x[r * cols + c] - m) / Math.sqrt(v + eps)) * gamma[c] + beta[c];
  }
  return y;
}

describe('kernels/batchNorm (training mode)', () => {
  it('forward normalizes each column over the batch', () => {
    const [rows, cols] = [32, 9];
    const x = randn(rows * cols, 1, 4);
    const gamma = randn(cols, 2);
    const beta = randn(cols, 3);
    const y = batchNormForward(x, gamma, beta, { rows, cols, epsilon: 1e-3 });
    assertClose(y, bnRef(x, gamma, beta, rows, cols, 1e-3), 1e-5, 0, 'y');
    const ones = new Float32Array(cols).fill(1);
    const z = batchNormForward(x, ones, new Float32Array(cols), { rows, cols, epsilon: 0 });
    for (let c = 0; c < cols; c++) {
      let m = 0;
      let v = 0;
      for (let r = 0; r < rows; r++) m += z[r * cols + c] / rows;
      for (let r = 0; r < rows; r++) v += (z[r * cols + c] - m) ** 2 / rows;
      assert.ok(Math.abs(m) < 1e-5 && Math.abs(v - 1) < 1e-4, `column ${c}: mean ${m} var ${v}`);
    }
  });

  it('backward matches central finite differences (float64 reference)', () => {
    const [rows, cols, eps] = [6, 4, 1e-3];
    const x = randn(rows * cols, 5);
    const gamma = randn(cols, 6);
    const beta = randn(cols, 7);
    const dy = randn(rows * cols, 8);
    const mean = new Float32Array(cols);
    const rstd = new Float32Array(cols);
    batchNormForward(x, gamma, beta, { rows, cols, epsilon: eps }, undefined, mean, rstd);
    const got = batchNormBackward(dy, x, gamma, mean, rstd, { rows, cols, epsilon: eps });
    // float32 kernel vs float64 central differences (h = 1e-5): 1e-4 relative to the largest entry.
    assertClose(got.dx, fdGrad((v) => dot(dy, bnRef(v, gamma, beta, rows, cols, eps)), to64(x)), 1e-4, 0, 'dx');
    assertClose(got.dgamma, fdGrad((v) => dot(dy, bnRef(x, v, beta, rows, cols, eps)), to64(gamma)), 1e-4, 0, 'dgamma');
    assertClose(got.dbeta, fdGrad((v) => dot(dy, bnRef(x, gamma, v, rows, cols, eps)), to64(beta)), 1e-4, 0, 'dbeta');
  });
});
