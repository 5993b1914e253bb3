/**
 * simulate(graph, options) -> SimulationResult: seeded forward pass on N(0,1) inputs (token ids for
 * Embedding inputs), backward pass from a random unit-variance cotangent at every output, per-layer
 * statistics on the true scale, the float32 limit, and the verdict. See docs/simulation.md.
 */
import type { LayerGraph, LayerNode } from '../graph/types';
import type { CancellationLike } from '../cancel';
import { DEFAULT_LIMITS } from '../limits';
import { kernels } from '../kernels/backend';
import type { KernelBackend } from '../kernels/types';
import { GraphRunner, makeInputValue, type EngineContext, type RunnerRecord } from './engine';
import type { Float32Limit, LayerSim, SimSeries, SimulationResult } from './types';
import { allocatorFor } from './arena';
import { makeVal, trueStats as trueStatsOf, withAllocator, type TrueStats, type Val } from './values';
import { DEFAULT_THRESHOLDS, judgeDirection, overallVerdict, type VerdictThresholds } from './verdict';
import { normalDraw, WeightStore } from './weights';

export type Profile = 'full' | 'interactive';

export interface ProfileSettings {
  /** width cap (units). */
  width: number;
  /** samples per batch. */
  batch: number;
  /** simulated sequence length (tokens per sample) for sequence inputs. */
  seqLen: number;
  /** cap on batch x seqLen for sequence models (the batch shrinks, never below 4 samples). */
  maxTokens: number;
}

/**
 * full: the CLI default and the report's full run. interactive: what the extension runs while the user types;
 * smaller, and checked to give the same verdicts on the validation cases (test/unit/core/simulate).
 */
export const PROFILES: { [p in Profile]: ProfileSettings } = {
  full: { width: 256, batch: 128, seqLen: 16, maxTokens: 2048 },
  interactive: { width: 128, batch: 32, seqLen: 8, maxTokens: 128 },
};

export interface SimOptions {
  profile?: Profile;
  seed?: number;
  width?: number;
  batch?: number;
  seqLen?: number;
  timeBudgetMs?: number;
  cancel?: CancellationLike;
  /** Dropout in training mode (inverted-dropout masks); default false: identity, as at inference. */
  dropoutTraining?: boolean;
  thresholds?: Partial<VerdictThresholds>;
  /** Kernel backend (defaults to `kernels()`: wasm when available). */
  backend?: KernelBackend;
  /** Hard cap on any allocated width (defaults to limits.maxSimWidth). */
  maxWidth?: number;
}

export const DEFAULT_SEED = 1;

/** The engine passes kernel methods around as functions: bind them to their backend once. */
function bindBackend(b: KernelBackend): KernelBackend {
  return {
    name: b.name,
    layerNormForward: (...a) => b.layerNormForward(...a),
    layerNormBackward: (...a) => b.layerNormBackward(...a),
    matmul: (...a) => b.matmul(...a),
    moments: (x) => b.moments(x),
    add: (...a) => b.add(...a),
    scale: (...a) => b.scale(...a),
    rowDots: (...a) => b.rowDots(...a),
    activationForward: (...a) => b.activationForward(...a),
    activationBackward: (...a) => b.activationBackward(...a),
  };
}

const FLT_MAX_LOG10_MS = 2 * Math.log10(3.4028234663852886e38); // squares overflow to Infinity
const FLT_MIN_LOG10_MS = Math.log10(1.401298464324817e-45); // squares underflow to 0 (smallest subnormal)
const LOG10E = Math.LOG10E;

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

type RowDots = KernelBackend['rowDots'];

/** Mean pairwise cosine between neighbouring samples (tokens of one sequence when seq > 1). */
function sampleCosineOf(v: Val, rowDots: RowDots): number | null {
  if (v.ids || v.rows < 2 || v.cols < 2) return null;
  const { data, cols, rows, seq } = v;
  // Pairs (r, r + 1) for r = 0, step, 2 step, ... (at most ~64 of them).
  const step = Math.max(1, Math.floor(rows / 64));
  const count = Math.floor((rows - 2) / step) + 1;
  const d = rowDots(data, data.subarray(cols), count, cols, step * cols, step * cols);
  let sum = 0;
  let n = 0;
  for (let q = 0; q < count; q++) {
    const r = q * step;
    if (seq > 1 && (r + 1) % seq === 0) continue;
    const aa = d[3 * q + 1];
    const bb = d[3 * q + 2];
    if (aa > 0 && bb > 0) {
      sum += d[3 * q] / Math.sqrt(aa * bb);
      n++;
    }
  }
  return n ? sum / n : null;
}

