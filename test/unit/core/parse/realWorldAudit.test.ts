// Patterns found in an audit of public tfjs code (each written here as a minimal snippet of our own).
import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
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
    assert.ok(g.notes.some((n) => n.kind === 'assumption' && /assumed case 'GRU'/.test(n.message)), JSON.stringify(g.notes));
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
    assert.ok(g.notes.some((n) => /assumed false/.test(n.message)), JSON.stringify(g.notes));
  });
});
