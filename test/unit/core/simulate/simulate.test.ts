import { strict as assert } from 'node:assert';
import type { LayerGraph } from '../../../../src/core/graph/types';
import type { FileReport } from '../../../../src/core/report/types';
import { attachSimulation } from '../../../../src/core/simulate/attach';
import { PROFILES, simulate, streamNodes } from '../../../../src/core/simulate/simulate';
import { buildVariant, whatIfsForFindings, whatIfsForGraph } from '../../../../src/core/simulate/whatIf';
import { GraphBuilder, lg, mlp, residualMlp, transformer } from './builders';

describe('simulate: settings, capping, profiles, determinism, partial results', function () {
  this.timeout(60000);

  it('a capped run reproduces an uncapped run (width 512 simulated at 128): per-layer statistics within 0.15 decades', () => {
    for (const g of [mlp({ depth: 8, width: 512, init: 'heUniform' }), residualMlp({ blocks: 4, width: 512, hidden: 1024, style: 'pre-ln', init: 'glorotUniform' })]) {
      const full = simulate(g, { width: 1024, batch: 64, maxWidth: 1024 });
      const capped = simulate(g, { width: 128, batch: 64 });
      assert.equal(capped.width, 128);
      for (const id of full.series.nodes) {
        const a = full.layers[id];
        const b = capped.layers[id];
        // finite-width fluctuations at n = 128: ~0.434 sqrt(5 L / n) <= 0.12 decades for these depths
        assert.ok(Math.abs(lg(a.fwdRms) - lg(b.fwdRms)) < 0.15, `${g.name} fwd ${id}: ${a.fwdRms} vs ${b.fwdRms}`);
        assert.ok(Math.abs(lg(a.gradRms) - lg(b.gradRms)) < 0.15, `${g.name} grad ${id}: ${a.gradRms} vs ${b.gradRms}`);
        if (a.weightGradNorm) assert.ok(Math.abs(lg(a.weightGradNorm) - lg(b.weightGradNorm)) < 0.15, `${g.name} weight grad ${id}`);
      }
    }
  });

  it('never allocates a huge layer: a 1e9-unit Dense is simulated at the cap', () => {
    const g = new GraphBuilder();
    const x = g.input([null, 32]);
    const h = g.dense(x, 1e9, 'relu', 'heUniform', { useBias: false });
    const y = g.dense(h, 16, 'linear', undefined, { useBias: false });
    const r = simulate(g.build([y]), { profile: 'interactive' });
    assert.equal(r.partial, false);
    assert.ok(r.layers[y].fwdRms! > 0 && Number.isFinite(r.layers[y].fwdRms!));
    // mean-field: the output q equals fan_in x Var(W) x E[relu^2] = 1e9 * glorotNormal var * 1 -> finite, meaningful
    assert.ok(r.outputGain! > 0.1 && r.outputGain! < 10, `gain ${r.outputGain}`);
  });

  const cases: [string, () => LayerGraph][] = [
    ['heUniform ReLU 32', () => mlp({ depth: 32, width: 256, init: 'heUniform' })],
    ['default ReLU 32', () => mlp({ depth: 32, width: 256 })],
    ['tanh 128', () => mlp({ depth: 128, width: 256, activation: 'tanh', init: 'leCunUniform' })],
    ['sigmoid 32', () => mlp({ depth: 32, width: 256, activation: 'sigmoid', init: 'leCunUniform' })],
    ['LN 32', () => mlp({ depth: 32, width: 256, norm: 'ln' })],
    ['BN 64', () => mlp({ depth: 64, width: 256, norm: 'bn' })],
    ['residual 16', () => residualMlp({ blocks: 16, width: 256, style: 'none', init: 'glorotUniform' })],
    ['Pre-LN 32', () => residualMlp({ blocks: 32, width: 256, style: 'pre-ln', init: 'glorotUniform', finalLn: true })],
    ['Post-LN 32', () => residualMlp({ blocks: 32, width: 256, style: 'post-ln', init: 'glorotUniform' })],
    ['Pre-LN transformer 6', () => transformer({ blocks: 6, d: 128, seq: 16, style: 'pre-ln', finalLn: true })],
  ];
  it(`the interactive profile (${JSON.stringify(PROFILES.interactive)}) gives the full profile's verdicts on the validation cases`, () => {
    for (const [name, make] of cases) {
      const g = make();
      const full = simulate(g, { profile: 'full', width: 128, batch: 64 });
      const inter = simulate(g, { profile: 'interactive' });
      assert.equal(inter.profile, 'interactive');
      assert.equal(inter.forwardVerdict, full.forwardVerdict, `${name} forward`);
      assert.equal(inter.backwardVerdict, full.backwardVerdict, `${name} backward`);
      assert.equal(inter.verdict, full.verdict, `${name}`);
    }
  });

  it('is deterministic by seed', () => {
    const g = residualMlp({ blocks: 4, width: 64, style: 'pre-ln' });
    const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, ms: 0 });
    assert.equal(strip(simulate(g, { seed: 7, width: 64, batch: 16 })), strip(simulate(g, { seed: 7, width: 64, batch: 16 })));
    assert.notEqual(strip(simulate(g, { seed: 7, width: 64, batch: 16 })), strip(simulate(g, { seed: 8, width: 64, batch: 16 })));
  });

  it('cancellation between layers and an exceeded time budget return a partial result', () => {
    const g = mlp({ depth: 64, width: 64 });
    let checks = 0;
    const cancel = {
      get isCancellationRequested() {
        return ++checks > 10;
      },
    };
    const r = simulate(g, { cancel, width: 64, batch: 16 });
    assert.equal(r.partial, true);
    assert.ok(r.series.nodes.length < 64, `${r.series.nodes.length} layers simulated`);
    assert.ok(r.notes.some((n) => n.includes('cancelled')));
    const t = simulate(g, { timeBudgetMs: -1, width: 64, batch: 16 });
    assert.equal(t.partial, true);
    assert.ok(t.notes.some((n) => n.includes('time budget')));
  });

  it('reports non-finite numbers as null, never NaN, and the stream nodes of a residual model are the block outputs', () => {
    const g = residualMlp({ blocks: 3, width: 32, style: 'post-ln' });
    const r = simulate(g, { width: 32, batch: 8 });
    assert.ok(!JSON.stringify(r).includes('NaN'));
    const stream = streamNodes(g);
    const lns = g.nodes.filter((n) => n.className === 'LayerNormalization').map((n) => n.id);
    for (const id of lns) assert.ok(stream.includes(id));
    assert.ok(!stream.includes(g.nodes.find((n) => n.className === 'Dense')!.id));
  });

  it('simulates sequence models: embeddings, attention from Dense/Dot/Softmax pieces, recurrent layers, conv mean-field', () => {
    const b = new GraphBuilder();
    const ids = b.input([null, 12]);
    let x = b.add('Embedding', { inputDim: 5000, outputDim: 32 }, [ids]);
    x = b.add('LSTM', { units: 32, returnSequences: true }, [x]);
    x = b.add('GRU', { units: 32, returnSequences: true }, [x]);
    x = b.add('SimpleRNN', { units: 32, returnSequences: true }, [x]);
    x = b.add('Conv1D', { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }, [x]);
    x = b.add('GlobalAveragePooling1D', {}, [x]);
    const y = b.dense(x, 4, 'softmax');
    const r = simulate(b.build([y]), { profile: 'interactive' });
    assert.equal(r.partial, false, r.notes.join('; '));
    for (const id of r.series.nodes) assert.ok(r.layers[id].fwdRms! > 0, `fwd at ${id}`);
    assert.ok(r.layers[y].gradRms! > 0 && r.gradientGain! > 0);
    // LSTM with hardSigmoid gates and orthogonal recurrence: bounded output
    assert.ok(r.layers['n2'].maxAbs! <= 1);
    const t = simulate(transformer({ blocks: 2, d: 32, seq: 8, style: 'pre-ln', finalLn: true }), { profile: 'interactive' });
    assert.equal(t.partial, false, t.notes.join('; '));
    assert.ok(t.verdict === 'stable');
  });

  it('simulates custom layers: their body (with the residual flag) or a noted stand-in', () => {
    const body = new GraphBuilder();
    const bi = body.input([null, 32]);
    const bo = body.dense(body.dense(bi, 32, 'relu'), 32);
    const b = new GraphBuilder();
    const x = b.input([null, 32]);
    const custom = { userClass: 'Block', weights: [], subLayers: [], residual: true, opaque: false, body: body.build([bo]) };
    const c1 = b.add('Block', {}, [x], { custom, weightKey: 'shared' });
    const c2 = b.add('Block', {}, [c1], { custom, weightKey: 'shared' });
    const opaque = { userClass: 'Mystery', weights: [{ name: 'kernel', shape: [32, 32], initializer: { id: 'heUniform' }, trainable: true }], subLayers: [], residual: false, opaque: true };
    const c3 = b.add('Mystery', {}, [c2], { custom: opaque });
    const r = simulate(b.build([c3]), { width: 32, batch: 16 });
    assert.equal(r.partial, false);
    // residual body: q grows; shared weights are drawn once (same key -> same tensors)
    assert.ok(r.layers[c2].fwdRms! > r.layers[c1].fwdRms!);
    assert.ok(r.notes.some((n) => n.includes('stand-in')));
    assert.ok(r.layers[c3].weightGradNorm! > 0);
  });
});

