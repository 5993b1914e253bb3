/**
 * Element-wise activations of tfjs (tfjs-layers activations.ts, tfjs-core ops), forward and backward, plus
 * softmax over the last axis. Float32Array storage, float64 arithmetic per element; one loop per activation
 * (no per-element closures).
 *
 * Parameters follow tfjs: elu alpha 1; selu with the Klambauer constants; hardSigmoid clip(0.2 x + 0.5, 0, 1);
 * gelu the exact erf form, gelu_new the tanh approximation; leakyRelu alpha defaults to 0.2 (tf.leakyRelu and
 * the 'leakyRelu' string), while the LeakyReLU layer passes its own default alpha 0.3.
 */

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'gelu_new'
  | 'tanh'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish'
  | 'leakyRelu'
  | 'exponential'
  | 'softmax';

export const ACTIVATIONS: readonly ActivationName[] = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'gelu',
  'gelu_new',
  'tanh',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'leakyRelu',
  'exponential',
  'softmax',
];

export interface ActivationParams {
  /** leakyRelu negative slope (default 0.2, tfjs-core) / elu alpha (default 1). */
  alpha?: number;
  /** relu cap (ReLU layer maxValue), when given. */
  maxValue?: number;
  /** softmax: row length (the last axis). */
  cols?: number;
}

export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const GELU_C = 0.7978845608028654; // sqrt(2/pi)

/** erf with absolute error below 1.2e-7 (Numerical Recipes erfc, Chebyshev fit), evaluated in float64. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** True for activations with f(c x) = c f(x) for c > 0 (the log-scale can pass through them exactly). */
export function isPositivelyHomogeneous(name: ActivationName, p: ActivationParams = {}): boolean {
  return (name === 'linear' || name === 'relu' || name === 'leakyRelu') && p.maxValue === undefined;
}

/** True for bounded / saturating activations (saturation |x| >= 5 is reported before them). */
export function isBounded(name: ActivationName): boolean {
  return name === 'tanh' || name === 'sigmoid' || name === 'hardSigmoid' || name === 'softsign' || name === 'softmax';
}

/** Scalar forward in float64 (used by the simulator's out-of-range path and by the tests). */
export function activationScalar(name: ActivationName, x: number, p: ActivationParams = {}): number {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return p.maxValue !== undefined ? Math.min(Math.max(x, 0), p.maxValue) : Math.max(x, 0);
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'elu': {
      const a = p.alpha ?? 1;
      return x > 0 ? x : a * Math.expm1(x);
    }
    case 'selu':
      return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 'gelu':
      return 0.5 * x * (1 + erf(x * SQRT1_2));
    case 'gelu_new':
      return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'hardSigmoid':
      return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case 'softplus':
      return softplus(x);
    case 'softsign':
      return x / (1 + Math.abs(x));
    case 'swish':
      return x * sigmoid(x);
    case 'mish':
      return x * Math.tanh(softplus(x));
    case 'leakyRelu':
      return x > 0 ? x : (p.alpha ?? 0.2) * x;
    case 'exponential':
      return Math.exp(x);
    case 'softmax':
      throw new Error('softmax is not element-wise');
  }
}

/** Scalar derivative f'(x) in float64. */
export function activationDerivative(name: ActivationName, x: number, p: ActivationParams = {}): number {
  switch (name) {
    case 'linear':
      return 1;
    case 'relu':
      return x > 0 && (p.maxValue === undefined || x < p.maxValue) ? 1 : 0;
    case 'relu6':
      return x > 0 && x < 6 ? 1 : 0;
    case 'elu':
      return x > 0 ? 1 : (p.alpha ?? 1) * Math.exp(x);
    case 'selu':
      return x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x);
    case 'gelu':
      return 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case 'gelu_new': {
      const u = GELU_C * (x + 0.044715 * x * x * x);
      const t = Math.tanh(u);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
    }
    case 'tanh': {
      const t = Math.tanh(x);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = sigmoid(x);
      return s * (1 - s);
    }
    case 'hardSigmoid':
      return x > -2.5 && x < 2.5 ? 0.2 : 0;
    case 'softplus':
      return sigmoid(x);
    case 'softsign': {
      const d = 1 + Math.abs(x);
      return 1 / (d * d);
    }
    case 'swish': {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    }
    case 'mish': {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    }
    case 'leakyRelu':
      return x > 0 ? 1 : (p.alpha ?? 0.2);
    case 'exponential':
      return Math.exp(x);
    case 'softmax':
      throw new Error('softmax is not element-wise');
  }
}

