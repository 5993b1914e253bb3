// Patterns found in an audit of public tfjs code (each written here as a minimal snippet of our own).
import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import { parseModelJson } from '../../../../src/core/parse/modelJson';
import { analyzeText } from '../../../../src/core/analyze';
import { buildAnalysisReport } from '../../../../src/core/report/build';
import { formatText } from '../../../../src/cli/formatText';
import { formatSarif } from '../../../../src/cli/formatSarif';
import { attachSimulation } from '../../../../src/core/simulate/attach';
import type { ParseResult } from '../../../../src/core/parse/types';
import { classNames, graphNamed, weightedCount } from './sourceHelpers';

function parse(src: string, file = '/virtual/model.js'): ParseResult {
  return parseSource(file, src);
}

describe('parse: builders analysed once (real-world call patterns)', () => {
  it('a Node entry point `if (require.main === module) main()` runs main: builders get its arguments, once', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
function buildNet(units) {
  const net = tf.sequential();
  net.add(tf.layers.dense({ units, inputShape: [4] }));
  return net;
}
async function main() {
  const model = buildNet(7);
  model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
}
if (require.main === module) {
  main();
}
module.exports = { buildNet };
`);
    assert.deepEqual(
      r.graphs.map((g) => g.name),
      ['model'],
    );
    assert.equal(r.graphs[0].nodes[1].config.units, 7);
  });

  it('`require.main === module` is true in the analysed file (the entry-point block is not skipped)', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
let net;
if (require.main === module) {
  net = tf.sequential();
  net.add(tf.layers.dense({ units: 2, inputShape: [4] }));
}
`);
    assert.equal(r.graphs.length, 1);
    assert.equal(r.graphs[0].name, 'net');
    assert.ok(!r.graphs[0].notes.some((n) => /require/.test(n.message)));
  });

  it('a caller found later in the file is analysed before the helper it calls (no second, argument-less copy)', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
export function makeHead(width) {
  const head = tf.sequential();
  head.add(tf.layers.dense({ units: width, inputShape: [8] }));
  return head;
}
export function makeBoth() {
  const small = makeHead(4);
  const large = makeHead(64);
  return [small, large];
}
`);
    assert.deepEqual(
      r.graphs.map((g) => `${g.name}:${g.nodes[1].config.units}`),
      ['small:4', 'large:64'],
    );
  });

  it('a click handler registered by a constructor runs right after it: the builder method is analysed once', () => {
    const r = parse(`
class App {
  constructor() {
    document.getElementById('build').addEventListener('click', () => this.buildModel());
  }
  buildModel() {
    this.model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.dense({ units: 1 })],
    });
  }
}
document.addEventListener('DOMContentLoaded', () => { window.app = new App(); });
`);
    assert.equal(r.graphs.length, 1, r.graphs.map((g) => g.name).join(', '));
    assert.equal(weightedCount(r.graphs[0]), 2);
  });
});

describe('parse: unknown conditions around builders', () => {
  it('`switch` on an unknown value whose default only throws takes the first case instead', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
export function build(cellType, hidden) {
  const model = tf.sequential();
  switch (cellType) {
    case 'GRU':
      model.add(tf.layers.gru({ units: hidden, inputShape: [10, 4] }));
      break;
    case 'LSTM':
      model.add(tf.layers.lstm({ units: hidden, inputShape: [10, 4] }));
      break;
    default:
      throw new Error('Unsupported cell type ' + cellType);
  }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
`);
    const g = graphNamed(r, 'model');
    assert.deepEqual(classNames(g), ['InputLayer', 'GRU', 'Dense']);
    assert.ok(
      g.notes.some((n) => n.kind === 'assumption' && /assumed case 'GRU'/.test(n.message)),
      JSON.stringify(g.notes),
    );
  });

  it('a default that does work is still the one taken for an unknown value', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
export function build(kind) {
  const model = tf.sequential();
  switch (kind) {
    case 'wide':
      model.add(tf.layers.dense({ units: 512, inputShape: [4] }));
      break;
    default:
      model.add(tf.layers.dense({ units: 16, inputShape: [4] }));
  }
  return model;
}
`);
    assert.equal(graphNamed(r, 'model').nodes[1].config.units, 16);
  });

  it('an input-validation guard that only reports and returns is assumed not to fire', () => {
    const r = parse(`
async function onTrainClick() {
  const depth = +document.getElementById('depth').value;
  const status = document.getElementById('status');
  if (depth < 1 || depth > 5) {
    status.textContent = 'depth must be between 1 and 5';
    return;
  }
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1 }));
}
document.getElementById('train').addEventListener('click', onTrainClick);
`);
    const g = graphNamed(r, 'model');
    assert.equal(weightedCount(g), 2);
    assert.ok(
      g.notes.some((n) => /assumed false/.test(n.message)),
      JSON.stringify(g.notes),
    );
  });
});

describe('parse/shapes: wrappers, transposed convolutions, padding (real-world layer stacks)', () => {
  it('source: conv2dTranspose upsampling, zeroPadding2d, cropping2D, permute', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const gen = tf.sequential();
gen.add(tf.layers.dense({ units: 3 * 3 * 8, inputShape: [16] }));
gen.add(tf.layers.reshape({ targetShape: [3, 3, 8] }));
gen.add(tf.layers.conv2dTranspose({ filters: 6, kernelSize: 5, strides: 1, padding: 'valid' }));
gen.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 5, strides: 2, padding: 'same' }));
gen.add(tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }));
gen.add(tf.layers.cropping2D({ cropping: 1 }));
gen.add(tf.layers.reshape({ targetShape: [-1, 4] }));
gen.add(tf.layers.permute({ dims: [2, 1] }));
`);
    const g = graphNamed(r, 'gen');
    assert.deepEqual(
      g.nodes.slice(3).map((n) => n.outputShape),
      [
        [null, 7, 7, 6],
        [null, 14, 14, 4],
        [null, 17, 15, 4],
        [null, 15, 13, 4],
        [null, 195, 4],
        [null, 4, 195],
      ],
    );
  });

  it('source: bidirectional (concat / sum), timeDistributed(dense), rnn over stacked cells', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const tagger = tf.sequential();
tagger.add(tf.layers.embedding({ inputDim: 100, outputDim: 8, inputLength: 12 }));
tagger.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true }) }));
tagger.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }), mergeMode: 'sum' }));
tagger.add(tf.layers.rnn({ cell: tf.layers.stackedRNNCells({ cells: [tf.layers.lstmCell({ units: 7 }), tf.layers.lstmCell({ units: 9 })] }), returnSequences: true }));
tagger.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4 }) }));
tagger.add(tf.layers.rnn({ cell: [tf.layers.simpleRNNCell({ units: 2 })] }));
`);
    const g = graphNamed(r, 'tagger');
    assert.deepEqual(
      g.nodes.slice(1).map((n) => n.outputShape),
      [
        [null, 12, 8],
        [null, 12, 10],
        [null, 12, 3],
        [null, 12, 9],
        [null, 12, 4],
        [null, 2],
      ],
    );
  });
});

describe('parse: the implicit input of a sequential model that starts with an embedding', () => {
  it('is [null, inputLength] (or [null, null]), never the vocabulary size inputDim', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const fixedLen = tf.sequential();
fixedLen.add(tf.layers.embedding({ inputDim: 10000, outputDim: 16, inputLength: 100 }));
fixedLen.add(tf.layers.globalAveragePooling1d());
const anyLen = tf.sequential();
anyLen.add(tf.layers.embedding({ inputDim: 10000, outputDim: 16 }));
anyLen.add(tf.layers.lstm({ units: 4 }));
const dense = tf.sequential();
dense.add(tf.layers.dense({ inputDim: 20, units: 3 }));
`);
    assert.deepEqual(graphNamed(r, 'fixedLen').nodes[0].config.batchInputShape, [null, 100]);
    assert.deepEqual(graphNamed(r, 'fixedLen').nodes[2].outputShape, [null, 16]);
    assert.deepEqual(graphNamed(r, 'anyLen').nodes[0].config.batchInputShape, [null, null]);
    assert.deepEqual(graphNamed(r, 'anyLen').nodes[2].outputShape, [null, 4]);
    assert.deepEqual(graphNamed(r, 'dense').nodes[0].config.batchInputShape, [null, 20]);
  });
});

