/**
 * Every limit of README "Limits" (src/core/limits.ts and the simulator's), hit on purpose: the result carries a
 * note of kind 'limit' naming the limit, saying where it was hit (a span on the construct) and which part of
 * the result is still valid, and that part really is there. Also: unknown layer classes (identity, with a note),
 * opaque custom layers, zero-width layers and unknown shapes.
 */
import assert from 'node:assert/strict';
import { analyzePaths, analyzeText, type AnalyzeResult } from '../../../src/core/analyze';
import type { Note } from '../../../src/core/graph/types';
import { DEFAULT_LIMITS, type Limits } from '../../../src/core/limits';
import { ASSUMED_LOOP_ITERATIONS } from '../../../src/core/parse/evaluator';
import { MAX_MODEL_NOTES } from '../../../src/core/parse/graphBuilder';
import type { ModelReport } from '../../../src/core/report/types';
import { attachSimulation } from '../../../src/core/simulate/attach';
import { simulate } from '../../../src/core/simulate/simulate';
import { whatIfsForGraph, WHAT_IF_LABELS } from '../../../src/core/simulate/whatIf';
import { memoryHost } from '../../../scripts/fuzz/check';
import { mlp } from '../core/simulate/builders';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";

function analyse(src: string, limits: Partial<Limits> = {}, path = '/x/model.ts'): AnalyzeResult {
  return analyzeText(path, src, { limits });
}

function allNotes(r: AnalyzeResult): Note[] {
  return [...r.report.errors, ...r.report.notes, ...r.report.models.flatMap((m) => m.summary.assumptions)];
}