/** Mean cosine between each row of v and the same row of ref (same simulated shape required). */
function retention(v: Val, ref: Val | undefined, rowDots: RowDots): number | null {
  if (!ref || ref.ids || ref.rows !== v.rows || ref.cols !== v.cols || ref.realWidth !== v.realWidth) return null;
  const { rows, cols } = v;
  if (rows === 0) return null;
  // Rows r = 0, step, 2 step, ... (at most ~64 of them).
  const step = Math.max(1, Math.floor(rows / 64));
  const count = Math.ceil(rows / step);
  const d = rowDots(v.data, ref.data, count, cols, step * cols, step * cols);
  let s = 0;
  let n = 0;
  for (let q = 0; q < count; q++) {
    const aa = d[3 * q + 1];
    const bb = d[3 * q + 2];
    if (aa > 0 && bb > 0) {
      s += d[3 * q] / Math.sqrt(aa * bb);
      n++;
    }
  }
  return n ? s / n : null;
}

function deadFraction(v: Val): number {
  let dead = 0;
  for (let c = 0; c < v.cols; c++) {
    let alive = false;
    for (let r = 0; r < v.rows; r++)
      if (v.data[r * v.cols + c] > 0) {
        alive = true;
        break;
      }
    if (!alive) dead++;
  }
  return v.cols ? dead / v.cols : 0;
}

function saturation(pre: Val): number {
  const f = Math.exp(pre.logScale);
  const lim = 5 / f;
  let n = 0;
  for (let i = 0; i < pre.data.length; i++) if (Math.abs(pre.data[i]) >= lim) n++;
  return pre.data.length ? n / pre.data.length : 0;
}

/** Nodes on every path from the inputs to the outputs (the "stream"), in topological order. */
export function streamNodes(graph: LayerGraph): string[] {
  const P = [1000000007n, 998244353n];
  const idx = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const N = graph.nodes.length;
  const f = P.map(() => new Array<bigint>(N).fill(0n));
  const g = P.map(() => new Array<bigint>(N).fill(0n));
  const inputs = new Set(graph.inputs);
  graph.nodes.forEach((n, i) => {
    P.forEach((p, k) => {
      let s = inputs.has(n.id) ? 1n : 0n;
      for (const u of n.inputs) {
        const j = idx.get(u);
        if (j !== undefined) s += f[k][j];
      }
      f[k][i] = s % p;
    });
  });
  const outputs = new Set(graph.outputs);
  for (let i = N - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    P.forEach((p, k) => {
      if (outputs.has(n.id)) g[k][i] = (g[k][i] + 1n) % p;
      for (const u of n.inputs) {
        const j = idx.get(u);
        if (j !== undefined) g[k][j] = (g[k][j] + g[k][i]) % p;
      }
    });
  }
  const total = P.map((p, k) => graph.outputs.reduce((a, o) => (idx.has(o) ? a + f[k][idx.get(o)!] : a), 0n) % p);
  return graph.nodes.filter((_, i) => P.every((p, k) => total[k] !== 0n && (f[k][i] * g[k][i]) % p === total[k])).map((n) => n.id);
}

const POOLING = /^(Global)?(Average|Max)Pooling[123]D$/;

/**
 * The log10 jumps at pooling layers along the stream path: forward (mean square, pooled over input) and
 * backward (gradient RMS, input over pooled). `fwdBefore[i]`: the forward jumps at or before path[i];
 * `gradAfter[i]`: the backward jumps of poolings after path[i] (the gradient at path[i] has come back
 * through them).
 */
