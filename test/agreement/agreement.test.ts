// Agreement with tfjs itself (dev-only suite `agreement` in scripts/test.mjs; needs bench/peers, installed on
// demand). Each fixture in ./fixtures is read by the analyzer (parseSource -> LayerGraph -> simulate, profile
// 'full') AND executed by @tensorflow/tfjs on its CPU backend (our own fixtures only; user code is never run).
// Per layer, the forward RMS of tfjs's outputs on N(0,1) inputs (batch 128) is compared with the simulation's
// fwdRms.
//
// Both sides draw random weights, so each side is averaged over SEEDS seeds (geometric mean) and compared in
// log10 ("decades") with a tolerance that grows with depth like the seed-to-seed spread (THEORY.md §2):
//   |log10 rms_sim - log10 rms_tfjs| <= 0.06 + 0.04 * sqrt(layer index + 1)
// (0.19 decades at the 10th layer). For scale: a missing tfjs truncated-normal factor (0.774 per layer) would
// shift the 10th ReLU layer by 0.56 decades, a missing GELU or LN would move single layers by 0.3+ decades.
// tfjs's initializers draw their seeds from Math.random, which is replaced by a seeded generator while a fixture
// runs, so the test is deterministic.
// BatchNormalization: the simulation uses batch statistics (training mode, as in the first training steps);
// tfjs's predict() runs BN in inference mode (nearly the identity at init), so BN fixtures are compared with
// model.apply(x, {training: true}) and a separate test pins the predict() difference.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { parseSource } from '../../src/core/parse/source';
import { simulate } from '../../src/core/simulate/simulate';
import type { SimulationResult } from '../../src/core/simulate/types';
import { runFixture } from '../../bench/lib/fixtures';
import { loadTfjsCpu, type Tensor, type Tf } from '../../bench/lib/peers';

const FIXTURES = path.join(__dirname, 'fixtures');
const SEEDS = [1, 2, 3, 4, 5, 6];
const BATCH = 128;
const tolerance = (index: number): number => 0.06 + 0.04 * Math.sqrt(index + 1);

interface TfLayer {
  name: string;
  output: unknown;
  getClassName(): string;
}
interface TfModel {
  layers: TfLayer[];
  inputs: { shape: (number | null)[] }[];
  predict(x: Tensor): Tensor | Tensor[];
}

