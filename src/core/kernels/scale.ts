/** out = x * f element-wise, the product in float64 rounded once to float32 (`out` may alias `x`). */
export function scale(x: Float32Array, f: number, out?: Float32Array): Float32Array {
  const n = x.length;
  const y = out ?? new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i] * f;
  return y;
}
