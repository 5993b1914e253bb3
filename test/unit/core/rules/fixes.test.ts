import { strict as assert } from 'node:assert';
import type { LayerNode } from '../../../../src/core/graph/types';
import { applyEdits, dedupeEdits, disableCommentEdit, freshName, quoteStyle, scanTopLevel, setConfigProperty } from '../../../../src/core/rules/fixes';
import { SourceText } from '../../../../src/core/rules/sourceText';

/** A node whose span is the first occurrence of `call` in `text`. */
function nodeAt(source: SourceText, call: string): LayerNode {
  const i = source.text.indexOf(call);
  assert.ok(i >= 0);
  return { id: 'n1', className: 'Dense', name: 'd', config: {}, written: {}, inputs: [], span: source.span(i, i + call.length) };
}

function setInit(text: string, call: string, value = "'heUniform'"): string {
  const s = new SourceText(text, 'a.ts');
  const e = setConfigProperty(nodeAt(s, call), s, 'kernelInitializer', value);
  assert.ok(e);
  return applyEdits(s, [e]);
}

describe('rules/fixes', () => {
  it('replaces a written kernelInitializer value of any shape', () => {
    assert.equal(setInit("L.dense({units: 4, kernelInitializer: 'glorotNormal'})", "L.dense({units: 4, kernelInitializer: 'glorotNormal'})"), "L.dense({units: 4, kernelInitializer: 'heUniform'})");
    const call = "tf.layers.dense({ kernelInitializer: tf.initializers.varianceScaling({ scale: 1, mode: 'fanAvg' }), units: 3 })";
    assert.equal(setInit(call, call), "tf.layers.dense({ kernelInitializer: 'heUniform', units: 3 })");
    assert.equal(setInit('dense({"kernelInitializer": INIT, units: 3})', 'dense({"kernelInitializer": INIT, units: 3})'), `dense({"kernelInitializer": 'heUniform', units: 3})`);
    assert.equal(setInit('dense({ units, kernelInitializer })', 'dense({ units, kernelInitializer })'), "dense({ units, kernelInitializer: 'heUniform' })");
  });

  it('adds the property inline, multi-line (trailing comma kept), to an empty object, or wraps a variable', () => {
    assert.equal(setInit('dense({units: 4})', 'dense({units: 4})'), "dense({units: 4, kernelInitializer: 'heUniform'})");
    assert.equal(setInit('dense({units: 4,})', 'dense({units: 4,})'), "dense({units: 4, kernelInitializer: 'heUniform'})");
    const multi = "dense({\n    units: 4,\n    activation: 'relu',\n  })";
    assert.equal(setInit(multi, multi), "dense({\n    units: 4,\n    activation: 'relu',\n    kernelInitializer: 'heUniform',\n  })");
    const multiNoComma = "dense({\n    units: 4\n  })";
    assert.equal(setInit(multiNoComma, multiNoComma), "dense({\n    units: 4,\n    kernelInitializer: 'heUniform'\n  })");
    assert.equal(setInit('dense({})', 'dense({})'), "dense({ kernelInitializer: 'heUniform' })");
    assert.equal(setInit('dense(cfg)', 'dense(cfg)'), "dense({ ...cfg, kernelInitializer: 'heUniform' })");
    // strings and nested braces inside the config do not confuse the scanner
    const tricky = "dense({name: 'a}b,c', units: f({x: 1}), activation: `re${'lu'}`})";
    assert.equal(setInit(tricky, tricky), "dense({name: 'a}b,c', units: f({x: 1}), activation: `re${'lu'}`, kernelInitializer: 'heUniform'})");
  });

  it('scans past strings, templates and comments', () => {
    const t = "a('x,y', `t${1, 2}`, /* , */ b), c";
    assert.equal(scanTopLevel(t, 0, ','), t.indexOf(', c'));
  });

  it('writes disable comments with the line indent, and picks the quote style and fresh names', () => {
    const s = new SourceText('function f() {\n    model.add(x);\n}\n', 'a.ts');
    const out = applyEdits(s, [disableCommentEdit(s, 1, 'deep-plain-stack')]);
    assert.equal(out, 'function f() {\n    // stability-lens-disable-next-line deep-plain-stack\n    model.add(x);\n}\n');
    const crlf = new SourceText('a;\r\n  b;\r\n', 'a.ts');
    assert.equal(applyEdits(crlf, [disableCommentEdit(crlf, 1, 'x-y')]), 'a;\r\n  // stability-lens-disable-next-line x-y\r\n  b;\r\n');
    assert.equal(quoteStyle('const a = "x"; const b = "y";'), '"');
    assert.equal(quoteStyle("const a = 'x';"), "'");
    assert.equal(freshName('const xNorm = 1; const xNorm2 = 2;', 'xNorm'), 'xNorm3');
    assert.equal(freshName('const y = 1;', 'xNorm'), 'xNorm');
  });

  it('rejects overlapping edits and drops duplicates', () => {
    const sp = (a: number, b: number) => ({ file: 'a.ts', start: { line: 0, character: a }, end: { line: 0, character: b } });
    assert.equal(dedupeEdits([{ span: sp(0, 5), newText: 'x' }, { span: sp(3, 8), newText: 'y' }]), undefined);
    assert.equal(dedupeEdits([{ span: sp(2, 2), newText: 'x' }, { span: sp(2, 2), newText: 'x' }])?.length, 1);
  });
});
