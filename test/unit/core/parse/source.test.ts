import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import {
  assertTopological,
  byName,
  classNames,
  fixtureHost,
  graphNamed,
  lineOf,
  parseFixture,
  weightedCount,
} from './sourceHelpers';

describe('parse/source: sequential models', () => {
  it('reads tf.sequential({layers}) and tf.sequential() + model.add with an InputLayer first', () => {
    const { result, text } = parseFixture('sequentialBasic.ts');
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['classifier', 'mlp'],
    );
    const c = graphNamed(result, 'classifier');
    assert.equal(c.api, 'sequential');
    assert.deepEqual(classNames(c), [
      'InputLayer',
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
    ]);
    assert.equal(weightedCount(c), 3);
    assert.deepEqual(c.nodes[0].outputShape, [null, 28, 28, 1]);
    assert.deepEqual(c.nodes[1].outputShape, [null, 24, 24, 8]);
    assert.deepEqual(c.nodes[2].outputShape, [null, 12, 12, 8]);
    assert.deepEqual(c.nodes[5].outputShape, [null, 4 * 4 * 16]);
    assert.deepEqual(c.nodes[6].outputShape, [null, 10]);
    assert.deepEqual(c.inputs, ['n0']);
    assert.deepEqual(c.outputs, ['n6']);
    assertTopological(c);
    assert.ok(
      c.nodes.every((n) => n.span),
      'every node has a span',
    );
    assert.deepEqual(
      c.nodes[0].span,
      c.nodes[1].span,
      'the implicit input points at the layer that declares inputShape',
    );
    // The initializer object is evaluated into something the catalog normalizes.
    assert.deepEqual(c.nodes[6].config.kernelInitializer, { id: 'heUniform', args: { seed: 1 } });
    assert.equal(
      c.nodes[1].config.kernelInitializer && (c.nodes[1].config.kernelInitializer as { id: string }).id,
      'varianceScaling',
    );
    // Span of the model covers the tf.sequential call.
    assert.equal(c.span.start.line, lineOf(text, 'tf.sequential({'));

    const m = graphNamed(result, 'mlp');
    assert.deepEqual(classNames(m), ['InputLayer', 'Dense', 'Dropout', 'Dense']);
    assert.equal(weightedCount(m), 2);
    assert.deepEqual(m.nodes[0].config.batchInputShape, [null, 784], 'inputDim gives the input shape');
    assert.equal(m.nodes[1].name, 'hidden');
    assert.deepEqual(m.nodes[1].written, { units: 128, inputDim: 784, activation: 'relu', name: 'hidden' });
    assert.equal(m.nodes[1].config.useBias, true, 'resolved config carries the tfjs defaults');
    assert.notEqual(m.nodes[2].name, m.nodes[3].name);
  });

  it('gives sites: array elements and model.add statements, with indent and namespace', () => {
    const { result, text } = parseFixture('sequentialBasic.ts');
    const c = graphNamed(result, 'classifier');
    const flatten = c.nodes[5];
    assert.equal(flatten.site?.kind, 'arrayElement');
    assert.equal(flatten.site?.indent, '    ');
    assert.equal(flatten.site?.layersNamespace, 'tf.layers');
    assert.equal(flatten.site?.inLoop, false);
    assert.equal(flatten.span?.start.line, lineOf(text, 'tf.layers.flatten()'));

    const m = graphNamed(result, 'mlp');
    const drop = m.nodes[2];
    assert.equal(drop.site?.kind, 'addCall');
    assert.equal(drop.site?.span.start.line, lineOf(text, 'mlp.add(tf.layers.dropout'));
    assert.equal(drop.site?.span.start.character, 0);
    assert.equal(drop.site?.indent, '');
    assert.equal(drop.applySpan?.start.line, lineOf(text, 'mlp.add(tf.layers.dropout'));
  });

  it('understands a global tf (script-tag code) and analyses a builder only called from an event handler', () => {
    const { result } = parseFixture('scriptGlobal.js');
    assert.equal(result.graphs.length, 1);
    const g = result.graphs[0];
    assert.equal(g.name, 'model');
    assert.equal(g.builder, 'createModel');
    assert.deepEqual(classNames(g), ['InputLayer', 'Dense', 'Dense', 'Dense', 'Dense']);
    assert.deepEqual(
      g.nodes.slice(1).map((n) => n.config.units),
      [64, 64, 32, 3],
    );
  });

  it('understands `declare const tf` with factories destructured from tf.layers', () => {
    const { result } = parseFixture('declaredGlobal.ts');
    assert.equal(result.graphs.length, 1);
    assert.equal(result.graphs[0].builder, 'make');
    assert.deepEqual(classNames(result.graphs[0]), ['InputLayer', 'Dense']);
    assert.equal(result.graphs[0].nodes[1].site?.layersNamespace, 'tf.layers');
  });

  it('follows named imports, namespace aliases, destructured factories and other tfjs packages', () => {
    const { result } = parseFixture('aliases.ts');
    const a = graphNamed(result, 'a');
    assert.deepEqual(classNames(a), ['InputLayer', 'Dense', 'LayerNormalization', 'Dense']);
    assert.equal(a.nodes[1].site?.layersNamespace, 'L');
    assert.equal(
      a.nodes[2].site?.layersNamespace,
      'layers',
      'bare destructured factory: the file-level namespace',
    );
    const b = graphNamed(result, 'b');
    assert.equal(b.api, 'functional');
    assert.deepEqual(classNames(b), ['InputLayer', 'Dense', 'Dense']);
    assert.deepEqual(b.nodes[2].inputs, ['n1']);
    assert.deepEqual(b.nodes[2].outputShape, [null, 2]);
    const c = graphNamed(result, 'c');
    assert.deepEqual(classNames(c), ['InputLayer', 'Dense']);
  });

  it('names CommonJS exports by their own bindings, not by `exports`', () => {
    const r = parseSource(
      '/x/cjs.js',
      "const tf = require('@tensorflow/tfjs');\n" +
        'module.exports = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });\n' +
        'exports.make = function () { const net = tf.sequential(); return net; };\n',
    );
    assert.deepEqual(
      r.graphs.map((g) => [g.name, g.builder ?? null]),
      [
        ['model', null],
        ['net', 'make'],
      ],
    );
  });

  it('follows require() of tfjs-node-gpu and destructured require', () => {
    const { result } = parseFixture('requireStyle.js');
    const g = graphNamed(result, 'net');
    assert.deepEqual(classNames(g), ['InputLayer', 'Conv1D', 'GlobalAveragePooling1D', 'Dense']);
    assert.deepEqual(g.nodes[1].outputShape, [null, 98, 4]);
    assert.deepEqual(g.nodes[2].outputShape, [null, 4]);
  });

  it('builds layer arrays with spreads, map, flatMap, Array.from, loops and reduce', () => {
    const { result, text } = parseFixture('arrays.ts');
    const spread = graphNamed(result, 'spread');
    assert.deepEqual(
      spread.nodes.slice(1).map((n) => n.config.units),
      [512, 256, 128, 64, 1],
    );
    // A layer made in a callback points at its factory call, and knows it is in a loop.
    const mapped = spread.nodes[2];
    assert.equal(mapped.span?.start.line, lineOf(text, 'WIDTHS.map((w) => tf.layers.dense'));
    assert.equal(mapped.site?.inLoop, true);

    const flat = graphNamed(result, 'flat');
    assert.deepEqual(classNames(flat), [
      'InputLayer',
      'Dense',
      'LayerNormalization',
      'Dense',
      'LayerNormalization',
      'Dense',
      'LayerNormalization',
    ]);
    assert.deepEqual(
      flat.nodes[0].config.batchInputShape,
      [null, 32],
      'conditional object spread adds inputShape to the first layer only',
    );
    assert.equal(flat.nodes[3].written.inputShape, undefined);

    const fromLength = graphNamed(result, 'fromLength');
    assert.equal(weightedCount(fromLength), 7);
    assert.equal(fromLength.nodes[0].className, 'InputLayer');
    assert.equal(
      fromLength.nodes.filter((n) => n.className === 'InputLayer').length,
      1,
      'an explicit inputLayer is the input',
    );
    assert.deepEqual(
      fromLength.nodes.slice(1, 6).map((n) => n.name),
      ['block_0', 'block_1', 'block_2', 'block_3', 'block_4'],
    );
    assert.deepEqual(
      fromLength.nodes.slice(6).map((n) => n.config.units),
      [16, 8],
    );

    const reduced = graphNamed(result, 'reduced');
    assert.equal(weightedCount(reduced), 4);
  });

  it('evaluates control flow: while, if on i % 3 === 2, ternaries, switch, template literals, object spread', () => {
    const { result } = parseFixture('controlFlow.ts');
    assert.equal(result.graphs.length, 1);
    const g = result.graphs[0];
    assert.equal(g.builder, 'buildNet');
    assert.equal(weightedCount(g), 10);
    assert.deepEqual(
      g.nodes.filter((n) => n.className === 'LayerNormalization').map((n) => n.config.epsilon),
      [1e-5, 1e-5, 1e-5],
    );
    const names = g.nodes.filter((n) => n.className === 'Dense').map((n) => n.name);
    assert.deepEqual(names.slice(0, 3), ['dense_0', 'dense_1', 'dense_2']);
    assert.equal(byName(g, 'dense_4').config.activation, 'gelu', 'object spread of a shared base config');
    // Norm after every third dense: dense_2 feeds the first norm.
    const firstNorm = g.nodes.find((n) => n.className === 'LayerNormalization');
    assert.deepEqual(firstNorm?.inputs, [byName(g, 'dense_2').id]);
    assert.ok(
      g.notes.some((n) => n.kind === 'assumption' && /cfg/.test(n.message)),
      'the uncalled builder notes its default',
    );
  });
});