describe('simulate: what-if variants', function () {
  this.timeout(60000);

  it('fixes a vanishing default-init ReLU stack with heUniform, LayerNorm insertion and Pre-LN residual blocks', () => {
    const g = mlp({ depth: 32, width: 128 });
    assert.equal(simulate(g, { width: 128, batch: 32 }).verdict, 'vanishing');
    const w = whatIfsForGraph(g, ['he-uniform', 'insert-layernorm', 'pre-ln-residual', 'not-a-kind'], { width: 128, batch: 32 });
    assert.deepEqual(
      w.map((x) => x.fix),
      ['he-uniform', 'insert-layernorm', 'pre-ln-residual'],
    );
    for (const x of w) {
      assert.equal(x.verdict, 'stable', `${x.fix}: ${x.verdict}`);
      assert.ok(x.series.nodes.length > 0 && x.label.length > 0);
    }
    const v = buildVariant(g, 'insert-layernorm')!;
    assert.equal(v.nodes.filter((n) => n.className === 'LayerNormalization').length, 31);
  });

  it('DeepNorm uses alpha = (2N)^(1/4) and beta = (8N)^(-1/4) for N blocks (24 blocks: 2.63, 0.269)', () => {
    const g = residualMlp({ blocks: 24, width: 32, style: 'post-ln', init: 'glorotUniform' });
    const v = buildVariant(g, 'deepnorm')!;
    const alphas = v.nodes.filter((n) => n.className === 'Rescaling').map((n) => n.config.scale as number);
    assert.equal(alphas.length, 24);
    assert.ok(Math.abs(alphas[0] - 2.632) < 1e-3);
    const k = v.nodes.find((n) => n.className === 'Dense')!.config.kernelInitializer as { args: { scale: number } };
    assert.ok(Math.abs(Math.sqrt(k.args.scale) - 0.2686) < 1e-3);
  });

  it('also runs the remedies a finding names without a code edit (data.whatIf), once each', () => {
    const g = residualMlp({ blocks: 8, width: 32, style: 'post-ln', init: 'glorotUniform' });
    const finding = {
      ruleId: 'post-ln-deep',
      severity: 'warning' as const,
      message: 'm',
      span: g.span,
      related: [],
      fixes: [{ title: 't', edits: [], whatIf: 'pre-ln-residual' }],
      data: { whatIf: 'pre-ln-residual, deepnorm' },
    };
    const kinds = whatIfsForFindings(g, [finding], { width: 32, batch: 16 }).map((w) => w.fix);
    assert.deepEqual(kinds, ['pre-ln-residual', 'deepnorm']);
  });

  it('runs the what-ifs named by findings (Fix.whatIf) and attaches results to a report', () => {
    const g = mlp({ depth: 24, width: 64 });
    const span = g.span;
    const finding = { ruleId: 'deep-plain-stack', severity: 'warning' as const, message: 'm', span, related: [], fixes: [{ title: 't', edits: [], whatIf: 'he-uniform' }] };
    assert.equal(whatIfsForFindings(g, [finding], { width: 64, batch: 16 })[0].fix, 'he-uniform');
    const broken: LayerGraph = { ...g, name: 'broken', nodes: [{ ...g.nodes[0] }, { ...g.nodes[1], inputs: ['missing'] }], outputs: ['n1'] };
    const report: FileReport = {
      path: 'x.ts',
      errors: [],
      notes: [],
      models: [g, broken].map((m) => ({
        name: m.name,
        span: m.span,
        api: m.api,
        layers: m.nodes.map((n) => ({ id: n.id, className: n.className, name: n.name, config: n.config, inputs: n.inputs, kind: 'weighted' })),
        summary: { weightedLayers: 0, totalLayers: 0, depthWeighted: 0, maxPlainRun: 0, normalization: [], residual: false, residualBlocks: 0, assumptions: [] },
        findings: m === g ? [finding] : [],
      })),
    };
    attachSimulation(report, [g, broken], { profile: 'interactive' });
    assert.equal(report.models[0].simulation?.verdict, 'vanishing');
    assert.equal(report.models[0].whatIf?.[0].verdict, 'stable');
    assert.ok(report.models[0].layers[1].sim?.fwdRms);
    assert.ok(report.models[1].simulation, 'the second model is still simulated (its bad layer is skipped with a note)');
  });
});