describe('parse/modelJson: a weights-only model.json', () => {
  it('says that modelTopology is null (no layers), not just "not a model"', () => {
    const text = JSON.stringify({
      modelTopology: null,
      weightsManifest: [
        {
          paths: ['group1-shard1of1'],
          weights: [{ name: 'conv1/kernel', shape: [3, 3, 3, 8], dtype: 'float32' }],
        },
      ],
    });
    const r = parseModelJson('/virtual/model.json', text);
    assert.equal(r.graphs.length, 0);
    assert.equal(r.errors.length, 1);
    assert.match(
      r.errors[0].message,
      /not a TensorFlow\.js layers model \(its modelTopology is null: weights only/,
    );
  });
});

describe('parse/shapes: recurrent layers that return their states', () => {
  it('`[seq, h, c] = lstm({returnSequences, returnState}).apply(x)`: no single shape (never the sequence shape for h, c)', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const inp = tf.input({ shape: [20, 6] });
const [seq, h, c] = tf.layers.lstm({ units: 12, returnSequences: true, returnState: true }).apply(inp);
const states = tf.layers.concatenate().apply([h, c]);
const last = tf.layers.lstm({ units: 5, returnState: true }).apply(inp);
const enc = tf.model({ inputs: inp, outputs: [states, seq, last[0]] });
`);
    const g = graphNamed(r, 'enc');
    const lstms = g.nodes.filter((n) => n.className === 'LSTM');
    assert.equal(lstms[0].outputShape, undefined);
    assert.equal(g.nodes.find((n) => n.className === 'Concatenate')?.outputShape, undefined);
    assert.deepEqual(
      lstms[1].outputShape,
      [null, 5],
      'without sequences, output and states are all [null, units]',
    );
  });
});

describe('parse: hyper-parameters read with argparse (Node training scripts)', () => {
  it('takes the defaults of addArgument / add_argument (a note where each is read); arguments without one stay unknown', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
const argparse = require('argparse');
function parseArguments() {
  const parser = new argparse.ArgumentParser({ description: 'trainer' });
  parser.addArgument('--hiddenUnits', { type: 'int', defaultValue: 48 });
  parser.add_argument('--num-layers', { type: 'int', default: 3 });
  parser.addArgument('--gpu', { action: 'storeTrue' });
  parser.addArgument('modelKind', { type: 'string' });
  return parser.parseArgs();
}
function build(args) {
  const model = tf.sequential();
  for (let i = 0; i < args.num_layers; i++)
    model.add(tf.layers.dense({ units: args.hiddenUnits, inputShape: i === 0 ? [6] : undefined, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: args.gpu ? 'sigmoid' : 'linear', name: args.modelKind }));
  return model;
}
async function main() {
  const args = parseArguments();
  const model = build(args);
  model.summary();
}
const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
if (require.main === module) main();
`);
    assert.equal(r.graphs.length, 2);
    const g = graphNamed(r, 'model');
    assert.deepEqual(
      g.nodes.slice(1).map((n) => n.config.units),
      [48, 48, 48, 1],
    );
    assert.ok(
      !graphNamed(r, 'other').notes.some((n) => /argparse/.test(n.message)),
      'a model built without the arguments carries no note',
    );
    assert.equal(g.nodes[4].config.activation, 'linear', '--gpu (storeTrue) defaults to false');
    assert.equal(g.nodes[4].written.name, '<unknown>', 'a positional argument without default is unknown');
    const argNotes = g.notes.filter((n) => /argparse/.test(n.message)).map((n) => n.message);
    assert.deepEqual(argNotes.sort(), [
      'Command-line argument --gpu (argparse) is assumed to take its default false.',
      'Command-line argument --hiddenUnits (argparse) is assumed to take its default 48.',
      'Command-line argument --num-layers (argparse) is assumed to take its default 3.',
    ]);
  });
});

