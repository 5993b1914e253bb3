// TensorOp nodes (tensor ops traced in custom layers' call()): backward checked against float64 central finite
// differences, and the custom-layer patterns of test/unit/core/parse/customLayerOps.test.ts simulated.
import { strict as assert } from 'node:assert';
import type { Config, LayerGraph } from '../../../../src/core/graph/types';
import { listBackends, tsKernels } from '../../../../src/core/kernels/backend';
import { GraphRunner, type EngineContext } from '../../../../src/core/simulate/engine';
import { simulate } from '../../../../src/core/simulate/simulate';
import { tensorOpNode, type OpContext } from '../../../../src/core/simulate/tensorOps';
import { makeVal, type Val } from '../../../../src/core/simulate/values';
import { WeightStore } from '../../../../src/core/simulate/weights';
import { ANTIRECTIFIER, LAST_STEP, LAYER_NORM, RESIDUAL, VAE, graphOf } from '../parse/customLayerSnippets';
import { assertClose, dot, fdGrad, randn } from '../kernels/helpers';
import { GraphBuilder } from './builders';

const trueVals = (v: Val): Float64Array => Float64Array.from(v.data, (d) => d * Math.exp(v.logScale));

function opCtx(): OpContext {
  return { seed: 3, width: 256, seqLen: 16, notes: new Set() };
}

/** Run op on inputs (true values x64, layouts), loss <g, y>; compare the backward with central differences. */
function checkGrad(cfg: Config, layouts: { rows: number; cols: number; seq: number; real?: number; logScale?: number }[], xs: Float64Array[], inShape?: (number | null)[], outShape?: (number | null)[], rtol = 2e-3): void {
  const ctx = opCtx();
  const vals = (arrs: Float64Array[]) =>
    arrs.map((a, j) => {
      const l = layouts[j];
      const ls = l.logScale ?? 0;
      return makeVal(l.rows, l.cols, l.seq, l.real ?? l.cols, ls, Float32Array.from(a, (v) => v / Math.exp(ls)));
    });
  const run = (arrs: Float64Array[]) => tensorOpNode(ctx, cfg, vals(arrs), 'k', 'op', inShape, outShape);
  const r = run(xs);
  const y = trueVals(r.out);
  const g = randn(y.length, 77);
  const dy = makeVal(r.out.rows, r.out.cols, r.out.seq, r.out.realWidth, 0, g);
  const grads = r.back(dy);
  xs.forEach((x, j) => {
    // float32 storage of the inputs: differences of the float64 function of the stored values
    const stored = Float64Array.from(vals(xs)[j].data, (d) => d * Math.exp(layouts[j].logScale ?? 0));
    const fd = fdGrad((p) => dot(g, trueVals(run(xs.map((q, i) => (i === j ? p : q))).out)), stored, 1e-3 * Math.exp(layouts[j].logScale ?? 0));
    assertClose(trueVals(grads[j]!), fd, rtol, 0, `${String(cfg.op)} input ${j}`);
  });
}

const positive = (n: number, seed: number) => Float64Array.from(randn(n, seed), (v) => 0.5 + Math.abs(v));

