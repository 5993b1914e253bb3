import { strict as assert } from 'node:assert';
import { assertTopological, classNames, graphNamed, parseFixture, weightedCount } from './sourceHelpers';

// Files written like the tfjs examples and apps found in the wild.
describe('parse/source: real-world style files', () => {
  it('DQN: a builder called twice from an uncalled class constructor gives two named instances', () => {
    const { result } = parseFixture('realWorld/dqn.js');
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['onlineNetwork', 'targetNetwork'],
    );
    for (const g of result.graphs) {
      assert.equal(g.builder, 'createDeepQNetwork');
      assert.equal(weightedCount(g), 5);
      assert.deepEqual(
        g.nodes[0].config.batchInputShape,
        [null, null, null, 2],
        'unknown dims are null in the derived input shape',
      );
      assert.equal(
        g.nodes[1].written.inputShape && (g.nodes[1].written.inputShape as unknown[])[0],
        '<unknown>',
      );
      assert.ok(g.notes.some((n) => n.kind === 'assumption' && /NUM_ACTIONS/.test(n.message)));
    }
  });

  it('GAN: sequential trunks applied inside functional models, multi-output destructuring, combined model', () => {
    const { result } = parseFixture('realWorld/gan.ts');
    const names = result.graphs.map((g) => g.name);
    assert.deepEqual([...names].sort(), ['cnn', 'cnn_1', 'combined', 'discriminator', 'generator']);
    const combined = graphNamed(result, 'combined');
    assertTopological(combined);
    assert.equal(combined.inputs.length, 2);
    assert.equal(combined.outputs.length, 2);
    assert.equal(weightedCount(combined), 7);
    assert.deepEqual([...new Set(combined.nodes.map((n) => n.fromModel).filter(Boolean))].sort(), [
      'cnn',
      'cnn_1',
      'discriminator',
      'generator',
    ]);
    const gen = graphNamed(result, 'generator');
    const mul = gen.nodes.find((n) => n.className === 'Multiply');
    assert.deepEqual(mul?.inputs.length, 2);
    assert.deepEqual(gen.nodes.find((n) => n.className === 'Reshape')?.outputShape, [null, 3, 3, 384]);
  });

  it('transformer: custom attention traced into Dense/Dot/Rescaling/softmax, encoder blocks built by a helper in a loop', () => {
    const { result } = parseFixture('realWorld/transformer.ts');
    assert.equal(result.graphs.length, 1);
    const g = result.graphs[0];
    assert.equal(g.name, 'buildTransformer');
    assert.equal(weightedCount(g), 1 + 4 * 3 + 1);
    const attn = g.nodes.filter((n) => n.className === 'MultiHeadSelfAttention');
    assert.deepEqual(
      attn.map((n) => n.name),
      ['mhsa_0', 'mhsa_1', 'mhsa_2', 'mhsa_3'],
    );
    const body = attn[0].custom?.body;
    assert.ok(body);
    assert.deepEqual(classNames(body), [
      'InputLayer',
      'Dense',
      'Dense',
      'Dense',
      'Dot',
      'Rescaling',
      'Activation',
      'Dot',
      'Dense',
    ]);
    assert.deepEqual(body.nodes[4].config.axes, [-1, -1], 'matMul(q, k, false, true)');
    assert.ok(Math.abs((body.nodes[5].config.scale as number) - 1 / Math.sqrt(16)) < 1e-12);
    assert.equal(body.nodes[6].config.activation, 'softmax');
    assert.deepEqual(attn[0].custom?.subLayers, ['wq', 'wk', 'wv', 'wo']);
    // Residual adds around attention and the feed-forward part.
    assert.equal(g.nodes.filter((n) => n.className === 'Add').length, 8);
  });

  it('misc: nested destructuring of tf, default export with destructured defaults, static factories, reduce over apply', () => {
    const { result } = parseFixture('realWorld/misc.ts');
    const byBuilder = (b: string) => result.graphs.find((g) => g.builder === b);
    const mlp = byBuilder('createModel');
    assert.ok(mlp);
    assert.deepEqual(classNames(mlp), ['InputLayer', 'Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    assert.deepEqual(mlp.nodes[0].config.batchInputShape, [null, 10]);
    const lstm = byBuilder('lstm');
    assert.ok(lstm);
    assert.deepEqual(
      lstm.nodes.filter((n) => n.className === 'LSTM').map((n) => n.config.returnSequences),
      [true, true, false],
    );
    assert.deepEqual(lstm.nodes[3].outputShape, [null, 64]);
    assert.deepEqual(lstm.nodes[1].outputShape, [null, 20, 64]);
    const reduced = graphNamed(result, 'reducedModel');
    assert.deepEqual(
      reduced.nodes.slice(1).map((n) => n.config.units),
      [8, 4, 2],
    );
  });

  it('script code: window.tf inside an async IIFE, and module.exports = function', () => {
    const { result } = parseFixture('realWorld/iife.js');
    assert.equal(result.graphs.length, 2);
    assert.equal(weightedCount(result.graphs[0]), 2);
    assert.equal(result.graphs[1].builder, 'buildIt');
  });

  it('transfer learning: a model over a loaded network is empty with notes; the head is complete', () => {
    const { result } = parseFixture('realWorld/transfer.js');
    const truncated = graphNamed(result, 'truncatedMobileNet');
    assert.equal(truncated.nodes.length, 0);
    assert.ok(truncated.notes.some((n) => /loadLayersModel/.test(n.message)));
    const head = graphNamed(result, 'model');
    assert.equal(head.builder, 'train');
    assert.deepEqual(classNames(head), ['InputLayer', 'Flatten', 'Dense', 'Dense']);
    assert.equal(head.nodes[2].written.units, '<unknown>');
    assert.equal(head.nodes[3].config.useBias, false);
  });

  it('ResNet: helpers returning tensors, conditional shortcut convolutions, forEach over stages', () => {
    const { result } = parseFixture('realWorld/resnet.ts');
    const g = graphNamed(result, 'resnet');
    assertTopological(g);
    assert.equal(weightedCount(g), 1 + 12 + 2 + 1);
    const adds = g.nodes.filter((n) => n.className === 'Add');
    assert.equal(adds.length, 6);
    // The first block of stage 1 adds a strided 1x1 shortcut conv; the others add the block input.
    const shortcutConvs = g.nodes.filter((n) => n.className === 'Conv2D' && n.config.kernelSize === 1);
    assert.equal(shortcutConvs.length, 2);
    assert.ok(adds.some((a) => a.inputs.includes(shortcutConvs[0].id)));
    assert.deepEqual(g.nodes[g.nodes.length - 1].outputShape, [null, 10]);
    assert.deepEqual(shortcutConvs[0].outputShape, [null, 16, 16, 32]);
  });

  it('VAE: a custom layer with two inputs, a functional encoder with three outputs, composed models', () => {
    const { result } = parseFixture('realWorld/vae.js');
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['enc', 'dec', 'model'],
    );
    const enc = graphNamed(result, 'enc');
    const z = enc.nodes.find((n) => n.className === 'ZLayer');
    assert.ok(z?.custom);
    assert.equal(z.inputs.length, 2);
    assert.equal(z.custom.opaque, false, 'randomNormal(zMean.shape), mul, exp and add are traced');
    assert.deepEqual(
      z.custom.body?.nodes.map((n) => (n.className === 'TensorOp' ? n.config.op : n.className)),
      ['InputLayer', 'InputLayer', 'randomNormal', 'Rescaling', 'exp', 'Multiply', 'Add'],
    );
    assert.deepEqual(z.outputShape, [null, 2], 'the shape of the traced body (and of computeOutputShape)');
    assert.equal(weightedCount(enc), 3, 'a custom layer without weights is not weighted');
    const vae = graphNamed(result, 'model');
    assertTopological(vae);
    assert.equal(vae.outputs.length, 4);
    assert.equal(weightedCount(vae), 5);
  });
});