describe('parse/modelJson: a Sequential saved without an InputLayer or batch_input_shape', () => {
  const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
    class_name: 'Dense',
    config: { name, units, activation: 'relu' },
    ...extra,
  });
  it("takes the input shape from the config's build_input_shape (tf.keras 2.x)", () => {
    const text = JSON.stringify({
      modelTopology: {
        keras_version: '2.11.0',
        model_config: {
          class_name: 'Sequential',
          config: { name: 'mlp', layers: [dense('h', 8), dense('o', 1)], build_input_shape: [null, 5] },
        },
      },
    });
    const g = parseModelJson('/virtual/model.json', text).graphs[0];
    assert.deepEqual(g.nodes[0].outputShape, [null, 5]);
    assert.deepEqual(g.nodes[2].outputShape, [null, 1]);
    assert.ok(!g.notes.some((n) => /input shape/.test(n.message)), JSON.stringify(g.notes));
  });
  it("takes it from the first layer's build_config.input_shape (Keras 3)", () => {
    const text = JSON.stringify({
      modelTopology: {
        keras_version: '3.3.3',
        model_config: {
          module: 'keras',
          class_name: 'Sequential',
          config: {
            name: 'mlp3',
            layers: [
              dense('h', 8, { module: 'keras.layers', build_config: { input_shape: [null, 12] } }),
              dense('o', 2),
            ],
          },
        },
      },
    });
    const g = parseModelJson('/virtual/model.json', text).graphs[0];
    assert.deepEqual(g.nodes[0].outputShape, [null, 12]);
    assert.deepEqual(g.nodes[1].outputShape, [null, 8]);
  });
});