function poolingJumps(graph: LayerGraph, path: string[], fwdLog: Map<string, number>, gradLog: Map<string, number>) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const fJump = path.map(() => 0);
  const gJump = path.map(() => 0);
  let count = 0;
  path.forEach((id, i) => {
    const node = byId.get(id);
    const from = node?.inputs[0];
    if (!node || from === undefined || !POOLING.test(node.className)) return;
    count++;
    const f0 = fwdLog.get(from);
    const f1 = fwdLog.get(id);
    if (f0 !== undefined && f1 !== undefined && Number.isFinite(f1 - f0)) fJump[i] = f1 - f0;
    const g0 = gradLog.get(from);
    const g1 = gradLog.get(id);
    if (g0 !== undefined && g1 !== undefined && Number.isFinite(g0 - g1)) gJump[i] = (g0 - g1) / 2;
  });
  const fwdBefore: number[] = [];
  let acc = 0;
  for (let i = 0; i < path.length; i++) fwdBefore.push((acc += fJump[i]));
  const gradAfter: number[] = new Array(path.length).fill(0);
  acc = 0;
  for (let i = path.length - 1; i >= 0; i--) {
    gradAfter[i] = acc;
    acc += gJump[i];
  }
  return { count, fwdBefore, gradAfter, fwdTotal: fwdBefore[path.length - 1] ?? 0, gradTotal: acc };
}

function emptySeries(): SimSeries {
  return { nodes: [], fwdRms: [], gradRms: [], sampleCosine: [], weightGradNorm: [] };
}

function settingsFor(graph: LayerGraph, opts: SimOptions): { width: number; batch: number; seqLen: number; profile: Profile } {
  const profile = opts.profile ?? 'full';
  const p = PROFILES[profile];
  const maxW = opts.maxWidth ?? DEFAULT_LIMITS.maxSimWidth;
  const width = Math.max(1, Math.min(opts.width ?? p.width, maxW));
  const seqLen = Math.max(1, opts.seqLen ?? p.seqLen);
  let batch = Math.max(2, opts.batch ?? p.batch);
  const sequenceModel = graph.nodes.some((n) => n.className === 'InputLayer' && (n.outputShape?.length ?? 0) >= 3) || graph.nodes.some((n) => n.className === 'Embedding');
  if (sequenceModel && opts.batch === undefined) batch = Math.max(4, Math.min(batch, Math.floor(p.maxTokens / seqLen)));
  return { width, batch, seqLen, profile };
}

/**
 * An output activation that belongs to the loss (a cross-entropy head): the model is then judged at its
 * logits, where a real classification loss's gradient (p - y) enters. A softmax output always is one; a
 * sigmoid output is one when the layers before it use another activation (in a pure sigmoid stack the
 * last sigmoid is part of the stack, and THEORY's convention of a cotangent at the output applies).
 */
function isLossHead(graph: LayerGraph, records: Map<string, RunnerRecord>, outId: string): boolean {
  const act = records.get(outId)?.activation;
  if (act === 'softmax') return true;
  if (act !== 'sigmoid' && act !== 'hardSigmoid') return false;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  let cur = byId.get(outId)?.inputs[0];
  for (let steps = 0; cur !== undefined && steps < graph.nodes.length; steps++) {
    const rec = records.get(cur);
    if (rec?.activation) return rec.activation !== act;
    cur = byId.get(cur)?.inputs[0];
  }
  return true;
}

export function simulate(graph: LayerGraph, opts: SimOptions = {}): SimulationResult {
  // Tensors of the run live in an arena (wasm memory views with the wasm backend), released when it ends:
  // the result holds numbers only.
  const backend = opts.backend ?? kernels();
  const storage = allocatorFor(backend);
  try {
    return withAllocator(storage.allocator, () => simulateWith(graph, opts, backend));
  } finally {
    storage.release();
  }
}

