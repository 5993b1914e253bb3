import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import {
  assertTopological,
  classNames,
  graphNamed,
  lineOf,
  parseFixture,
  weightedCount,
} from './sourceHelpers';

describe('parse/customLayer', () => {
  it('makes a node per custom layer instance with sub-layer weights, a residual flag and a traced body', () => {
    const { result, text } = parseFixture('customLayers.ts');
    const stack = graphNamed(result, 'stack');
    assert.deepEqual(classNames(stack), [
      'InputLayer',
      'Dense',
      'ResidualBlock',
      'ResidualBlock',
      'ResidualBlock',
      'Scale',
    ]);
    assert.equal(weightedCount(stack), 5);
    const block = stack.nodes[2];
    assert.ok(block.custom);
    assert.equal(block.custom.userClass, 'ResidualBlock');
    assert.deepEqual(block.custom.subLayers, ['norm', 'fc1', 'fc2']);
    assert.equal(block.custom.residual, true);
    assert.equal(block.custom.opaque, false);
    const kernels = block.custom.weights.filter((w) => w.name.endsWith('.kernel'));
    assert.deepEqual(
      kernels.map((w) => [w.name, w.initializer?.id]),
      [
        ['fc1.kernel', 'glorotNormal'],
        ['fc2.kernel', 'glorotNormal'],
      ],
    );
    const body = block.custom.body;
    assert.ok(body);
    assertTopological(body);
    assert.ok(
      body.nodes.every((n) => n.span),
      'body nodes have spans (the input: the custom layer itself)',
    );
    assert.deepEqual(classNames(body), ['InputLayer', 'LayerNormalization', 'Dense', 'Dense', 'Add']);
    assert.deepEqual(
      body.nodes[4].inputs,
      ['n0', 'n3'],
      'the residual adds the block input to the last dense',
    );
    assert.equal(
      body.nodes[2].config.units,
      128,
      'sub-layer configs evaluated with the constructor argument',
    );
    assert.deepEqual(
      body.nodes[0].config.batchInputShape,
      [null, 32],
      'the body input has the outer input shape',
    );
    // Each instance made in the loop points at the `new` expression inside the loop.
    assert.equal(block.span?.start.line, lineOf(text, 'stack.add(new ResidualBlock'));
    assert.equal(block.site?.kind, 'addCall');
    assert.equal(block.site?.inLoop, true);
    assert.notEqual(stack.nodes[2].name, stack.nodes[3].name);
    assert.equal(stack.nodes[2].weightKey, undefined, 'distinct instances do not share weights');
  });

  it('takes weights from addWeight in build() (with the inferred input shape) and marks an untraceable call() opaque', () => {
    const { result } = parseFixture('customLayers.ts');
    const scale = graphNamed(result, 'stack').nodes[5];
    assert.ok(scale.custom);
    assert.deepEqual(scale.custom.weights, [
      {
        name: 'gain',
        shape: [32],
        initializer: { id: 'randomNormal', args: { mean: 1, stddev: 0.02 } },
        trainable: true,
      },
    ]);
    assert.equal(scale.custom.opaque, true);
    assert.equal(scale.custom.body, undefined);
    assert.equal(scale.custom.residual, false);
    const stack = graphNamed(result, 'stack');
    assert.ok(
      stack.notes.some((n) => n.kind === 'unsupported' && /Scale/.test(n.message)),
      'opaque call() is explained',
    );
  });

  it('traces raw weights: matMul(x, W.read()) is a bias-free Dense; a zero bias and a unit gain are the identity at init', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class ResidualDense extends tf.layers.Layer {
  constructor(private readonly units: number, config = {}) { super(config); }
  build(inputShape) {
    const dim = inputShape[1];
    this.w1 = this.addWeight('w1', [dim, this.units], 'float32', tf.initializers.glorotNormal({}));
    this.b1 = this.addWeight('b1', [this.units], 'float32', tf.initializers.zeros());
    this.w2 = this.addWeight('w2', [this.units, dim], 'float32', tf.initializers.heNormal({}));
    this.g = this.addWeight('g', [dim], 'float32', tf.initializers.constant({ value: 0.5 }));
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const h = tf.relu(tf.matMul(x, this.w1.read()).add(this.b1.read()));
      return tf.add(x, tf.matMul(h, this.w2.read()).mul(this.g.read()));
    });
  }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 24, inputShape: [8] }));