describe("parse: recurrent layers started from another layer's state", () => {
  it('`rnn.apply(x, {initialState: [h, c]})` wires the states in as further inputs (as `apply([x, h, c])` and model.json kwargs do)', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const encIn = tf.input({ shape: [12, 8] });
const decIn = tf.input({ shape: [10, 8] });
const [, h, c] = tf.layers.lstm({ units: 16, returnState: true }).apply(encIn);
const dec = tf.layers.lstm({ units: 16, returnSequences: true }).apply(decIn, { initialState: [h, c] });
const probs = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 8, activation: 'softmax' }) }).apply(dec);
const seq2seq = tf.model({ inputs: [encIn, decIn], outputs: probs });
`);
    const g = graphNamed(r, 'seq2seq');
    const [enc, dec] = g.nodes.filter((n) => n.className === 'LSTM');
    const decIn = g.nodes.filter((n) => n.className === 'InputLayer')[1];
    assert.deepEqual(dec.inputs, [decIn.id, enc.id, enc.id]);
    assert.deepEqual(dec.outputShape, [null, 10, 16]);
  });
});

describe('parse/modelJson: Keras 3 serialized objects in layer configs', () => {
  it('drop the module / registered_name bookkeeping: {className, config} as for Keras 2', () => {
    const k3 = (module: string, className: string, config: Record<string, unknown>) => ({
      module,
      class_name: className,
      config,
      registered_name: null,
    });
    const text = JSON.stringify({
      modelTopology: {
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'k3',
            layers: [
              { class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' } },
              {
                class_name: 'Dense',
                config: {
                  name: 'd',
                  units: 2,
                  dtype: k3('keras', 'DTypePolicy', { name: 'float32' }),
                  kernel_initializer: k3('keras.initializers', 'HeNormal', { seed: null }),
                  kernel_regularizer: k3('keras.regularizers', 'L2', { l2: 0.01 }),
                },
              },
            ],
          },
        },
      },
    });
    const d = parseModelJson('/virtual/model.json', text).graphs[0].nodes[1];
    assert.deepEqual(d.config.kernelRegularizer, { className: 'L2', config: { l2: 0.01 } });
    assert.deepEqual(d.config.kernelInitializer, { id: 'heNormal' });
    assert.deepEqual(d.written.dtype, { className: 'DTypePolicy', config: { name: 'float32' } });
  });
});

describe('parse: cache-hit guards in builders', () => {
  it('`if (existing) return existing;` is assumed not taken; `if (small) return tf.sequential(...)` still is', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
export function getModel(existing) {
  if (existing) return existing;
  const fresh = tf.sequential();
  fresh.add(tf.layers.dense({ units: 4, inputShape: [2] }));
  return fresh;
}
export function pick(kind) {
  if (kind === 'small') return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
  return tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [2] })] });
}
`);
    assert.equal(graphNamed(r, 'fresh').nodes[1].config.units, 4);
    assert.equal(graphNamed(r, 'pick').nodes[1].config.units, 2);
  });
});

