import assert from 'node:assert/strict';
import { applyEdits, fixToHunks } from '../../../../src/core/report/diff';
import type { Fix } from '../../../../src/core/rules/types';

const sp = (l0: number, c0: number, l1: number, c1: number) => ({ file: 'a.ts', start: { line: l0, character: c0 }, end: { line: l1, character: c1 } });
const source = ['import * as tf from "@tensorflow/tfjs";', 'const m = tf.sequential();', 'for (let i = 0; i < 47; i++) {', "  m.add(tf.layers.dense({units: 256, activation: 'relu'}));", '}', 'm.add(tf.layers.dense({units: 10}));', ''].join('\n');

describe('report diff', () => {
  it('applies edits in any order', () => {
    const out = applyEdits('abc\ndef', [
      { span: sp(1, 0, 1, 1), newText: 'D' },
      { span: sp(0, 1, 0, 2), newText: 'BB' },
    ]);
    assert.equal(out, 'aBBc\nDef');
  });

  it('an insertion after a line: one added line between context', () => {
    const fix: Fix = { title: 'ln', edits: [{ span: sp(3, 60, 3, 60), newText: '\n  m.add(tf.layers.layerNormalization());' }] };
    const [h] = fixToHunks(fix, source);
    assert.equal(h.oldStart, 2);
    assert.deepEqual(
      h.lines.map((l) => `${l.kind[0]}${l.line} ${l.text}`),
      ['c2 const m = tf.sequential();', 'c3 for (let i = 0; i < 47; i++) {', "c4   m.add(tf.layers.dense({units: 256, activation: 'relu'}));", 'a5   m.add(tf.layers.layerNormalization());', 'c5 }', 'c6 m.add(tf.layers.dense({units: 10}));'],
    );
  });

  it('a replacement inside a line: the old line removed, the new one added', () => {
    const c0 = source.split('\n')[3].indexOf("activation: 'relu'");
    const fix: Fix = { title: 'he', edits: [{ span: sp(3, c0, 3, c0 + 18), newText: "activation: 'relu', kernelInitializer: 'heUniform'" }] };
    const [h] = fixToHunks(fix, source, 1);
    assert.deepEqual(
      h.lines.map((l) => l.kind),
      ['context', 'del', 'add', 'context'],
    );
    assert.equal(h.lines[2].text, "  m.add(tf.layers.dense({units: 256, activation: 'relu', kernelInitializer: 'heUniform'}));");
  });

  it('edits close together share a hunk; far apart ones do not', () => {
    const near: Fix = { title: 'x', edits: [{ span: sp(1, 0, 1, 5), newText: 'let' }, { span: sp(3, 2, 3, 3), newText: 'M' }] };
    assert.equal(fixToHunks(near, source).length, 1);
    const far: Fix = { title: 'x', edits: [{ span: sp(0, 0, 0, 0), newText: '// a\n' }, { span: sp(6, 0, 6, 0), newText: '// b' }] };
    assert.equal(fixToHunks(far, source, 1).length, 2);
  });

  it('without the source: the inserted lines and where', () => {
    const fix: Fix = { title: 'ln', edits: [{ span: sp(3, 60, 3, 60), newText: '\n  m.add(tf.layers.layerNormalization());' }] };
    assert.deepEqual(fixToHunks(fix), [{ oldStart: 4, lines: [{ kind: 'add', line: 4, text: '  m.add(tf.layers.layerNormalization());' }] }]);
    // A replacement or a removal says which text it touches.
    const rep: Fix = { title: 'r', edits: [{ span: sp(3, 38, 3, 56), newText: 'x' }, { span: sp(5, 0, 5, 10), newText: '' }] };
    const [a, b] = fixToHunks(rep);
    assert.equal(a.note, 'replaces line 4, columns 39–56');
    assert.deepEqual(b, { oldStart: 6, lines: [], note: 'removes line 6, columns 1–10' });
  });
});