function simulateWith(graph: LayerGraph, opts: SimOptions, backend: KernelBackend): SimulationResult {
  const t0 = Date.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const s = settingsFor(graph, opts);
  const thresholds: VerdictThresholds = { ...DEFAULT_THRESHOLDS, ...(opts.thresholds ?? {}) };
  const budget = opts.timeBudgetMs ?? DEFAULT_LIMITS.simulateTimeMs;
  const notes = new Set<string>();
  let stopReason: string | undefined;
  const ctx: EngineContext = {
    seed,
    width: s.width,
    batch: s.batch,
    seqLen: s.seqLen,
    maxWidth: Math.max(s.width, opts.maxWidth ?? DEFAULT_LIMITS.maxSimWidth),
    backend: bindBackend(backend),
    weights: new WeightStore(seed),
    notes,
    dropoutTraining: opts.dropoutTraining ?? false,
    shouldStop: () => {
      if (opts.cancel?.isCancellationRequested) stopReason = 'cancelled';
      else if (Date.now() - t0 > budget) stopReason = `time budget of ${budget} ms exceeded (limit simulateTimeMs)`;
      return stopReason !== undefined;
    },
  };
  const runner = new GraphRunner(graph, ctx, '');
  let failed: string | undefined;
  try {
    runner.forward(undefined, (node: LayerNode) => makeInputValue(ctx, graph, node), true);
    if (!runner.stopped) {
      const dOut = new Map<string, Val>();
      for (const o of graph.outputs) {
        const rec = runner.records.get(o);
        if (!rec) continue;
        if (isLossHead(graph, runner.records, o) && runner.treatAsLossHead(o)) {
          const name = graph.nodes.find((n) => n.id === o)?.name ?? o;
          notes.add(`${name}: its ${rec.activation} is treated as the loss head; output gain, similarity and the gradient probe are measured at its logits.`);
        }
        const g = makeVal(rec.out.rows, rec.out.cols, rec.out.seq, rec.out.realWidth, 0);
        g.data.set(normalDraw(seed, `cotangent/${o}`, g.data.length));
        dOut.set(o, g);
      }
      runner.backward(dOut, true);
    }
  } catch (e) {
    failed = e instanceof Error ? e.message : String(e);
    if (process.env.SL_DEBUG) console.error(e);
    notes.add(`simulation stopped by an internal error: ${failed}`);
  }
  noteWideLayers(graph, runner, s.width, opts, notes);
  if (runner.noWidth) {
    const { node, width } = runner.noWidth;
    notes.add(
      `${node} has ${width === 0 ? 'zero width (no units)' : `an invalid width (${width} units)`}: nothing flows past it, so the simulation ` +
        `stops there: the layers before it have forward statistics; no layer has gradients.`,
    );
  }
  const partial = runner.stopped || failed !== undefined;
  if (stopReason) {
    const at = runner.stoppedAt;
    const where = at ? ` in the ${at.pass} pass at layer ${at.node}` : '';
    const valid = !at
      ? ''
      : at.pass === 'forward'
        ? ': the layers before it have forward statistics; no layer has gradients'
        : ': every layer has forward statistics; gradients only from the output back to the layer after it';
    notes.add(`partial result: ${stopReason}${where}${valid}.`);
  }
  const result = summarize(graph, runner.records, runner.done, s, seed, thresholds, partial, notes, ctx.backend);
  result.ms = Date.now() - t0;
  return result;
}

/** The maxSimWidth note: layers wider than the cap (1e9 units) are simulated at the profile's width, never allocated. */
function noteWideLayers(graph: LayerGraph, runner: GraphRunner, width: number, opts: SimOptions, notes: Set<string>): void {
  const cap = opts.maxWidth ?? DEFAULT_LIMITS.maxSimWidth;
  if (opts.width !== undefined && opts.width > cap) notes.add(`the requested width ${opts.width} is above the cap of ${cap} units (limit maxSimWidth): simulated at ${cap}.`);
  let wide = 0;
  let widest: { id: string; w: number } | undefined;
  for (const id of runner.done) {
    const w = runner.records.get(id)?.out.realWidth ?? 0;
    if (w <= cap) continue;
    wide++;
    if (!widest || w > widest.w) widest = { id, w };
  }
  if (!widest) return;
  const name = graph.nodes.find((n) => n.id === widest.id)?.name ?? widest.id;
  notes.add(
    `${wide} layer${wide === 1 ? ' is' : 's are'} wider than ${cap} units (limit maxSimWidth), the widest ${name} with ${widest.w}: ` +
      `simulated at width ${width} with the initialization variance of the real width, never allocated at full size; ` +
      `their statistics are mean-field estimates of the real layer's scales.`,
  );
}

