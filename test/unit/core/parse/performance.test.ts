import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import { getTs } from '../../../../src/core/parse/tsLoader';

/** A generated model file of about `lines` lines: builders with loops, flat add chains, functional residual chains. */
export function generatedModelFile(lines: number): string {
  const out = ["import * as tf from '@tensorflow/tfjs';", ''];
  for (let k = 1; out.length < lines; k++) {
    out.push(`export function buildModel${k}(depth = 6, width = ${32 + (k % 4) * 16}) {`);
    out.push('  const model = tf.sequential();');
    out.push("  model.add(tf.layers.dense({ units: width, inputShape: [16], activation: 'relu' }));");
    out.push('  for (let i = 0; i < depth; i++) {');
    out.push(
      "    model.add(tf.layers.dense({ units: width, activation: 'relu', kernelInitializer: 'heNormal' }));",
    );
    out.push('    if (i % 2 === 1) model.add(tf.layers.layerNormalization());');
    out.push('  }');
    for (let j = 0; j < 20; j++)
      out.push(`  model.add(tf.layers.dense({ units: ${8 + j}, activation: 'tanh', name: 'd${k}_${j}' }));`);
    out.push('  model.add(tf.layers.dense({ units: 1 }));');
    out.push('  return model;');
    out.push('}');
    out.push(`const inp${k} = tf.input({ shape: [32] });`);
    out.push(`let x${k} = inp${k};`);
    for (let j = 0; j < 10; j++) {
      out.push(`const h${k}_${j} = tf.layers.dense({ units: 32, activation: 'relu' }).apply(x${k});`);
      out.push(`x${k} = tf.layers.add().apply([x${k}, h${k}_${j}]);`);
    }
    out.push(`export const functional${k} = tf.model({ inputs: inp${k}, outputs: x${k} });`);
  }
  return out.join('\n') + '\n';
}

function bestOf(n: number, f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('parse/source: performance', function () {
  this.timeout(120_000);

  it('parses a generated 5,000-line model file completely, in time linear in its size (relative to the TypeScript parse)', () => {
    getTs();
    const small = generatedModelFile(1250);
    const big = generatedModelFile(5000);
    // A cold first run on a loaded CI machine can exceed the default 3 s budget: this checks completeness.
    const r = parseSource('/x/gen.ts', big, { limits: { parseTimeMs: 60_000 } });
    const builders = (big.match(/export function buildModel/g) ?? []).length;
    assert.equal(r.graphs.length, 2 * builders);
    assert.ok(r.graphs.every((g) => g.nodes.length > 20));
    assert.equal(r.notes.filter((n) => n.kind === 'limit').length, 0);
    // Compare with TypeScript's own parse of the same text (measured alternately, so machine load cancels out).
    const ts = getTs();
    const tsParse = (text: string) => () =>
      void ts.createSourceFile('/x/t.ts', text, ts.ScriptTarget.Latest, true);
    const ratio = (text: string) => bestOf(5, () => parseSource('/x/t.ts', text)) / bestOf(5, tsParse(text));
    parseSource('/x/warm.ts', small);
    const rSmall = ratio(small);
    const rBig = ratio(big);
    // Linear: the ratio to TypeScript's (linear) parse stays flat as the file grows 4x; quadratic work would
    // multiply it by about 4. Generous bounds for loaded machines.
    assert.ok(
      rBig < 2.5 * rSmall + 0.5,
      `ratio to tsc parse: ${rSmall.toFixed(2)} at 1250 lines, ${rBig.toFixed(2)} at 5000 lines`,
    );
    assert.ok(rBig < 8, `5000 lines: ${rBig.toFixed(2)} x the TypeScript parse time`);
  });
});
