// TF ops recorded in Keras model configs (TFOpLambda in TF 2.x Keras, op entries in Keras 3) become the nodes a
// tfjs model would have for the same computation, so residual adds, constant scales and activations written as
// tensor expressions are seen by the rules and the simulation.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../../../src/core/analyze';
import type { LayerGraph } from '../../../../src/core/graph/types';
import { parseModelJson } from '../../../../src/core/parse/modelJson';
import { parseOpCall, translateOp } from '../../../../src/core/parse/tfOps';
import { simulate } from '../../../../src/core/simulate/simulate';

const input = (name: string, width: number) => ({
  class_name: 'InputLayer',
  name,
  config: { name, batch_input_shape: [null, width], dtype: 'float32' },
  inbound_nodes: [],
});
const dense = (name: string, from: string, units: number, activation = 'linear') => ({
  class_name: 'Dense',
  name,
  config: { name, units, activation },
  inbound_nodes: [[[from, 0, 0, {}]]],
});
/** A TF 2.x TFOpLambda entry: the first argument unwrapped with the other arguments as kwargs. */
const tfop = (name: string, fn: string, first: unknown, kwargs: object = {}) => ({
  class_name: 'TFOpLambda',
  name,
  config: { name, trainable: true, dtype: 'float32', function: fn },
  inbound_nodes: [
    Array.isArray(first) && Array.isArray(first[0])
      ? (first as unknown[][]).map((f) => [...f, { ...kwargs, name: null }])
      : [...(first as unknown[]), { ...kwargs, name: null }],
  ],
});
const json = (layers: object[], out: string) =>
  JSON.stringify(
    {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Functional',
        config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [[out, 0, 0]] },
      },
    },
    null,
    1,
  );
function graphOf(text: string): LayerGraph {
  const r = parseModelJson('model.json', text);
  assert.equal(r.graphs.length, 1);
  return r.graphs[0];
}
const node = (g: LayerGraph, name: string) => {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `no node ${name}`);
  return n;
};
const inputsOf = (g: LayerGraph, name: string) =>
  node(g, name).inputs.map((id) => g.nodes.find((n) => n.id === id)?.name);