function summarize(
  graph: LayerGraph,
  records: Map<string, RunnerRecord>,
  done: string[],
  s: { width: number; batch: number; seqLen: number; profile: Profile },
  seed: number,
  t: VerdictThresholds,
  partial: boolean,
  notesSet: Set<string>,
  k: KernelBackend,
): SimulationResult {
  const trueStats = (v: Val): TrueStats => trueStatsOf(v, k.moments);
  const sampleCosine = (v: Val): number | null => sampleCosineOf(v, k.rowDots);
  // Reference input: the first model input, or the Embedding it feeds (token inputs have no scale).
  const firstInput = graph.inputs.find((i) => records.has(i));
  let refId = firstInput;
  if (refId && records.get(refId)!.out.ids) refId = graph.nodes.find((n) => n.inputs.includes(refId!) && records.has(n.id))?.id ?? refId;
  const refVal = refId ? records.get(refId)?.out : undefined;
  const layers: { [id: string]: LayerSim } = {};
  const series = emptySeries();
  const fwdLog = new Map<string, number>();
  const gradLog = new Map<string, number>();
  let limit: Float32Limit | null = null;
  const wgNorms: number[] = [];
  for (const id of done) {
    const rec = records.get(id)!;
    if (rec.out.ids) {
      layers[id] = { fwdRms: null, fwdMean: null, maxAbs: null, deadFraction: 0, gradRms: null, weightGradNorm: null, sampleCosine: null, inputRetention: null };
      continue;
    }
    const st = trueStats(rec.out);
    fwdLog.set(id, st.log10Ms);
    const gst = rec.grad ? trueStats(rec.grad) : undefined;
    if (gst) gradLog.set(id, gst.log10Ms);
    if (!limit && (st.log10Ms < FLT_MIN_LOG10_MS || st.log10Ms > FLT_MAX_LOG10_MS))
      limit = { node: id, direction: 'forward', kind: st.log10Ms > 0 ? 'overflow' : 'underflow' };
    const wg = rec.weightGrad && Number.isFinite(rec.weightGrad.log10Norm) ? 10 ** rec.weightGrad.log10Norm : rec.weightGrad?.log10Norm === -Infinity ? 0 : null;
    if (wg !== null && wg > 0 && Number.isFinite(wg)) wgNorms.push(wg);
    const relu = rec.activation === 'relu' || rec.activation === 'relu6';
    const sim: LayerSim = {
      fwdRms: finiteOrNull(st.rms),
      fwdMean: finiteOrNull(st.mean),
      maxAbs: finiteOrNull(st.maxAbs),
      deadFraction: relu ? deadFraction(rec.out) : 0,
      gradRms: gst ? finiteOrNull(gst.rms) : null,
      weightGradNorm: wg !== null ? finiteOrNull(wg) : null,
      sampleCosine: sampleCosine(rec.out),
      inputRetention: id === refId ? 1 : retention(rec.out, refVal, k.rowDots),
    };
    if (rec.pre && rec.activation && ['tanh', 'sigmoid', 'hardSigmoid', 'softsign', 'softmax'].includes(rec.activation)) sim.saturation = saturation(rec.pre);
    layers[id] = sim;
    series.nodes.push(id);
    series.fwdRms.push(sim.fwdRms);
    series.gradRms.push(sim.gradRms);
    series.sampleCosine.push(sim.sampleCosine);
    series.weightGradNorm.push(sim.weightGradNorm);
  }
  if (!limit) {
    for (let i = done.length - 1; i >= 0; i--) {
      const gl = gradLog.get(done[i]);
      if (gl !== undefined && (gl < FLT_MIN_LOG10_MS || gl > FLT_MAX_LOG10_MS)) {
        limit = { node: done[i], direction: 'backward', kind: gl > 0 ? 'overflow' : 'underflow' };
        break;
      }
    }
  }
  // Stream profile for the verdict: nodes on every input->output path, from the reference input on.
  const stream = streamNodes(graph).filter((id) => fwdLog.has(id));
  const startAt = refId ? Math.max(0, stream.indexOf(refId)) : 0;
  const path = stream.slice(startAt);
  const outId = graph.outputs.find((o) => fwdLog.has(o));
  const outRec = outId !== undefined ? records.get(outId) : undefined;
  const outVal = outRec?.head && outRec.pre ? outRec.pre : outRec?.out;
  const fIn = refId !== undefined ? fwdLog.get(refId) : undefined;
  const fOut = outRec?.head && outRec.pre ? trueStats(outRec.pre).log10Ms : outId !== undefined ? fwdLog.get(outId) : undefined;
  const gIn = refId !== undefined ? gradLog.get(refId) : undefined;
  const gOut = outId !== undefined ? gradLog.get(outId) : undefined;
  const fwdDecades = fIn !== undefined && fOut !== undefined ? fOut - fIn : 0;
  const bwdDecades = gIn !== undefined && gOut !== undefined ? (gIn - gOut) / 2 : 0;
  // Statistical spread (finite width): about sqrt(4 L / n) in natural-log mean square over L weighted layers.
  let weighted = 0;
  let minCols = s.width;
  for (const n of graph.nodes) {
    const r = records.get(n.id);
    if (r?.weightGrad) weighted++;
    if (r && r.out.cols < minCols) minCols = r.out.cols;
  }
  const spreadF = LOG10E * Math.sqrt((4 * Math.max(1, weighted)) / Math.max(1, minCols));
  // Pooling layers change the number of elements: their one-off factor on the per-element RMS (a global
  // average over T positions divides each position's gradient by T) is bookkeeping, not instability with
  // depth. The verdict leaves those jumps out; outputGain and gradientGain stay the literal ratios.
  const pool = poolingJumps(graph, path, fwdLog, gradLog);
  const fProfile = path.map((id, i) => (id === outId && fOut !== undefined ? fOut : fwdLog.get(id)!) - pool.fwdBefore[i]);
  const gIds = path.map((id, i) => [id, i] as const).filter(([id]) => gradLog.has(id));
  const gProfile = gIds.map(([id, i]) => gradLog.get(id)! / 2 - pool.gradAfter[i]);
  // Backward profile runs from the output toward the input: reverse so "growth" means toward the input.
  const forward = judgeDirection(fwdDecades - pool.fwdTotal, fProfile, t.forwardDecades, spreadF, t);
  const backward = judgeDirection(bwdDecades - pool.gradTotal, [...gProfile].reverse(), t.backwardDecades, spreadF / 2, t);
  if (pool.count > 0 && (Math.abs(pool.fwdTotal) >= 0.05 || Math.abs(pool.gradTotal) >= 0.05))
    notesSet.add(
      `the verdict leaves out the one-off scale change of ${pool.count} pooling layer${pool.count === 1 ? '' : 's'} ` +
        `(forward mean square x${(10 ** pool.fwdTotal).toPrecision(2)}, backward gradient RMS x${(10 ** pool.gradTotal).toPrecision(2)}): it changes the number of elements, not the scale per layer of depth.`,
    );
  const wImb = wgNorms.length >= 2 ? Math.max(...wgNorms) / Math.min(...wgNorms) : null;
  const outCos = outVal && outRec?.head ? sampleCosine(outVal) : outId ? (layers[outId]?.sampleCosine ?? null) : null;
  const inCos = refId ? (layers[refId]?.sampleCosine ?? null) : null;
  const overall = overallVerdict({ forward, backward, outputCosine: outCos, inputCosine: inCos, weightGradImbalance: wImb, t });
  const notes = [...notesSet];
  if (limit) notes.push(`a float32 model's ${limit.direction} ${limit.kind === 'underflow' ? 'mean squares underflow to 0' : 'values overflow to Infinity'} at ${limit.node}.`);
  const refRms = refVal ? trueStats(refVal).rms : NaN;
  const outRms = outVal ? trueStats(outVal).rms : NaN;
  return {
    verdict: overall.verdict,
    forwardVerdict: forward.verdict,
    backwardVerdict: backward.verdict,
    borderline: overall.borderline,
    reason: (partial ? 'partial result; ' : '') + overall.reason,
    outputGain: finiteOrNull(fIn !== undefined && fOut !== undefined ? 10 ** ((fOut - fIn) / 2) : outRms / refRms),
    gradientGain: gIn !== undefined && gOut !== undefined ? finiteOrNull(10 ** bwdDecades) : null,
    weightGradImbalance: wImb !== null ? finiteOrNull(wImb) : null,
    float32Limit: limit,
    seed,
    width: s.width,
    batch: s.batch,
    seqLen: s.seqLen,
    profile: s.profile,
    ms: 0,
    partial,
    layers,
    series,
    notes,
  };
}
