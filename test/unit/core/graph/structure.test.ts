import { strict as assert } from 'node:assert';
import { analyzeStructure } from '../../../../src/core/graph/structure';
import { GraphBuilder, plainMlp, transformer } from './graphBuilder';

describe('graph/structure', () => {
  it('summarizes a plain MLP', () => {
    const s = analyzeStructure(plainMlp(10, 'relu', 'Dropout'));
    assert.equal(s.summary.weightedLayers, 10);
    assert.equal(s.summary.totalLayers, 20);
    assert.equal(s.summary.depthWeighted, 10);
    assert.equal(s.summary.maxPlainRun, 10, 'dropout does not break a run');
    assert.equal(s.summary.residual, false);
    assert.equal(s.summary.residualBlocks, 0);
    assert.equal(s.summary.blockStyle, 'none');
    assert.deepEqual(s.summary.normalization, []);
    assert.equal(s.runs[0].nodes.length, 10);
  });

  it('breaks runs at normalization layers', () => {
    const b = new GraphBuilder();
    let x = b.input();
    for (let i = 0; i < 12; i++) {
      x = b.dense(x, 16, 'relu');
      if (i === 4) x = b.add('LayerNormalization', x);
    }
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.maxPlainRun, 7);
    assert.deepEqual(
      s.runs.map((r) => r.nodes.length),
      [7, 5],
    );
    assert.deepEqual(s.summary.normalization, ['LayerNormalization']);
    assert.equal(s.summary.weightedLayers, 12);
  });

  it('finds unnormalized residual blocks and resets runs at them', () => {
    const b = new GraphBuilder();
    let x = b.input();
    for (let k = 0; k < 6; k++) {
      const h = b.dense(x, 16, 'relu');
      const f = b.dense(h, 16);
      x = b.add('Add', [x, f]);
    }
    b.dense(x, 2);
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.residual, true);
    assert.equal(s.summary.residualBlocks, 6);
    assert.equal(s.summary.blockStyle, 'unnormalized');
    assert.equal(s.summary.maxPlainRun, 2);
    assert.equal(s.summary.depthWeighted, 13);
    assert.equal(s.blocks[0].branchWeighted.length, 2);
    assert.equal(s.blocks[1].fork, s.blocks[0].merge, 'the skip forks at the previous block output');
  });

  it('classifies Pre-LN and Post-LN transformer blocks', () => {
    const pre = analyzeStructure(transformer(4, 'pre'));
    assert.equal(pre.summary.residualBlocks, 8);
    assert.equal(pre.summary.blockStyle, 'pre-ln');
    assert.ok(pre.blocks.every((b) => b.preNorm));
    assert.equal(pre.summary.weightedLayers, 4 * 6 + 1);
    const post = analyzeStructure(transformer(4, 'post'));
    assert.equal(post.summary.residualBlocks, 8);
    assert.equal(post.summary.blockStyle, 'post-ln');
    assert.ok(post.blocks.every((b) => b.postNorm));
    const none = analyzeStructure(transformer(3, 'none'));
    assert.equal(none.summary.blockStyle, 'unnormalized');
    // attention Dot merges are not skips
    assert.ok(pre.blocks.every((b) => pre.summary && b.additive));
  });

  it('counts ResNet projection shortcuts (1x1 conv on the skip) as residual blocks', () => {
    const b = new GraphBuilder();
    let x = b.input([null, 32, 32, 16]);
    const conv = (y: string, k: number, s = 1) => b.add('BatchNormalization', b.add('Conv2D', y, { filters: 32, kernelSize: k, strides: s, padding: 'same' }));
    const shortcut = conv(x, 1, 2);
    const y = conv(b.add('ReLU', conv(x, 3, 2)), 3);
    x = b.add('Add', [shortcut, y]);
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.residualBlocks, 1);
    assert.equal(s.blocks[0].skipInput, shortcut);
    // but two parallel single-layer branches are not a skip
    const b2 = new GraphBuilder();
    const i2 = b2.input();
    b2.add('Add', [b2.dense(i2, 8), b2.dense(i2, 8)]);
    assert.equal(analyzeStructure(b2.graph()).summary.residual, false);
  });

  it('does not count token + position embedding addition as residual', () => {
    const b = new GraphBuilder();
    const tokens = b.input([null, 16], 'tokens');
    const positions = b.input([null, 16], 'positions');
    const te = b.add('Embedding', tokens, { inputDim: 1000, outputDim: 32 });
    const pe = b.add('Embedding', positions, { inputDim: 16, outputDim: 32 });
    const sum = b.add('Add', [te, pe]);
    b.dense(sum, 32);
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.residual, false);
    assert.equal(s.summary.weightedLayers, 3);
    // even when both embeddings read the same input
    const b2 = new GraphBuilder();
    const t = b2.input([null, 16]);
    const e1 = b2.add('Embedding', t, { inputDim: 100, outputDim: 8 });
    const e2 = b2.add('Embedding', t, { inputDim: 100, outputDim: 8 });
    b2.add('Add', [e1, e2]);
    assert.equal(analyzeStructure(b2.graph()).summary.residual, false);
  });

  it('finds U-Net concatenate skips and keeps runs short', () => {
    const b = new GraphBuilder('unet');
    let x = b.input([null, 64, 64, 1]);
    const skips: string[] = [];
    for (let level = 0; level < 4; level++) {
      x = b.add('Conv2D', x, { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' });
      x = b.add('Conv2D', x, { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' });
      skips.push(x);
      x = b.add('MaxPooling2D', x);
    }
    x = b.add('Conv2D', x, { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' });
    x = b.add('Conv2D', x, { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' });
    for (let level = 3; level >= 0; level--) {
      x = b.add('Conv2DTranspose', x, { filters: 16, kernelSize: 2, strides: 2 });
      x = b.add('Concatenate', [x, skips[level]]);
      x = b.add('Conv2D', x, { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' });
      x = b.add('Conv2D', x, { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' });
    }
    b.add('Conv2D', x, { filters: 1, kernelSize: 1, activation: 'sigmoid' });
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.residual, true);
    assert.equal(s.summary.residualBlocks, 4);
    assert.equal(s.summary.blockStyle, 'none', 'concatenation skips have no LN style');
    assert.ok(s.blocks.every((bl) => !bl.additive));
    assert.equal(s.summary.weightedLayers, 8 + 2 + 4 * 3 + 1);
    assert.equal(s.summary.depthWeighted, 23);
    assert.ok(s.summary.maxPlainRun <= 3, `max plain run ${s.summary.maxPlainRun}`);
  });

  it('counts a shared layer once but every application in the depth', () => {
    const b = new GraphBuilder();
    let x = b.input();
    for (let i = 0; i < 3; i++) x = b.add('Dense', x, { units: 16 }, { weightKey: 'shared' });
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.weightedLayers, 1);
    assert.equal(s.summary.totalLayers, 1);
    assert.equal(s.summary.depthWeighted, 3);
  });

  it('counts custom layers with weights and custom residual blocks', () => {
    const b = new GraphBuilder();
    let x = b.input();
    const body = new GraphBuilder('body');
    const bi = body.input();
    const ln = body.add('LayerNormalization', bi);
    body.dense(ln, 16);
    for (let k = 0; k < 3; k++) {
      x = b.add('TransformerBlock', x, {}, {
        custom: { userClass: 'TransformerBlock', weights: [{ name: 'w', trainable: true }], subLayers: [], residual: true, opaque: false, body: body.graph() },
      });
    }
    x = b.add('Scale', x, {}, { custom: { userClass: 'Scale', weights: [], subLayers: [], residual: false, opaque: true } });
    const s = analyzeStructure(b.graph());
    assert.equal(s.summary.weightedLayers, 3);
    assert.equal(s.summary.totalLayers, 4);
    assert.equal(s.summary.residualBlocks, 3);
    assert.equal(s.summary.blockStyle, 'pre-ln');
    assert.deepEqual(s.summary.normalization, ['LayerNormalization']);
  });

  it('does not count a multi-input custom layer that adds its inputs (VAE sampling) as residual', () => {
    const b = new GraphBuilder();
    const i = b.input();
    const h = b.dense(i, 16, 'relu');
    const mean = b.dense(h, 4);
    const logVar = b.dense(h, 4);
    b.add('ZLayer', [mean, logVar], {}, { custom: { userClass: 'ZLayer', weights: [], subLayers: [], residual: true, opaque: true } });
    assert.equal(analyzeStructure(b.graph()).summary.residual, false);
  });

  it('tracks BatchNorm runs separately from plain runs', () => {
    const s = analyzeStructure(plainMlp(14, 'relu', 'BatchNormalization'));
    assert.equal(s.summary.maxPlainRun, 1);
    assert.equal(s.bnRuns[0].nodes.length, 14);
    assert.equal(s.bnRuns[0].batchNorms.length, 13);
  });

  it('stays near-linear on 10,000 nodes', () => {
    const b = new GraphBuilder();
    let x = b.input();
    for (let k = 0; k < 2500; k++) {
      const h = b.add('LayerNormalization', x);
      const f = b.dense(h, 16, 'relu');
      const g = b.dense(f, 16);
      x = b.add('Add', [x, g]);
    }
    const t0 = Date.now();
    const s = analyzeStructure(b.graph());
    const ms = Date.now() - t0;
    assert.equal(s.summary.residualBlocks, 2500);
    assert.equal(s.summary.blockStyle, 'pre-ln');
    assert.ok(ms < 2000, `took ${ms} ms`);
  });
});