describe('parse/tfOps: TFOpLambda (TF 2.x Keras)', () => {
  it('x + y on two tensors is an Add merge of both; x * 0.5 and 1 - x are Rescaling', () => {
    const g = graphOf(
      json(
        [
          input('in', 16),
          dense('d1', 'in', 16, 'relu'),
          tfop('tf.__operators__.add', '__operators__.add', ['d1', 0, 0], { y: ['in', 0, 0] }),
          tfop('tf.math.multiply', 'math.multiply', ['tf.__operators__.add', 0, 0], { y: 0.5 }),
          tfop('tf.math.subtract', 'math.subtract', ['_CONSTANT_VALUE', -1, 1.0], {
            y: ['tf.math.multiply', 0, 0],
          }),
        ],
        'tf.math.subtract',
      ),
    );
    assert.equal(node(g, 'tf.__operators__.add').className, 'Add');
    assert.deepEqual(inputsOf(g, 'tf.__operators__.add'), ['d1', 'in']);
    const mul = node(g, 'tf.math.multiply');
    assert.equal(mul.className, 'Rescaling');
    assert.equal(mul.config.scale, 0.5);
    assert.equal(mul.config.offset, 0);
    const sub = node(g, 'tf.math.subtract');
    assert.equal(sub.className, 'Rescaling');
    assert.deepEqual([sub.config.scale, sub.config.offset], [-1, 1]);
    assert.deepEqual(inputsOf(g, 'tf.math.subtract'), ['tf.math.multiply']);
    assert.deepEqual(
      g.notes.filter((n) => n.kind === 'unsupported'),
      [],
    );
  });

  it('activations, softmax over the last axis, leaky_relu alpha, reductions, reshape, transpose, matmul, concat', () => {
    const g = graphOf(
      json(
        [
          input('in', 64),
          tfop('tf.nn.gelu', 'nn.gelu', ['in', 0, 0], { approximate: false }),
          tfop('tf.nn.leaky_relu', 'nn.leaky_relu', ['tf.nn.gelu', 0, 0], { alpha: 0.1 }),
          tfop('tf.reshape', 'reshape', ['tf.nn.leaky_relu', 0, 0], { shape: [-1, 8, 8] }),
          tfop('tf.compat.v1.transpose', 'compat.v1.transpose', ['tf.reshape', 0, 0], { perm: [0, 2, 1] }),
          tfop('tf.linalg.matmul', 'linalg.matmul', ['tf.reshape', 0, 0], {
            b: ['tf.compat.v1.transpose', 0, 0],
            transpose_b: true,
          }),
          tfop('tf.nn.softmax', 'nn.softmax', ['tf.linalg.matmul', 0, 0], { axis: -1 }),
          tfop('tf.math.reduce_mean', 'math.reduce_mean', ['tf.nn.softmax', 0, 0], {
            axis: 1,
            keepdims: false,
          }),
          tfop(
            'tf.concat',
            'concat',
            [
              ['tf.math.reduce_mean', 0, 0],
              ['tf.math.reduce_mean', 0, 0],
            ],
            { axis: -1 },
          ),
        ],
        'tf.concat',
      ),
    );
    assert.equal(node(g, 'tf.nn.gelu').className, 'Activation');
    assert.equal(node(g, 'tf.nn.gelu').config.activation, 'gelu');
    assert.equal(node(g, 'tf.nn.leaky_relu').className, 'LeakyReLU');
    assert.equal(node(g, 'tf.nn.leaky_relu').config.alpha, 0.1);
    assert.equal(node(g, 'tf.reshape').className, 'Reshape');
    assert.deepEqual(node(g, 'tf.reshape').outputShape, [null, 8, 8]);
    assert.equal(node(g, 'tf.compat.v1.transpose').className, 'Permute');
    assert.deepEqual(node(g, 'tf.compat.v1.transpose').config.dims, [2, 1]);
    const mm = node(g, 'tf.linalg.matmul');
    assert.equal(mm.className, 'Dot');
    assert.deepEqual(mm.config.axes, [-1, -1]);
    assert.deepEqual(inputsOf(g, 'tf.linalg.matmul'), ['tf.reshape', 'tf.compat.v1.transpose']);
    assert.equal(node(g, 'tf.nn.softmax').config.activation, 'softmax');
    const red = node(g, 'tf.math.reduce_mean');
    assert.equal(red.className, 'TensorOp');
    assert.deepEqual([red.config.op, red.config.axis, red.config.keepDims], ['mean', 1, false]);
    const cat = node(g, 'tf.concat');
    assert.equal(cat.className, 'Concatenate');
    assert.equal(cat.config.axis, -1);
    assert.deepEqual(inputsOf(g, 'tf.concat'), ['tf.math.reduce_mean', 'tf.math.reduce_mean']);
  });

  it('an op it does not know passes its input through, with a note naming the function', () => {
    const g = graphOf(
      json(
        [
          input('in', 8),
          tfop('tf.einsum', 'einsum', ['in', 0, 0], { equation: 'bi,bi->b' }),
          tfop('tf.math.multiply_1', 'math.multiply', ['tf.einsum', 0, 0], { y: 'not a number' }),
          dense('d', 'tf.math.multiply_1', 4),
        ],
        'd',
      ),
    );
    assert.equal(node(g, 'tf.einsum').className, 'TFOpLambda');
    assert.deepEqual(inputsOf(g, 'tf.einsum'), ['in']);
    assert.equal(node(g, 'tf.math.multiply_1').className, 'TFOpLambda');
    const msgs = g.notes.filter((n) => n.kind === 'unsupported').map((n) => n.message);
    assert.equal(msgs.length, 2, msgs.join('\n'));
    assert.match(msgs[0], /'tf\.einsum'.*tf\.einsum is not followed.*passes its first input through/);
    assert.match(msgs[1], /tf\.math\.multiply with an operand that is not a tensor or a number/);
    assert.ok(msgs.every((m) => m.includes('tf.')));
  });

  it('a deep residual MLP written with `f(x) + x` is residual: no plain-stack finding, and the simulation sees the skips', () => {
    const build = (fn: string) => {
      const layers: object[] = [input('in', 64)];
      let x = 'in';
      for (let i = 0; i < 24; i++) {
        layers.push(dense(`h${i}`, x, 64, 'relu'));
        const add = `tf.__operators__.add_${i}`;
        layers.push(tfop(add, fn, [`h${i}`, 0, 0], { y: [x, 0, 0] }));
        x = add;
      }
      return analyzeText('model.json', json(layers, x));
    };
    const residual = build('__operators__.add');
    const m = residual.report.models[0];
    assert.equal(m.summary.residual, true);
    assert.equal(m.summary.residualBlocks, 24);
    assert.ok(!m.findings.some((f) => f.ruleId === 'deep-plain-stack'));
    // The same file with an op the analysis does not follow in place of the adds: a plain 24-layer ReLU stack.
    const opaque = build('einsum');
    assert.equal(opaque.report.models[0].summary.residual, false);
    assert.ok(opaque.report.models[0].findings.some((f) => f.ruleId === 'deep-plain-stack'));
    // Simulated: unnormalized residual ReLU blocks grow the stream (THEORY: (1 + s1 s2 / 2)^l), while the plain
    // glorotUniform ReLU stack decays (about 1/3 of the mean square per layer).
    const gain = (r: typeof residual) =>
      simulate(r.graphs[0], { seed: 3, width: 64, batch: 32 }).outputGain ?? NaN;
    const gr = gain(residual);
    const gp = gain(opaque);
    assert.ok(gr > 2, `residual output gain ${gr}`);
    assert.ok(gp < 0.01, `plain output gain ${gp}`);
  });
});

