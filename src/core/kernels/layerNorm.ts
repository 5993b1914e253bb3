/**
 * Layer normalization over the last axis (tfjs LayerNormalization, axis -1): reference TypeScript kernels.
 * y = (x - mean) * rstd * gamma + beta, rstd = 1 / sqrt(var + epsilon), var by two passes in float64.
 */
import type { LayerNormGrads, LayerNormParams } from './types';

export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  p: LayerNormParams,
  out?: Float32Array,
  mean?: Float32Array,
  rstd?: Float32Array,
): Float32Array {
  const { rows, cols, epsilon } = p;
  const y = out ?? new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[off + c];
    const mu = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[off + c] - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + epsilon);
    for (let c = 0; c < cols; c++) y[off + c] = (x[off + c] - mu) * rs * gamma[c] + beta[c];
    if (mean) mean[r] = mu;
    if (rstd) rstd[r] = rs;
  }
  return y;
}

export function layerNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  p: LayerNormParams,
  out?: Partial<LayerNormGrads>,
): LayerNormGrads {
  const { rows, cols } = p;
  const dx = out?.dx ?? new Float32Array(rows * cols);
  const dgamma = out?.dgamma ?? new Float32Array(cols);
  const dbeta = out?.dbeta ?? new Float32Array(cols);
  const dg = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const mu = mean[r];
    const rs = rstd[r];
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      const xh = (x[off + c] - mu) * rs;
      const d = dy[off + c];
      const g = d * gamma[c];
      sg += g;
      sgx += g * xh;
      dg[c] += d * xh;
      db[c] += d;
    }
    const mg = sg / cols;
    const mgx = sgx / cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[off + c] - mu) * rs;
      dx[off + c] = rs * (dy[off + c] * gamma[c] - mg - xh * mgx);
    }
  }
  for (let c = 0; c < cols; c++) {
    dgamma[c] = dg[c];
    dbeta[c] = db[c];
  }
  return { dx, dgamma, dbeta };
}
