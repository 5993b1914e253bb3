/**
 * Output shapes where they are easy to infer from the resolved config and the input shapes (batch dim null).
 * Undefined whenever unsure: a wrong shape is worse than none.
 */
import { isUnaryOp } from '../graph/tensorOps';
import type { Config, ConfigValue } from '../graph/types';

export type Shape = (number | null)[];

const SAME_SHAPE = new Set([
  'Activation',
  'Dropout',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'Softmax',
  'ThresholdedReLU',
  'LayerNormalization',
  'BatchNormalization',
  'UnitNormalization',
  'GroupNormalization',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'Masking',
  'Rescaling',
]);
const ELEMENTWISE = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract']);

function isNum(v: ConfigValue | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function tuple(v: ConfigValue | undefined, n: number, dflt: number): number[] | undefined {
  if (v === undefined || v === null) return Array<number>(n).fill(dflt);
  if (isNum(v)) return Array<number>(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every(isNum)) return v as number[];
  return undefined;
}

/** `padding` / `cropping` of the 2D layers: n, [h, w] or [[top, bottom], [left, right]]. */
function pairs(v: ConfigValue | undefined, dflt: number): [number, number][] | undefined {
  if (v === undefined || v === null) v = dflt;
  if (isNum(v)) return [
    [v, v],
    [v, v],
  ];
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const out: [number, number][] = [];
  for (const e of v) {
    if (isNum(e)) out.push([e, e]);
    else if (Array.isArray(e) && e.length === 2 && isNum(e[0]) && isNum(e[1])) out.push([e[0], e[1]]);
    else return undefined;
  }
  return out;
}

/** `{className, config}` of a wrapped layer (Bidirectional, TimeDistributed). */
function wrapped(v: ConfigValue | undefined): { className: string; config: Config } | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const cls = v.className;
  const cfg = v.config;
  if (typeof cls !== 'string' || !cfg || typeof cfg !== 'object' || Array.isArray(cfg)) return undefined;
  return { className: cls, config: cfg };
}

/** The output width of an RNN cell config (StackedRNNCells: its last cell; a list of cells: the last one). */
function cellUnits(v: ConfigValue | undefined, depth = 0): number | undefined {
  if (depth > 4 || !v) return undefined;
  if (Array.isArray(v)) return v.length ? cellUnits(v[v.length - 1], depth + 1) : undefined;
  const cell = wrapped(v);
  if (!cell) return undefined;
  if (cell.className === 'StackedRNNCells') return cellUnits(cell.config.cells, depth + 1);
  return isNum(cell.config.units) ? cell.config.units : undefined;
}

function spatialDims(className: string): number {
  const m = /([123])D/.exec(className);
  return m ? Number(m[1]) : 0;
}

function convLength(
  d: number | null,
  k: number,
  s: number,
  padding: ConfigValue | undefined,
  dil = 1,
): number | null {
  if (d === null) return null;
  if (padding === 'same' || padding === 'causal') return Math.ceil(d / s);
  const eff = (k - 1) * dil + 1;
  return Math.floor((d - eff) / s) + 1;
}

/**
 * The input shape a model's first layer declares, batch axis first: batchInputShape, inputShape, an Embedding's
 * inputLength (its inputDim is a vocabulary size), or inputDim. Dimensions not known are null; undefined when the
 * layer declares none.
 */
export function declaredInputShape(className: string, written: Config): Shape | undefined {
  const dims = (a: ConfigValue[]) => a.map((d) => (typeof d === 'number' ? d : null));
  if (Array.isArray(written.batchInputShape)) return dims(written.batchInputShape);
  if (Array.isArray(written.inputShape)) return [null, ...dims(written.inputShape)];
  if (className === 'Embedding') {
    const len = written.inputLength;
    return [null, ...(Array.isArray(len) ? dims(len) : [typeof len === 'number' ? len : null])];
  }
  if (typeof written.inputDim === 'number') return [null, written.inputDim];
  return undefined;
}

