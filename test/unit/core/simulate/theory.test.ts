// Validation against ../shared/THEORY.md §2-§3 (tolerances in decades, stated per test; geometric means
// over seeds where the finite-width spread demands it).
import { strict as assert } from 'node:assert';
import type { LayerGraph } from '../../../../src/core/graph/types';
import { simulate, type SimOptions } from '../../../../src/core/simulate/simulate';
import type { SimulationResult } from '../../../../src/core/simulate/types';
import { buildVariant } from '../../../../src/core/simulate/whatIf';
import { lg, mlp, residualMlp } from './builders';

const VS = (scale: number, mode = 'fanIn', distribution = 'uniform') => ({ id: 'varianceScaling', args: { scale, mode, distribution } });
const opts: SimOptions = { width: 256, batch: 64 };

function run(g: LayerGraph, o: SimOptions = opts): SimulationResult {
  return simulate(g, o);
}
/** mean over seeds of f(result) (f in decades: geometric mean). */
function overSeeds(g: LayerGraph, f: (r: SimulationResult) => number, seeds = [1, 2, 3], o: SimOptions = opts): number {
  return seeds.map((seed) => f(simulate(g, { ...o, seed }))).reduce((a, b) => a + b, 0) / seeds.length;
}
const msGain = (r: SimulationResult) => 2 * lg(r.outputGain);
const gradGain = (r: SimulationResult) => lg(r.gradientGain);
const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got.toFixed(3)} vs ${want.toFixed(3)} (tol ${tol})`);
/** log10 mean square at a node. */
const msAt = (r: SimulationResult, id: string) => 2 * lg(r.layers[id].fwdRms);

describe('simulate: mean-field validation (THEORY §2)', function () {
  this.timeout(60000);

  // Per seed, log10 q_L spreads by about 0.434 sqrt(5L/n) (0.24 decades at L = 16, n = 256) and is biased by
  // -0.434 * 5L/(2n) (finite-width log bias, -0.07): 0.35 decades is the bias plus 3 sigma of a 4-seed mean.
  it('He-init (heUniform) ReLU preserves the signal and its gradient over 16 layers (0.35 decades, 4 seeds)', () => {
    const g = mlp({ depth: 16, width: 256, init: 'heUniform' });
    near(overSeeds(g, msGain, [1, 2, 3, 4]), 0, 0.35, 'log10 q_L/q_0');
    near(overSeeds(g, gradGain, [1, 2, 3, 4]), 0, 0.2, 'log10 gradient RMS ratio');
    assert.equal(run(g).verdict, 'stable');
  });

  for (const [name, init, factor] of [
    ['glorotUniform', 'glorotUniform', 0.5],
    ['tfjs glorotNormal (the Dense default)', undefined, 0.387],
    ['tfjs heNormal', 'heNormal', 0.774],
  ] as [string, string | undefined, number][]) {
    it(`ReLU with ${name}: q_L/q_0 = ${factor}^L and gradient RMS ${factor}^(L/2) at L = 16 (0.3 / 0.2 decades, 3 seeds)`, () => {
      const g = mlp({ depth: 16, width: 256, init });
      near(overSeeds(g, msGain), 16 * Math.log10(factor), 0.3, 'forward');
      near(overSeeds(g, gradGain), 8 * Math.log10(factor), 0.2, 'backward');
    });
  }

  it('a 16-layer default tfjs ReLU MLP ends near 2.5e-7 of its input mean square and is called vanishing', () => {
    const g = mlp({ depth: 16, width: 256 });
    near(overSeeds(g, msGain), Math.log10(2.5e-7), 0.3, 'log10 q_16');
    const r = run(g);
    assert.equal(r.forwardVerdict, 'vanishing');
    assert.equal(r.backwardVerdict, 'vanishing');
    // homogeneous activation: weight-gradient norms stay flat although the stack vanishes (ratio < 10)
    assert.ok(r.weightGradImbalance! < 10, `imbalance ${r.weightGradImbalance}`);
  });

  it('homogeneity identity: scaling a zero-bias ReLU stack kernels by c scales the output mean square by c^(2L) exactly (1e-3 decades), beyond float32', () => {
    const L = 40;
    const base = run(mlp({ depth: L, width: 64, init: VS(2) }), { width: 64, batch: 16 });
    for (const c of [2, 0.1]) {
      const r = run(mlp({ depth: L, width: 64, init: VS(2 * c * c) }), { width: 64, batch: 16 });
      near(msGain(r) - msGain(base), 2 * L * Math.log10(c), 1e-3, `c = ${c}`);
    }
    // c = 0.1: mean square 1e-80, far below float32: reported on the true scale, float32 limit found
    const tiny = run(mlp({ depth: L, width: 64, init: VS(0.02) }), { width: 64, batch: 16 });
    assert.ok(tiny.outputGain! > 1e-45 && tiny.outputGain! < 1e-35, `output gain ${tiny.outputGain}`);
    assert.equal(tiny.float32Limit?.direction, 'forward');
    assert.equal(tiny.float32Limit?.kind, 'underflow');
  });

  it('tanh (sigma_w^2 = 1): q_l ~ 1/(2l + 1/q_1), q_16 ~ 0.032; gradient mean square ~ 1/L; decaying (sub-exponential) at 128', () => {
    const g16 = mlp({ depth: 16, width: 256, activation: 'tanh', init: 'leCunUniform' });
    near(overSeeds(g16, msGain), Math.log10(0.032), 0.12, 'q_16');
    const r = run(mlp({ depth: 128, width: 128, activation: 'tanh', init: 'leCunUniform' }), { width: 128, batch: 64 });
    near(msGain(r), Math.log10(0.004), 0.15, 'q_128');
    assert.equal(r.forwardVerdict, 'decaying');
  });

  it('GELU (exact erf, sigma_w^2 = 1): the per-layer factor tends to 0.25 (last 8 of 16 layers: 0.3 decades)', () => {
    const g = mlp({ depth: 16, width: 256, activation: 'gelu', init: 'leCunUniform' });
    const f = (r: SimulationResult) => msAt(r, 'n16') - msAt(r, 'n8');
    near(overSeeds(g, f), 8 * Math.log10(0.25), 0.3, 'q_16/q_8');
    assert.equal(run(g).verdict, 'vanishing');
  });

  it('sigmoid (sigma_w^2 = 1): forward settles at q* = 0.265 while the gradient RMS shrinks x0.236 per layer', () => {
    const g = mlp({ depth: 32, width: 256, activation: 'sigmoid', init: 'leCunUniform' });
    const r = run(g);
    near(msAt(r, 'n32'), Math.log10(0.265), 0.02, 'q*');
    near(overSeeds(g, gradGain), 32 * Math.log10(0.236), 0.5, 'gradient RMS ratio');
    assert.equal(r.forwardVerdict, 'stable');
    assert.equal(r.backwardVerdict, 'vanishing');
  });
});

describe('simulate: normalization and residual paths (THEORY §3)', function () {
  this.timeout(60000);

  it('Dense -> LayerNorm -> ReLU: forward pinned at q ~ 0.5 whatever the weight scale; gradient preserved apart from ~0.71', () => {
    for (const init of [undefined, VS(100)]) {
      const g = mlp({ depth: 48, width: 128, norm: 'ln', init });
      const r = run(g, { width: 128, batch: 64 });
      const acts = g.nodes.filter((n) => n.className === 'Activation').map((n) => msAt(r, n.id));
      // Representations align with depth (sample cosine ~0.99), so each layer's q is one vector's statistic:
      // +-0.1 decades per layer at width 128; the mean over the 48 layers within 0.05.
      near(acts.reduce((a, b) => a + b, 0) / acts.length, Math.log10(0.5), 0.05, 'mean q');
      for (const q of acts) near(q, Math.log10(0.5), 0.12, 'q per layer');
      // the one-off gradient factor: 3-seed mean within 0.2 decades (seed-to-seed spread about 0.15)
      near(overSeeds(g, gradGain, [1, 2, 3], { width: 128, batch: 64 }), Math.log10(0.71), 0.2, 'gradient ratio');
      assert.equal(r.verdict, 'stable');
    }
  });

  it('Dense -> BatchNorm (train) -> ReLU: gradients grow ~x1.21 RMS per layer (finite: slightly less), exploding', () => {
    const r = run(mlp({ depth: 32, width: 256, norm: 'bn' }), { width: 256, batch: 128 });
    const perLayer = 10 ** (gradGain(r) / 32);
    assert.ok(perLayer > 1.12 && perLayer <= 1.225, `per-layer gradient factor ${perLayer.toFixed(3)} (theory 1.211)`);
    const deep = run(mlp({ depth: 64, width: 128, norm: 'bn' }), { width: 128, batch: 64 });
    assert.equal(deep.backwardVerdict, 'exploding');
    assert.equal(deep.forwardVerdict, 'stable');
  });

  for (const [init, s] of [
    ['glorotUniform', 1],
    ['heUniform', 2],
  ] as [string, number][]) {
    it(`unnormalized residual x + W2 relu(W1 x) with ${init}: mean square and gradients grow as (1 + s1 s2/2)^l (0.35 decades at 16 blocks)`, () => {
      const g = residualMlp({ blocks: 16, width: 256, style: 'none', init });
      const want = 16 * Math.log10(1 + (s * s) / 2);
      near(overSeeds(g, msGain), want, 0.35, 'forward');
      near(overSeeds(g, (r) => 2 * gradGain(r)), want, 0.35, 'backward (mean square)');
      assert.equal(run(g).verdict, 'exploding');
    });
  }

  it('a residual branch scaled by 1/sqrt(L) ends near e at l = L (0.15 decades)', () => {
    const L = 32;
    const g = residualMlp({ blocks: L, width: 256, style: 'none', init: 'glorotUniform', branchScale: 1 / Math.sqrt(L) });
    near(overSeeds(g, msGain), L * Math.log10(1 + 0.5 / L), 0.15, '(1 + g/L)^L');
  });

  it('Pre-LN: q_L = 1 + cL (c = 0.5, square ReLU glorotUniform branches); weight gradients fall: first/last = sqrt((1+cL)/(1+c)); stable', () => {
    for (const L of [16, 64]) {
      const g = residualMlp({ blocks: L, width: 128, style: 'pre-ln', init: 'glorotUniform', finalLn: true });
      const r = run(g, { width: 128, batch: 64 });
      const adds = g.nodes.filter((n) => n.className === 'Add').map((n) => n.id);
      near(msAt(r, adds[adds.length - 1]), Math.log10(1 + 0.5 * L), 0.1, `q_${L}`);
      const dense = g.nodes.filter((n) => n.className === 'Dense').map((n) => r.layers[n.id].weightGradNorm!);
      near(lg(dense[0] / dense[dense.length - 1]), 0.5 * Math.log10((1 + 0.5 * L) / 1.5), 0.15, `first/last weight gradient at L = ${L}`);
      assert.equal(r.verdict, 'stable');
    }
  });

  it('Pre-LN without the final LN is growing (sub-exponential) at 256 blocks, not exploding', () => {
    const g = residualMlp({ blocks: 256, width: 64, style: 'pre-ln', init: 'glorotUniform' });
    const r = run(g, { width: 64, batch: 32 });
    assert.equal(r.forwardVerdict, 'growing');
  });

  it('Post-LN: the hidden state stays at unit scale and the per-block gradient factor is 1 (64 blocks: 0.15 decades)', () => {
    const g = residualMlp({ blocks: 64, width: 128, style: 'post-ln', init: 'glorotUniform' });
    const r = run(g, { width: 128, batch: 64 });
    for (const n of g.nodes.filter((x) => x.className === 'LayerNormalization')) near(msAt(r, n.id), 0, 0.02, `q at ${n.id}`);
    near(gradGain(r), 0, 0.15, 'gradient ratio');
    assert.equal(r.verdict, 'stable');
  });

  it('DeepNorm at 128 blocks: forward pinned, gradients flat, weight gradients uniform', () => {
    const g = buildVariant(residualMlp({ blocks: 128, width: 64, style: 'post-ln', init: 'glorotUniform' }), 'deepnorm')!;
    const r = run(g, { width: 64, batch: 32 });
    near(gradGain(r), 0, 0.02, 'gradient ratio (decades)');
    const wg = g.nodes.filter((n) => n.className === 'Dense').map((n) => r.layers[n.id].weightGradNorm!);
    assert.ok(Math.max(...wg) / Math.min(...wg) < 2, `weight-gradient spread ${Math.max(...wg) / Math.min(...wg)}`);
    assert.equal(r.verdict, 'stable');
  });

  it("depth scaling of the last layer's weight gradient: Post-LN independent of L, Pre-LN (final LN) ~ (1 + cL)^(-1/2)", () => {
    const last = (style: 'pre-ln' | 'post-ln', L: number) => {
      const g = residualMlp({ blocks: L, width: 128, style, init: 'glorotUniform', finalLn: style === 'pre-ln' });
      const dense = g.nodes.filter((n) => n.className === 'Dense');
      return overSeeds(g, (r) => lg(r.layers[dense[dense.length - 1].id].weightGradNorm), [1, 2], { width: 128, batch: 64 });
    };
    near(last('post-ln', 64) - last('post-ln', 8), 0, 0.1, 'Post-LN 64 vs 8 blocks');
    near(last('pre-ln', 64) - last('pre-ln', 8), 0.5 * Math.log10((1 + 0.5 * 8) / (1 + 0.5 * 64)), 0.1, 'Pre-LN 64 vs 8 blocks');
  });
});

describe('simulate: float32 limit (THEORY §5)', function () {
  this.timeout(60000);

  it('a 128-layer default tfjs ReLU stack underflows a float32 model between layers 70 and 110; He-uniform does not', () => {
    const g = mlp({ depth: 128, width: 128 });
    const r = run(g, { width: 128, batch: 32 });
    assert.ok(r.float32Limit, 'limit reported');
    const layer = g.nodes.findIndex((n) => n.id === r.float32Limit!.node);
    assert.ok(layer >= 70 && layer <= 110, `limit at layer ${layer}`);
    assert.equal(r.float32Limit!.kind, 'underflow');
    assert.ok(r.layers[g.outputs[0]].fwdRms! > 0, 'statistics stay meaningful past the limit');
    assert.equal(run(mlp({ depth: 128, width: 128, init: 'heUniform' }), { width: 128, batch: 32 }).float32Limit, null);
  });

  it('sigmoid gradients leave float32 after about 35 layers (backward underflow)', () => {
    const g = mlp({ depth: 48, width: 128, activation: 'sigmoid', init: 'leCunUniform' });
    const r = run(g, { width: 128, batch: 32 });
    assert.equal(r.float32Limit?.direction, 'backward');
    const layer = g.nodes.findIndex((n) => n.id === r.float32Limit!.node);
    const fromTop = 48 - layer;
    assert.ok(fromTop >= 30 && fromTop <= 40, `gradient reaches 0 after ${fromTop} layers`);
  });
});
