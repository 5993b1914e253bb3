// Tensor ops in custom layers' call(): traced into TensorOp / Reshape / merge nodes the simulator runs.
import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import type { LayerGraph, LayerNode } from '../../../../src/core/graph/types';
import { assertTopological } from './sourceHelpers';
import { ANTIRECTIFIER, LAST_STEP, LAYER_NORM, RESIDUAL, VAE, graphOf } from './customLayerSnippets';

function bodyOf(g: LayerGraph, userClass: string): LayerGraph {
  const n = g.nodes.find((x) => x.custom?.userClass === userClass);
  assert.ok(n?.custom, `no ${userClass} in ${g.name}`);
  assert.equal(n.custom.opaque, false, `${userClass} traced`);
  assert.ok(n.custom.body);
  assertTopological(n.custom.body);
  return n.custom.body;
}

const sig = (n: LayerNode) => (n.className === 'TensorOp' ? `TensorOp:${String(n.config.op)}` : n.className);

describe('parse/customLayer: tensor ops in call()', () => {
  it('VAE sampling layer: z = mean + exp(0.5 logVar) * eps, eps a N(0,1) draw of the mean\'s shape', () => {
    const g = graphOf(VAE, 'encoder');
    const node = g.nodes.find((x) => x.custom?.userClass === 'ZLayer')!;
    const body = bodyOf(g, 'ZLayer');
    assert.deepEqual(body.nodes.map(sig).sort(), ['Add', 'InputLayer', 'InputLayer', 'Multiply', 'Rescaling', 'TensorOp:exp', 'TensorOp:randomNormal'].sort());
    const draw = body.nodes.find((n) => n.config.op === 'randomNormal')!;
    assert.deepEqual([draw.config.mean, draw.config.stdDev], [0, 1]);
    assert.equal(draw.inputs[0], body.inputs[0], 'takes the shape of zMean');
    assert.deepEqual(draw.outputShape, [null, 8]);
    const scale = body.nodes.find((n) => n.className === 'Rescaling')!;
    assert.equal(scale.config.scale, 0.5);
    assert.equal(scale.inputs[0], body.inputs[1], '0.5 * zLogVar');
    const out = body.nodes.find((n) => n.id === body.outputs[0])!;
    assert.equal(out.className, 'Add');
    assert.deepEqual(out.outputShape, [null, 8]);
    assert.deepEqual(node.outputShape, [null, 8]);
    assert.ok(!g.notes?.some((n) => /could not be followed/.test(n.message)), JSON.stringify(g.notes));
  });

  it('VAE sampling with a literal shape [batch, dim] read from zMean.shape: dim known, the batch from the input', () => {
    const src = VAE.replace('tf.randomNormal(zMean.shape)', 'tf.randomNormal([zMean.shape[0], zMean.shape[1]], 0, 1)');
    const body = bodyOf(graphOf(src, 'encoder'), 'ZLayer');
    const draw = body.nodes.find((n) => n.config.op === 'randomNormal')!;
    assert.deepEqual(draw.config.shape, [null, 8]);
    assert.deepEqual(draw.outputShape, [null, 8]);
  });

  it('Antirectifier: x - mean, l2-normalisation (sum of squares, sqrt, division), concat of relu(x) and relu(-x)', () => {
    const g = graphOf(ANTIRECTIFIER, 'anti');
    const body = bodyOf(g, 'Antirectifier');
    const byOp = (s: string) => body.nodes.filter((n) => sig(n) === s);
    assert.equal(byOp('TensorOp:mean').length, 1);
    assert.deepEqual(byOp('TensorOp:mean')[0].outputShape, [null, 1]);
    assert.deepEqual(byOp('TensorOp:sum')[0].config, { op: 'sum', axis: -1, keepDims: true });
    assert.equal(byOp('TensorOp:square').length, 1);
    assert.equal(byOp('TensorOp:sqrt').length, 1);
    assert.deepEqual(byOp('TensorOp:div')[0].outputShape, [null, 64], 'broadcast [64] / [1]');
    assert.deepEqual(byOp('Subtract')[0].outputShape, [null, 64], 'broadcast x - mean');
    assert.equal(byOp('Activation').length, 2);
    assert.equal(byOp('Rescaling')[0].config.scale, -1);
    const out = body.nodes.find((n) => n.id === body.outputs[0])!;
    assert.equal(out.className, 'Concatenate');
    assert.deepEqual(out.outputShape, [null, 128]);
    assert.deepEqual(g.nodes[2].outputShape, [null, 128]);
    assert.equal(g.nodes[3].className, 'Dense');
    assert.equal(g.nodes[2].custom!.residual, false);
  });

  it('last-timestep layers: slice + squeeze with the time length from x.shape, gather of index T-1, unstack', () => {
    const g = graphOf(LAST_STEP, 'seq');
    const a = bodyOf(g, 'LastStep');
    assert.deepEqual(a.nodes.map(sig), ['InputLayer', 'TensorOp:slice', 'TensorOp:squeeze']);
    assert.deepEqual(a.nodes[1].config.begin, [0, 11, 0]);
    assert.deepEqual(a.nodes[1].outputShape, [null, 1, 16]);
    assert.deepEqual(a.nodes[2].outputShape, [null, 16]);
    const b = bodyOf(graphOf(LAST_STEP, 'seq1'), 'LastByGather');
    assert.deepEqual(b.nodes.map(sig), ['InputLayer', 'TensorOp:gather']);
    assert.deepEqual([b.nodes[1].config.axis, b.nodes[1].config.index, b.nodes[1].config.keep], [1, 11, false]);
    assert.deepEqual(b.nodes[1].outputShape, [null, 16]);
    const c = bodyOf(graphOf(LAST_STEP, 'seq2'), 'LastByUnstack');
    assert.deepEqual(c.nodes.map(sig), ['InputLayer', 'TensorOp:gather']);
    assert.equal(c.nodes[1].config.index, 11);
  });

  it('residual custom block in tf.tidy: sub-layer, unit gain, division by a constant, the skip in the body', () => {
    const g = graphOf(RESIDUAL, 'res');
    const body = bodyOf(g, 'ScaledResidual');
    assert.deepEqual(body.nodes.map(sig), ['InputLayer', 'Dense', 'Rescaling', 'Add']);
    assert.ok(Math.abs((body.nodes[2].config.scale as number) - Math.SQRT1_2) < 1e-12);
    assert.deepEqual(body.nodes[3].inputs, [body.inputs[0], body.nodes[2].id]);
    assert.equal(g.nodes[2].custom!.residual, true);
  });

  it('norm over an axis as sqrt(sum(square)), maximum(x, 0) as relu, stack along axis 1', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Unit extends tf.layers.Layer {
  call(x) { return tf.maximum(x.div(tf.norm(x, 'euclidean', -1, true)), 0); }
}
class Pair extends tf.layers.Layer {
  call(x) { return tf.stack([x, tf.exp(x)], 1); }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
m.add(new Unit());
m.add(new Pair());
`;
    const g = graphOf(src, 'm');
    const unit = bodyOf(g, 'Unit');
    assert.deepEqual(unit.nodes.map(sig), ['InputLayer', 'TensorOp:square', 'TensorOp:sum', 'TensorOp:sqrt', 'TensorOp:div', 'Activation']);
    assert.equal(unit.nodes[5].config.activation, 'relu');
    const pair = bodyOf(g, 'Pair');
    assert.deepEqual(pair.nodes.map(sig), ['InputLayer', 'TensorOp:exp', 'TensorOp:stack']);
    assert.deepEqual(pair.nodes[2].outputShape, [null, 2, 8]);
    assert.deepEqual(g.nodes[3].outputShape, [null, 2, 8]);
  });

  it('a hand-written LayerNorm: tf.moments as mean and mean of squared deviations, rsqrt(variance + eps)', () => {
    const body = bodyOf(graphOf(LAYER_NORM, 'normed'), 'MyNorm');
    assert.deepEqual(body.nodes.map(sig).sort(), ['InputLayer', 'TensorOp:mean', 'Subtract', 'TensorOp:square', 'TensorOp:mean', 'Subtract', 'Rescaling', 'TensorOp:rsqrt', 'Multiply'].sort());
    const out = body.nodes.find((n) => n.id === body.outputs[0])!;
    assert.equal(out.className, 'Multiply', 'the unit gain and zero bias are the identity at init');
    assert.deepEqual(out.outputShape, [null, 48]);
    assert.equal(body.nodes.find((n) => n.className === 'Rescaling')!.config.offset, 1e-6);
  });

  it('a gated linear unit: split into halves along the features, a * sigmoid(b)', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Glu extends tf.layers.Layer {
  computeOutputShape(s) { return [s[0], s[1] / 2]; }
  call(x) {
    const [a, b] = tf.split(x, 2, -1);
    return a.mul(tf.sigmoid(b));
  }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 16, inputShape: [4] }));
m.add(new Glu());
`;
    const body = bodyOf(graphOf(src, 'm'), 'Glu');
    assert.deepEqual(body.nodes.map(sig), ['InputLayer', 'TensorOp:slice', 'TensorOp:slice', 'Activation', 'Multiply']);
    assert.deepEqual([body.nodes[1].config.begin, body.nodes[1].config.size], [[0, 0], [-1, 8]]);
    assert.deepEqual([body.nodes[2].config.begin, body.nodes[2].config.size], [[0, 8], [-1, 8]]);
    assert.deepEqual(body.nodes[4].outputShape, [null, 8]);
  });

  it('an unknown tensor method keeps the layer opaque, with a note naming it', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Odd2 extends tf.layers.Layer {
  call(x) { return x.cumsum(1).exp(); }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
m.add(new Odd2());
`;
    const r = parseSource('/virtual/odd2.js', src, {});
    const g = r.graphs.find((x) => x.name === 'm')!;
    assert.equal(g.nodes[2].custom!.opaque, true);
    const notes = [...(g.notes ?? []), ...r.notes].map((n) => n.message);
    assert.ok(notes.some((m) => m.includes('Odd2') && m.includes('cumsum')), notes.join('\n'));
  });

  it('an op still unknown keeps the layer opaque, with a note naming it', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Odd extends tf.layers.Layer {
  call(x) { return tf.cumsum(tf.exp(x), 1); }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
m.add(new Odd());
`;
    const r = parseSource('/virtual/odd.js', src, {});
    const g = r.graphs.find((x) => x.name === 'm')!;
    assert.equal(g.nodes[2].custom!.opaque, true);
    const notes = [...(g.notes ?? []), ...r.notes].map((n) => n.message);
    assert.ok(notes.some((m) => m.includes('Odd') && m.includes('cumsum')), notes.join('\n'));
  });
});