/**
 * The output shape of a layer from its config and input shapes, when it can be known. A dimension that would not
 * be a whole number of units (Infinity from 1e308-sized configs, NaN, a negative length from a kernel larger than
 * its input) is unknown (null): shapes carry only what a real tensor could have.
 */
export function inferShape(className: string, config: Config, ins: (Shape | undefined)[]): Shape | undefined {
  const shape = inferRaw(className, config, ins);
  return shape && wholeDims(shape);
}

/** A shape with every dimension that is not a whole number of units (>= 0) made unknown (null). */
export function wholeDims(shape: Shape): Shape {
  return shape.map((d) => (d === null || (Number.isSafeInteger(d) && d >= 0) ? d : null));
}

function inferRaw(className: string, config: Config, ins: (Shape | undefined)[]): Shape | undefined {
  const x = ins[0];
  if (className === 'InputLayer') {
    const b = config.batchInputShape;
    if (Array.isArray(b) && b.every((d) => d === null || isNum(d))) return b as Shape;
    return undefined;
  }
  if (SAME_SHAPE.has(className)) return x ? x.slice() : undefined;
  if (ELEMENTWISE.has(className)) {
    if (ins.length >= 2 && ins.every((s) => s !== undefined)) return broadcastAll(ins as Shape[]);
    return ins.find((s) => s !== undefined)?.slice();
  }
  if (className === 'TensorOp') return tensorOpShape(config, ins);
  if (!x) return undefined;
  switch (className) {
    case 'Dense':
      return isNum(config.units) ? [...x.slice(0, -1), config.units] : undefined;
    case 'Flatten': {
      const rest = x.slice(1);
      if (!rest.every((d) => d !== null)) return undefined;
      return [null, (rest as number[]).reduce((a, d) => a * d, 1)];
    }
    case 'Concatenate': {
      if (ins.some((s) => !s || s.length !== x.length)) return undefined;
      let axis = isNum(config.axis) ? config.axis : -1;
      if (axis < 0) axis += x.length;
      const out = x.slice();
      let sum: number | null = 0;
      for (const s of ins as Shape[]) {
        const d = s[axis];
        sum = sum === null || d === null ? null : sum + d;
      }
      out[axis] = sum;
      return out;
    }
    case 'Embedding':
      return isNum(config.outputDim) ? [...x, config.outputDim] : undefined;
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN': {
      if (!isNum(config.units) || x.length !== 3) return undefined;
      // With returnState the node stands for [output, ...states]: the states are [null, units], so a sequence
      // output leaves the node without one shape.
      if (config.returnSequences === true && config.returnState === true) return undefined;
      return config.returnSequences === true ? [null, x[1], config.units] : [null, config.units];
    }
    case 'RNN': {
      // tf.layers.rnn({cell}): the width is the (last) cell's units.
      const units = cellUnits(config.cell);
      if (units === undefined || x.length !== 3) return undefined;
      if (config.returnSequences === true && config.returnState === true) return undefined;
      return config.returnSequences === true ? [null, x[1], units] : [null, units];
    }
    case 'Bidirectional': {
      // The wrapped RNN's shape, with the two directions concatenated (or summed, multiplied, averaged).
      const inner = wrapped(config.layer);
      if (!inner || config.returnState === true || inner.config.returnState === true) return undefined;
      const one = inferRaw(inner.className, inner.config, [x]);
      if (!one) return undefined;
      const mode = config.mergeMode === undefined ? 'concat' : config.mergeMode;
      if (mode === 'concat') {
        const last = one[one.length - 1];
        return [...one.slice(0, -1), last === null ? null : last * 2];
      }
      return mode === 'sum' || mode === 'mul' || mode === 'ave' ? one : undefined;
    }
    case 'TimeDistributed': {
      // The wrapped layer applied to every time step: its shape without the time axis, the time axis put back.
      const inner = wrapped(config.layer);
      if (!inner || x.length < 3) return undefined;
      const step = inferRaw(inner.className, inner.config, [[x[0], ...x.slice(2)]]);
      return step ? [step[0], x[1], ...step.slice(1)] : undefined;
    }
    case 'Permute': {
      const dims = config.dims;
      if (!Array.isArray(dims) || dims.length !== x.length - 1) return undefined;
      const out: Shape = [null];
      for (const d of dims) {
        if (!isNum(d) || d < 1 || d >= x.length) return undefined;
        out.push(x[d]);
      }
      return out;
    }
    case 'RepeatVector':
      return isNum(config.n) && x.length === 2 ? [null, config.n, x[1]] : undefined;
    case 'Reshape': {
      const t = config.targetShape;
      if (!Array.isArray(t) || !t.every(isNum)) return undefined;
      const target = t as number[];
      const neg = target.indexOf(-1);
      if (neg < 0) return [null, ...target];
      const rest = x.slice(1);
      if (!rest.every((d) => d !== null)) return undefined;
      const total = (rest as number[]).reduce((a, d) => a * d, 1);
      const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
      const out = target.slice();
      out[neg] = total / known;
      return Number.isInteger(out[neg]) ? [null, ...out] : undefined;
    }
    default:
      break;
  }
  const n = spatialDims(className);
  if (n && config.dataFormat !== 'channelsFirst' && x.length === n + 2) {
    if (/^(Conv[123]D|SeparableConv[12]D|DepthwiseConv[12]D)$/.test(className)) {
      const k = tuple(config.kernelSize, n, NaN);
      const s = tuple(config.strides, n, 1);
      const dl = tuple(config.dilationRate, n, 1);
      if (!k || !s || !dl || k.some(Number.isNaN)) return undefined;
      let channels: number | null;
      if (className.startsWith('Depthwise')) {
        const c = x[n + 1];
        const m = isNum(config.depthMultiplier) ? config.depthMultiplier : 1;
        channels = c === null ? null : c * m;
      } else if (isNum(config.filters)) channels = config.filters;
      else return undefined;
      const dims = x.slice(1, n + 1).map((d, i) => convLength(d, k[i], s[i], config.padding, dl[i]));
      return [null, ...dims, channels];
    }
    if (/^(MaxPooling|AveragePooling)[123]D$/.test(className)) {
      const p = tuple(config.poolSize, n, 2);
      const s = tuple(config.strides ?? config.poolSize, n, 2);
      if (!p || !s) return undefined;
      const dims = x.slice(1, n + 1).map((d, i) => convLength(d, p[i], s[i], config.padding));
      return [null, ...dims, x[n + 1]];
    }
    if (/^Conv[123]DTranspose$/.test(className)) {
      // tfjs deconvLength: 'valid' (d - 1) * s + k (dilated kernel), 'same' d * s; outputPadding not modelled.
      const k = tuple(config.kernelSize, n, NaN);
      const s = tuple(config.strides, n, 1);
      const dl = tuple(config.dilationRate, n, 1);
      if (!k || !s || !dl || k.some(Number.isNaN) || !isNum(config.filters)) return undefined;
      if (config.outputPadding !== undefined && config.outputPadding !== null) return undefined;
      if (config.padding !== undefined && config.padding !== 'valid' && config.padding !== 'same') return undefined;
      const dims = x.slice(1, n + 1).map((d, i) => {
        if (d === null) return null;
        return config.padding === 'same' ? d * s[i] : (d - 1) * s[i] + (k[i] - 1) * dl[i] + 1;
      });
      return [null, ...dims, config.filters];
    }
    if (/^(ZeroPadding|Cropping)2D$/.test(className)) {
      const key = className === 'Cropping2D' ? 'cropping' : 'padding';
      const dflt = className === 'Cropping2D' ? 0 : 1;
      const p = pairs(config[key], dflt);
      if (!p) return undefined;
      const sign = className === 'Cropping2D' ? -1 : 1;
      const dims = x.slice(1, 3).map((d, i) => (d === null ? null : d + sign * (p[i][0] + p[i][1])));
      return [null, ...dims, x[3]];
    }
    if (/^Global(Max|Average)Pooling[123]D$/.test(className)) return [null, x[n + 1]];
    if (/^UpSampling2D$/.test(className)) {
      const sz = tuple(config.size, 2, 2);
      if (!sz) return undefined;
      return [null, ...x.slice(1, 3).map((d, i) => (d === null ? null : d * sz[i])), x[3]];
    }
  }
  return undefined;
}