describe('parse/tfOps: blocks written with TFOpLambda adds', () => {
  it('Pre-LN blocks (x + W2 gelu(W1 LN(x))) with a final LN are classified Pre-LN', () => {
    const ln = (name: string, from: string) => ({
      class_name: 'LayerNormalization',
      name,
      config: { name, axis: -1, epsilon: 1e-6 },
      inbound_nodes: [[[from, 0, 0, {}]]],
    });
    const layers: object[] = [input('in', 32)];
    let x = 'in';
    for (let i = 0; i < 8; i++) {
      layers.push(ln(`ln${i}`, x), dense(`up${i}`, `ln${i}`, 64), dense(`down${i}`, `up${i}`, 32));
      layers.push(tfop(`tf.nn.gelu_${i}`, 'nn.gelu', [`up${i}`, 0, 0], { approximate: false }));
      // down reads the gelu, not up: rewire the entry written above.
      (layers[layers.length - 2] as { inbound_nodes: unknown }).inbound_nodes = [
        [[`tf.nn.gelu_${i}`, 0, 0, {}]],
      ];
      layers.push(
        tfop(`tf.__operators__.add_${i}`, '__operators__.add', [x, 0, 0], { y: [`down${i}`, 0, 0] }),
      );
      x = `tf.__operators__.add_${i}`;
    }
    layers.push(ln('final_ln', x));
    const r = analyzeText('model.json', json(layers, 'final_ln'));
    const m = r.report.models[0];
    assert.equal(m.summary.residualBlocks, 8);
    assert.equal(m.summary.blockStyle, 'pre-ln');
    assert.deepEqual(
      r.report.notes.concat(m.summary.assumptions).filter((n) => n.kind === 'unsupported'),
      [],
    );
  });
});