describe('parse: tf.data pipelines', () => {
  it('`tf.data.csv(…).map(fn).shuffle(n).batch(b)` is a lazy pipeline: no assumed iterations, no notes on the model', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
const toXY = ({ xs, ys }) => [Object.values(xs), [ys.label]];
const train = tf.data.csv('https://example.com/train.csv', { columnConfigs: { label: { isLabel: true } } })
  .map(toXY)
  .filter(([x]) => x.length > 0)
  .shuffle(1000)
  .batch(32);
const clf = tf.sequential();
clf.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
clf.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
module.exports = { clf, train };
`);
    const g = graphNamed(r, 'clf');
    assert.equal(weightedCount(g), 2);
    assert.deepEqual(g.notes, []);
    assert.deepEqual(
      r.notes.filter((n) => /iterations/.test(n.message)),
      [],
    );
  });
});

describe('simulate: a model none of whose layers could be followed', () => {
  it('gets no verdict (not a "stable" one about no layers), and a note saying why', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export function combine(encoder, decoder) {
  const outs = encoder.apply(encoder.inputs);
  return tf.model({ inputs: encoder.inputs, outputs: decoder.apply(outs) });
}
export function head() {
  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
}
`;
    const { report, graphs } = analyzeText('/virtual/combine.ts', src);
    attachSimulation(report, graphs, { profile: 'interactive', whatIf: false });
    const empty = report.models.find((m) => m.name === 'combine');
    const dense = report.models.find((m) => m.name === 'head');
    assert.ok(empty && dense, report.models.map((m) => m.name).join(', '));
    assert.equal(empty.simulation, undefined);
    assert.ok(report.notes.some((n) => /model combine: not simulated: none of its layers/.test(n.message)));
    assert.ok(dense.simulation, 'the other model is simulated');
  });
});

