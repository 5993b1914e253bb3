/**
 * Batch normalization in training mode (batch statistics over the rows, per column), as tfjs
 * BatchNormalization behaves during the first training steps. Two-pass variance in float64.
 */
export interface BatchNormParams {
  rows: number;
  cols: number;
  epsilon: number;
}

export interface BatchNormGrads {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

export function batchNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  p: BatchNormParams,
  out?: Float32Array,
  mean?: Float32Array,
  rstd?: Float32Array,
): Float32Array {
  const { rows, cols, epsilon } = p;
  const y = out ?? new Float32Array(rows * cols);
  const mu = new Float64Array(cols);
  const v = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) mu[c] += x[off + c];
  }
  for (let c = 0; c < cols; c++) mu[c] /= rows;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = x[off + c] - mu[c];
      v[c] += d * d;
    }
  }
  for (let c = 0; c < cols; c++) v[c] = 1 / Math.sqrt(v[c] / rows + epsilon);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) y[off + c] = (x[off + c] - mu[c]) * v[c] * gamma[c] + beta[c];
  }
  if (mean) for (let c = 0; c < cols; c++) mean[c] = mu[c];
  if (rstd) for (let c = 0; c < cols; c++) rstd[c] = v[c];
  return y;
}

/** Backward through the batch statistics (the gradient couples the samples of the batch). */
export function batchNormBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  p: BatchNormParams,
  out?: Partial<BatchNormGrads>,
): BatchNormGrads {
  const { rows, cols } = p;
  const dx = out?.dx ?? new Float32Array(rows * cols);
  const dgamma = out?.dgamma ?? new Float32Array(cols);
  const dbeta = out?.dbeta ?? new Float32Array(cols);
  const sdy = new Float64Array(cols);
  const sdyx = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = dy[off + c];
      sdy[c] += d;
      sdyx[c] += d * (x[off + c] - mean[c]) * rstd[c];
    }
  }
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[off + c] - mean[c]) * rstd[c];
      dx[off + c] = gamma[c] * rstd[c] * (dy[off + c] - sdy[c] / rows - (xh * sdyx[c]) / rows);
    }
  }
  for (let c = 0; c < cols; c++) {
    dgamma[c] = sdyx[c];
    dbeta[c] = sdy[c];
  }
  return { dx, dgamma, dbeta };
}