m.add(new ResidualDense(96));
`;
    const r = parseSource('/x/raw.ts', src);
    const node = r.graphs[0].nodes[2];
    assert.equal(node.custom?.opaque, false);
    assert.equal(node.custom?.residual, true);
    assert.deepEqual(
      node.custom?.weights.map((w) => [w.name, w.shape]),
      [
        ['w1', [24, 96]],
        ['b1', [96]],
        ['w2', [96, 24]],
        ['g', [24]],
      ],
    );
    const body = node.custom?.body;
    assert.ok(body);
    assert.deepEqual(classNames(body), ['InputLayer', 'Dense', 'Activation', 'Dense', 'Rescaling', 'Add']);
    assert.equal(body.nodes[1].config.units, 96);
    assert.equal(body.nodes[1].config.useBias, false);
    assert.deepEqual(body.nodes[3].config.kernelInitializer, { id: 'heNormal' });
    assert.equal(body.nodes[4].config.scale, 0.5);
    assert.deepEqual(body.nodes[5].inputs, ['n0', 'n4']);
    assert.deepEqual(node.outputShape, [null, 24]);
  });

  it('applies custom layers in functional code, with config name and apply site', () => {
    const { result } = parseFixture('customLayers.ts');
    const g = graphNamed(result, 'functionalWithCustom');
    assert.deepEqual(classNames(g), ['InputLayer', 'ResidualBlock']);
    assert.equal(g.nodes[1].name, 'block_f');
    assert.equal(g.nodes[1].written.units, 32);
    assert.equal(g.nodes[1].site?.kind, 'applyCall');
    assert.equal(g.nodes[1].site?.target, 'out');
    assert.deepEqual(g.nodes[1].outputShape, [null, 32]);
  });

  it('recognises x.add(...) and tf.layers.add().apply([...]) residuals, and sub-layers in arrays', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Stack extends tf.layers.Layer {
  constructor(cfg) {
    super(cfg);
    this.blocks = [];
    for (let i = 0; i < cfg.n; i++) this.blocks.push(tf.layers.dense({ units: 16, activation: 'relu' }));
  }
  call(x) {
    let h = x;
    for (const b of this.blocks) h = b.apply(h);
    return x.add(h);
  }
}
class Merge extends tf.layers.Layer {
  constructor() { super({}); this.proj = tf.layers.dense({ units: 16 }); }
  call(inputs) {
    const x = inputs;
    return tf.layers.add().apply([x, this.proj.apply(x)]);
  }
}
class NoWeights extends tf.layers.Layer {
  call(x) { return tf.relu(x); }
}
const m = tf.sequential({ layers: [tf.layers.dense({ units: 16, inputShape: [16] }), new Stack({ n: 3 }), new Merge(), new NoWeights()] });
`;
    const r = parseSource('/x/custom.ts', src);
    const g = graphNamed(r, 'm');
    const [stack, merge, none] = g.nodes.slice(2);
    assert.deepEqual(stack.custom?.subLayers, ['blocks[0]', 'blocks[1]', 'blocks[2]']);
    assert.equal(stack.custom?.residual, true);
    assert.deepEqual(classNames(stack.custom?.body ?? ({ nodes: [] } as never)), [
      'InputLayer',
      'Dense',
      'Dense',
      'Dense',
      'Add',
    ]);
    assert.equal(merge.custom?.residual, true);
    assert.equal(merge.custom?.opaque, false);
    assert.equal(none.custom?.weights.length, 0);
    assert.equal(none.custom?.subLayers.length, 0);
    assert.deepEqual(classNames(none.custom?.body ?? ({ nodes: [] } as never)), ['InputLayer', 'Activation']);
    assert.equal(weightedCount(g), 3, 'a custom layer without weights is not weighted');
  });

  it('detects a residual syntactically when call() cannot be followed', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
class Attn extends tf.layers.Layer {
  constructor(c) { super(c); this.q = tf.layers.dense({ units: 8 }); this.k = tf.layers.dense({ units: 8 }); }
  call(x) {
    // splitHeads comes from a library the analysis cannot see: the add's operand is unknown.
    const s = splitHeads(tf.matMul(this.q.apply(x), this.k.apply(x), false, true));
    return x.add(s);
  }
}
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [4, 8] }));
model.add(new Attn({}));
`;
    const r = parseSource('/x/attn.ts', src);
    const attn = r.graphs[0].nodes[2];
    assert.equal(attn.custom?.opaque, true);
    assert.equal(attn.custom?.residual, true);
    assert.deepEqual(attn.custom?.subLayers, ['q', 'k']);
  });
});