describe('parse/source: functional models', () => {
  it('wires inputs, shared layers, every merge kind, a residual add and two outputs', () => {
    const { result, text } = parseFixture('functional.ts');
    assert.equal(result.graphs.length, 1);
    const g = graphNamed(result, 'twoTower');
    assertTopological(g);
    assert.ok(
      g.nodes.every((n) => n.span),
      'every node has a span',
    );
    assert.equal(g.api, 'functional');
    assert.equal(g.inputs.length, 2);
    assert.deepEqual(
      g.inputs.map((id) => g.nodes.find((n) => n.id === id)?.name),
      ['user', 'item'],
    );
    // The unused head is not in the model.
    assert.ok(!g.nodes.some((n) => n.config.units === 99));
    assert.equal(weightedCount(g), 6);
    // Shared layer: two applications, one weightKey, one name.
    const shared = g.nodes.filter((n) => n.name === 'shared_proj');
    assert.equal(shared.length, 2);
    assert.ok(shared[0].weightKey && shared[0].weightKey === shared[1].weightKey);
    assert.deepEqual(shared[0].inputs, [g.inputs[0]]);
    assert.deepEqual(shared[1].inputs, [g.inputs[1]]);
    // Merges take the shared outputs in argument order.
    for (const cls of ['Multiply', 'Average', 'Maximum', 'Minimum', 'Dot']) {
      const m = g.nodes.find((n) => n.className === cls);
      assert.deepEqual(m?.inputs, [shared[0].id, shared[1].id], cls);
    }
    const merged = g.nodes.filter((n) => n.className === 'Concatenate')[1];
    assert.equal(merged.inputs.length, 5);
    assert.deepEqual(merged.outputShape, [null, 32 + 16 + 16 + 16 + 16]);
    // Residual: add(h, skip) where skip is the dense before.
    const add = g.nodes.find((n) => n.className === 'Add');
    assert.ok(add);
    const [h, skip] = add.inputs.map((id) => g.nodes.find((n) => n.id === id));
    assert.deepEqual(h?.inputs, [skip?.id]);
    // Outputs in order: score, aux.
    assert.deepEqual(
      g.outputs.map((id) => g.nodes.find((n) => n.id === id)?.name),
      ['score', 'aux'],
    );
    // Apply-call sites: `h = tf.layers.dense(...).apply(h)` is an assignment.
    const second = g.nodes.find((n) => n.id === h?.id);
    assert.equal(second?.site?.kind, 'applyCall');
    assert.equal(second?.site?.target, 'h');
    assert.equal(second?.site?.declaration, 'assignment');
    assert.equal(second?.site?.inputText, 'h');
    assert.equal(
      second?.applySpan?.start.line,
      lineOf(text, "h = tf.layers.dense({ units: 64, activation: 'relu' }).apply(h)"),
    );
    const u = shared[0];
    assert.equal(u.site?.kind, 'applyCall');
    assert.equal(u.site?.declaration, 'const');
    assert.equal(u.site?.target, 'u');
  });

  it('flattens sub-models (sequential in sequential, functional applied twice) with fromModel and weightKey', () => {
    const { result } = parseFixture('submodels.ts');
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['encoder', 'decoder', 'autoencoder', 'block', 'twice'],
    );
    const ae = graphNamed(result, 'autoencoder');
    assert.deepEqual(classNames(ae), ['InputLayer', 'Dense', 'Dense', 'Dense', 'Dense']);
    assert.deepEqual(
      ae.nodes.slice(1).map((n) => n.fromModel),
      ['encoder', 'encoder', 'decoder', 'decoder'],
    );
    assert.deepEqual(ae.nodes[0].config.batchInputShape, [null, 64], "the first sub-model's inputShape");
    assert.deepEqual(ae.nodes[4].outputShape, [null, 64]);
    const twice = graphNamed(result, 'twice');
    assertTopological(twice);
    assert.deepEqual(classNames(twice), ['InputLayer', 'Dense', 'Dense', 'Add']);
    assert.equal(twice.nodes[1].fromModel, 'block');
    assert.ok(twice.nodes[1].weightKey && twice.nodes[1].weightKey === twice.nodes[2].weightKey);
    assert.deepEqual(twice.nodes[2].inputs, ['n1']);
    assert.deepEqual(twice.nodes[3].inputs, ['n1', 'n2']);
  });
});