/** xorshift32 in [0, 1): stands in for Math.random while tfjs builds a fixture's weights. */
function seeded(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function buildSeeded(tf: Tf, file: string, seed: number): TfModel {
  const random = Math.random;
  Math.random = seeded(seed);
  try {
    return runFixture<{ model: TfModel }>(file, tf).model;
  } finally {
    Math.random = random;
  }
}

const rms = (t: Tensor): number => {
  const d = t.dataSync();
  let q = 0;
  for (let i = 0; i < d.length; i++) q += d[i] * d[i];
  return Math.sqrt(q / d.length);
};

/** Per-layer output RMS (non-input layers), geometric mean over SEEDS fresh models and inputs. */
function tfjsLayerRms(tf: Tf, file: string, training: boolean): Map<string, number> {
  const logs = new Map<string, number[]>();
  for (const seed of SEEDS) {
    const model = buildSeeded(tf, file, seed);
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    const probe = tf.model({
      inputs: (model as unknown as { inputs: unknown }).inputs,
      outputs: layers.map((l) => l.output),
    });
    const shape = [BATCH, ...model.inputs[0].shape.slice(1)];
    const x: Tensor = tf.randomNormal(shape, 0, 1, 'float32', 1000 + seed);
    const raw = probe.apply(x, { training }) as Tensor | Tensor[];
    const outs = Array.isArray(raw) ? raw : [raw];
    layers.forEach((l, i) => logs.set(l.name, [...(logs.get(l.name) ?? []), Math.log10(rms(outs[i]))]));
    tf.dispose([x, ...outs]);
  }
  return new Map([...logs].map(([k, v]) => [k, 10 ** (v.reduce((s, a) => s + a, 0) / v.length)]));
}

/** Per-layer fwdRms of our simulation by layer name, geometric mean over SEEDS. */
function simLayerRms(file: string): { rms: Map<string, number>; results: SimulationResult[] } {
  const parsed = parseSource(file, fs.readFileSync(file, 'utf8'));
  assert.equal(parsed.graphs.length, 1, `${path.basename(file)}: one model`);
  const graph = parsed.graphs[0];
  const results = SEEDS.map((seed) => simulate(graph, { profile: 'full', seed, batch: BATCH }));
  const rmsByName = new Map<string, number>();
  for (const node of graph.nodes) {
    if (node.className === 'InputLayer') continue;
    const vals = results.map((r) => r.layers[node.id]?.fwdRms);
    if (vals.some((v) => v === null || v === undefined || !(v > 0))) continue;
    rmsByName.set(node.name, 10 ** ((vals as number[]).reduce((s, v) => s + Math.log10(v), 0) / vals.length));
  }
  return { rms: rmsByName, results };
}

const CASES: { file: string; what: string; training?: boolean }[] = [
  { file: 'mlpReluDefault.js', what: '10-layer ReLU MLP, default glorotNormal (truncated) init' },
  { file: 'lnStack.js', what: 'Dense -> LayerNorm -> tanh x6' },
  { file: 'preLnResidual.js', what: 'Pre-LN residual MLP blocks with a final LN' },
  { file: 'bnStack.js', what: 'Dense -> BatchNorm (batch statistics) -> ReLU x5', training: true },
  { file: 'convValid.js', what: "3x3 'valid' conv2d stack (mean-field equivalent) and a dense head" },
  { file: 'transformerSmall.js', what: 'Pre-LN attention blocks from dense/dot/softmax, GELU feed-forward' },
];

describe('agreement with tfjs (CPU backend): per-layer forward RMS', function () {
  let tf: Tf;

  before(async function () {
    this.timeout(15 * 60 * 1000); // a first run installs bench/peers from the npm registry
    tf = await loadTfjsCpu();
  });

  for (const c of CASES) {
    it(`${c.file}: ${c.what}`, function () {
      this.timeout(5 * 60 * 1000);
      const file = path.join(FIXTURES, c.file);
      const ours = simLayerRms(file);
      for (const r of ours.results) assert.ok(!r.partial, `simulation partial: ${r.notes.join('; ')}`);
      const theirs = tfjsLayerRms(tf, file, c.training === true);
      assert.ok(theirs.size >= 5, 'tfjs layers');
      let index = 0;
      let worst = 0;
      const misses: string[] = [];
      for (const [name, t] of theirs) {
        const s = ours.rms.get(name);
        if (s === undefined) {
          misses.push(name);
          continue;
        }
        const d = Math.log10(s) - Math.log10(t);
        assert.ok(
          Math.abs(d) <= tolerance(index),
          `${name}: sim ${s.toExponential(3)} vs tfjs ${t.toExponential(3)} (${d.toFixed(3)} decades > ${tolerance(index).toFixed(3)})`,
        );
        worst = Math.max(worst, Math.abs(d) / tolerance(index));
        index++;
      }
      if (process.env.AGREEMENT_VERBOSE)
        console.log(`      worst |diff| / tolerance: ${worst.toFixed(2)} over ${index} layers`);
      // Every tfjs layer has a simulated counterpart (Flatten and the like included).
      assert.deepEqual(misses, [], `layers without a simulated RMS: ${misses.join(', ')}`);
    });
  }

  it('bnStack.js: predict() runs BatchNorm in inference mode (near identity at init), unlike the simulation', () => {
    const file = path.join(FIXTURES, 'bnStack.js');
    const model = buildSeeded(tf, file, 1);
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    const probe = tf.model({
      inputs: (model as unknown as { inputs: unknown }).inputs,
      outputs: layers.map((l) => l.output),
    });
    const x: Tensor = tf.randomNormal([BATCH, 128], 0, 1, 'float32', 7);
    const outs = probe.predict(x) as Tensor[];
    const byName = new Map(layers.map((l, i) => [l.name, rms(outs[i])]));
    // Inference-mode BN at init: y = x / sqrt(1 + 1e-3), so bn0 keeps dense0's RMS (within 0.1%).
    assert.ok(
      Math.abs((byName.get('bn0') as number) / (byName.get('dense0') as number) - 1 / Math.sqrt(1.001)) <
        1e-3,
    );
    // ... while batch statistics (and the simulation) renormalise every unit to RMS ~1 after dense4.
    const sim = simLayerRms(file).rms;
    assert.ok(Math.abs((sim.get('bn4') as number) - 1) < 0.01, `sim bn4 ${sim.get('bn4')}`);
    assert.ok(
      (byName.get('bn4') as number) < 0.9,
      `predict bn4 ${byName.get('bn4')} keeps the decaying scale`,
    );
    tf.dispose([x, ...outs]);
  });
});
