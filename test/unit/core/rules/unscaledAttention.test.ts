import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../../../src/core/analyze';
import { applyEdits } from '../../../../src/core/rules/fixes';
import { SourceText } from '../../../../src/core/rules/sourceText';
import { buildVariant } from '../../../../src/core/simulate/whatIf';

const file = path.join(__dirname, '../../../fixtures/rules/attentionUnscaled.ts');
const text = fs.readFileSync(file, 'utf8');
const rule = 'unscaled-attention';
const findingsOf = (src: string, thresholds?: { [k: string]: number }) =>
  analyzeText(file, src, { thresholds }).report.models.flatMap((m) => m.findings).filter((f) => f.ruleId === rule);

describe('rules: unscaled-attention', () => {
  it('flags q·k scores that go straight into a softmax, with d_k and the 1/sqrt(d_k) factor', () => {
    const [f, ...rest] = findingsOf(text);
    assert.ok(f, 'finding');
    assert.equal(rest.length, 0, 'one finding per model');
    assert.equal(f.severity, 'warning');
    assert.equal(f.data?.scores, 2, 'one score Dot per attention block (the context Dot is not a score)');
    assert.equal(f.data?.keyDim, 64);
    assert.ok(Math.abs((f.data?.scale as number) - 0.125) < 1e-12);
    assert.match(f.message, /d_k = 64/);
    assert.equal(f.related.length, 1, 'both Dots come from the same line of the helper: one related location');
    assert.equal(f.span.start.line, 9, 'the span starts at the score Dot (0-based line 9)');
  });

  it('the quick fix inserts tf.layers.rescaling({ scale: 1 / Math.sqrt(64) }) and the finding is gone', () => {
    const [f] = findingsOf(text);
    const fix = f.fixes.find((x) => x.isPreferred)!;
    assert.equal(fix.whatIf, 'scale-attention');
    const out = applyEdits(new SourceText(text, file), fix.edits);
    assert.match(out, /tf\.layers\.rescaling\(\{ scale: 1 \/ Math\.sqrt\(64\) \}\)\.apply\(tf\.layers\.dot\(\{ axes: -1 \}\)\.apply\(\[q, k\]\)\) as tf\.SymbolicTensor;/);
    const after = analyzeText(file, out);
    assert.deepEqual(after.report.notes.filter((n) => n.kind === 'syntax'), []);
    assert.deepEqual(findingsOf(out), []);
    // The model still has its two attention blocks, now with a Rescaling each.
    assert.equal(after.report.models[0].layers.filter((l) => l.className === 'Rescaling').length, 2);
  });

  it('does not flag scaled scores, normalized (cosine) dots, or key widths under the threshold', () => {
    const scaled = text.replace(
      'const weights = tf.layers.softmax().apply(scores)',
      'const weights = tf.layers.softmax().apply(tf.layers.rescaling({ scale: 0.125 }).apply(scores))',
    );
    assert.deepEqual(findingsOf(scaled), []);
    assert.deepEqual(findingsOf(text.replace('dot({ axes: -1 })', 'dot({ axes: -1, normalize: true })')), []);
    assert.deepEqual(findingsOf(text, { 'unscaledAttention.minKeyDim': 65 }), []);
    assert.deepEqual(findingsOf(text.replace('const D = 64;', 'const D = 8;')), []);
  });

  it('does not flag Luong-style dot attention between recurrent or tanh-bounded states; does flag linear projections', () => {
    const src = (enc: string, dec: string) => `import * as tf from '@tensorflow/tfjs';
const src = tf.input({ shape: [12, 32] });
const tgt = tf.input({ shape: [10, 32] });
const encOut = ${enc}.apply(src) as tf.SymbolicTensor;
const decOut = ${dec}.apply(tgt) as tf.SymbolicTensor;
const scores = tf.layers.dot({ axes: [2, 2] }).apply([decOut, encOut]) as tf.SymbolicTensor;
const weights = tf.layers.activation({ activation: 'softmax' }).apply(scores) as tf.SymbolicTensor;
const context = tf.layers.dot({ axes: [2, 1] }).apply([weights, encOut]) as tf.SymbolicTensor;
export const model = tf.model({ inputs: [src, tgt], outputs: context });
`;
    const lstm = "tf.layers.lstm({ units: 64, returnSequences: true })";
    assert.deepEqual(findingsOf(src(lstm, lstm)), [], 'LSTM states');
    const tanh = "tf.layers.dense({ units: 64, activation: 'tanh' })";
    assert.deepEqual(findingsOf(src(tanh, tanh)), [], 'tanh projections');
    const linear = 'tf.layers.dense({ units: 64 })';
    const [f] = findingsOf(src(linear, linear));
    assert.ok(f, 'linear projections are the transformer case');
    assert.equal(f.data?.keyDim, 64);
  });

  it('the what-if variant puts a Rescaling(1/sqrt(d_k)) between each score Dot and its softmax', () => {
    const { graphs } = analyzeText(file, text);
    const v = buildVariant(graphs[0], 'scale-attention')!;
    const scalers = v.nodes.filter((n) => n.className === 'Rescaling');
    assert.equal(scalers.length, 2);
    for (const s of scalers) {
      assert.ok(Math.abs((s.config.scale as number) - 0.125) < 1e-12);
      const softmax = v.nodes.find((n) => n.inputs.includes(s.id))!;
      assert.equal(softmax.className, 'Softmax');
      assert.equal(v.nodes.find((n) => n.id === s.inputs[0])!.className, 'Dot');
    }
  });
});
