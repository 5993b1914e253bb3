import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import { ASSUMED_LOOP_ITERATIONS } from '../../../../src/core/parse/evaluator';
import { graphNamed, lineOf, parseFixture, weightedCount } from './sourceHelpers';

describe('parse/evaluator: unknown values', () => {
  it('iterates an assumed count for a loop bound read from the UI, with an assumption note at the loop', () => {
    const { result, text } = parseFixture('unknowns.ts');
    const g = result.graphs.find((x) => x.builder === 'fromUi');
    assert.ok(g);
    assert.equal(weightedCount(g), 1 + ASSUMED_LOOP_ITERATIONS);
    const note = g.notes.find((n) => n.kind === 'assumption' && /i < depth/.test(n.message));
    assert.ok(note, JSON.stringify(g.notes));
    assert.match(note.message, /getElementById/);
    assert.match(note.message, new RegExp(`${ASSUMED_LOOP_ITERATIONS} iterations`));
    assert.equal(note.span?.start.line, lineOf(text, 'for (let i = 0; i < depth; i++)'));
    // Layers made in the loop point at the factory call in the loop.
    assert.equal(
      g.nodes[2].span?.start.line,
      lineOf(text, "model.add(tf.layers.dense({ units: 32, activation: 'relu' }))"),
    );
    assert.equal(g.nodes[2].span?.start.line, g.nodes[3].span?.start.line);
  });

  it('names a parameter without default nobody supplies, and keeps unknown config values as <unknown>', () => {
    const { result } = parseFixture('unknowns.ts');
    const g = result.graphs.find((x) => x.builder === 'makeStack');
    assert.ok(g);
    assert.equal(g.nodes[1].written.units, '<unknown>');
    assert.ok(
      g.notes.some((n) => n.kind === 'assumption' && /parameter 'layersCount' of makeStack/.test(n.message)),
    );
    assert.ok(
      g.notes.some((n) => n.kind === 'assumption' && /parameter 'units' of makeStack/.test(n.message)),
    );
  });

  it('auto-names a layer whose name is unknown', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export function build(prefix) {
  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: prefix + '_a' }), tf.layers.dense({ units: 2, name: prefix + '_b' })] });
}
`;
    const g = parseSource('/x/names.ts', src).graphs[0];
    assert.equal(g.nodes[1].written.name, '<unknown>');
    assert.notEqual(g.nodes[1].name, '<unknown>');
    assert.notEqual(g.nodes[1].name, g.nodes[2].name);
  });

  it('iterates map/forEach over an array that is not known an assumed number of times', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export const createModel = (config: { hidden: number[] }) => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [4] }));
  config.hidden.forEach((units) => model.add(tf.layers.dense({ units, activation: 'relu' })));
  return model;
};
`;
    const g = parseSource('/x/unknownArray.ts', src).graphs[0];
    assert.equal(weightedCount(g), 1 + ASSUMED_LOOP_ITERATIONS);
    assert.equal(g.nodes[2].written.units, '<unknown>');
    assert.ok(g.notes.some((n) => n.kind === 'assumption' && /`forEach` over parameter 'config'/.test(n.message)));
    assert.equal(g.notes.filter((n) => /an element of/.test(n.message)).length, 1, 'one note for the unknown units');
  });

  it('uses the fallback of `opts.x ?? default` when opts is unknown, and says so', () => {
    const { result } = parseFixture('unknowns.ts');
    const g = graphNamed(result, 'withOptions');
    assert.equal(g.nodes[1].config.units, 24);
    assert.ok(
      g.notes.some((n) => n.kind === 'assumption' && /opts\.width/.test(n.message) && /24/.test(n.message)),
    );
  });

  it('a ternary on an unknown condition: unknown data, or the true branch alone when branches have effects', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export function build(deep) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [4], activation: deep ? 'relu' : 'tanh' }));
  deep ? m.add(tf.layers.dense({ units: 8 })) : m.add(tf.layers.dense({ units: 2 }));
  deep && m.add(tf.layers.layerNormalization());
  return m;
}
`;
    const g = parseSource('/x/ternary.ts', src).graphs[0];
    assert.equal(g.nodes[1].written.activation, '<unknown>');
    assert.deepEqual(
      g.nodes.slice(2).map((n) => n.config.units ?? n.className),
      [8, 'LayerNormalization'],
      'only one branch ran; `deep && ...` as a statement is an if',
    );
    assert.ok(g.notes.some((n) => /assumed true/.test(n.message)));
  });

  it('analyses each call site with known arguments instead of assuming', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
function build(depth) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [4] }));
  for (let i = 0; i < depth; i++) m.add(tf.layers.dense({ units: 4 }));
  return m;
}
const shallow = build(1);
const deep = build(12);
`;
    const r = parseSource('/x/calls.ts', src);
    assert.deepEqual(
      r.graphs.map((g) => [g.name, weightedCount(g)]),
      [
        ['shallow', 2],
        ['deep', 13],
      ],
    );
    for (const g of r.graphs) assert.equal(g.notes.length, 0);
  });

  it('takes the non-throwing branch of an unknown condition and notes it', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export function build(units) {
  if (!units) throw new Error('units required');
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, inputShape: [2] }));
  if (units > 10) m.add(tf.layers.layerNormalization());
  return m;
}
`;
    const r = parseSource('/x/cond.ts', src);
    assert.equal(r.graphs.length, 1);
    const g = r.graphs[0];
    assert.ok(g.notes.some((n) => n.kind === 'assumption' && /assumed false/.test(n.message)));
    assert.ok(
      g.notes.some(
        (n) => n.kind === 'assumption' && /units > 10/.test(n.message) && /assumed true/.test(n.message),
      ),
    );
    assert.equal(g.nodes.filter((n) => n.className === 'LayerNormalization').length, 1);
  });
});

describe('parse/evaluator: bounded evaluation', () => {
  it('stops while(true), a 1e12 loop and a self-recursive helper with limit notes, keeping the models', () => {
    const { result, text } = parseFixture('bounded.ts', { limits: { maxLoopIterations: 50 } });
    const forever = graphNamed(result, 'forever');
    assert.equal(weightedCount(forever), 1 + 50);
    const n1 = forever.notes.find((n) => n.kind === 'limit');
    assert.ok(n1);
    assert.match(n1.message, /maxLoopIterations/);
    assert.equal(n1.span?.start.line, lineOf(text, 'while (true)'));

    const huge = graphNamed(result, 'huge');
    assert.equal(weightedCount(huge), 50);
    assert.ok(
      huge.notes.some(
        (n) => n.kind === 'limit' && n.span?.start.line === lineOf(text, 'for (let i = 0; i < 1e12; i++)'),
      ),
    );

    const rec = graphNamed(result, 'recursive');
    const lim = rec.notes.find((n) => n.kind === 'limit');
    assert.ok(lim);
    assert.match(lim.message, /maxCallDepth/);
    assert.ok(weightedCount(rec) > 1);
  });

  it('stops on the step budget with a limit note and keeps the models found before', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export const first = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
let s = 0;
for (let i = 0; i < 5000; i++) for (let j = 0; j < 5000; j++) s += j;
export const second = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
`;
    const r = parseSource('/x/steps.ts', src, { limits: { maxEvalSteps: 20000 } });
    assert.deepEqual(
      r.graphs.map((g) => g.name),
      ['first'],
    );
    assert.ok(r.notes.some((n) => n.kind === 'limit' && /maxEvalSteps/.test(n.message)));
    assert.ok(r.graphs[0].notes.some((n) => n.kind === 'limit' && /maxEvalSteps/.test(n.message)));
  });

  it('stops on the time budget', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
let s = 0;
while (true) { for (let j = 0; j < 9000; j++) s += j; }
`;
    const t0 = Date.now();
    const r = parseSource('/x/time.ts', src, {
      limits: { parseTimeMs: 50, maxLoopIterations: 1e9, maxEvalSteps: 1e12 },
    });
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(r.graphs.length, 1);
    assert.ok(r.notes.some((n) => n.kind === 'limit' && /parseTimeMs/.test(n.message)));
  });

  it('caps the nodes of one model at maxNodes', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
const m = tf.sequential();
for (let i = 0; i < 40; i++) m.add(tf.layers.dense({ units: 2, inputShape: [2] }));
`;
    const r = parseSource('/x/nodes.ts', src, { limits: { maxNodes: 10 } });
    assert.equal(r.graphs[0].nodes.length, 10);
    assert.ok(r.graphs[0].notes.some((n) => n.kind === 'limit' && /maxNodes/.test(n.message)));
  });

  it('honours cancellation', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
const m = tf.sequential();
for (let i = 0; i < 9000; i++) m.add(tf.layers.dense({ units: 2 }));
`;
    const r = parseSource('/x/cancel.ts', src, { cancel: { isCancellationRequested: true } });
    assert.ok(r.notes.some((n) => n.kind === 'info' && /cancel/i.test(n.message)));
  });
});

describe('parse/evaluator: JavaScript semantics', () => {
  const unitsOf = (src: string) => {
    const r = parseSource('/x/js.ts', `import * as tf from '@tensorflow/tfjs';\n${src}`);
    assert.equal(r.graphs.length, 1, JSON.stringify(r.notes));
    return r.graphs[0].nodes.slice(1).map((n) => n.config.units);
  };

  it('evaluates arithmetic, templates, destructuring with defaults, closures and getters', () => {
    assert.deepEqual(
      unitsOf(`
const { width = 10, extra: [a, , b] = [1, 2, 3] } = { extra: [4, 5, 6] };
const mk = (k) => (n) => tf.layers.dense({ units: n * k, name: \`l\${n}\` });
const twice = mk(2);
const cfg = { get w() { return width + 1; } };
const m = tf.sequential();
m.add(twice(width));
m.add(twice(a + b));
m.add(tf.layers.dense({ units: cfg.w ** 2 % 7 }));
m.add(tf.layers.dense({ units: Math.max(...[3, 9, 2]) >> 1 }));
`),
      [20, 20, 121 % 7, 4],
    );
  });

  it('follows for..of over entries, labelled breaks, do-while and enums', () => {
    assert.deepEqual(
      unitsOf(`
enum Size { Small = 2, Large = 8 }
const m = tf.sequential();
outer: for (const [i, u] of [Size.Small, Size.Large, 99].entries()) {
  for (let j = 0; j < 5; j++) {
    if (u === 99) break outer;
    if (j > i) continue outer;
    m.add(tf.layers.dense({ units: u + j }));
  }
}
let k = 0;
do { m.add(tf.layers.dense({ units: 100 + k })); k++; } while (k < 2);
`),
      [2, 8, 9, 100, 101],
    );
  });

  it('evaluates TypeScript namespaces (nested, exported members) and the arguments object', () => {
    assert.deepEqual(
      unitsOf(`
namespace Models {
  const WIDTH = 12;
  export function mlp() {
    const depth = arguments.length > 0 ? arguments[0] : 2;
    const m = tf.sequential();
    for (let i = 0; i < depth; i++) m.add(tf.layers.dense({ units: WIDTH + i, inputShape: [4] }));
    return m;
  }
  export namespace Deep {
    export const N = 3;
  }
}
export const net = Models.mlp(Models.Deep.N);
`),
      [12, 13, 14],
    );
  });

  it('evaluates try/catch/finally, switch fall-through and JSON round trips', () => {
    assert.deepEqual(
      unitsOf(`
const base = JSON.parse(JSON.stringify({ units: 5 }));
const m = tf.sequential();
try { throw new Error('x'); } catch (e) { m.add(tf.layers.dense({ units: base.units })); } finally { m.add(tf.layers.dense({ units: 6 })); }
switch ('b') { case 'a': m.add(tf.layers.dense({ units: 1 })); case 'b': m.add(tf.layers.dense({ units: 7 })); case 'c': m.add(tf.layers.dense({ units: 8 })); break; default: m.add(tf.layers.dense({ units: 9 })); }
`),
      [5, 6, 7, 8],
    );
  });
});

