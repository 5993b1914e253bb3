/**
 * Dropout. At initialization (inference, or the analysis default) it is the identity. With `training` the
 * kept units are scaled by 1/(1 - rate) (inverted dropout, as tfjs) and a mask is drawn from `uniform`.
 */
export interface DropoutParams {
  rate: number;
  training: boolean;
}

/** Returns the output; fills `mask` (1/(1-rate) or 0 per element) when training. */
export function dropoutForward(
  x: Float32Array,
  p: DropoutParams,
  uniform: () => number,
  out?: Float32Array,
  mask?: Float32Array,
): Float32Array {
  const n = x.length;
  const y = out ?? new Float32Array(n);
  if (!p.training || p.rate <= 0) {
    if (y !== x) y.set(x);
    if (mask) mask.fill(1);
    return y;
  }
  const keep = 1 - Math.min(Math.max(p.rate, 0), 0.999999);
  const scale = 1 / keep;
  for (let i = 0; i < n; i++) {
    const m = uniform() < keep ? scale : 0;
    if (mask) mask[i] = m;
    y[i] = x[i] * m;
  }
  return y;
}

/** dx = dy * mask (identity without a mask). */
export function dropoutBackward(dy: Float32Array, mask: Float32Array | undefined, out?: Float32Array): Float32Array {
  const n = dy.length;
  const dx = out ?? new Float32Array(n);
  if (!mask) {
    if (dx !== dy) dx.set(dy);
    return dx;
  }
  for (let i = 0; i < n; i++) dx[i] = dy[i] * mask[i];
  return dx;
}
