/**
 * Kernel contract shared by the TypeScript reference kernels and their WebAssembly SIMD twins.
 * Storage: flat row-major Float32Array; accumulation in float64 (TS) or in f32x4 lanes with
 * pairwise/Kahan-free reductions that stay within the tolerance stated in the tests (wasm).
 * `out`-style parameters are optional: when given, results are written there and returned.
 */

import type { ActivationName, ActivationParams } from './activations';

export interface LayerNormParams {
  rows: number;
  cols: number;
  epsilon: number;
}

export interface LayerNormGrads {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

export interface MatmulParams {
  /** out is m x n; op(A) is m x k; op(B) is k x n. */
  m: number;
  k: number;
  n: number;
  /** A is stored k x m and used transposed. */
  transA?: boolean;
  /** B is stored n x k and used transposed. */
  transB?: boolean;
  /** out += op(A) op(B) instead of out = ... */
  accumulate?: boolean;
}

/** Float64 moments of a tensor (see moments.ts). */
export interface Moments {
  sum: number;
  sumSq: number;
  /** max |x| (NaN entries never win it; 0 for an empty tensor). */
  maxAbs: number;
}

export interface KernelBackend {
  readonly name: 'ts' | 'wasm';
  /**
   * y = (x - mean) * rstd * gamma + beta over the last axis; rstd = 1/sqrt(var + epsilon), var two-pass.
   * Fills `mean` and `rstd` (length rows) when given (the backward pass needs them).
   */
  layerNormForward(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    p: LayerNormParams,
    out?: Float32Array,
    mean?: Float32Array,
    rstd?: Float32Array,
  ): Float32Array;
  /** Gradients for x, gamma and beta given dy and the forward pass's mean and rstd. */
  layerNormBackward(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    p: LayerNormParams,
    out?: Partial<LayerNormGrads>,
  ): LayerNormGrads;
  /** out = op(A) op(B) (or += with accumulate). */
  matmul(a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array): Float32Array;
  /** Sum, sum of squares and max |x| of x, accumulated in float64. */
  moments(x: Float32Array): Moments;
  /** y = f(x) element-wise (softmax: per row of p.cols), as activations.ts; `out` may alias `x`; gelu fills `aux`. */
  activationForward(name: ActivationName, x: Float32Array, out?: Float32Array, p?: ActivationParams, aux?: Float64Array): Float32Array;
  /** out = a + b (float32 sums; `out` may alias either). */
  add(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array;
  /** out = x * f (float64 product rounded to float32; `out` may alias `x`). */
  scale(x: Float32Array, f: number, out?: Float32Array): Float32Array;
  /** Row dot products a_r . b_r, |a_r|^2, |b_r|^2 in float64 for n rows (strides in floats); see rowDots.ts. */
  rowDots(a: Float32Array, b: Float32Array, n: number, cols: number, strideA: number, strideB: number): Float64Array;
  /** dx = dy * f'(x) (softmax from y), as activations.ts; `out` may alias `dy`; gelu reuses the forward's `aux`. */
  activationBackward(
    name: ActivationName,
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    out?: Float32Array,
    p?: ActivationParams,
    aux?: Float64Array,
  ): Float32Array;
}