/** 0-based line of the first line of `src` containing `marker`. */
function lineOf(src: string, marker: string): number {
  const i = src.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker}`);
  return i;
}

/** The one limit note naming `limit`; checks where it points and that it says what stays valid. */
function limitNote(notes: Note[], limit: string, opts: { line?: number; valid: RegExp }): Note {
  const found = notes.filter((n) => n.kind === 'limit' && n.message.includes(limit));
  assert.ok(
    found.length >= 1,
    `no limit note for ${limit} in:\n${notes.map((n) => `${n.kind}: ${n.message}`).join('\n')}`,
  );
  const n = found[0];
  assert.match(n.message, opts.valid, 'says which part of the result is still valid');
  if (opts.line !== undefined) {
    assert.ok(n.span, `${limit}: the note says where`);
    assert.equal(n.span.start.line, opts.line, `${limit}: the note points at the construct`);
  }
  return n;
}

const denseCount = (m: ModelReport) => m.layers.filter((l) => l.className === 'Dense').length;

describe('hardening: every limit hit gives a note (which limit, where, what stays valid)', function () {
  this.timeout(60_000);

  it('maxFileBytes: the file gets an error entry; the other files of the run are analysed', () => {
    const big = analyse(`${HEAD}// ${'x'.repeat(300)}\n`, { maxFileBytes: 100 });
    assert.equal(big.report.models.length, 0);
    limitNote(big.report.errors, 'maxFileBytes', { valid: /not analysed/ });
    const small = `${HEAD}export const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });\n`;
    const host = memoryHost([
      { path: '/p/a.ts', text: `${HEAD}// ${'x'.repeat(300)}\n` },
      { path: '/p/b.ts', text: small },
    ]);
    const { report } = analyzePaths(['/p'], { host, limits: { maxFileBytes: 200 } });
    assert.deepEqual(
      report.files.map((f) => f.path),
      ['/p/a.ts', '/p/b.ts'],
    );
    limitNote(report.files[0].errors, 'maxFileBytes', { valid: /not analysed/ });
    assert.equal(report.files[1].models.length, 1);
  });

  it('maxLoopIterations: the loop stops; layers before, in the first iterations and after it are there', () => {
    const src = `${HEAD}const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
for (let i = 0; i < 1e9; i++) m.add(tf.layers.dense({ units: 8 })); // LOOP
m.add(tf.layers.dense({ units: 1, name: 'after' }));
`;
    const r = analyse(src, { maxLoopIterations: 50 });
    limitNote(allNotes(r), 'maxLoopIterations', {
      line: lineOf(src, 'LOOP'),
      valid: /everything before and after the loop is analysed/,
    });
    const m = r.report.models[0];
    assert.equal(denseCount(m), 52);
    assert.equal(m.layers[m.layers.length - 1].name, 'after');
  });

  it('maxEvalSteps: evaluation stops there; the models made before are kept and complete', () => {
    const src = `${HEAD}export const first = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] }), tf.layers.dense({ units: 2 })] });
let s = 0;
for (let i = 0; i < 1e9; i++) s += i; // HEAVY
export const second = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] })] });
`;
    const r = analyse(src, { maxEvalSteps: 20_000, maxLoopIterations: 1e9 });
    limitNote(allNotes(r), 'maxEvalSteps', {
      line: lineOf(src, 'HEAVY'),
      valid: /found before this point are kept and valid/,
    });
    assert.deepEqual(
      r.report.models.map((m) => [m.name, denseCount(m)]),
      [['first', 2]],
    );
  });

  it('parseTimeMs: the same, on the clock', () => {
    const src = `${HEAD}export const first = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
let s = 0;
while (true) s++; // FOREVER
`;
    const r = analyse(src, { parseTimeMs: 30, maxEvalSteps: 1e12, maxLoopIterations: 1e12 });
    limitNote(allNotes(r), 'parseTimeMs', {
      line: lineOf(src, 'FOREVER'),
      valid: /found before this point are kept and valid/,
    });
    assert.equal(r.report.models.length, 1);
  });

  it('maxCallDepth: recursion is not followed past the limit; the rest of the file is analysed', () => {
    const src = `${HEAD}function deeper(n) { return deeper(n + 1) + 1; } // REC
const d = deeper(0);
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
`;
    const r = analyse(src, { maxCallDepth: 20 });
    limitNote(allNotes(r), 'maxCallDepth', {
      line: lineOf(src, 'REC'),
      valid: /rest of the analysis is unaffected/,
    });
    assert.equal(r.report.models.length, 1);
  });

  it('maxCallDepth: a recursion stopping at several call sites gives one note that counts the others', () => {
    const src = `${HEAD}function helperA(n) { return n; }
function helperB(n) { return n; }
function walk(n) { helperA(n); helperB(n); return walk(n + 1); } // REC
const w = walk(0);
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
`;
    const r = analyse(src, { maxCallDepth: 20 });
    const notes = allNotes(r).filter((n) => n.kind === 'limit' && n.message.includes('maxCallDepth'));
    assert.equal(notes.length, 1, notes.map((n) => n.message).join('\n'));
    assert.match(
      notes[0].message,
      /2 more calls at that depth were not followed either \((helperB, walk|walk, helperB)\)/,
    );
    assert.equal(r.report.models.length, 1);
  });

  it('maxCallDepth also bounds constructions that nest without a call (a field constructing its own class)', () => {
    const src = `${HEAD}class Loop { next = new Loop(); } // FIELD
const l = new Loop();
export const m = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
`;
    const r = analyse(src);
    const n = limitNote(allNotes(r), 'maxCallDepth', {
      line: lineOf(src, 'FIELD'),
      valid: /rest of the analysis is unaffected/,
    });
    assert.match(n.message, /Construction of Loop/);
    assert.equal(r.report.models.length, 1);
  });

  it('maxExprDepth: an expression nested deeper is unknown; the statements around it are analysed', () => {
    const src = `${HEAD}const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
const u = 1${' + 1'.repeat(4000)}; // DEEP
m.add(tf.layers.dense({ units: 4 }));
`;
    const r = analyse(src);
    limitNote(allNotes(r), `more than ${DEFAULT_LIMITS.maxExprDepth} levels deep`, {
      line: lineOf(src, 'DEEP'),
      valid: /rest of the analysis is unaffected/,
    });
    assert.ok(allNotes(r).some((n) => /limit maxExprDepth/.test(n.message)));
    assert.equal(denseCount(r.report.models[0]), 2);
  });

  it('maxStringLength: a string the evaluator would build longer than the cap is unknown, with a note', () => {
    const src = `${HEAD}const name = 'ab'.repeat(1e6); // REPEAT
let t = 'x';
for (let i = 0; i < 40; i++) t += t; // DOUBLING
const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4], name }));
`;
    const r = analyse(src);
    const notes = allNotes(r).filter((n) => n.kind === 'limit' && /maxStringLength/.test(n.message));
    assert.deepEqual(
      notes.map((n) => n.span?.start.line).sort(),
      [lineOf(src, 'REPEAT'), lineOf(src, 'DOUBLING')].sort(),
    );
    limitNote(notes, 'maxStringLength', { valid: /rest of the analysis is unaffected/ });
    assert.equal(denseCount(r.report.models[0]), 1);
  });

  it('maxArrayLength: an array stops growing at the cap; the elements before are kept', () => {
    const src = `${HEAD}let a = [tf.layers.dense({ units: 2, inputShape: [2] })];
for (let i = 0; i < 20; i++) a = a.concat(a); // GROW
const m = tf.sequential();
m.add(a[0]);
`;
    const r = analyse(src, { maxArrayLength: 1000 });
    limitNote(allNotes(r), 'maxArrayLength', {
      line: lineOf(src, 'GROW'),
      valid: /elements before them are kept/,
    });
    assert.equal(denseCount(r.report.models[0]), 1);
  });

  it(`unknown loop bounds run ${ASSUMED_LOOP_ITERATIONS} times, once inside another assumed loop, with assumption notes`, () => {
    const src = `${HEAD}export function build(depth, width) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  for (let i = 0; i < depth; i++) { // OUTER
    for (let j = 0; j < width; j++) m.add(tf.layers.dense({ units: 8 })); // INNER
  }
  return m;
}
`;
    const r = analyse(src);
    assert.equal(denseCount(r.report.models[0]), 1 + ASSUMED_LOOP_ITERATIONS);
    const notes = allNotes(r).filter((n) => n.kind === 'assumption');
    const outer = notes.find((n) => n.span?.start.line === lineOf(src, 'OUTER'));
    const inner = notes.find((n) => n.span?.start.line === lineOf(src, 'INNER'));
    assert.match(outer?.message ?? '', new RegExp(`assumed ${ASSUMED_LOOP_ITERATIONS} iterations`));
    assert.match(
      inner?.message ?? '',
      /assumed 1 iteration \(once: it runs inside another loop whose count is assumed\)/,
    );
  });

  it('uncalled builders get maxEvalSteps / 10 each: a runaway one stops there, the others are analysed', () => {
    const src = `${HEAD}export function trainForever() {
  tf.tidy(() => {
    let s = 0;
    for (let e = 0; e < 1e9; e++) s += e; // RUNAWAY
  });
}
export function buildModel() {
  return tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] })] });
}
`;
    const r = analyse(src, { maxEvalSteps: 400_000, maxLoopIterations: 1e9, parseTimeMs: 120_000 });
    limitNote(allNotes(r), 'share of the evaluation budget', {
      line: lineOf(src, 'RUNAWAY'),
      valid: /other models are unaffected/,
    });
    assert.deepEqual(
      r.report.models.map((m) => m.builder),
      ['buildModel'],
    );
  });

  it('maxNodes: a model stops at the cap; the nodes kept are complete and wired', () => {
    const src = `${HEAD}const m = tf.sequential();
m.add(tf.layers.dense({ units: 8, inputShape: [4] }));
for (let i = 0; i < 30; i++) m.add(tf.layers.dense({ units: 8 })); // MANY
`;
    const r = analyse(src, { maxNodes: 10 });
    limitNote(allNotes(r), 'maxNodes', {
      line: lineOf(src, 'MANY'),
      valid: /nodes kept are complete and correctly wired/,
    });
    const m = r.report.models[0];
    assert.equal(m.layers.length, 10);
    m.layers.slice(1).forEach((l, i) => assert.deepEqual(l.inputs, [m.layers[i].id]));
  });

  it('maxFileNodes: the models of a file share a node budget; the models before the cap are complete', () => {
    const model = (name: string) => `export const ${name} = tf.sequential(); // ${name.toUpperCase()}
${name}.add(tf.layers.dense({ units: 8, inputShape: [4] }));
for (let i = 0; i < 29; i++) ${name}.add(tf.layers.dense({ units: 8 }));
`;
    const src = HEAD + model('one') + model('two') + model('three');
    const r = analyse(src, { maxFileNodes: 40 });
    assert.deepEqual(
      r.report.models.map((m) => [m.name, m.layers.length]),
      [
        ['one', 31],
        ['two', 9],
      ],
    );
    limitNote(r.report.models[1].summary.assumptions, 'maxFileNodes', {
      valid: /nodes kept are complete and correctly wired/,
    });
    limitNote(r.report.notes, 'maxFileNodes', {
      line: lineOf(src, 'THREE'),
      valid: /the 2 reported are complete/,
    });
  });

  it('maxModels: models past the cap are not reported; the ones reported are complete', () => {
    const src = `${HEAD}const models = [];
for (let i = 0; i < 10; i++) models.push(tf.sequential({ layers: [tf.layers.dense({ units: 2 + i, inputShape: [2] })] })); // LOOP
`;
    const r = analyse(src, { maxModels: 3 });
    assert.equal(r.report.models.length, 3);
    limitNote(r.report.notes, 'maxModels', {
      line: lineOf(src, 'LOOP'),
      valid: /the 3 reported are complete/,
    });
  });

  it(`a model lists at most ${MAX_MODEL_NOTES} notes; the rest are counted in one note (a broken file makes thousands)`, () => {
    // 200 loops whose bounds are unknown, each adding to the model: 200 assumption notes about that one model
    const loops = Array.from(
      { length: 200 },
      (_, i) => `  for (let j = 0; j < opts.depth${i}; j++) m.add(tf.layers.dense({ units: 2 }));`,
    );
    const src = `${HEAD}export function build(opts) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [2] }));
${loops.join('\n')}
  return m;
}
`;
    const r = analyse(src);
    assert.equal(r.report.models.length, 1);
    const m = r.report.models[0];
    const notes = m.summary.assumptions;
    assert.equal(notes.filter((n) => n.kind === 'assumption').length, MAX_MODEL_NOTES);
    const more = notes.filter(
      (n) => n.kind === 'limit' && /more notes? about this model (was|were) left out/.test(n.message),
    );
    assert.equal(
      more.length,
      1,
      `the notes left out are counted once:\n${notes.map((n) => n.message).join('\n')}`,
    );
    assert.equal(Number(/Up to (\d+) more/.exec(more[0].message)?.[1]), 200 - MAX_MODEL_NOTES);
    assert.equal(denseCount(m), 1 + 200 * ASSUMED_LOOP_ITERATIONS, 'the model itself is complete');
  });

  it('simulateTimeMs: a simulation cut short says where it stopped and what it holds', () => {
    const g = mlp({ depth: 2000, width: 64 });
    const r = simulate(g, { timeBudgetMs: 20, width: 64, batch: 64 });
    assert.equal(r.partial, true);
    const note = r.notes.find((n) => /limit simulateTimeMs/.test(n)) ?? '';
    assert.match(
      note,
      /in the forward pass at layer \S+: the layers before it have forward statistics; no layer has gradients/,
    );
    const stopped = /at layer (\S+):/.exec(note)![1];
    const at = g.nodes.findIndex((n) => n.name === stopped);
    assert.ok(at >= 0 && at < g.nodes.length, stopped);
    for (const n of g.nodes.slice(0, at)) assert.ok((r.layers[n.id]?.fwdRms ?? 0) > 0, `${n.name} simulated`);
    for (const n of g.nodes.slice(at)) assert.equal(r.layers[n.id], undefined, `${n.name} not simulated`);
  });

  it("a file's simulation budget (fileBudgetMs): models past it are not simulated, each with a note on its span", () => {
    const src = `${HEAD}export const a = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
export const b = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
`;
    const r = analyse(src);
    attachSimulation(r.report, r.graphs, { profile: 'interactive', fileBudgetMs: 0 });
    assert.ok(r.report.models.every((m) => m.simulation === undefined));
    const notes = r.report.notes.filter((n) => n.kind === 'limit' && /simulateTimeMs/.test(n.message));
    assert.deepEqual(
      notes.map((n) => n.span?.start.line),
      r.report.models.map((m) => m.span.start.line),
    );
    assert.match(notes[0].message, /Its structural findings stand/);
    assert.ok(r.report.models.every((m) => m.findings !== undefined));
  });

  it('what-if variants share the model budget: the ones that do not fit are named as not simulated', () => {
    const g = mlp({ depth: 12, width: 32 });
    const skipped: string[] = [];
    assert.deepEqual(
      whatIfsForGraph(
        g,
        ['he-uniform', 'insert-layernorm'],
        { timeBudgetMs: 0, width: 32, batch: 16 },
        skipped,
      ),
      [],
    );
    assert.deepEqual(skipped, [WHAT_IF_LABELS['he-uniform'], WHAT_IF_LABELS['insert-layernorm']]);
    assert.equal(
      whatIfsForGraph(g, ['he-uniform'], { timeBudgetMs: 60_000, width: 32, batch: 16 }).length,
      1,
    );
  });

  it('maxSimWidth: a 1e9-unit layer is simulated at the capped width (never allocated), with a note', () => {
    const src = `${HEAD}export const m = tf.sequential();
m.add(tf.layers.dense({ units: 1e9, inputShape: [16], activation: 'relu', name: 'huge' }));
m.add(tf.layers.dense({ units: 4 }));
`;
    const r = analyse(src);
    attachSimulation(r.report, r.graphs, { profile: 'full' });
    const sim = r.report.models[0].simulation!;
    assert.equal(sim.partial, false);
    const note = sim.notes.find((n) => /limit maxSimWidth/.test(n)) ?? '';
    assert.match(
      note,
      /the widest huge with 1000000000: simulated at width 256 .* never allocated at full size/,
    );
    for (const l of r.report.models[0].layers)
      assert.ok(Number.isFinite(l.sim?.fwdRms), `${l.name} has finite statistics`);
  });

  it('a model.json with huge shapes (1e9 units, 1e5 x 1e5 images, 1e9-token vocabularies) is simulated without allocating them', () => {
    const layer = (class_name: string, config: object) => ({ class_name, config });
    const seq = (name: string, layers: object[]) => ({ class_name: 'Sequential', config: { name, layers } });
    const json = JSON.stringify({
      modelTopology: seq('outer', [
        layer('Dense', { name: 'wide', units: 1e9, batch_input_shape: [null, 1e9] }),
        layer('Dense', { name: 'back', units: 8 }),
      ]),
    });
    const conv = JSON.stringify({
      modelTopology: seq('conv', [
        layer('Conv2D', {
          name: 'c1',
          filters: 1e9,
          kernel_size: [3, 3],
          batch_input_shape: [null, 100000, 100000, 3],
        }),
        layer('GlobalAveragePooling2D', { name: 'gap' }),
        layer('Dense', { name: 'out', units: 10 }),
      ]),
    });
    const emb = JSON.stringify({
      modelTopology: seq('tokens', [
        layer('Embedding', { name: 'emb', input_dim: 1e9, output_dim: 1e9, batch_input_shape: [null, 1e9] }),
        layer('LSTM', { name: 'lstm', units: 1e9, return_sequences: false }),
        layer('Dense', { name: 'out', units: 2 }),
      ]),
    });
    for (const [name, text] of [
      ['wide.json', json],
      ['conv.json', conv],
      ['tokens.json', emb],
    ]) {
      const r = analyse(text, {}, `/x/${name}`);
      assert.equal(r.report.models.length, 1, name);
      attachSimulation(r.report, r.graphs, { profile: 'full' });
      const sim = r.report.models[0].simulation;
      assert.ok(sim && !sim.partial, `${name}: simulated (${sim?.notes.join('; ')})`);
      assert.ok(
        sim.notes.some((n) => /limit maxSimWidth/.test(n)),
        `${name}: ${sim.notes.join('; ')}`,
      );
      assert.ok(
        r.report.models[0].layers.every(
          (l) => l.sim === undefined || l.sim.fwdRms === null || Number.isFinite(l.sim.fwdRms),
        ),
        name,
      );
    }
  });
});

