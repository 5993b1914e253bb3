import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeModelJson, parseModelJson } from '../../../../src/core/parse/modelJson';
import type { LayerGraph } from '../../../../src/core/graph/types';

const fixtures = path.join(__dirname, '../../../fixtures/json');
const read = (f: string) => fs.readFileSync(path.join(fixtures, f), 'utf8');

function only(text: string, file = 'model.json'): LayerGraph {
  const r = parseModelJson(file, text);
  assert.deepEqual(r.errors, [], JSON.stringify(r.errors));
  assert.equal(r.graphs.length, 1);
  return r.graphs[0];
}
const byName = (g: LayerGraph, name: string) => {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `no node ${name}`);
  return n;
};
const names = (g: LayerGraph, ids: string[]) => ids.map((id) => g.nodes.find((n) => n.id === id)?.name);

/** Keras 2 functional layer entry. */
const k2 = (cls: string, name: string, inbound: [string, number, number][][], config: object = {}) => ({
  class_name: cls,
  name,
  config: { name, ...config },
  inbound_nodes: inbound.map((node) => node.map(([l, n, t]) => [l, n, t, {}])),
});
const functional = (layers: object[], inputs: [string, number, number][], outputs: [string, number, number][], cls = 'Model') =>
  JSON.stringify({ modelTopology: { class_name: cls, config: { name: 'fn', layers, input_layers: inputs, output_layers: outputs } } }, null, 2);

