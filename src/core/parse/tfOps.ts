/**
 * TensorFlow ops recorded in Keras model configs, translated into layer-graph nodes:
 *
 * - TF 2.x Keras wraps a `tf.*` call on symbolic tensors (`x + y`, `tf.math.multiply(x, 0.5)`, `tf.nn.relu(x)`)
 *   in a `TFOpLambda` layer whose config names the function (`"function": "math.multiply"`). Its inbound node
 *   is written in the legacy form: the first call argument as `[layer, node, tensor, kwargs]` (a list of those
 *   when the first argument is a list, as in `tf.concat`; `["_CONSTANT_VALUE", -1, value, kwargs]` for a
 *   constant), every other argument by name in `kwargs`, tensors there as `[layer, node, tensor]`.
 * - Keras 3 writes ops as entries whose `module` is `keras.src.ops.*` and whose class is the op (`Add`,
 *   `Multiply`, `Mean`, `Transpose`), with `{args, kwargs}` inbound nodes and the op's own arguments in its config.
 *
 * The op becomes the node a tfjs model would have for the same computation (an Add merge for a residual `x + y`,
 * Rescaling for a product with a constant, Activation, a TensorOp the simulator runs, Reshape / Permute), so that
 * rules and the simulation see through it. An op not in the table stays a pass-through node, with a note.
 */
import type { Config } from '../graph/types';
import { isReduceOp, isUnaryOp } from '../graph/tensorOps';
import { isJsonObject, type JsonObject, type JsonValue } from './jsonScan';


export interface OpRef {
  layer: string;
  node: number;
  tensor: number;
}

/** An argument of a recorded call: a tensor, a number, a list, or anything else (strings, null, objects). */
export type OpArg =
  | { kind: 'ref'; ref: OpRef }
  | { kind: 'num'; value: number }
  | { kind: 'list'; items: OpArg[] }
  | { kind: 'bool'; value: boolean }
  | { kind: 'other' };

export interface OpCall {
  args: OpArg[];
  kwargs: Map<string, OpArg>;
}

/** The node an op becomes: a class, its tfjs config, and the tensors it reads (in order). */
export interface OpNode {
  className: string;
  written: Config;
  refs: OpRef[];
}

const CONSTANT = '_CONSTANT_VALUE';

/** A Keras 2 tensor reference `[layer, node, tensor]` (a fourth element, kwargs, is allowed). */
function legacyRef(v: JsonValue): OpRef | undefined {
  if (
    Array.isArray(v) &&
    (v.length === 3 || v.length === 4) &&
    typeof v[0] === 'string' &&
    v[0] !== CONSTANT &&
    typeof v[1] === 'number' &&
    typeof v[2] === 'number'
  )
    return { layer: v[0], node: v[1], tensor: v[2] };
  return undefined;
}

/** `[layer, node, tensor]` with missing or non-numeric indices read as 0 (how model.json writes references). */
export function refTriple(v: JsonValue): OpRef | undefined {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return undefined;
  return { layer: v[0], node: typeof v[1] === 'number' ? v[1] : 0, tensor: typeof v[2] === 'number' ? v[2] : 0 };
}

/** A Keras 3 tensor: `{class_name: '__keras_tensor__', config: {keras_history: [...]}}` (or keras_history beside). */
export function kerasHistoryRef(v: JsonValue): OpRef | undefined {
  if (!isJsonObject(v)) return undefined;
  if (isJsonObject(v.config) && Array.isArray(v.config.keras_history)) return refTriple(v.config.keras_history);
  return Array.isArray(v.keras_history) ? refTriple(v.keras_history) : undefined;
}

function toArg(v: JsonValue, depth = 0): OpArg {
  if (typeof v === 'number') return { kind: 'num', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  const r = legacyRef(v) ?? kerasHistoryRef(v);
  if (r) return { kind: 'ref', ref: r };
  if (Array.isArray(v) && depth < 16) return { kind: 'list', items: v.map((x) => toArg(x, depth + 1)) };
  return { kind: 'other' };
}

function kwargsOf(v: JsonValue | undefined, into: Map<string, OpArg>): void {
  if (!isJsonObject(v)) return;
  for (const [k, x] of Object.entries(v)) if (!into.has(k)) into.set(k, toArg(x));
}

/** One first-argument element of the legacy form: a tensor or `["_CONSTANT_VALUE", -1, value, kwargs]`. */
function legacyFirst(v: JsonValue, kwargs: Map<string, OpArg>): OpArg | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v[0] === CONSTANT && v.length >= 3) {
    kwargsOf(v[3], kwargs);
    return toArg(v[2]);
  }
  const r = legacyRef(v);
  if (!r) return undefined;
  kwargsOf(v[3], kwargs);
  return { kind: 'ref', ref: r };
}