describe('simulate/tensorOps: backward = central finite differences', () => {
  const L = { rows: 6, cols: 5, seq: 1 };
  for (const op of ['exp', 'log', 'sqrt', 'rsqrt', 'square', 'abs', 'reciprocal']) {
    it(`${op} (also at a true scale of e^-30 / e^+30 where homogeneous)`, () => {
      const x = op === 'exp' || op === 'square' || op === 'abs' ? Float64Array.from(randn(30, 5)) : positive(30, 5);
      checkGrad({ op }, [L], [x]);
      if (op !== 'exp' && op !== 'log') {
        checkGrad({ op }, [{ ...L, logScale: -30 }], [x.map((v) => v * Math.exp(-30))]);
        checkGrad({ op }, [{ ...L, logScale: 30 }], [x.map((v) => v * Math.exp(30))]);
      }
    });
  }

  it('div with broadcasting: [6, 5] / [6, 5], [6, 5] / [6, 1] (per row), [B*S, 5] / [B, 5] (per sample)', () => {
    checkGrad({ op: 'div' }, [L, L], [Float64Array.from(randn(30, 1)), positive(30, 2)]);
    checkGrad({ op: 'div' }, [L, { rows: 6, cols: 1, seq: 1 }], [Float64Array.from(randn(30, 1)), positive(6, 2)]);
    checkGrad({ op: 'div' }, [{ rows: 12, cols: 5, seq: 4 }, { rows: 3, cols: 5, seq: 1 }], [Float64Array.from(randn(60, 1)), positive(15, 2)]);
  });

  for (const op of ['mean', 'sum', 'max', 'min']) {
    it(`${op} over the features and over the sequence, with keepDims`, () => {
      checkGrad({ op, axis: -1, keepDims: true }, [L], [Float64Array.from(randn(30, 9))], [null, 5]);
      checkGrad({ op, axis: 1 }, [{ rows: 12, cols: 5, seq: 4 }], [Float64Array.from(randn(60, 9))], [null, 4, 5]);
    });
  }

  it('gather / slice along the sequence and the features, transpose of the last two axes, expandDims, squeeze', () => {
    const seqL = { rows: 12, cols: 5, seq: 4 };
    const x = Float64Array.from(randn(60, 4));
    checkGrad({ op: 'gather', axis: 1, index: -1, keep: false }, [seqL], [x], [null, 4, 5]);
    checkGrad({ op: 'slice', begin: [0, 1, 0], size: [-1, 2, -1] }, [seqL], [x], [null, 4, 5]);
    checkGrad({ op: 'slice', begin: [0, 0, 2], size: [-1, -1, 3] }, [seqL], [x], [null, 4, 5]);
    checkGrad({ op: 'gather', axis: -1, index: 3, keep: true }, [seqL], [x], [null, 4, 5]);
    // capped features (10 real, 5 simulated): the second half is a proportional subset of the simulated units
    checkGrad({ op: 'slice', begin: [0, 5], size: [-1, 5] }, [{ rows: 12, cols: 5, seq: 1, real: 10 }], [x], [null, 10]);
    checkGrad({ op: 'transpose', perm: [0, 2, 1] }, [seqL], [x], [null, 4, 5], [null, 5, 4]);
    checkGrad({ op: 'expandDims', axis: -1 }, [L], [x.slice(0, 30)], [null, 5], [null, 5, 1]);
    checkGrad({ op: 'squeeze', axis: [2] }, [{ rows: 12, cols: 1, seq: 4 }], [x.slice(0, 12)], [null, 4, 1], [null, 4]);
  });

  it('stack of [B, d] tensors along axis 1 (also at different scales)', () => {
    checkGrad({ op: 'stack', axis: 1 }, [L, { ...L, logScale: 5 }, L], [Float64Array.from(randn(30, 1)), Float64Array.from(randn(30, 2), (v) => v * Math.exp(5)), Float64Array.from(randn(30, 3))], [null, 5], [null, 3, 5]);
    const ctx = opCtx();
    const a = makeVal(2, 2, 1, 2, 0, Float32Array.from([1, 2, 3, 4]));
    const b = makeVal(2, 2, 1, 2, 0, Float32Array.from([5, 6, 7, 8]));
    const y = tensorOpNode(ctx, { op: 'stack', axis: 1 }, [a, b], 'k', 's', [null, 2], [null, 2, 2]).out;
    assert.deepEqual([y.rows, y.cols, y.seq, ...trueVals(y)], [4, 2, 2, 1, 2, 5, 6, 3, 4, 7, 8]);
  });

  it('a reduction or gather dropping the features of a sequence lays its positions out as features ([B, S, d] -> [B, S])', () => {
    const seqL = { rows: 12, cols: 5, seq: 4 };
    const x = Float64Array.from(randn(60, 8));
    checkGrad({ op: 'sum', axis: -1, keepDims: false }, [seqL], [x], [null, 4, 5], [null, 4]);
    checkGrad({ op: 'gather', axis: 2, index: 1, keep: false }, [seqL], [x], [null, 4, 5], [null, 4]);
    const ctx = opCtx();
    const v = makeVal(12, 5, 4, 5, 0, Float32Array.from(x));
    const r = tensorOpNode(ctx, { op: 'sum', axis: -1, keepDims: false }, [v], 'k', 's', [null, 4, 5], [null, 4]).out;
    assert.deepEqual([r.rows, r.cols, r.seq, r.realWidth], [3, 4, 1, 4]);
  });

  it('layouts: a gather of the last step keeps the last token; transpose swaps positions and features', () => {
    const ctx = opCtx();
    const x = makeVal(6, 2, 3, 2, 0, Float32Array.from({ length: 12 }, (_, i) => i));
    const last = tensorOpNode(ctx, { op: 'gather', axis: 1, index: 2, keep: false }, [x], 'k', 'g', [null, 3, 2], [null, 2]).out;
    assert.deepEqual([last.rows, last.cols, last.seq, ...last.data], [2, 2, 1, 4, 5, 10, 11]);
    const t = tensorOpNode(ctx, { op: 'transpose', perm: [0, 2, 1] }, [x], 'k', 't', [null, 3, 2], [null, 2, 3]).out;
    assert.deepEqual([t.rows, t.cols, t.seq, ...t.data.slice(0, 6)], [4, 3, 2, 0, 2, 4, 1, 3, 5]);
  });

  it('random draws: N(mean, std) / uniform of the reference shape, no gradient to it', () => {
    const ctx = opCtx();
    const x = makeVal(400, 50, 1, 50);
    const r = tensorOpNode(ctx, { op: 'randomNormal', mean: 1, stdDev: 2 }, [x], 'k', 'n', [null, 50], [null, 50]);
    const v = trueVals(r.out);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
    assert.ok(Math.abs(m - 1) < 0.05 && Math.abs(s2 - 4) < 0.15, `${m} ${s2}`);
    assert.deepEqual(r.back(r.out), [undefined]);
    const u = trueVals(tensorOpNode(ctx, { op: 'randomUniform', minval: -1, maxval: 3 }, [x], 'k', 'u', [null, 50], [null, 50]).out);
    assert.ok(Math.min(...u) >= -1 && Math.max(...u) < 3);
  });
});