describe('parse/source: helpers, instances, classes', () => {
  it('names instances destructured from a builder result (arrays and objects)', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
function pair(n) {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [n] })] });
  const other = tf.sequential({ layers: [tf.layers.dense({ units: n + 1, inputShape: [n] })] });
  return [model, other];
}
function boxed(n) {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [n] })] });
  return { model, steps: 3 };
}
const [encoder, decoder] = pair(4);
const { model: critic } = boxed(2);
`;
    const r = parseSource('/x/destructure.ts', src);
    assert.deepEqual(
      r.graphs.map((g) => g.name),
      ['encoder', 'decoder', 'critic'],
    );
  });

  it('analyses each call of a builder as its own model, named after its variable, without duplicates', () => {
    const { result } = parseFixture('helpers.ts');
    const names = result.graphs.map((g) => g.name).sort();
    assert.deepEqual(names, ['chosen', 'large', 'small', 'tiny']);
    const small = graphNamed(result, 'small');
    assert.equal(small.builder, 'buildClassifier');
    assert.equal(weightedCount(small), 1 + 2 + 1);
    assert.equal(small.nodes[small.nodes.length - 1].config.units, 10, 'default parameter used');
    const large = graphNamed(result, 'large');
    assert.equal(weightedCount(large), 1 + 6 + 1);
    assert.equal(large.nodes[1].config.units, 128);
    assert.equal(large.nodes[large.nodes.length - 1].config.units, 3);
    // No assumption notes for builders whose arguments are known.
    assert.ok(!small.notes.some((n) => n.kind === 'assumption'));
  });

  it('dispatches tf.layers[kind](cfg) and registry builders', () => {
    const { result } = parseFixture('helpers.ts');
    const chosen = graphNamed(result, 'chosen');
    assert.equal(chosen.builder, 'deep');
    assert.deepEqual(classNames(chosen), [
      'InputLayer',
      'Dense',
      'LayerNormalization',
      'Dense',
      'LayerNormalization',
      'Dense',
    ]);
    const tiny = graphNamed(result, 'tiny');
    assert.deepEqual(classNames(tiny), ['InputLayer', 'Dense']);
    assert.deepEqual(tiny.nodes[0].config.batchInputShape, [null, 4]);
  });

  it('follows class constructors, private methods, parameter properties and classes extending tf.Sequential', () => {
    const { result } = parseFixture('classes.ts');
    const names = result.graphs.map((g) => g.name).sort();
    assert.deepEqual(names, ['Tower', 'model']);
    const m = graphNamed(result, 'model');
    assert.deepEqual(
      m.nodes.slice(1).map((n) => n.config.units),
      [64, 32, 16, 1],
      'the instance made in the file (new Trainer(8, [64, 32, 16])) is analysed, not a default one',
    );
    assert.deepEqual(m.nodes[0].config.batchInputShape, [null, 8]);
    const t = graphNamed(result, 'Tower');
    assert.equal(t.builder, 'Tower');
    assert.equal(weightedCount(t), 4);
  });
});

describe('parse/source: robustness', () => {
  it('ignores commented-out code and layers never added', () => {
    const { result } = parseFixture('commented.ts');
    assert.equal(result.graphs.length, 1);
    const g = result.graphs[0];
    assert.deepEqual(
      g.nodes.slice(1).map((n) => n.config.units),
      [16, 1],
    );
    assert.ok(!g.nodes.some((n) => n.className === 'LayerNormalization'));
  });

  it('recovers from syntax errors: a syntax note, and the models still found', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'const model = tf.sequential();',
      'model.add(tf.layers.dense({ units: 8, inputShape: [4] }));',
      'model.add(tf.layers.dense({ units: 4 ));', // missing brace
      'model.add(tf.layers.dense({ units: 2 }));',
      'function broken( {',
    ].join('\n');
    const r = parseSource('/x/broken.ts', src);
    const syntax = r.notes.filter((n) => n.kind === 'syntax');
    assert.ok(syntax.length >= 1);
    assert.equal(syntax[0].span?.start.line, 3);
    assert.match(syntax[0].message, /line 4/);
    assert.equal(r.graphs.length, 1);
    assert.ok(weightedCount(r.graphs[0]) >= 2);
  });

  it('never throws on odd input and reports nothing for files without models', () => {
    for (const src of [
      '',
      '}}}{{{',
      'const x = 1;',
      'export default class {}',
      'x = y ? : ;',
      '`${`${`',
      'import tf from',
      'new new new',
    ]) {
      for (const text of [src, `import * as tf from '@tensorflow/tfjs';\n${src}`]) {
        const r = parseSource('/x/odd.ts', text);
        assert.equal(r.graphs.length, 0, text);
      }
    }
    for (const src of [
      'tf.sequential().add(',
      'tf.model({outputs: tf.input(',
      'class X extends tf.layers.Layer { call( }',
      'tf.layers[',
    ]) {
      assert.doesNotThrow(() => parseSource('/x/odd.ts', src));
    }
  });

  it('survives pathologically nested code: deep apply chains are followed, deeper ones end in an error entry', () => {
    let chain = 'x0';
    for (let i = 0; i < 300; i++) chain = `tf.layers.dense({ units: 4 }).apply(${chain})`;
    const ok = parseSource(
      '/x/deep.ts',
      `import * as tf from '@tensorflow/tfjs';\nconst x0 = tf.input({ shape: [4] });\nexport const deep = tf.model({ inputs: x0, outputs: ${chain} });\n`,
    );
    assert.equal(weightedCount(graphNamed(ok, 'deep')), 300);
    const tooDeep = `import * as tf from '@tensorflow/tfjs';\nconst v = ${'('.repeat(20000)}1${')'.repeat(20000)};\n`;
    assert.doesNotThrow(() => parseSource('/x/deeper.ts', tooDeep));
  });

  it('refuses files over maxFileBytes with an error entry', () => {
    const r = parseSource('/x/big.ts', 'const a = 1;\n'.repeat(100), { limits: { maxFileBytes: 100 } });
    assert.equal(r.graphs.length, 0);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].kind, 'limit');
  });

  it('keeps model names unique within a file', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function a() { const model = tf.sequential(); model.add(tf.layers.dense({units: 1, inputShape: [1]})); return model; }',
      'export function b() { const model = tf.sequential(); model.add(tf.layers.dense({units: 2, inputShape: [1]})); return model; }',
    ].join('\n');
    const r = parseSource('/x/two.ts', src);
    assert.deepEqual(
      r.graphs.map((g) => g.name),
      ['model', 'model_1'],
    );
    assert.deepEqual(
      r.graphs.map((g) => g.builder),
      ['a', 'b'],
    );
  });
});

