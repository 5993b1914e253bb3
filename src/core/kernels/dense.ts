/**
 * Dense layer without its activation: y = x W + b, x rows x inDim, W inDim x outDim (tfjs kernel layout).
 * Backward: dx = dy W^T, dW = x^T dy, db = column sums of dy. The products go through a KernelBackend's
 * matmul (the TypeScript reference by default).
 */
import { matmul as tsMatmul } from './matmul';
import type { MatmulParams } from './types';

export interface DenseParams {
  rows: number;
  inDim: number;
  outDim: number;
}

export interface DenseGrads {
  dx: Float32Array;
  dW: Float32Array;
  db: Float32Array;
}

type Matmul = (a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array) => Float32Array;

export function denseForward(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  p: DenseParams,
  out?: Float32Array,
  mm: Matmul = tsMatmul,
): Float32Array {
  const { rows, inDim, outDim } = p;
  const y = mm(x, w, { m: rows, k: inDim, n: outDim }, out);
  if (bias) {
    for (let r = 0; r < rows; r++) {
      const off = r * outDim;
      for (let c = 0; c < outDim; c++) y[off + c] += bias[c];
    }
  }
  return y;
}

export function denseBackward(
  dy: Float32Array,
  x: Float32Array,
  w: Float32Array,
  p: DenseParams,
  out?: Partial<DenseGrads>,
  mm: Matmul = tsMatmul,
): DenseGrads {
  const { rows, inDim, outDim } = p;
  const dx = mm(dy, w, { m: rows, k: outDim, n: inDim, transB: true }, out?.dx);
  const dW = mm(x, dy, { m: inDim, k: rows, n: outDim, transA: true }, out?.dW);
  const db = out?.db ?? new Float32Array(outDim);
  const s = new Float64Array(outDim);
  for (let r = 0; r < rows; r++) {
    const off = r * outDim;
    for (let c = 0; c < outDim; c++) s[c] += dy[off + c];
  }
  for (let c = 0; c < outDim; c++) db[c] = s[c];
  return { dx, dW, db };
}