describe('parse: layers the analysis cannot see stay in the graph (second audit)', () => {
  const wiring = (r: ParseResult, name: string) => {
    const g = graphNamed(r, name);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    return g.nodes.map((n) => `${n.className}<-${n.inputs.map((i) => byId.get(i)?.className).join('+')}`);
  };

  it('`new Unresolved().apply(x)` in a functional model is an opaque layer between its input and what follows', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
import { MyLayer } from './myLayer';
const input = tf.input({ shape: [16] });
let out = tf.layers.dense({ units: 16 }).apply(input);
out = new MyLayer({ units: 3 }).apply(out);
out = tf.layers.dense({ units: 4 }).apply(out);
const model = tf.model({ inputs: input, outputs: out });
`);
    assert.deepEqual(wiring(r, 'model'), [
      'InputLayer<-',
      'Dense<-InputLayer',
      'MyLayer<-Dense',
      'Dense<-MyLayer',
    ]);
    const g = graphNamed(r, 'model');
    assert.equal(g.inputs.length, 1);
    const note = g.notes.find((n) => /MyLayer/.test(n.message));
    assert.ok(note, JSON.stringify(g.notes));
    assert.match(note.message, /opaque layer of class MyLayer.*passes its input through/);
  });

  it('an output made by an unresolved layer (a VAE sampling layer) is an output of the model', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
import { ZLayer } from './z';
const inp = tf.input({ shape: [8] });
const h = tf.layers.dense({ units: 8 }).apply(inp);
const mean = tf.layers.dense({ units: 2 }).apply(h);
const logvar = tf.layers.dense({ units: 2 }).apply(h);
const z = new ZLayer({}).apply([mean, logvar]);
const encoder = tf.model({ inputs: inp, outputs: [mean, logvar, z] });
`);
    const g = graphNamed(r, 'encoder');
    assert.equal(g.outputs.length, 3);
    const z = g.nodes.find((n) => n.className === 'ZLayer');
    assert.ok(z && g.outputs.includes(z.id));
    assert.equal(z.inputs.length, 2);
  });

  it('a loaded model applied to an input (transfer learning) keeps the head connected to the input', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
async function build() {
  const base = await tf.loadLayersModel('indexeddb://base');
  const input = tf.input({ shape: [224, 224, 3] });
  const features = base.apply(input);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(features);
  const out = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(pooled);
  return tf.model({ inputs: input, outputs: out });
}
build();
`);
    assert.equal(r.graphs.length, 1);
    assert.deepEqual(wiring(r, r.graphs[0].name), [
      'InputLayer<-',
      'UnknownLayer<-InputLayer',
      'GlobalAveragePooling2D<-UnknownLayer',
      'Dense<-GlobalAveragePooling2D',
    ]);
  });

  it('`model.add(new Unresolved())` keeps an opaque layer in the sequence; Function.prototype.apply is no layer', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
import { MyLayer } from './myLayer';
import { helper } from './helper';
const seq = tf.sequential();
seq.add(tf.layers.dense({ units: 16, inputShape: [4] }));
seq.add(new MyLayer({}));
seq.add(tf.layers.dense({ units: 4 }));
const n = helper.apply(null, [3]);
`);
    assert.deepEqual(classNames(graphNamed(r, 'seq')), ['InputLayer', 'Dense', 'MyLayer', 'Dense']);
    assert.equal(r.graphs.length, 1);
  });
});

describe('parse: copies of one model are reported once (second audit)', () => {
  it('a class building a sub-model in its constructor, instantiated in a loop: one model with a note', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
function mlp(width) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: width, inputShape: [width], activation: 'relu' }));
  for (let i = 0; i < 3; i++) m.add(tf.layers.dense({ units: width, activation: 'relu' }));
  return m;
}
class Block {
  constructor(width) { this.mlp = mlp(width); }
}
const blocks = [];
for (let i = 0; i < 6; i++) blocks.push(new Block(64));
const wide = new Block(128);
`);
    assert.deepEqual(
      r.graphs.map((g) => [g.name, g.nodes[1].config.units]),
      [
        ['mlp', 64],
        ['mlp_6', 128],
      ],
    );
    const note = r.graphs[0].notes.find((n) => /reported once/.test(n.message));
    assert.ok(note, JSON.stringify(r.graphs[0].notes));
    assert.match(
      note.message,
      /builds 6 models with the same layers \(also mlp_1, mlp_2, mlp_3, mlp_4, mlp_5\)/,
    );
    assert.ok(!r.graphs[1].notes.some((n) => /reported once/.test(n.message)));
    // Differently named models from one builder stay separate models; their same findings are shown once.
    const a = analyzeText(
      '/virtual/model.js',
      `