/** Reads one inbound node of an op entry (legacy TFOpLambda form or Keras 3 `{args, kwargs}`). */
export function parseOpCall(node: JsonValue | undefined): OpCall | undefined {
  const kwargs = new Map<string, OpArg>();
  if (isJsonObject(node)) {
    const args = Array.isArray(node.args) ? node.args.map((a) => toArg(a)) : [];
    kwargsOf(node.kwargs, kwargs);
    return { args, kwargs };
  }
  if (!Array.isArray(node)) return undefined;
  const single = legacyFirst(node, kwargs);
  if (single) return { args: [single], kwargs };
  // The first argument was a list (tf.concat([a, b], axis)): one element per entry, kwargs repeated on each.
  const items: OpArg[] = [];
  for (const e of node) {
    const a = legacyFirst(e, kwargs);
    if (!a) return undefined;
    items.push(a);
  }
  return { args: [{ kind: 'list', items }], kwargs };
}

// -----------------------------------------------------------------------------------------------------------
// The op table

type OpKind =
  | { k: 'binary'; op: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' }
  | { k: 'act'; activation: string }
  | { k: 'softmax' }
  | { k: 'leakyRelu' }
  | { k: 'unary'; op: string }
  | { k: 'neg' }
  | { k: 'reduce'; op: string }
  | { k: 'concat' }
  | { k: 'matmul' }
  | { k: 'reshape' }
  | { k: 'transpose' }
  | { k: 'identity' };

/** A lookup table without prototype keys (`constructor`, `toString` are not ops). */
function opTable(o: { [name: string]: OpKind }): { [name: string]: OpKind | undefined } {
  return Object.assign(Object.create(null) as object, o);
}

const TF_FUNCTIONS = opTable({
  '__operators__.add': { k: 'binary', op: 'add' },
  'math.add': { k: 'binary', op: 'add' },
  add: { k: 'binary', op: 'add' },
  'math.subtract': { k: 'binary', op: 'sub' },
  subtract: { k: 'binary', op: 'sub' },
  'math.multiply': { k: 'binary', op: 'mul' },
  multiply: { k: 'binary', op: 'mul' },
  'math.truediv': { k: 'binary', op: 'div' },
  'math.divide': { k: 'binary', op: 'div' },
  'math.divide_no_nan': { k: 'binary', op: 'div' },
  truediv: { k: 'binary', op: 'div' },
  divide: { k: 'binary', op: 'div' },
  'math.maximum': { k: 'binary', op: 'maximum' },
  maximum: { k: 'binary', op: 'maximum' },
  'math.minimum': { k: 'binary', op: 'minimum' },
  minimum: { k: 'binary', op: 'minimum' },
  'math.pow': { k: 'binary', op: 'pow' },
  pow: { k: 'binary', op: 'pow' },
  'nn.relu': { k: 'act', activation: 'relu' },
  'nn.relu6': { k: 'act', activation: 'relu6' },
  'nn.elu': { k: 'act', activation: 'elu' },
  'nn.selu': { k: 'act', activation: 'selu' },
  'nn.gelu': { k: 'act', activation: 'gelu' },
  'nn.silu': { k: 'act', activation: 'swish' },
  'nn.swish': { k: 'act', activation: 'swish' },
  'math.tanh': { k: 'act', activation: 'tanh' },
  'nn.tanh': { k: 'act', activation: 'tanh' },
  tanh: { k: 'act', activation: 'tanh' },
  'math.sigmoid': { k: 'act', activation: 'sigmoid' },
  'nn.sigmoid': { k: 'act', activation: 'sigmoid' },
  sigmoid: { k: 'act', activation: 'sigmoid' },
  'math.softplus': { k: 'act', activation: 'softplus' },
  'nn.softplus': { k: 'act', activation: 'softplus' },
  'math.softsign': { k: 'act', activation: 'softsign' },
  'nn.softsign': { k: 'act', activation: 'softsign' },
  'nn.softmax': { k: 'softmax' },
  'math.softmax': { k: 'softmax' },
  'nn.leaky_relu': { k: 'leakyRelu' },
  'math.exp': { k: 'unary', op: 'exp' },
  exp: { k: 'unary', op: 'exp' },
  'math.log': { k: 'unary', op: 'log' },
  'math.sqrt': { k: 'unary', op: 'sqrt' },
  sqrt: { k: 'unary', op: 'sqrt' },
  'math.rsqrt': { k: 'unary', op: 'rsqrt' },
  'math.square': { k: 'unary', op: 'square' },
  square: { k: 'unary', op: 'square' },
  'math.abs': { k: 'unary', op: 'abs' },
  abs: { k: 'unary', op: 'abs' },
  'math.reciprocal': { k: 'unary', op: 'reciprocal' },
  'math.negative': { k: 'neg' },
  '__operators__.neg': { k: 'neg' },
  'math.reduce_mean': { k: 'reduce', op: 'mean' },
  reduce_mean: { k: 'reduce', op: 'mean' },
  'math.reduce_sum': { k: 'reduce', op: 'sum' },
  reduce_sum: { k: 'reduce', op: 'sum' },
  'math.reduce_max': { k: 'reduce', op: 'max' },
  reduce_max: { k: 'reduce', op: 'max' },
  'math.reduce_min': { k: 'reduce', op: 'min' },
  reduce_min: { k: 'reduce', op: 'min' },
  concat: { k: 'concat' },
  'linalg.matmul': { k: 'matmul' },
  matmul: { k: 'matmul' },
  reshape: { k: 'reshape' },
  transpose: { k: 'transpose' },
  expand_dims: { k: 'identity' },
  squeeze: { k: 'identity' },
  identity: { k: 'identity' },
  cast: { k: 'identity' },
  stop_gradient: { k: 'identity' },
  'image.resize': { k: 'identity' },
});

/** Keras 3 op classes (module keras.src.ops.*). */
const KERAS3_OPS = opTable({
  Add: { k: 'binary', op: 'add' },
  Subtract: { k: 'binary', op: 'sub' },
  Multiply: { k: 'binary', op: 'mul' },
  Divide: { k: 'binary', op: 'div' },
  TrueDivide: { k: 'binary', op: 'div' },
  Maximum: { k: 'binary', op: 'maximum' },
  Minimum: { k: 'binary', op: 'minimum' },
  Power: { k: 'binary', op: 'pow' },
  Relu: { k: 'act', activation: 'relu' },
  Relu6: { k: 'act', activation: 'relu6' },
  Elu: { k: 'act', activation: 'elu' },
  Selu: { k: 'act', activation: 'selu' },
  Gelu: { k: 'act', activation: 'gelu' },
  Silu: { k: 'act', activation: 'swish' },
  Swish: { k: 'act', activation: 'swish' },
  Tanh: { k: 'act', activation: 'tanh' },
  Sigmoid: { k: 'act', activation: 'sigmoid' },
  Softplus: { k: 'act', activation: 'softplus' },
  Softsign: { k: 'act', activation: 'softsign' },
  Softmax: { k: 'softmax' },
  LeakyRelu: { k: 'leakyRelu' },
  Exp: { k: 'unary', op: 'exp' },
  Log: { k: 'unary', op: 'log' },
  Sqrt: { k: 'unary', op: 'sqrt' },
  Rsqrt: { k: 'unary', op: 'rsqrt' },
  Square: { k: 'unary', op: 'square' },
  Absolute: { k: 'unary', op: 'abs' },
  Abs: { k: 'unary', op: 'abs' },
  Reciprocal: { k: 'unary', op: 'reciprocal' },
  Negative: { k: 'neg' },
  Mean: { k: 'reduce', op: 'mean' },
  Sum: { k: 'reduce', op: 'sum' },
  Max: { k: 'reduce', op: 'max' },
  Min: { k: 'reduce', op: 'min' },
  Concatenate: { k: 'concat' },
  Matmul: { k: 'matmul' },
  Reshape: { k: 'reshape' },
  Transpose: { k: 'transpose' },
  ExpandDims: { k: 'identity' },
  Squeeze: { k: 'identity' },
  Cast: { k: 'identity' },
  StopGradient: { k: 'identity' },
});

/** `tf.compat.v1.transpose` and `tf.transpose` are the same op. */
const normalizeFunction = (fn: string): string => fn.replace(/^tf\./, '').replace(/^compat\.v[12]\./, '');

/** True for a Keras 3 op entry (`module: "keras.src.ops.numpy"` and the like). */
export function isKeras3Op(entry: JsonObject): boolean {
  return typeof entry.module === 'string' && /^keras(\.src)?\.ops(\.|$)/.test(entry.module);
}

/** The TF function a TFOpLambda entry calls (`math.multiply`), from its config. */
export function tfOpFunction(config: JsonValue | undefined): string | undefined {
  if (!isJsonObject(config)) return undefined;
  if (typeof config.function === 'string') return config.function;
  if (typeof config.name === 'string' && config.name.startsWith('tf.'))
    return config.name.slice(3).replace(/_\d+$/, '');
  return undefined;
}

const num = (a: OpArg | undefined): number | undefined => (a?.kind === 'num' ? a.value : undefined);
const bool = (a: OpArg | undefined): boolean | undefined => (a?.kind === 'bool' ? a.value : undefined);
const ints = (a: OpArg | undefined): number[] | undefined => {
  if (a?.kind === 'num' && Number.isInteger(a.value)) return [a.value];
  if (a?.kind !== 'list') return undefined;
  const out: number[] = [];
  for (const x of a.items) {
    if (x.kind !== 'num' || !Number.isInteger(x.value)) return undefined;
    out.push(x.value);
  }
  return out;
};

/** A config value of a Keras 3 op as an OpArg. */
function configArg(config: JsonValue | undefined, key: string): OpArg | undefined {
  if (!isJsonObject(config) || !(key in config)) return undefined;
  return toArg(config[key]);
}

export type OpTranslation = OpNode | { unsupported: string };

/**
 * Translates one recorded op call. `fn` is a TFOpLambda function name or a Keras 3 op class; `config` the entry's
 * config (Keras 3 keeps the op's own arguments there).
 */
export function translateOp(fn: string, keras3: boolean, call: OpCall, config?: JsonValue): OpTranslation {
  const kind = keras3 ? KERAS3_OPS[fn] : TF_FUNCTIONS[normalizeFunction(fn)];
  const label = keras3 ? `op ${fn}` : `tf.${normalizeFunction(fn)}`;
  if (!kind) return { unsupported: `${label} is not followed` };
  /** A named argument: positional index i, else the keyword(s), else (Keras 3) the op's config. */
  const arg = (i: number, ...names: string[]): OpArg | undefined => {
    if (call.args[i] !== undefined) return call.args[i];
    for (const n of names) {
      const v = call.kwargs.get(n) ?? (keras3 ? configArg(config, n) : undefined);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const x = arg(0, 'x', 'a', 'features', 'logits', 'input_tensor', 'tensor', 'input', 'values');
  const refOf = (a: OpArg | undefined): OpRef | undefined => (a?.kind === 'ref' ? a.ref : undefined);
  const xr = refOf(x);
  const one = (className: string, written: Config): OpTranslation =>
    xr ? { className, written, refs: [xr] } : { unsupported: `${label} of an argument that is not a tensor` };
  switch (kind.k) {
    case 'binary': {
      const y = arg(1, 'y', 'b', 'x2', 'exponent');
      const yr = refOf(y);
      const xn = num(x);
      const yn = num(y);
      if (xr && yr) {
        if (kind.op === 'pow') return { unsupported: `${label} of two tensors is not followed` };
        if (kind.op === 'div') return { className: 'TensorOp', written: { op: 'div' }, refs: [xr, yr] };
        const cls = { add: 'Add', sub: 'Subtract', mul: 'Multiply', maximum: 'Maximum', minimum: 'Minimum' }[
          kind.op
        ];
        return { className: cls, written: {}, refs: [xr, yr] };
      }
      if (xr && yn !== undefined) {
        const c = yn;
        switch (kind.op) {
          case 'add':
            return one('Rescaling', { scale: 1, offset: c });
          case 'sub':
            return one('Rescaling', { scale: 1, offset: -c });
          case 'mul':
            return one('Rescaling', { scale: c, offset: 0 });
          case 'div':
            return c === 0 ? { unsupported: `${label} by 0` } : one('Rescaling', { scale: 1 / c, offset: 0 });
          case 'maximum':
            return c === 0
              ? one('Activation', { activation: 'relu' })
              : { unsupported: `${label} with ${c} is not followed` };
          case 'minimum':
            return { unsupported: `${label} with a constant is not followed` };
          case 'pow':
            if (c === 1) return one('Activation', { activation: 'linear' });
            if (c === 2) return one('TensorOp', { op: 'square' });
            if (c === 0.5) return one('TensorOp', { op: 'sqrt' });
            if (c === -1) return one('TensorOp', { op: 'reciprocal' });
            if (c === -0.5) return one('TensorOp', { op: 'rsqrt' });
            return { unsupported: `${label} with exponent ${c} is not followed` };
        }
      }
      if (xn !== undefined && yr) {
        const c = xn;
        const rs = (scale: number, offset: number): OpTranslation => ({
          className: 'Rescaling',
          written: { scale, offset },
          refs: [yr],
        });
        if (kind.op === 'add') return rs(1, c);
        if (kind.op === 'sub') return rs(-1, c);
        if (kind.op === 'mul') return rs(c, 0);
        if (kind.op === 'div') {
          const r: OpTranslation = { className: 'TensorOp', written: { op: 'reciprocal' }, refs: [yr] };
          return c === 1 ? r : { unsupported: `${label} of a constant by a tensor is not followed` };
        }
      }
      return { unsupported: `${label} with an operand that is not a tensor or a number` };
    }
    case 'act':
      return one('Activation', { activation: kind.activation });
    case 'softmax': {
      const axis = num(arg(1, 'axis', 'dim'));
      if (axis !== undefined && axis !== -1)
        return { unsupported: `${label} over axis ${axis} is not followed` };
      return one('Activation', { activation: 'softmax' });
    }
    case 'leakyRelu':
      return one('LeakyReLU', { alpha: num(arg(1, 'alpha', 'negative_slope')) ?? 0.2 });
    case 'unary':
      if (!isUnaryOp(kind.op)) return { unsupported: `${label} is not followed` };
      return one('TensorOp', { op: kind.op });
    case 'neg':
      return one('Rescaling', { scale: -1, offset: 0 });
    case 'reduce': {
      const axis = ints(arg(1, 'axis'));
      if (!isReduceOp(kind.op)) return { unsupported: `${label} is not followed` };
      if (!axis || axis.length !== 1)
        return { unsupported: `${label} over ${axis ? `${axis.length} axes` : 'all axes'} is not followed` };
      return one('TensorOp', {
        op: kind.op,
        axis: axis[0],
        keepDims: bool(arg(2, 'keepdims', 'keep_dims')) === true,
      });
    }
    case 'concat': {
      const list = arg(0, 'values', 'xs');
      const refs = list?.kind === 'list' ? list.items.map(refOf) : [];
      if (refs.length < 2 || refs.some((r) => !r))
        return { unsupported: `${label} of inputs that are not all tensors` };
      const axis = num(arg(1, 'axis')) ?? (keras3 ? 0 : undefined);
      return { className: 'Concatenate', written: axis === undefined ? {} : { axis }, refs: refs as OpRef[] };
    }
    case 'matmul': {
      const b = refOf(arg(1, 'b', 'x2'));
      if (!xr || !b) return { unsupported: `${label} of arguments that are not both tensors` };
      const ta = bool(call.kwargs.get('transpose_a')) === true;
      const tb = bool(call.kwargs.get('transpose_b')) === true;
      return { className: 'Dot', written: { axes: [ta ? -2 : -1, tb ? -1 : -2] }, refs: [xr, b] };
    }
    case 'reshape': {
      const shape = ints(arg(1, 'shape', 'newshape', 'new_shape'));
      // The batch axis first (-1 or None in the recorded shape), the rest is Reshape's targetShape.
      if (shape && shape.length >= 2 && (shape[0] === -1 || shape[0] === 0))
        return one('Reshape', { targetShape: shape.slice(1) });
      return one('Activation', { activation: 'linear' });
    }
    case 'transpose': {
      const perm = ints(arg(1, 'perm', 'axes'));
      if (perm && perm.length >= 2 && perm[0] === 0) return one('Permute', { dims: perm.slice(1) });
      return one('Activation', { activation: 'linear' });
    }
    case 'identity':
      return one('Activation', { activation: 'linear' });
  }
}