describe('parse/source: project imports', () => {
  it('skips files that cannot reach tfjs (directly or through their imports) without evaluating them', () => {
    const busy = 'export function spin() { while (true) {} }\nspin();\n';
    const limits = { maxLoopIterations: 10 };
    const skipped = parseSource('/x/plain.ts', busy, { limits });
    assert.equal(skipped.notes.length, 0, 'not evaluated: no loop limit was hit');
    const withTf = parseSource('/x/plain.ts', `import * as tf from '@tensorflow/tfjs';\n${busy}`, { limits });
    assert.ok(
      withTf.notes.some((n) => n.kind === 'limit'),
      'evaluated',
    );
    const host = {
      readFile: (p: string) =>
        p === '/x/helper.ts' ? "export { sequential } from '@tensorflow/tfjs';" : undefined,
    };
    const viaImport = parseSource('/x/plain.ts', `import { sequential } from './helper';\n${busy}`, {
      host,
      limits,
    });
    assert.ok(
      viaImport.notes.some((n) => n.kind === 'limit'),
      'evaluated: an imported file reaches tfjs',
    );
  });

  it('reads constants and helpers from other files through the host (./x, ./x.js, ./dir/index.ts, require)', () => {
    const host = fixtureHost();
    const { result } = parseFixture('project/main.ts', { host });
    assert.equal(result.graphs.length, 1, 'models made while importing other files are not reported here');
    const g = result.graphs[0];
    assert.equal(g.builder, 'buildModel');
    // 1 dense + DEPTH(5) x (dense + batchNorm) + dropout + head
    assert.equal(weightedCount(g), 1 + 5 + 1);
    assert.equal(g.nodes.filter((n) => n.className === 'BatchNormalization').length, 5);
    assert.equal(g.nodes[1].config.units, 40);
    assert.equal(g.nodes[2].config.units, 40, 'default parameter from an imported constant');
    const drop = g.nodes.find((n) => n.className === 'Dropout');
    assert.equal(drop?.config.rate, 0.25, 'default export of ./config.js resolved to config.ts');
    const head = g.nodes[g.nodes.length - 1];
    assert.equal(head.config.units, 2);
    assert.equal(head.config.activation, 'softmax');
    // Spans of layers made in another file point at that file.
    assert.ok(g.nodes[2].span?.file.endsWith('index.ts'));
    assert.ok(head.span?.file.endsWith('heads.ts'));
    // Each file read once, even with the cyclic import back to main.ts.
    const indexReads = host.reads.filter((p) => p.endsWith('blocks/index.ts'));
    assert.equal(indexReads.length, 1);
  });

  it('without a host, imported values are unknown and noted', () => {
    const { result } = parseFixture('project/main.ts');
    assert.ok(result.notes.some((n) => n.kind === 'info' && /\.\/config/.test(n.message)));
    assert.equal(result.graphs.length, 1);
  });
});