describe('parse/tfOps: a TF 2.12 Keras model converted to model.json (fixture)', () => {
  it('keras_tfoplambda_preln.json: 3 Pre-LN blocks written as x + 0.5 * f(LN(x)), simulated stable', () => {
    const file = path.join(__dirname, '../../../fixtures/json/keras_tfoplambda_preln.json');
    const r = analyzeText(file, fs.readFileSync(file, 'utf8'));
    const m = r.report.models[0];
    assert.equal(m.summary.residualBlocks, 3);
    assert.equal(m.summary.blockStyle, 'pre-ln');
    const g = r.graphs[0];
    assert.deepEqual(
      g.nodes.filter((n) => n.className === 'Rescaling').map((n) => n.config.scale),
      [0.5, 0.5, 0.5],
    );
    assert.equal(
      g.nodes.filter((n) => n.className === 'Activation' && n.config.activation === 'gelu').length,
      3,
    );
    const sim = simulate(g, { seed: 1, width: 32, batch: 32 });
    assert.equal(sim.verdict, 'stable');
  });
});

describe('parse/tfOps: Keras 3 op entries', () => {
  const k3tensor = (layer: string) => ({
    class_name: '__keras_tensor__',
    config: { shape: [null, 16], dtype: 'float32', keras_history: [layer, 0, 0] },
  });
  const op = (cls: string, name: string, args: unknown[], config: object = {}, kwargs: object = {}) => ({
    module: 'keras.src.ops.numpy',
    class_name: cls,
    config: { name, ...config },
    registered_name: cls,
    name,
    inbound_nodes: [{ args, kwargs }],
  });
  it('Add of two tensors, Multiply by a number, Mean over an axis from the op config', () => {
    const g = graphOf(
      json(
        [
          input('in', 16),
          dense('d1', 'in', 16, 'relu'),
          op('Add', 'add', [k3tensor('d1'), k3tensor('in')]),
          op('Multiply', 'multiply', [k3tensor('add'), 0.25]),
          op('Mean', 'mean', [k3tensor('multiply')], { axis: -1, keepdims: true }),
        ],
        'mean',
      ),
    );
    assert.equal(node(g, 'add').className, 'Add');
    assert.deepEqual(inputsOf(g, 'add'), ['d1', 'in']);
    assert.equal(node(g, 'multiply').className, 'Rescaling');
    assert.equal(node(g, 'multiply').config.scale, 0.25);
    const mean = node(g, 'mean');
    assert.equal(mean.className, 'TensorOp');
    assert.deepEqual([mean.config.op, mean.config.axis, mean.config.keepDims], ['mean', -1, true]);
  });
});

describe('parse/tfOps: translateOp', () => {
  const call = (node: unknown) => {
    const c = parseOpCall(node as never);
    assert.ok(c);
    return c;
  };
  it('reads the legacy first argument, constants and kwargs', () => {
    const c = call(['_CONSTANT_VALUE', -1, 2, { y: ['a', 1, 0], name: null }]);
    assert.deepEqual(c.args, [{ kind: 'num', value: 2 }]);
    assert.deepEqual(c.kwargs.get('y'), { kind: 'ref', ref: { layer: 'a', node: 1, tensor: 0 } });
    const t = translateOp('math.multiply', false, c);
    assert.ok(!('unsupported' in t));
    assert.equal(t.className, 'Rescaling');
    assert.deepEqual(t.written, { scale: 2, offset: 0 });
    assert.deepEqual(t.refs, [{ layer: 'a', node: 1, tensor: 0 }]);
  });
  it('names what it does not follow', () => {
    const c = call(['a', 0, 0, { y: 3 }]);
    assert.deepEqual(translateOp('math.pow', false, c), {
      unsupported: 'tf.math.pow with exponent 3 is not followed',
    });
    assert.deepEqual(translateOp('math.reduce_mean', false, call(['a', 0, 0, {}])), {
      unsupported: 'tf.math.reduce_mean over all axes is not followed',
    });
    assert.deepEqual(translateOp('toString', false, c), { unsupported: 'tf.toString is not followed' });
    assert.deepEqual(translateOp('Einsum', true, c), { unsupported: 'op Einsum is not followed' });
  });
});