function engineCtx(): EngineContext {
  return {
    seed: 1,
    width: 256,
    batch: 64,
    seqLen: 16,
    maxWidth: 1024,
    backend: tsKernels,
    weights: new WeightStore(1),
    notes: new Set(),
    dropoutTraining: false,
    shouldStop: () => false,
  };
}

function bodyOf(g: LayerGraph, userClass: string): LayerGraph {
  const body = g.nodes.find((n) => n.custom?.userClass === userClass)?.custom?.body;
  assert.ok(body, userClass);
  return body;
}

/** Run a body on given inputs (true values, rows x cols each). */
function runBody(body: LayerGraph, ins: { data: Float64Array; rows: number; cols: number; seq?: number }[]) {
  const ctx = engineCtx();
  const runner = new GraphRunner(body, ctx, 'c/');
  const given = new Map<string, Val>();
  const vals = ins.map((x) => makeVal(x.rows, x.cols, x.seq ?? 1, x.cols, 0, Float32Array.from(x.data)));
  body.inputs.forEach((id, j) => given.set(id, vals[j]));
  const [out] = runner.forward(given);
  return { out, runner, ctx, vals };
}

const rms = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0) / a.length);

describe('simulate: merges broadcast a column / a per-sample row as tfjs does', () => {
  for (const kind of ['Subtract', 'Multiply', 'Add']) {
    for (const [la, lb] of [
      [
        { rows: 6, cols: 5, seq: 1 },
        { rows: 6, cols: 1, seq: 1 },
      ],
      [
        { rows: 12, cols: 5, seq: 4 },
        { rows: 3, cols: 5, seq: 1 },
      ],
    ]) {
      it(`${kind} of ${la.rows}x${la.cols} and ${lb.rows}x${lb.cols}: backward = central differences, no tiling note`, () => {
        const b = new GraphBuilder();
        const ia = b.input([null, la.cols]);
        const ib = b.input([null, lb.cols]);
        const m = b.add(kind, {}, [ia, ib]);
        const g = b.build([m]);
        const xa = Float64Array.from(randn(la.rows * la.cols, 1));
        const xb = Float64Array.from(randn(lb.rows * lb.cols, 2));
        const run = (a: Float64Array, c: Float64Array) => {
          const ctx = engineCtx();
          const runner = new GraphRunner(g, ctx, '');
          const given = new Map<string, Val>([
            [ia, makeVal(la.rows, la.cols, la.seq, la.cols, 0, Float32Array.from(a))],
            [ib, makeVal(lb.rows, lb.cols, lb.seq, lb.cols, 0, Float32Array.from(c))],
          ]);
          return { out: runner.forward(given)[0], runner, ctx };
        };
        const r = run(xa, xb);
        assert.equal(r.ctx.notes.size, 0, [...r.ctx.notes].join('; '));
        assert.deepEqual([r.out.rows, r.out.cols, r.out.seq], [la.rows, la.cols, la.seq]);
        const gy = randn(la.rows * la.cols, 3);
        const [ga, gb] = r.runner.backward(new Map([[m, makeVal(la.rows, la.cols, la.seq, la.cols, 0, gy)]]));
        const a32 = Float64Array.from(Float32Array.from(xa));
        const b32 = Float64Array.from(Float32Array.from(xb));
        assertClose(trueVals(ga!), fdGrad((p) => dot(gy, trueVals(run(p, b32).out)), a32, 1e-3), 2e-3, 0, 'a');
        assertClose(trueVals(gb!), fdGrad((p) => dot(gy, trueVals(run(a32, p).out)), b32, 1e-3), 2e-3, 0, 'b');
      });
    }
  }
});