/** Broadcast shapes (numpy rules, right-aligned); undefined when two known sizes differ and neither is 1. */
export function broadcastAll(shapes: Shape[]): Shape | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: number | null = 1;
    let unknown = false;
    for (const s of shapes) {
      const e = s[s.length - rank + i];
      if (e === undefined || e === 1) continue;
      if (e === null) unknown = true;
      else if (d === 1) d = e;
      else if (d !== e) return undefined;
    }
    out.push(unknown && d === 1 ? null : d);
  }
  return out;
}

function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Shapes of the traced tensor ops of custom layers (tfjsApi.ts tracedOp / randomOp). */
function tensorOpShape(config: Config, ins: (Shape | undefined)[]): Shape | undefined {
  const op = String(config.op);
  const x = ins[0];
  if (op === 'randomNormal' || op === 'randomUniform') {
    const sh = config.shape;
    if (Array.isArray(sh) && sh.every((d) => d === null || isNum(d))) return sh as Shape;
    return x?.slice();
  }
  if (op === 'div') return ins.every((s) => s !== undefined) ? broadcastAll(ins as Shape[]) : undefined;
  if (op === 'stack') {
    if (!x || ins.some((s) => !s || s.length !== x.length)) return undefined;
    const a = isNum(config.axis) ? normAxis(config.axis, x.length + 1) : undefined;
    if (a === undefined) return undefined;
    const out = x.slice();
    out.splice(a, 0, ins.length);
    return out;
  }
  if (!x) return undefined;
  if (isUnaryOp(op)) return x.slice();
  switch (op) {
    case 'mean':
    case 'sum':
    case 'max':
    case 'min': {
      const a = isNum(config.axis) ? normAxis(config.axis, x.length) : undefined;
      if (a === undefined) return undefined;
      const out = x.slice();
      if (config.keepDims === true) out[a] = 1;
      else out.splice(a, 1);
      return out;
    }
    case 'expandDims': {
      const a = isNum(config.axis) ? normAxis(config.axis, x.length + 1) : undefined;
      if (a === undefined) return undefined;
      const out = x.slice();
      out.splice(a, 0, 1);
      return out;
    }
    case 'squeeze': {
      const ax = config.axis;
      if (Array.isArray(ax)) {
        const drop = new Set<number>();
        for (const v of ax) {
          const a = isNum(v) ? normAxis(v, x.length) : undefined;
          if (a === undefined || (x[a] !== 1 && x[a] !== null)) return undefined;
          drop.add(a);
        }
        return x.filter((_, i) => !drop.has(i));
      }
      if (x.slice(1).some((d) => d === null)) return undefined;
      return x.filter((d, i) => i === 0 || d !== 1);
    }
    case 'transpose': {
      const perm = Array.isArray(config.perm) ? config.perm : x.map((_, i) => x.length - 1 - i);
      if (perm.length !== x.length) return undefined;
      const out: Shape = [];
      for (const p of perm) {
        if (!isNum(p) || p < 0 || p >= x.length) return undefined;
        out.push(x[p]);
      }
      return out;
    }
    case 'gather': {
      const a = isNum(config.axis) ? normAxis(config.axis, x.length) : undefined;
      if (a === undefined) return undefined;
      const out = x.slice();
      if (config.keep === true) out[a] = 1;
      else out.splice(a, 1);
      return out;
    }
    case 'slice': {
      const begin = config.begin;
      const size = config.size;
      if (!Array.isArray(begin) || !Array.isArray(size)) return undefined;
      const out = x.slice();
      for (let i = 0; i < x.length; i++) {
        const b = begin[i] ?? 0;
        const z = size[i] ?? -1;
        if (!isNum(b) || !isNum(z)) return undefined;
        if (z >= 0) out[i] = z;
        else out[i] = x[i] === null ? null : (x[i] as number) - b;
      }
      return out;
    }
    default:
      return undefined;
  }
}
