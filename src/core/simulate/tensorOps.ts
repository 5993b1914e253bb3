/**
 * TensorOp nodes: the tensor ops traced in custom layers' call() bodies (parse/tfjsApi.ts tracedOp/randomOp).
 * Element-wise functions are evaluated in float64 on the stored values with the log-scale carried exactly where
 * the function is homogeneous (square, sqrt, rsqrt, reciprocal, abs), on the true values otherwise (exp, log).
 * Reductions, selections and layout changes act on the simulated layout ([batch * seq, features]); what the
 * layout cannot represent is simulated as the identity with a note. Plain TypeScript on the run's storage
 * (newData), so both kernel backends run the same code.
 */
import { isUnaryOp, type ReduceOp, type UnaryOp } from '../graph/tensorOps';
import type { Config, ConfigValue } from '../graph/types';
import { Rng } from './rng';
import { like, makeVal, newData, renormalize, type Val } from './values';

type Shape = (number | null)[];
type Back = (dy: Val) => (Val | undefined)[];
export interface OpContext {
  seed: number;
  width: number;
  seqLen: number;
  notes: Set<string>;
}

const LN2 = Math.LN2;

function isNum(v: ConfigValue | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A Val of `shape`'s layout holding float64 values times e^base: powers of two moved into logScale. */
export function store64(vals: Float64Array, base: number, rows: number, cols: number, seq: number, realWidth: number): Val {
  let ss = 0;
  for (let i = 0; i < vals.length; i++) ss += vals[i] * vals[i];
  const rms = Math.sqrt(ss / Math.max(1, vals.length));
  const k = rms > 0 && Number.isFinite(rms) ? Math.round(Math.log2(rms)) : 0;
  const s = 2 ** -k;
  const data = newData(vals.length);
  for (let i = 0; i < vals.length; i++) data[i] = vals[i] * s;
  return renormalize(makeVal(rows, cols, seq, realWidth, base + k * LN2, data));
}

const store64Like = (v: Val, vals: Float64Array, base: number) => store64(vals, base, v.rows, v.cols, v.seq, v.realWidth);

// ---------------------------------------------------------------------------------------------------------
// element-wise functions

/** y = f(x) on true values x = data * e^L; backward dx = f'(x) dy. */
export function unary(ctx: OpContext, op: UnaryOp, x: Val, what: string): { out: Val; back: Back } {
  const n = x.data.length;
  const d = x.data;
  const L = x.logScale;
  const y = new Float64Array(n);
  let base = 0;
  let bad = 0;
  let m = 0;
  switch (op) {
    case 'square':
      for (let i = 0; i < n; i++) y[i] = d[i] * d[i];
      base = 2 * L;
      break;
    case 'abs':
      for (let i = 0; i < n; i++) y[i] = Math.abs(d[i]);
      base = L;
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) {
        if (d[i] < 0) bad++;
        y[i] = d[i] > 0 ? Math.sqrt(d[i]) : 0;
      }
      base = L / 2;
      break;
    case 'rsqrt':
      for (let i = 0; i < n; i++) {
        if (!(d[i] > 0)) bad++;
        y[i] = d[i] > 0 ? 1 / Math.sqrt(d[i]) : 0;
      }
      base = -L / 2;
      break;
    case 'reciprocal':
      for (let i = 0; i < n; i++) {
        if (d[i] === 0) bad++;
        y[i] = d[i] !== 0 ? 1 / d[i] : 0;
      }
      base = -L;
      break;
    case 'exp': {
      // exp(t) = exp(t - m) e^m with m the largest argument: no overflow whatever the scale.
      const f = Math.exp(L);
      const t = new Float64Array(n);
      m = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = d[i] * f;
        t[i] = Number.isFinite(v) ? v : v > 0 ? 1e300 : -1e300;
        if (t[i] > m) m = t[i];
      }
      if (!Number.isFinite(m)) m = 0;
      for (let i = 0; i < n; i++) y[i] = Math.exp(t[i] - m);
      base = m;
      break;
    }
    case 'log': {
      let minPos = Infinity;
      for (let i = 0; i < n; i++) if (d[i] > 0 && d[i] < minPos) minPos = d[i];
      if (!Number.isFinite(minPos)) minPos = 1;
      for (let i = 0; i < n; i++) {
        if (!(d[i] > 0)) bad++;
        y[i] = Math.log(d[i] > 0 ? d[i] : minPos) + L;
      }
      base = 0;
      break;
    }
  }
  if (bad > 0) {
    const nan = op === 'reciprocal' ? 'Infinity' : op === 'rsqrt' ? 'NaN or Infinity' : 'NaN';
    const subst = op === 'log' ? 'the log of the smallest positive value' : '0';
    ctx.notes.add(`${what}: ${op} of ${bad} non-positive value(s) (${nan} in tfjs) simulated as ${subst}.`);
  }
  const out = store64Like(x, y, base);
  return {
    out,
    back: (dy) => {
      const g = new Float64Array(n);
      const dd = dy.data;
      let gb = dy.logScale;
      switch (op) {
        case 'square':
          for (let i = 0; i < n; i++) g[i] = 2 * d[i] * dd[i];
          gb += L;
          break;
        case 'abs':
          for (let i = 0; i < n; i++) g[i] = d[i] > 0 ? dd[i] : d[i] < 0 ? -dd[i] : 0;
          break;
        case 'sqrt':
          for (let i = 0; i < n; i++) g[i] = d[i] > 0 ? (0.5 * dd[i]) / Math.sqrt(d[i]) : 0;
          gb -= L / 2;
          break;
        case 'rsqrt':
          for (let i = 0; i < n; i++) g[i] = d[i] > 0 ? (-0.5 * dd[i]) / (d[i] * Math.sqrt(d[i])) : 0;
          gb -= 1.5 * L;
          break;
        case 'reciprocal':
          for (let i = 0; i < n; i++) g[i] = d[i] !== 0 ? -dd[i] / (d[i] * d[i]) : 0;
          gb -= 2 * L;
          break;
        case 'exp':
          for (let i = 0; i < n; i++) g[i] = dd[i] * y[i];
          gb += m;
          break;
        case 'log':
          for (let i = 0; i < n; i++) g[i] = d[i] > 0 ? dd[i] / d[i] : 0;
          gb -= L;
          break;
      }
      return [store64Like(x, g, gb)];
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// broadcasting (per sample over the sequence, a single column over the features)

interface Bcast {
  idx: Int32Array;
  /** gradient of the broadcast input: sums over the copies, scaled to the real number of copied features */
  fold: (g: Float64Array) => Float64Array;
}

function broadcast(v: Val, rows: number, cols: number, realCols: number): Bcast {
  const idx = new Int32Array(rows * cols);
  const per = v.rows < rows && rows % v.rows === 0 && v.seq === 1 ? rows / v.rows : 0;
  for (let r = 0; r < rows; r++) {
    const rr = v.rows === rows ? r : per ? Math.floor(r / per) : r % v.rows;
    for (let c = 0; c < cols; c++) idx[r * cols + c] = rr * v.cols + (v.cols === cols ? c : c % v.cols);
  }
  const colScale = v.cols === 1 && cols > 1 ? Math.max(1, realCols) / cols : 1;
  return {
    idx,
    fold: (g) => {
      const out = new Float64Array(v.rows * v.cols);
      for (let i = 0; i < g.length; i++) out[idx[i]] += g[i];
      if (colScale !== 1) for (let i = 0; i < out.length; i++) out[i] *= colScale;
      return out;
    },
  };
}

/** a / b element-wise with broadcasting; dA = dy / b, dB = -dy a / b^2. */
export function divide(ctx: OpContext, a: Val, b: Val, what: string): { out: Val; back: Back } {
  const ref = a.rows * a.cols >= b.rows * b.cols ? a : b;
  const rows = ref.rows;
  const cols = ref.cols;
  const realCols = Math.max(a.realWidth, b.realWidth);
  const ba = broadcast(a, rows, cols, realCols);
  const bb = broadcast(b, rows, cols, realCols);
  const n = rows * cols;
  const y = new Float64Array(n);
  let zero = 0;
  for (let i = 0; i < n; i++) {
    const q = b.data[bb.idx[i]];
    if (q === 0) zero++;
    y[i] = q !== 0 ? a.data[ba.idx[i]] / q : 0;
  }
  if (zero) ctx.notes.add(`${what}: division by ${zero} zero value(s) (Infinity or NaN in tfjs) simulated as 0.`);
  const out = store64(y, a.logScale - b.logScale, rows, cols, ref.seq, realCols);
  return {
    out,
    back: (dy) => {
      const ga = new Float64Array(n);
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const q = b.data[bb.idx[i]];
        if (q === 0) continue;
        ga[i] = dy.data[i] / q;
        gb[i] = (-dy.data[i] * a.data[ba.idx[i]]) / (q * q);
      }
      return [
        store64Like(a, ba.fold(ga), dy.logScale - b.logScale),
        store64Like(b, bb.fold(gb), dy.logScale + a.logScale - 2 * b.logScale),
      ];
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// reductions and selections

/** Reduce over the feature axis (per row) or the sequence axis (per sample, per feature). */
function reduce(op: ReduceOp, x: Val, overSeq: boolean, realCount: number): { out: Val; back: Back } {
  const B = overSeq ? x.rows / x.seq : x.rows;
  const S = overSeq ? x.seq : x.cols;
  const C = overSeq ? x.cols : 1;
  const at = (b: number, s: number, c: number) => (overSeq ? (b * S + s) * C + c : b * S + s);
  const y = new Float64Array(B * C);
  const arg = op === 'max' || op === 'min' ? new Int32Array(B * C) : undefined;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      let acc = arg ? x.data[at(b, 0, c)] : 0;
      for (let s = 0; s < S; s++) {
        const v = x.data[at(b, s, c)];
        if (!arg) acc += v;
        else if (op === 'max' ? v > acc : v < acc) {
          acc = v;
          arg[b * C + c] = s;
        }
      }
      // mean: the simulated positions estimate the real mean; sum: the real count of terms (mean-field).
      y[b * C + c] = arg ? acc : op === 'mean' ? acc / S : (acc / S) * realCount;
    }
  const out = overSeq ? store64(y, x.logScale, B, C, 1, x.realWidth) : store64(y, x.logScale, x.rows, 1, x.seq, 1);
  return {
    out,
    back: (dy) => {
      const g = new Float64Array(x.data.length);
      // Each real term gets dy (sum) or dy / count (mean): the per-element gradient of the real tensor.
      const f = op === 'mean' ? 1 / realCount : 1;
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++) {
          const gy = dy.data[b * C + c];
          if (arg) g[at(b, arg[b * C + c], c)] = gy;
          else for (let s = 0; s < S; s++) g[at(b, s, c)] = gy * f;
        }
      return [store64Like(x, g, dy.logScale)];
    },
  };
}

/** Keep positions `pick` (simulated indices) of the sequence (per sample) or of the features. */
function select(x: Val, overSeq: boolean, pick: number[], realWidth: number): { out: Val; back: Back } {
  const B = x.rows / x.seq;
  const k = pick.length;
  const out = overSeq ? makeVal(B * k, x.cols, k, x.realWidth, x.logScale) : makeVal(x.rows, k, x.seq, realWidth, x.logScale);
  if (overSeq) {
    for (let b = 0; b < B; b++)
      for (let j = 0; j < k; j++) out.data.set(x.data.subarray((b * x.seq + pick[j]) * x.cols, (b * x.seq + pick[j] + 1) * x.cols), (b * k + j) * x.cols);
  } else {
    for (let r = 0; r < x.rows; r++) for (let j = 0; j < k; j++) out.data[r * k + j] = x.data[r * x.cols + pick[j]];
  }
  renormalize(out);
  return {
    out,
    back: (dy) => {
      const d = like(x, undefined, dy.logScale);
      if (overSeq) {
        for (let b = 0; b < B; b++)
          for (let j = 0; j < k; j++)
            for (let c = 0; c < x.cols; c++) d.data[(b * x.seq + pick[j]) * x.cols + c] += dy.data[(b * k + j) * x.cols + c];
      } else {
        for (let r = 0; r < x.rows; r++) for (let j = 0; j < k; j++) d.data[r * x.cols + pick[j]] += dy.data[r * k + j];
      }
      return [renormalize(d)];
    },
  };
}

/** [B, S, C] -> [B, C, S] per sample (transpose of the last two axes). */
function swapLastTwo(x: Val, realSeq: number): { out: Val; back: Back } {
  const S = x.seq;
  const C = x.cols;
  const B = x.rows / S;
  const perm = (src: Float32Array, dst: Float32Array, s: number, c: number) => {
    for (let b = 0; b < B; b++) for (let t = 0; t < s; t++) for (let q = 0; q < c; q++) dst[(b * c + q) * s + t] = src[(b * s + t) * c + q];
  };
  const out = makeVal(B * C, S, C, realSeq, x.logScale);
  perm(x.data, out.data, S, C);
  return {
    out,
    back: (dy) => {
      const d = like(x, undefined, dy.logScale);
      perm(dy.data, d.data, C, S);
      return [d];
    },
  };
}

function identity(x: Val, realWidth?: number): { out: Val; back: Back } {
  const out = realWidth === undefined || realWidth === x.realWidth ? x : makeVal(x.rows, x.cols, x.seq, realWidth, x.logScale, x.data);
  return { out, back: (dy) => [dy] };
}

/** Simulated index of real position i of an axis of real length `real` simulated at `sim` positions. */
function simIndex(i: number, real: number, sim: number): number {
  if (real <= sim) return Math.min(i, sim - 1);
  // The last real position is the last simulated one (recurrent outputs: the state after the whole sequence).
  if (i === real - 1) return sim - 1;
  return Math.min(sim - 1, Math.floor((i * sim) / real));
}

/**
 * [B, S, 1] laid out as B*S rows of one unit -> [B, S] (the positions become the features): the same storage
 * read as B rows of S units, for a reduction or a selection that drops the feature axis of a sequence.
 */
function positionsAsFeatures(r: { out: Val; back: Back }, realSeq: number): { out: Val; back: Back } {
  const o = r.out;
  const S = o.seq;
  const B = o.rows / S;
  return {
    out: makeVal(B, S, 1, realSeq, o.logScale, o.data),
    back: (dy) => r.back(makeVal(o.rows, 1, S, o.realWidth, dy.logScale, dy.data)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// the node

/** Runs a TensorOp node; `inShape` is its (first) input's real shape when known. */
export function tensorOpNode(ctx: OpContext, cfg: Config, ins: Val[], key: string, what: string, inShape: Shape | undefined, outShape: Shape | undefined): { out: Val; back: Back } {
  const op = String(cfg.op);
  const x = ins[0];
  const rank = inShape?.length ?? (x.seq > 1 ? 3 : 2);
  const norm = (a: number, r = rank) => (a < 0 ? a + r : a);
  const lastOut = outShape?.[outShape.length - 1];
  if (isUnaryOp(op)) return unary(ctx, op, x, what);
  switch (op) {
    case 'div':
      return ins.length >= 2 ? divide(ctx, ins[0], ins[1], what) : identity(x);
    case 'randomNormal':
    case 'randomUniform': {
      const sh = Array.isArray(cfg.shape) ? (cfg.shape as Shape) : undefined;
      const B = x.rows / x.seq;
      let rows = x.rows;
      let cols = x.cols;
      let seq = x.seq;
      let real = x.realWidth;
      if (sh && sh.length >= 2) {
        const last = sh[sh.length - 1];
        real = isNum(last) ? last : x.realWidth;
        cols = Math.max(1, Math.min(real, ctx.width));
        seq = sh.length === 3 && isNum(sh[1]) ? Math.max(1, Math.min(sh[1], ctx.seqLen)) : 1;
        rows = B * seq;
        if (sh.length > 3) ctx.notes.add(`${what}: a ${sh.length}-d random draw simulated per position.`);
      }
      const rng = Rng.derive(ctx.seed, `${key}/draw`);
      const data = newData(rows * cols);
      if (op === 'randomUniform') rng.fillUniform(data, isNum(cfg.minval) ? cfg.minval : 0, isNum(cfg.maxval) ? cfg.maxval : 1);
      else if (cfg.truncated === true) rng.fillTruncatedNormal(data, isNum(cfg.mean) ? cfg.mean : 0, isNum(cfg.stdDev) ? cfg.stdDev : 1);
      else rng.fillNormal(data, isNum(cfg.mean) ? cfg.mean : 0, isNum(cfg.stdDev) ? cfg.stdDev : 1);
      // A fresh draw: no gradient flows to the tensor whose shape it took.
      return { out: renormalize(makeVal(rows, cols, seq, real, 0, data)), back: () => [undefined] };
    }
    case 'mean':
    case 'sum':
    case 'max':
    case 'min': {
      const a = norm(isNum(cfg.axis) ? cfg.axis : -1);
      if (a === rank - 1) {
        if (x.cols < x.realWidth && (op === 'max' || op === 'min'))
          ctx.notes.add(`${what}: ${op} over ${x.cols} simulated of ${x.realWidth} features.`);
        const r = reduce(op, x, false, x.realWidth);
        if (cfg.keepDims !== true && rank === 3 && x.seq > 1) return positionsAsFeatures(r, isNum(inShape?.[1]) ? (inShape[1] as number) : x.seq);
        return r;
      }
      if (a === 1 && rank === 3 && x.seq > 1) {
        const real = isNum(inShape?.[1]) ? (inShape[1] as number) : x.seq;
        return reduce(op, x, true, real);
      }
      if (a === 0) ctx.notes.add(`${what}: ${op} over the batch axis simulated as the identity.`);
      else ctx.notes.add(`${what}: ${op} over axis ${a}, which the simulation does not lay out, simulated as the identity.`);
      return identity(x);
    }
    case 'gather':
    case 'slice': {
      // The one axis selected from: gather's axis, or the axis a slice cuts.
      let a: number;
      let begin: number;
      let size: number;
      if (op === 'gather') {
        a = norm(isNum(cfg.axis) ? cfg.axis : 0);
        const dim = inShape?.[a];
        begin = isNum(cfg.index) ? cfg.index : 0;
        if (begin < 0 && isNum(dim)) begin += dim;
        size = 1;
      } else {
        const nums = (v: ConfigValue | undefined, d: number) => (Array.isArray(v) ? v : []).map((e) => (isNum(e) ? e : d));
        const b = nums(cfg.begin, 0);
        const z = nums(cfg.size, -1);
        const cut: number[] = [];
        for (let i = 0; i < rank; i++) {
          const bi = b[i] ?? 0;
          const zi = z[i] ?? -1;
          if (bi !== 0 || (zi >= 0 && zi !== inShape?.[i])) cut.push(i);
        }
        if (cut.length === 0) return identity(x);
        if (cut.length > 1) {
          ctx.notes.add(`${what}: slice along several axes simulated as the identity.`);
          return identity(x);
        }
        a = cut[0];
        begin = b[a] ?? 0;
        const zi = z[a] ?? -1;
        const dim = inShape?.[a];
        size = zi >= 0 ? zi : isNum(dim) ? dim - begin : 1;
      }
      const overSeq = a === 1 && rank === 3 && x.seq > 1;
      const overFeat = a === rank - 1;
      if (!overSeq && !overFeat) {
        ctx.notes.add(`${what}: ${op} along axis ${a}${a === 0 ? ' (the batch)' : ''} simulated as the identity.`);
        return identity(x);
      }
      const real = overSeq ? (isNum(inShape?.[1]) ? (inShape[1] as number) : x.seq) : x.realWidth;
      const sim = overSeq ? x.seq : x.cols;
      const pick: number[] = [];
      if (real <= sim) for (let i = begin; i < begin + size && i < sim; i++) pick.push(i);
      else {
        // Capped: the same fraction of the simulated positions (exchangeable at init); a single position maps.
        const k = size === 1 ? 1 : Math.max(1, Math.round((size * sim) / real));
        const s0 = size === 1 ? simIndex(begin, real, sim) : Math.min(sim - k, Math.floor((begin * sim) / real));
        for (let i = 0; i < k; i++) pick.push(s0 + i);
        if (overSeq) ctx.notes.add(`${what}: ${op} of positions ${begin}..${begin + size - 1} of ${real}, simulated on ${sim} positions.`);
      }
      if (pick.length === 0) pick.push(Math.max(0, sim - 1));
      const r = select(x, overSeq, pick, overSeq ? x.realWidth : size);
      if (op === 'gather' && cfg.keep !== true && overFeat && rank === 3 && x.seq > 1 && pick.length === 1)
        return positionsAsFeatures(r, isNum(inShape?.[1]) ? (inShape[1] as number) : x.seq);
      return r;
    }
    case 'stack': {
      // [B, d] tensors stacked along axis 1: a sequence of k positions per sample.
      const a = norm(isNum(cfg.axis) ? cfg.axis : 0, rank + 1);
      if (a !== 1 || rank !== 2 || ins.some((v) => v.seq !== 1 || v.cols !== x.cols || v.rows !== x.rows)) {
        ctx.notes.add(`${what}: stack along axis ${a} simulated as its first input.`);
        return { out: x, back: (dy) => [dy] };
      }
      let parts = ins;
      if (parts.length > ctx.seqLen) {
        ctx.notes.add(`${what}: stack of ${parts.length} tensors simulated on the last ${ctx.seqLen}.`);
        parts = parts.slice(parts.length - ctx.seqLen);
      }
      const k = parts.length;
      const skip = ins.length - k;
      const B = x.rows;
      const C = x.cols;
      const base = Math.max(...parts.map((v) => v.logScale));
      const y = new Float64Array(B * k * C);
      parts.forEach((v, j) => {
        const f = Math.exp(v.logScale - base);
        for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) y[(b * k + j) * C + c] = v.data[b * C + c] * f;
      });
      return {
        out: store64(y, base, B * k, C, k, x.realWidth),
        back: (dy) =>
          ins.map((v, i) => {
            const j = i - skip;
            if (j < 0) return undefined;
            const g = new Float64Array(B * C);
            for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) g[b * C + c] = dy.data[(b * k + j) * C + c];
            return store64Like(v, g, dy.logScale);
          }),
      };
    }
    case 'transpose': {
      const perm = Array.isArray(cfg.perm) ? cfg.perm : undefined;
      if (rank === 3 && x.seq > 1 && perm && perm[0] === 0 && perm[1] === 2 && perm[2] === 1)
        return swapLastTwo(x, isNum(inShape?.[1]) ? (inShape[1] as number) : x.seq);
      if (perm && perm.every((p, i) => p === i)) return identity(x);
      ctx.notes.add(`${what}: transpose simulated as the identity (per-element statistics unchanged).`);
      return identity(x, isNum(lastOut) ? lastOut : undefined);
    }
    case 'expandDims':
    case 'squeeze': {
      const lastIn = inShape?.[inShape.length - 1];
      if (outShape && inShape && lastOut === lastIn) return identity(x);
      // [B, d] -> [B, d, 1]: the features become positions of one unit each.
      if (op === 'expandDims' && lastOut === 1 && x.seq === 1 && rank === 2)
        return {
          out: makeVal(x.rows * x.cols, 1, x.cols, 1, x.logScale, x.data),
          back: (dy) => [makeVal(x.rows, x.cols, 1, x.realWidth, dy.logScale, dy.data)],
        };
      // [B, S, 1] -> [B, S]: the positions become the features.
      if (op === 'squeeze' && lastIn === 1 && x.cols === 1 && x.seq > 1) {
        const B = x.rows / x.seq;
        const real = isNum(lastOut) ? lastOut : x.seq;
        return {
          out: makeVal(B, x.seq, 1, real, x.logScale, x.data),
          back: (dy) => [makeVal(x.rows, 1, x.seq, x.realWidth, dy.logScale, dy.data)],
        };
      }
      if (!outShape || !inShape) ctx.notes.add(`${what}: ${op} with shapes not known simulated as the identity.`);
      return identity(x);
    }
    default:
      ctx.notes.add(`${what}: tensor op ${op} is not simulated; treated as the identity.`);
      return identity(x);
  }
}
