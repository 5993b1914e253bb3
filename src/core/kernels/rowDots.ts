/**
 * Row dot products for similarity statistics: for r < n, with row r of a starting at r * strideA and row r of b
 * at r * strideB (floats), out[3r] = a_r . b_r, out[3r + 1] = |a_r|^2, out[3r + 2] = |b_r|^2 over `cols`
 * values, accumulated in float64.
 */
export function rowDots(a: Float32Array, b: Float32Array, n: number, cols: number, strideA: number, strideB: number, out?: Float64Array): Float64Array {
  const o = out ?? new Float64Array(3 * n);
  for (let r = 0; r < n; r++) {
    const pa = r * strideA;
    const pb = r * strideB;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let c = 0; c < cols; c++) {
      const x = a[pa + c];
      const y = b[pb + c];
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    o[3 * r] = ab;
    o[3 * r + 1] = aa;
    o[3 * r + 2] = bb;
  }
  return o;
}