describe('hardening: unknown layer classes, opaque custom layers, zero widths, unknown shapes', function () {
  this.timeout(30_000);

  const simulated = (src: string, path = '/x/model.ts') => {
    const r = analyse(src, {}, path);
    attachSimulation(r.report, r.graphs, { profile: 'interactive' });
    return { r, m: r.report.models[0] };
  };
  const fwd = (m: ModelReport, name: string) => m.layers.find((l) => l.name === name)?.sim?.fwdRms ?? NaN;

  it('an unknown tf.layers factory is kept as its own class and simulated as the identity, with notes', () => {
    const { m } = simulated(`${HEAD}export const m = tf.sequential();
m.add(tf.layers.dense({ units: 32, inputShape: [16], name: 'before' }));
m.add(tf.layers.fancyNewLayer({ units: 8, name: 'fancy' })); // UNKNOWN
m.add(tf.layers.dense({ units: 4 }));
`);
    const note = m.summary.assumptions.find((n) => /fancyNewLayer/.test(n.message));
    assert.match(
      note?.message ?? '',
      /not a tfjs layer factory the analyser knows: kept as a layer of class FancyNewLayer .* the simulation treats it as the identity/,
    );
    assert.ok(
      m.simulation!.notes.some((n) => /FancyNewLayer is not simulated; treated as the identity/.test(n)),
    );
    assert.ok(Math.abs(fwd(m, 'fancy') / fwd(m, 'before') - 1) < 1e-6, 'identity: the same scale');
  });

  it('an unknown class in a model.json is an opaque layer without weights, simulated as the identity, with notes', () => {
    const json = JSON.stringify({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [
            { class_name: 'Dense', config: { name: 'before', units: 32, batch_input_shape: [null, 16] } },
            { class_name: 'FancyNewLayer', config: { name: 'fancy' } },
            { class_name: 'Dense', config: { name: 'after', units: 4 } },
          ],
        },
      },
    });
    const { m } = simulated(json, '/x/model.json');
    assert.ok(
      m.summary.assumptions.some((n) =>
        /'FancyNewLayer', which is not a built-in tfjs layer: treated as an opaque layer without weights/.test(
          n.message,
        ),
      ),
    );
    assert.ok(m.simulation!.notes.some((n) => /fancy: .*treated as the identity/.test(n)));
    assert.ok(Math.abs(fwd(m, 'fancy') / fwd(m, 'before') - 1) < 1e-6);
  });

  it('a custom layer whose call() cannot be followed is an opaque node, with notes', () => {
    const { m } = simulated(`${HEAD}class Opaque extends tf.layers.Layer {
  call(inputs) { return someLibrary.transform(inputs); }
  static get className() { return 'Opaque'; }
}
export const m = tf.sequential();
m.add(tf.layers.dense({ units: 32, inputShape: [16], name: 'before' }));
m.add(new Opaque({ name: 'opaque' }));
m.add(tf.layers.dense({ units: 4 }));
`);
    assert.ok(
      m.summary.assumptions.some((n) =>
        /Custom layer Opaque: call\(\) could not be followed statically .* treated as an opaque block/.test(
          n.message,
        ),
      ),
      m.summary.assumptions.map((n) => n.message).join('\n'),
    );
    assert.ok(
      m.simulation!.notes.some((n) =>
        /custom layer Opaque has no simulated body or weights; treated as the identity/.test(n),
      ),
    );
    assert.ok(Number.isFinite(fwd(m, 'opaque')));
  });

  for (const [units, what] of [
    [0, 'zero width \\(no units\\)'],
    [-1, 'an invalid width \\(-1 units\\)'],
  ] as const) {
    it(`a layer of ${units} units stops the simulation there, saying so; the layers before it are simulated`, () => {
      const { m } = simulated(`${HEAD}export const m = tf.sequential();
m.add(tf.layers.dense({ units: 32, inputShape: [16], name: 'before' }));
m.add(tf.layers.dense({ units: ${units}, name: 'empty' }));
m.add(tf.layers.dense({ units: 4, name: 'after' }));
`);
      const sim = m.simulation!;
      assert.equal(sim.partial, true);
      assert.ok(
        sim.notes.some((n) =>
          new RegExp(
            `empty has ${what}: nothing flows past it, so the simulation stops there: the layers before it have forward statistics`,
          ).test(n),
        ),
        sim.notes.join('\n'),
      );
      assert.ok(fwd(m, 'before') > 0);
      assert.equal(m.layers.find((l) => l.name === 'after')?.sim, undefined);
      assert.ok(!sim.notes.some((n) => /underflow/.test(n)), 'no float32 underflow claimed');
    });
  }

  it('unknown shapes: an input of unknown width is simulated at the width cap, with a note; shapes stay unknown, not NaN', () => {
    const { m } = simulated(`${HEAD}export function build(features) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, inputShape: [features] }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
`);
    assert.deepEqual(m.layers[0].outputShape, [null, null]);
    assert.ok(m.simulation!.notes.some((n) => /input width unknown; simulated at the width cap/.test(n)));
    assert.ok(m.layers.every((l) => Number.isFinite(l.sim?.fwdRms)));
  });
});