describe('parse/source: tricky evaluation', () => {
  const facts = () => parseFixture('tricky.ts').result;
  const units = (name: string) =>
    graphNamed(facts(), name).nodes.map((n) => n.config.units ?? n.config.filters ?? null);

  it('keeps per-iteration loop bindings in closures and follows recursion with a base case', () => {
    assert.deepEqual(units('closures'), [null, 1, 2, 3]);
    assert.deepEqual(
      graphNamed(facts(), 'closures').nodes[0].config.batchInputShape,
      [null, 2],
      'inputLayer({inputShape})',
    );
    assert.deepEqual(units('recursive'), [null, 5, 4, 3, 2, 1]);
  });

  it('reads static fields and getters, destructured function results, while with i += 2', () => {
    assert.deepEqual(units('statics'), [null, 16, 18, 20, 8, 4]);
    assert.equal(graphNamed(facts(), 'statics').nodes[1].config.activation, 'tanh');
  });

  it('builds parallel branches with map, a functional block inside a sequential, and entries-driven dispatch', () => {
    const inc = graphNamed(facts(), 'inception');
    assert.deepEqual(inc.nodes[4].inputs, ['n1', 'n2', 'n3']);
    assert.deepEqual(inc.nodes[4].outputShape, [null, 10, 24]);
    const swf = graphNamed(facts(), 'seqWithFunc');
    assert.deepEqual(classNames(swf), ['InputLayer', 'Dense', 'Dense']);
    assert.equal(swf.nodes[1].fromModel, 'funcBlock');
    assert.deepEqual(
      swf.nodes[0].config.batchInputShape,
      [null, 4],
      'a functional first layer brings its own input',
    );
    assert.deepEqual(classNames(graphNamed(facts(), 'fromEntries')), [
      'InputLayer',
      'Conv2D',
      'Flatten',
      'Dense',
    ]);
    assert.deepEqual(graphNamed(facts(), 'fromEntries').nodes[2].outputShape, [null, 144]);
  });
});