describe('parse/evaluator: budgets of uncalled builders', () => {
  it('stops a runaway uncalled function on its share of the budget and still analyses the next builder', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
export function trainForever(data) {
  tf.tidy(() => {
    let s = 0;
    for (let e = 0; e < 1e9; e++) for (let i = 0; i < 1e9; i++) s += i;
  });
}
export function buildModel() {
  return tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] })] });
}
`;
    const r = parseSource('/x/runaway.ts', src, {
      limits: { maxEvalSteps: 400_000, maxLoopIterations: 1e9, parseTimeMs: 120_000 },
    });
    assert.equal(r.graphs.length, 1);
    assert.equal(r.graphs[0].builder, 'buildModel');
    assert.ok(r.notes.some((n) => n.kind === 'limit' && /share of the evaluation budget/.test(n.message)));
  });
});

describe('parse/evaluator: relevance of uncalled functions', () => {
  it('does not analyse uncalled functions that cannot reach tfjs, and does analyse those that reach it indirectly', () => {
    const src = `
import * as tf from '@tensorflow/tfjs';
import { format } from 'some-ui-lib';
export function spin() { while (true) {} }
export function render(x) { return format(x); }
function makeHead() { return tf.layers.dense({ units: 1 }); }
export function build() {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4] })] });
  m.add(makeHead());
  return m;
}
export function rebuild() { return build(); }
export const registry = { small: () => rebuild(), noise: () => spin() };
`;
    const r = parseSource('/x/relevance.ts', src, { limits: { maxLoopIterations: 10 } });
    assert.ok(!r.notes.some((n) => n.kind === 'limit'), 'spin() was not evaluated');
    assert.equal(r.graphs.length, 1, 'build is called by rebuild, which the registry reaches: one instance');
    assert.equal(weightedCount(r.graphs[0]), 2);
  });
});

describe('parse/evaluator: memory bounds', () => {
  it('does not build huge strings (repeat, padStart, doubling loops)', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      "const s = 'ab'.repeat(1e9);",
      "const t = 'x'.padStart(1e9);",
      "let big = 'x';",
      'for (let i = 0; i < 40; i++) big = big + big;',
      "export const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: 'n' + big.length })] });",
    ].join('\n');
    const r = parseSource('/x/strings.ts', src);
    assert.equal(r.graphs.length, 1);
    assert.ok(!r.notes.some((n) => /Internal analyser error/.test(n.message)));
    assert.equal(r.graphs[0].nodes[1].written.name, '<unknown>');
  });
});

describe('parse/evaluator: array bounds', () => {
  it('stops arrays that double in a loop with a limit note', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'export const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });',
      'let a = [1];',
      'for (let i = 0; i < 60; i++) a.push(...a);',
      'let b = [1];',
      'for (let i = 0; i < 60; i++) b = [...b, ...b];',
    ].join('\n');
    const t0 = Date.now();
    // A large step budget: the array cap, not the budget, must stop the doubling.
    const r = parseSource('/x/arrays.ts', src, { limits: { maxEvalSteps: 1e9, parseTimeMs: 120_000 } });
    assert.ok(Date.now() - t0 < 20_000);
    assert.equal(r.graphs.length, 1);
    assert.ok(r.notes.some((n) => n.kind === 'limit' && /array grew past/.test(n.message)));
  });

  it('charges copies of large arrays to the step budget', () => {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'export const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });',
      'let big = [1];',
      'for (let i = 0; i < 19; i++) big = big.concat(big);',
      'let n = 0;',
      'for (let i = 0; i < 10000; i++) { const copy = [...big]; n += copy.length; }',
    ].join('\n');
    const t0 = Date.now();
    // A long time budget: the step budget must be what stops it (machine load must not change the outcome).
    const r = parseSource('/x/copies.ts', src, { limits: { parseTimeMs: 120_000 } });
    assert.ok(Date.now() - t0 < 20_000);
    assert.equal(r.graphs.length, 1);
    assert.ok(r.notes.some((n) => n.kind === 'limit' && /maxEvalSteps/.test(n.message)));
  });
});
