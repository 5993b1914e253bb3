/**
 * Moments of a tensor: sum, sum of squares and max |x|, in float64 (the simulator's per-layer statistics are
 * computed from them). NaN entries never win the max. One plain loop: no unrolling, no odd tail, no sign
 * branches, so its optimised code depends neither on the length nor on the data's signs.
 */
import type { Moments } from './types';

export function moments(x: Float32Array): Moments {
  const n = x.length;
  let s = 0;
  let q = 0;
  let mx = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    s += v;
    q += v * v;
    const a = Math.abs(v);
    mx = a > mx ? a : mx;
  }
  return { sum: s, sumSq: q, maxAbs: mx };
}