import * as tf from '@tensorflow/tfjs';
function tower() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 32, inputShape: [32], activation: 'relu' }));
  for (let i = 0; i < 12; i++) m.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  return m;
}
const a = tower();
const b = tower();
`,
    );
    assert.deepEqual(
      a.report.models.map((m) => m.name),
      ['a', 'b'],
    );
    const report = buildAnalysisReport([a.report], 'test');
    const text = formatText(report, { quiet: false });
    assert.equal(text.split('\n').filter((l) => / deep-plain-stack /.test(l)).length, 1, text);
    assert.match(text, /2 models, 3 findings/);
    const sarif = JSON.parse(
      formatSarif(report, { uriOf: (p) => p, helpBase: 'https://example.invalid/', version: '0' }),
    ) as { runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.runs[0].results.filter((x) => x.ruleId === 'deep-plain-stack').length, 1);
  });
});

describe('parse: builders that pick the architecture from a string (second audit)', () => {
  it('if-chain on a value from the UI: the assumed branch once, every other compared string as a variant', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
function build(arch) {
  const inp = tf.input({ shape: [8] });
  if (arch === 'plain') {
    const out = tf.layers.dense({ units: 8 }).apply(inp);
    return tf.model({ inputs: inp, outputs: out });
  }
  if (arch === 'residual') {
    const h = tf.layers.dense({ units: 8 }).apply(inp);
    return tf.model({ inputs: inp, outputs: tf.layers.add().apply([inp, h]) });
  }
  throw new Error('unknown architecture ' + arch);
}
document.querySelector('#arch').addEventListener('change', (e) => {
  window.model = build(e.target.value);
});
`);
    assert.deepEqual(
      r.graphs.map((g) => classNames(g).join(' ')),
      ['InputLayer Dense', 'InputLayer Dense Add'],
    );
    const note = r.graphs[1].notes.find((n) => /^Variant arch = 'residual' of build/.test(n.message));
    assert.ok(note, JSON.stringify(r.graphs[1].notes));
    assert.ok(!r.graphs[0].notes.some((n) => /^Variant/.test(n.message)));
  });

  it('switch in an exported builder nobody calls: the assumed case once, the other cases as variants', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
function createModel(type, width = 32) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: width, inputShape: [8], activation: 'relu' }));
  switch (type) {
    case 'small':
      model.add(tf.layers.dense({ units: 4 }));
      break;
    case 'deep':
      for (let i = 0; i < 16; i++) model.add(tf.layers.dense({ units: width, activation: 'relu' }));
      break;
    default:
      throw new Error('unknown type ' + type);
  }
  return model;
}
module.exports = { createModel };
`);
    assert.deepEqual(
      r.graphs.map((g) => weightedCount(g)),
      [2, 17],
    );
    assert.ok(r.graphs[1].notes.some((n) => /^Variant type = 'deep' of createModel/.test(n.message)));
  });

  it('strings the file really passes are analysed as called, and no other variant is invented', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
function build(arch) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: arch === 'wide' ? 64 : 8, inputShape: [4] }));
  if (arch === 'deep') for (let i = 0; i < 8; i++) m.add(tf.layers.dense({ units: 8 }));
  return m;
}
const model = build('wide');
`);
    assert.equal(r.graphs.length, 1);
    assert.equal(r.graphs[0].nodes[1].config.units, 64);
  });
});