describe('simulate/tensorOps: custom layers traced from call()', function () {
  this.timeout(60000);

  it('Antirectifier: output = concat(relu(n), relu(-n)), n the l2-normalised centred input, as a float64 computation (1e-5)', () => {
    const body = bodyOf(graphOf(ANTIRECTIFIER, 'anti'), 'Antirectifier');
    const B = 64;
    const d = 64;
    const x = Float64Array.from(randn(B * d, 11, 3));
    const { out, ctx } = runBody(body, [{ data: x, rows: B, cols: d }]);
    const ref = new Float64Array(B * 2 * d);
    for (let r = 0; r < B; r++) {
      const row = x.subarray(r * d, (r + 1) * d);
      const m = row.reduce((a, b) => a + b, 0) / d;
      const c = Array.from(row, (v) => v - m);
      const nrm = Math.sqrt(c.reduce((a, b) => a + b * b, 0));
      c.forEach((v, i) => {
        ref[r * 2 * d + i] = Math.max(0, v / nrm);
        ref[r * 2 * d + d + i] = Math.max(0, -v / nrm);
      });
    }
    assert.equal(out.cols, 2 * d);
    assert.equal(out.realWidth, 2 * d);
    const y = trueVals(out);
    assertClose(y, ref, 1e-5, 0, 'antirectifier output');
    // each row has unit norm: RMS = 1 / sqrt(2 d)
    assert.ok(Math.abs(rms(y) - rms(ref)) < 1e-5 * rms(ref) && Math.abs(rms(y) - 1 / Math.sqrt(2 * d)) < 1e-5);
    assert.equal(ctx.notes.size, 0, [...ctx.notes].join('; '));
  });

  it('VAE sampling: Var(z) = Var(mean) + E[exp(logVar)] (within 4% on 32768 draws); dz/dmean = the cotangent', () => {
    const body = bodyOf(graphOf(VAE, 'encoder'), 'ZLayer');
    const B = 4096;
    const d = 8;
    const mean = Float64Array.from(randn(B * d, 21, 1.5));
    const logVar = Float64Array.from(randn(B * d, 22, 0.7));
    const { out, runner } = runBody(body, [
      { data: mean, rows: B, cols: d },
      { data: logVar, rows: B, cols: d },
    ]);
    const z = trueVals(out);
    const variance = (a: ArrayLike<number>) => {
      const m = Array.from(a).reduce((s, v) => s + v, 0) / a.length;
      return Array.from(a).reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
    };
    const expected = variance(mean) + Array.from(logVar).reduce((s, v) => s + Math.exp(v), 0) / logVar.length;
    assert.ok(Math.abs(variance(z) / expected - 1) < 0.04, `Var(z) ${variance(z)} vs ${expected}`);
    // the noise: (z - mean) / exp(logVar / 2) is N(0, 1)
    const eps = z.map((v, i) => (v - mean[i]) / Math.exp(logVar[i] / 2));
    assert.ok(Math.abs(variance(eps) - 1) < 0.03, `Var(eps) ${variance(eps)}`);
    const g = makeVal(B, d, 1, d, 0, randn(B * d, 5));
    const [gMean, gLogVar] = runner.backward(new Map([[body.outputs[0], g]]));
    assertClose(trueVals(gMean!), Float64Array.from(g.data), 1e-6, 0, 'dz/dmean');
    // dz/dlogVar = 0.5 exp(logVar / 2) eps
    assertClose(trueVals(gLogVar!), Float64Array.from(g.data, (v, i) => v * 0.5 * Math.exp(logVar[i] / 2) * eps[i]), 1e-4, 0, 'dz/dlogVar');
  });

  it('hand-written LayerNorm (tf.moments, rsqrt): (x - mean) / sqrt(var + 1e-6) as a float64 computation (1e-5), at a true scale of e^40 too', () => {
    const body = bodyOf(graphOf(LAYER_NORM, 'normed'), 'MyNorm');
    const B = 32;
    const d = 48;
    const x = Float64Array.from(randn(B * d, 41, 2));
    const ref = new Float64Array(B * d);
    for (let r = 0; r < B; r++) {
      const row = Array.from(x.subarray(r * d, (r + 1) * d), (v) => Math.fround(v));
      const m = row.reduce((a, b) => a + b, 0) / d;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / d;
      row.forEach((e, i) => (ref[r * d + i] = (e - m) / Math.sqrt(v + 1e-6)));
    }
    const { out, ctx } = runBody(body, [{ data: x, rows: B, cols: d }]);
    assertClose(trueVals(out), ref, 1e-5, 0, 'layer norm');
    assert.equal(ctx.notes.size, 0, [...ctx.notes].join('; '));
    // a huge input (true scale e^40): eps is negligible, the output is still unit-scale
    const ctx2 = engineCtx();
    const runner = new GraphRunner(body, ctx2, 'c/');
    const big = makeVal(B, d, 1, d, 40, Float32Array.from(x));
    const [o2] = runner.forward(new Map([[body.inputs[0], big]]));
    assertClose(trueVals(o2), ref, 1e-4, 0, 'layer norm at e^40');
  });

  it('last-timestep layers keep the last token of each sample (slice + squeeze, gather, unstack)', () => {
    const B = 3;
    const S = 12;
    const d = 16;
    const x = Float64Array.from(randn(B * S * d, 31));
    const want = new Float64Array(B * d);
    for (let b = 0; b < B; b++) for (let c = 0; c < d; c++) want[b * d + c] = Math.fround(x[(b * S + S - 1) * d + c]);
    for (const [model, cls] of [
      ['seq', 'LastStep'],
      ['seq1', 'LastByGather'],
      ['seq2', 'LastByUnstack'],
    ]) {
      const { out, ctx } = runBody(bodyOf(graphOf(LAST_STEP, model), cls), [{ data: x, rows: B * S, cols: d, seq: S }]);
      assert.deepEqual([out.rows, out.cols, out.seq], [B, d, 1], cls);
      assertClose(trueVals(out), want, 0, 0, cls);
      assert.equal(ctx.notes.size, 0, [...ctx.notes].join('; '));
    }
  });

  it('whole models with these layers simulate on every kernel backend, without identity stand-ins; the residual is counted once', () => {
    for (const backend of listBackends()) {
      for (const [src, name] of [
        [VAE, 'encoder'],
        [ANTIRECTIFIER, 'anti'],
        [LAST_STEP, 'seq'],
        [LAST_STEP, 'seq2'],
        [RESIDUAL, 'res'],
        [LAYER_NORM, 'normed'],
      ]) {
        const g = graphOf(src, name);
        const r = simulate(g, { backend, width: 64, batch: 32 });
        assert.equal(r.partial, false, `${backend.name} ${name}`);
        assert.ok(!r.notes.some((n) => /not simulated|stand-in|identity/.test(n)), `${backend.name} ${name}: ${r.notes.join('; ')}`);
        for (const n of g.nodes) assert.ok(Number.isFinite(r.layers[n.id]?.fwdRms) && Number.isFinite(r.layers[n.id]?.gradRms), `${backend.name} ${name} ${n.name}`);
      }
      const g = graphOf(RESIDUAL, 'res');
      const r = simulate(g, { backend, width: 64, batch: 64 });
      // x + tanh(Wx)/sqrt(2): the RMS grows by less than 1.5x per block (a doubled skip would give 2x)
      for (let i = 2; i < g.nodes.length; i++) {
        const ratio = r.layers[g.nodes[i].id].fwdRms! / r.layers[g.nodes[i - 1].id].fwdRms!;
        assert.ok(ratio > 1 && ratio < 1.5, `${backend.name} block ${i}: ${ratio}`);
      }
    }
  });
});