describe('parse/modelJson', () => {
  it('parses a tfjs layers-model Sequential with snake_case configs and spans on each layer entry', () => {
    const text = read('sequential_tfjs.json');
    const g = only(text, 'sequential_tfjs.json');
    assert.equal(g.api, 'json');
    assert.equal(g.name, 'sequential_1');
    assert.deepEqual(
      g.nodes.map((n) => n.className),
      ['InputLayer', 'Dense', 'Dense'],
    );
    const d1 = byName(g, 'dense_Dense1');
    assert.equal(d1.config.units, 64);
    assert.equal(d1.config.useBias, true);
    assert.deepEqual(d1.config.kernelInitializer, { id: 'varianceScaling', args: { scale: 1, mode: 'fanAvg', distribution: 'normal' } });
    assert.deepEqual(byName(g, 'dense_Dense2').config.kernelInitializer, {
      id: 'varianceScaling',
      args: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
    });
    assert.deepEqual(g.nodes[0].outputShape, [null, 784]);
    assert.deepEqual(d1.outputShape, [null, 64], 'shapes inferred from the input shape');
    assert.deepEqual(byName(g, 'dense_Dense2').outputShape, [null, 10]);
    assert.deepEqual(d1.inputs, [g.nodes[0].id]);
    assert.deepEqual(g.inputs, [g.nodes[0].id]);
    assert.deepEqual(names(g, g.outputs), ['dense_Dense2']);
    // the span starts at the layer's '{' in the text
    const lines = text.split('\n');
    assert.ok(d1.span);
    assert.equal(lines[d1.span.start.line][d1.span.start.character], '{');
    assert.ok(lines[d1.span.start.line + 1].includes('"class_name": "Dense"'));
    const d2 = byName(g, 'dense_Dense2');
    assert.ok(d2.span && d2.span.start.line > d1.span.end.line - 1);
  });

  it('reads the legacy list-form Sequential config and Keras model_config wrappers', () => {
    const text = JSON.stringify({
      keras_version: '2.1.6',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: [
          { class_name: 'Dense', config: { name: 'a', units: 8, batch_input_shape: [null, 4], activation: 'tanh' } },
          { class_name: 'Dropout', config: { name: 'd', rate: 0.5 } },
          { class_name: 'Dense', config: { name: 'b', units: 2 } },
        ],
      },
    });
    const g = only(text);
    assert.deepEqual(
      g.nodes.map((n) => n.name),
      ['a_input', 'a', 'd', 'b'],
    );
    assert.equal(byName(g, 'a').config.activation, 'tanh');
    assert.equal(byName(g, 'b').config.activation, 'linear', 'tfjs default applied');
    assert.deepEqual(byName(g, 'b').inputs, [byName(g, 'd').id]);
  });

  it('wires a Keras 2 functional model: residual add, shared layer, several inputs and outputs', () => {
    const text = functional(
      [
        k2('InputLayer', 'x_in', [], { batch_input_shape: [null, 16] }),
        k2('InputLayer', 'y_in', [], { batch_input_shape: [null, 16] }),
        k2('Dense', 'shared', [[['x_in', 0, 0]], [['y_in', 0, 0]]], { units: 16, activation: 'relu' }),
        k2('Add', 'sum', [[['shared', 0, 0], ['shared', 1, 0], ['x_in', 0, 0]]]),
        k2('Dense', 'head_a', [[['sum', 0, 0]]], { units: 1 }),
        k2('Dense', 'head_b', [[['sum', 0, 0]]], { units: 3 }),
      ],
      [
        ['x_in', 0, 0],
        ['y_in', 0, 0],
      ],
      [
        ['head_a', 0, 0],
        ['head_b', 0, 0],
      ],
      'Functional',
    );
    const g = only(text);
    const shared = g.nodes.filter((n) => n.name === 'shared');
    assert.equal(shared.length, 2, 'one node per application');
    assert.equal(shared[0].weightKey, shared[1].weightKey);
    assert.ok(shared[0].weightKey);
    const sum = byName(g, 'sum');
    assert.deepEqual(sum.inputs, [shared[0].id, shared[1].id, byName(g, 'x_in').id]);
    assert.deepEqual(names(g, g.inputs).sort(), ['x_in', 'y_in']);
    assert.deepEqual(names(g, g.outputs), ['head_a', 'head_b']);
    // topological order
    const pos = new Map(g.nodes.map((n, i) => [n.id, i]));
    for (const n of g.nodes) for (const i of n.inputs) assert.ok((pos.get(i) as number) < (pos.get(n.id) as number));
  });

  it('reads tensors passed as Keras 2 kwargs (MultiHeadAttention value)', () => {
    const text = functional(
      [
        k2('InputLayer', 'q_in', [], { batch_input_shape: [null, 4, 8] }),
        k2('InputLayer', 'v_in', [], { batch_input_shape: [null, 4, 8] }),
        { class_name: 'MultiHeadAttention', name: 'mha', config: { name: 'mha', num_heads: 2, key_dim: 4 }, inbound_nodes: [[['q_in', 0, 0, { value: ['v_in', 0, 0] }]]] },
      ],
      [
        ['q_in', 0, 0],
        ['v_in', 0, 0],
      ],
      [['mha', 0, 0]],
    );
    const g = only(text);
    assert.deepEqual(byName(g, 'mha').inputs, [byName(g, 'q_in').id, byName(g, 'v_in').id]);
    assert.equal(byName(g, 'mha').config.numHeads, 2);
  });

  it('wires the Keras 3 {args, kwargs} form with keras_history and flat input_layers', () => {
    const kt = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [layer, 0, 0] } });
    const text = JSON.stringify({
      format: 'layers-model',
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'functional',
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8], name: 'input_layer' }, name: 'input_layer', inbound_nodes: [] },
            {
              module: 'keras.layers',
              class_name: 'Dense',
              config: {
                name: 'dense',
                units: 8,
                activation: 'relu',
                kernel_initializer: { module: 'keras.initializers', class_name: 'HeNormal', config: { seed: null }, registered_name: null },
              },
              name: 'dense',
              inbound_nodes: [{ args: [kt('input_layer')], kwargs: {} }],
            },
            { module: 'keras.layers', class_name: 'Add', config: { name: 'add' }, name: 'add', inbound_nodes: [{ args: [[kt('dense'), kt('input_layer')]], kwargs: {} }] },
            {
              module: 'keras.layers',
              class_name: 'LayerNormalization',
              config: { name: 'ln', epsilon: 1e-6 },
              name: 'ln',
              inbound_nodes: [{ args: [kt('add')], kwargs: {} }],
            },
          ],
          input_layers: ['input_layer', 0, 0],
          output_layers: ['ln', 0, 0],
        },
      },
    });
    const g = only(text);
    assert.deepEqual(byName(g, 'add').inputs, [byName(g, 'dense').id, byName(g, 'input_layer').id]);
    assert.deepEqual(byName(g, 'dense').config.kernelInitializer, { id: 'heNormal' });
    assert.equal(byName(g, 'ln').config.epsilon, 1e-6);
    assert.deepEqual(byName(g, 'input_layer').outputShape, [null, 8]);
    assert.deepEqual(names(g, g.outputs), ['ln']);
  });

  it('flattens nested models (Sequential inside Functional, Sequential inside Sequential) with fromModel', () => {
    const inner = {
      class_name: 'Sequential',
      name: 'block',
      config: {
        name: 'block',
        layers: [
          { class_name: 'Dense', config: { name: 'b1', units: 4, batch_input_shape: [null, 4] } },
          { class_name: 'Dense', config: { name: 'b2', units: 4 } },
        ],
      },
      inbound_nodes: [[['inp', 0, 0, {}]]],
    };
    const text = functional(
      [k2('InputLayer', 'inp', [], { batch_input_shape: [null, 4] }), inner, k2('Dense', 'out', [[['block', 0, 0]]], { units: 1 })],
      [['inp', 0, 0]],
      [['out', 0, 0]],
    );
    const g = only(text);
    assert.deepEqual(
      g.nodes.map((n) => n.name),
      ['inp', 'b1', 'b2', 'out'],
    );
    assert.equal(byName(g, 'b1').fromModel, 'block');
    assert.deepEqual(byName(g, 'b1').inputs, [byName(g, 'inp').id]);
    assert.deepEqual(byName(g, 'out').inputs, [byName(g, 'b2').id]);

    const seqInSeq = JSON.stringify({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'outer',
          layers: [
            { class_name: 'Dense', config: { name: 'first', units: 4, batch_input_shape: [null, 2] } },
            { class_name: 'Sequential', config: { name: 'inner', layers: [{ class_name: 'Dense', config: { name: 'i1', units: 4 } }] } },
            { class_name: 'Dense', config: { name: 'last', units: 1 } },
          ],
        },
      },
    });
    const g2 = only(seqInSeq);
    assert.deepEqual(
      g2.nodes.map((n) => n.name),
      ['first_input', 'first', 'i1', 'last'],
    );
    assert.equal(byName(g2, 'i1').fromModel, 'inner');
    assert.deepEqual(byName(g2, 'last').inputs, [byName(g2, 'i1').id]);
  });

  it('flattens a nested Functional model applied to an outer tensor', () => {
    const innerFn = {
      class_name: 'Functional',
      name: 'enc',
      config: {
        name: 'enc',
        layers: [
          k2('InputLayer', 'enc_in', [], { batch_input_shape: [null, 4] }),
          k2('Dense', 'enc_d', [[['enc_in', 0, 0]]], { units: 4 }),
          k2('Add', 'enc_add', [[['enc_d', 0, 0], ['enc_in', 0, 0]]]),
        ],
        input_layers: [['enc_in', 0, 0]],
        output_layers: [['enc_add', 0, 0]],
      },
      inbound_nodes: [[['x', 0, 0, {}]]],
    };
    const text = functional([k2('InputLayer', 'x', [], { batch_input_shape: [null, 4] }), innerFn, k2('Dense', 'y', [[['enc', 0, 0]]], { units: 2 })], [['x', 0, 0]], [['y', 0, 0]]);
    const g = only(text);
    assert.equal(g.nodes.filter((n) => n.className === 'InputLayer').length, 1, 'inner input bound to the outer tensor');
    assert.deepEqual(byName(g, 'enc_add').inputs, [byName(g, 'enc_d').id, byName(g, 'x').id]);
    assert.deepEqual(byName(g, 'y').inputs, [byName(g, 'enc_add').id]);
  });

  it('reports malformed JSON with its line and column', () => {
    const text = '{\n  "modelTopology": {\n    "class_name": "Sequential",\n    "config": {"layers": [}\n  }\n}';
    const r = parseModelJson('bad.json', text);
    assert.equal(r.graphs.length, 0);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /line 4, column 27/);
    assert.deepEqual(r.errors[0].span?.start, { line: 3, character: 26 });
    assert.equal(r.notAModel, undefined, 'it looks like a model: the error is reported');
    const truncated = parseModelJson('t.json', '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [');
    assert.match(truncated.errors[0].message, /end of input/);
  });

  it('recognizes JSON files that are not tfjs models', () => {
    for (const text of ['{"name": "pkg", "version": "1.0.0"}', '[1, 2, 3]', '"x"', '{"compilerOptions": {}}']) {
      const r = parseModelJson('x.json', text);
      assert.equal(r.graphs.length, 0);
      assert.equal(r.notAModel, true, text);
      assert.equal(looksLikeModelJson(text), false);
    }
    const bad = parseModelJson('x.json', '{"name": ');
    assert.equal(bad.notAModel, true, 'malformed and not model-like');
    const graphModel = parseModelJson('g.json', JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
    assert.equal(graphModel.notAModel, undefined);
    assert.match(graphModel.errors[0].message, /graph model/);
    assert.ok(looksLikeModelJson(read('sequential_tfjs.json')));
  });

  it('turns dangling inbound references into notes', () => {
    const text = functional(
      [k2('InputLayer', 'i', []), k2('Dense', 'd', [[['ghost', 0, 0]]], { units: 2 }), k2('Dense', 'e', [[['d', 3, 0]]], { units: 2 })],
      [['i', 0, 0]],
      [
        ['e', 0, 0],
        ['nowhere', 0, 0],
      ],
    );
    const g = only(text);
    assert.deepEqual(byName(g, 'd').inputs, []);
    assert.deepEqual(byName(g, 'e').inputs, []);
    const msgs = g.notes.map((n) => n.message).join('\n');
    assert.match(msgs, /'ghost'/);
    assert.match(msgs, /'d' \(node 3\)/);
    assert.match(msgs, /'nowhere'/);
    assert.deepEqual(names(g, g.outputs), ['e']);
  });

  it('breaks cycles with a note instead of hanging', () => {
    const text = functional(
      [k2('InputLayer', 'i', []), k2('Dense', 'a', [[['i', 0, 0], ['b', 0, 0]]], { units: 2 }), k2('Dense', 'b', [[['a', 0, 0]]], { units: 2 })],
      [['i', 0, 0]],
      [['b', 0, 0]],
    );
    const g = only(text);
    assert.equal(g.nodes.length, 3);
    assert.ok(g.notes.some((n) => /cycle/.test(n.message)));
    const pos = new Map(g.nodes.map((n, i) => [n.id, i]));
    for (const n of g.nodes) for (const i of n.inputs) assert.ok((pos.get(i) as number) < (pos.get(n.id) as number));
  });

  it('treats unknown layer classes as opaque custom layers with weights from the manifest', () => {
    const text = JSON.stringify({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [
            { class_name: 'Dense', config: { name: 'd', units: 4, batch_input_shape: [null, 4] } },
            { class_name: 'MyAttention', config: { name: 'att', heads: 2 } },
            { class_name: 'Scale', config: { name: 'sc' } },
          ],
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'att/wq', shape: [4, 4], dtype: 'float32' }] }],
    });
    const g = only(text);
    const att = byName(g, 'att');
    assert.equal(att.custom?.userClass, 'MyAttention');
    assert.equal(att.custom?.weights.length, 1);
    assert.equal(att.custom?.opaque, true);
    assert.equal(byName(g, 'sc').custom?.weights.length, 0);
    assert.ok(g.notes.some((n) => n.kind === 'assumption' && /MyAttention/.test(n.message)));
  });

  it('stops at the node limit with a limit note', () => {
    const layers = [{ class_name: 'Dense', config: { name: 'd0', units: 2, batch_input_shape: [null, 2] } }];
    for (let i = 1; i < 50; i++) layers.push({ class_name: 'Dense', config: { name: `d${i}`, units: 2 } } as (typeof layers)[0]);
    const r = parseModelJson('m.json', JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { name: 's', layers } } }), { limits: { maxNodes: 10 } });
    assert.equal(r.graphs[0].nodes.length, 10);
    assert.ok(r.graphs[0].notes.some((n) => n.kind === 'limit' && /maxNodes/.test(n.message)));
  });

  it('parses a 5,000-layer chain without recursion problems', () => {
    const layers: object[] = [k2('InputLayer', 'i', [], { batch_input_shape: [null, 2] })];
    let prev = 'i';
    for (let k = 0; k < 5000; k++) {
      layers.push(k2('Dense', `d${k}`, [[[prev, 0, 0]]], { units: 2 }));
      prev = `d${k}`;
    }
    const g = only(functional(layers, [['i', 0, 0]], [[prev, 0, 0]]));
    assert.equal(g.nodes.length, 5001);
    assert.deepEqual(names(g, g.outputs), ['d4999']);
  });
});
