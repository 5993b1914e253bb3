import { denseBackward, denseForward } from '../../../../src/core/kernels/dense';
import { assertClose, dot, fdGrad, randn, to64 } from './helpers';

function denseRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, rows: number, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outDim; o++) {
      let s = b[o];
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * w[i * outDim + o];
      y[r * outDim + o] = s;
    }
  return y;
}

describe('kernels/dense', () => {
  const [rows, inDim, outDim] = [5, 7, 4];
  const x = randn(rows * inDim, 1);
  const w = randn(inDim * outDim, 2);
  const b = randn(outDim, 3);
  const dy = randn(rows * outDim, 4);

  it('forward is x W + b', () => {
    assertClose(denseForward(x, w, b, { rows, inDim, outDim }), denseRef(x, w, b, rows, inDim, outDim), 1e-6, 0, 'y');
  });

  it('backward (dx, dW, db) matches central finite differences', () => {
    const g = denseBackward(dy, x, w, { rows, inDim, outDim });
    // linear in each argument: float64 differences are exact up to rounding; 1e-5 relative for float32 results.
    assertClose(g.dx, fdGrad((v) => dot(dy, denseRef(v, w, b, rows, inDim, outDim)), to64(x)), 1e-5, 0, 'dx');
    assertClose(g.dW, fdGrad((v) => dot(dy, denseRef(x, v, b, rows, inDim, outDim)), to64(w)), 1e-5, 0, 'dW');
    assertClose(g.db, fdGrad((v) => dot(dy, denseRef(x, w, v, rows, inDim, outDim)), to64(b)), 1e-5, 0, 'db');
  });
});