describe('parse/source: callbacks and generators', () => {
  it('analyses callbacks handed to unknown code (promise chains, DOM handlers, timers) and runs generators eagerly', () => {
    const { result } = parseFixture('realWorld/callbacks.js');
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['fromConfig', 'clicked', 'later'],
    );
    const g = graphNamed(result, 'fromConfig');
    assert.deepEqual(classNames(g), ['InputLayer', 'Dense', 'Dense', 'Dense', 'Dropout', 'Dense']);
    assert.equal(g.nodes[1].written.units, '<unknown>');
    assert.ok(g.notes.some((n) => n.kind === 'assumption' && /'cfg'/.test(n.message)));
  });
});

describe('parse/source: layers after tensors the analysis cannot see', () => {
  it("a head applied to a loaded model's layer output starts from an input standing for that tensor", () => {
    const { result } = parseFixture('realWorld/transferHead.js');
    const g = graphNamed(result, 'buildTransfer');
    assert.deepEqual(classNames(g), ['InputLayer', 'Flatten', 'Dense']);
    assert.equal(g.nodes[2].config.units, 3);
    assert.ok(
      g.notes.some(
        (n) =>
          n.kind === 'assumption' &&
          /treated as an input/.test(n.message) &&
          /loadLayersModel/.test(n.message),
      ),
    );
  });
});