describe('parse/source: models from other files', () => {
  it("reports a model built by an imported builder here, but not a model that is the other file's own", () => {
    const { result } = parseFixture('project2/main.ts', { host: fixtureHost() });
    assert.deepEqual(
      result.graphs.map((g) => g.name),
      ['classifier', 'head'],
    );
    const c = graphNamed(result, 'classifier');
    assert.deepEqual(
      c.nodes.map((n) => n.fromModel ?? null),
      [null, 'encoder', 'head'],
    );
    assert.deepEqual(c.nodes[2].config.units, 3);
    assert.ok(c.nodes[1].span?.file.endsWith('encoder.ts'));
  });
});

describe('parse/source: code sites', () => {
  it('prefers the array element over a generic add loop, and marks add statements in loops', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'const model = tf.sequential();',
      'const stack = [',
      '  tf.layers.dense({ units: 8, inputShape: [8] }),',
      '  tf.layers.dense({ units: 8 }),',
      '];',
      'stack.forEach((l) => model.add(l));',
      'for (let i = 0; i < 2; i++) {',
      '    model.add(tf.layers.dense({ units: 4 }));',
      '}',
    ].join('\n');
    const g = parseSource('/x/sites.ts', src).graphs[0];
    assert.equal(g.nodes[1].site?.kind, 'arrayElement');
    assert.equal(g.nodes[1].site?.span.start.line, 3);
    assert.equal(g.nodes[1].site?.indent, '  ');
    assert.equal(g.nodes[1].applySpan?.start.line, 6, 'applySpan: where it was added');
    assert.equal(g.nodes[3].site?.kind, 'addCall');
    assert.equal(g.nodes[3].site?.inLoop, true);
    assert.equal(g.nodes[3].site?.indent, '    ');
    assert.equal(g.nodes[3].span?.start.line, 8);
    assert.equal(g.nodes[3].span?.start.character, 14);
  });
});