describe('simulate: classification heads', function () {
  this.timeout(60000);
  const classifier = (init: string, head: string): LayerGraph => {
    const g = new GraphBuilder();
    let x = g.input([null, 128]);
    for (let l = 0; l < 16; l++) x = g.dense(x, 128, 'relu', init, { useBias: false });
    return g.build([g.dense(x, 10, head, init)]);
  };

  it('judges a softmax classifier at its logits: a heUniform ReLU body with a softmax head is stable', () => {
    const r = simulate(classifier('heUniform', 'softmax'), { width: 128, batch: 64 });
    assert.equal(r.verdict, 'stable', r.reason);
    // heUniform preserves the mean square: gains within 0.5 decades of 1 (finite-width spread at L = 16, n = 128).
    assert.ok(Math.abs(Math.log10(r.outputGain!)) < 0.5, `output gain ${r.outputGain}`);
    assert.ok(Math.abs(Math.log10(r.gradientGain!)) < 0.5, `gradient gain ${r.gradientGain}`);
    assert.ok(r.notes.some((n) => n.includes('loss head')));
  });

  it('leaves the one-off factor of a global average pooling head out of the verdict, not out of the gains', () => {
    const g = new GraphBuilder();
    let x = g.input([null, 32, 64]);
    for (let l = 0; l < 8; l++) x = g.dense(x, 64, 'relu', 'heUniform', { useBias: false });
    const pooled = g.add('GlobalAveragePooling1D', {}, [x]);
    const r = simulate(g.build([g.dense(pooled, 4, 'softmax', 'heUniform')]), { width: 64, batch: 16, seqLen: 32 });
    // Averaging 32 positions hands each position 1/32 of the pooled gradient: the literal gain shows it ...
    assert.ok(r.gradientGain! < 0.1, `gradient gain ${r.gradientGain}`);
    // ... but a variance-preserving body is not a vanishing-gradient model.
    assert.equal(r.verdict, 'stable', r.reason);
    assert.ok(r.notes.some((n) => n.includes('pooling layer')));
  });

  it('still sees the tfjs-default (glorotNormal) ReLU body vanish behind a sigmoid head', () => {
    const r = simulate(classifier('glorotNormal', 'sigmoid'), { width: 128, batch: 64 });
    // 16 layers x 0.387 per layer in mean square: about -6.6 decades, i.e. an RMS gain near 10^-3.3.
    assert.ok(Math.log10(r.outputGain!) < -2.5, `output gain ${r.outputGain}`);
    assert.equal(r.forwardVerdict, 'vanishing', r.reason);
  });
});