describe('parse: shapes read in model code (second audit)', () => {
  it('`encoder.outputShape[1]`, `model.inputShape`, `x.shape[1]` of a symbolic tensor size the next layers', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
const encoder = tf.sequential();
encoder.add(tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }));
encoder.add(tf.layers.dense({ units: 8 }));
const decoder = tf.sequential();
decoder.add(tf.layers.dense({ units: 32, inputShape: [encoder.outputShape[1]], activation: 'relu' }));
decoder.add(tf.layers.dense({ units: encoder.inputShape[1], activation: 'sigmoid' }));
const inp = tf.input({ shape: [16] });
const h = tf.layers.dense({ units: 24 }).apply(inp);
const out = tf.layers.dense({ units: h.shape[1] * 2 }).apply(h);
const m = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: out.shape[out.shape.length - 1] }).apply(out) });
`);
    const shapes = (name: string) => graphNamed(r, name).nodes.map((n) => n.outputShape);
    assert.deepEqual(shapes('decoder'), [
      [null, 8],
      [null, 32],
      [null, 784],
    ]);
    assert.deepEqual(shapes('m'), [
      [null, 16],
      [null, 24],
      [null, 48],
      [null, 48],
    ]);
    assert.ok(!r.graphs.some((g) => g.notes.some((n) => /shape/.test(n.message))));
  });

  it('a dimension that is not known stays unknown, with a note where it is used', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const seq = tf.input({ shape: [null, 16] });
const units = seq.shape[1];
const out = tf.layers.dense({ units }).apply(seq);
const model = tf.model({ inputs: seq, outputs: out });
`);
    const g = graphNamed(r, 'model');
    assert.ok(
      g.notes.some((n) => /units/.test(n.message) && /dimension 1 of a tensor shape/.test(n.message)),
      JSON.stringify(g.notes),
    );
  });
});

describe('parse: layer factories given something other than a config object (second audit)', () => {
  it("`tf.layers.activation('relu')` is linear in tfjs: kept linear, with a note saying how to write it", () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
m.add(tf.layers.activation('relu'));
`);
    const g = graphNamed(r, 'm');
    assert.equal(g.nodes[2].config.activation, 'linear');
    assert.ok(
      g.notes.some((n) =>
        /tf\.layers\.activation is given 'relu' instead of a config object: the layer is linear.*\{activation: 'relu'\}/.test(
          n.message,
        ),
      ),
      JSON.stringify(g.notes),
    );
  });

  it('`tf.layers.add([a, b])` makes a layer without applying it: a file note points at the call', () => {
    const r = parse(`
const tf = require('@tensorflow/tfjs');
const inp = tf.input({ shape: [8] });
const h = tf.layers.dense({ units: 8 }).apply(inp);
const s = tf.layers.add([inp, h]);
`);
    const note = r.notes.find((n) => /tf\.layers\.add is given an array/.test(n.message));
    assert.ok(note, JSON.stringify(r.notes));
    assert.match(note.message, /write tf\.layers\.add\(\)\.apply\(\[\.\.\.\]\)/);
    assert.equal(note.span?.start.line, 4);
  });
});

describe('parse: tf ops on symbolic tensors (second audit)', () => {
  it("`tf.add(a, b)` on a model's symbolic tensors is analysed as an Add layer, with a note that tfjs rejects it", () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
const inp = tf.input({ shape: [8] });
const h = tf.layers.dense({ units: 8 }).apply(inp);
const s = tf.add(inp, h);
const model = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 2 }).apply(s) });
`);
    const g = graphNamed(r, 'model');
    assert.deepEqual(classNames(g), ['InputLayer', 'Dense', 'Add', 'Dense']);
    const note = [...g.notes, ...r.notes].find((n) =>
      /tf\.add is applied to symbolic tensors/.test(n.message),
    );
    assert.ok(note, JSON.stringify([...g.notes, ...r.notes]));
    assert.match(note.message, /use tf\.layers\.add\(\)\.apply\(\[\.\.\.\]\)/);
  });

  it('inside a custom layer call() tf ops work on concrete tensors: no such note', () => {
    const r = parse(`
import * as tf from '@tensorflow/tfjs';
class Scale extends tf.layers.Layer {
  call(inputs) { return tf.tidy(() => tf.mul(inputs[0] ?? inputs, 2)); }
  static get className() { return 'Scale'; }
}
const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
m.add(new Scale({}));
`);
    const all = [...r.notes, ...r.graphs.flatMap((g) => g.notes)];
    assert.ok(!all.some((n) => /symbolic tensors/.test(n.message)), JSON.stringify(all));
  });
});