/**
 * y = f(x) element-wise (softmax: over rows of length p.cols). `out` may alias `x`. For gelu, `aux` (length n)
 * receives erf(x / sqrt 2) in float64, which activationBackward reuses (the same numbers it would compute).
 */
export function activationForward(name: ActivationName, x: Float32Array, out?: Float32Array, p: ActivationParams = {}, aux?: Float64Array): Float32Array {
  const n = x.length;
  const y = out ?? new Float32Array(n);
  switch (name) {
    case 'linear':
      if (y !== x) y.set(x);
      return y;
    case 'relu':
      if (p.maxValue !== undefined) break;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v : 0;
      }
      return y;
    case 'leakyRelu': {
      const a = p.alpha ?? 0.2;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v > 0 ? v : a * v;
      }
      return y;
    }
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
      return y;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
      return y;
    case 'gelu':
      if (aux)
        for (let i = 0; i < n; i++) {
          const v = x[i];
          const e = erf(v * SQRT1_2);
          aux[i] = e;
          y[i] = 0.5 * v * (1 + e);
        }
      else
        for (let i = 0; i < n; i++) {
          const v = x[i];
          y[i] = 0.5 * v * (1 + erf(v * SQRT1_2));
        }
      return y;
    case 'softmax':
      return softmaxForward(x, p.cols ?? n, y);
    default:
      break;
  }
  for (let i = 0; i < n; i++) y[i] = activationScalar(name, x[i], p);
  return y;
}

/**
 * dx = dy * f'(x) (softmax: the Jacobian-vector product per row, from y). `x` is the input, `y` the output
 * of the forward pass (only softmax, tanh and sigmoid read y; pass x for both when y is not kept). For gelu,
 * `aux` from activationForward saves recomputing erf (same result).
 */
export function activationBackward(
  name: ActivationName,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  out?: Float32Array,
  p: ActivationParams = {},
  aux?: Float64Array,
): Float32Array {
  const n = dy.length;
  const dx = out ?? new Float32Array(n);
  switch (name) {
    case 'gelu':
      if (!aux) break;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        dx[i] = dy[i] * (0.5 * (1 + aux[i]) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
      return dx;
    case 'linear':
      if (dx !== dy) dx.set(dy);
      return dx;
    case 'relu':
      if (p.maxValue !== undefined) break;
      for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      return dx;
    case 'leakyRelu': {
      const a = p.alpha ?? 0.2;
      for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : a * dy[i];
      return dx;
    }
    case 'tanh':
      if (y === x) break;
      for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return dx;
    case 'sigmoid':
      if (y === x) break;
      for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return dx;
    case 'softmax':
      return softmaxBackward(y, dy, p.cols ?? n, dx);
    default:
      break;
  }
  for (let i = 0; i < n; i++) dx[i] = dy[i] * activationDerivative(name, x[i], p);
  return dx;
}

/** Numerically stable softmax over rows of length `cols`. */
export function softmaxForward(x: Float32Array, cols: number, out?: Float32Array): Float32Array {
  const n = x.length;
  const y = out ?? new Float32Array(n);
  for (let off = 0; off < n; off += cols) {
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) if (x[off + c] > mx) mx = x[off + c];
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[off + c] - mx);
    const inv = 1 / s;
    for (let c = 0; c < cols; c++) y[off + c] = Math.exp(x[off + c] - mx) * inv;
  }
  return y;
}

/** dx = y * (dy - sum(dy * y)) per row. */
export function softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, out?: Float32Array): Float32Array {
  const n = y.length;
  const dx = out ?? new Float32Array(n);
  for (let off = 0; off < n; off += cols) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += dy[off + c] * y[off + c];
    for (let c = 0; c < cols; c++) dx[off + c] = y[off + c] * (dy[off + c] - s);
  }
  return dx;
}
