/** out = a + b element-wise (float32 storage; `out` may alias `a` or `b`). */
export function add(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
  const n = a.length;
  const y = out ?? new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = a[i] + b[i];
  return y;
}
