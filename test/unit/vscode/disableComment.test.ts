import assert from 'node:assert/strict';
import { disableLineEdit } from '../../../src/vscode/disableComment';

describe('disable-for-this-line edit', () => {
  it('inserts a comment above the line with its indentation', () => {
    const e = disableLineEdit('f.ts', 'deep-plain-stack', 4, '    const model = tf.sequential();', '  // setup');
    assert.deepEqual(e.span.start, { line: 4, character: 0 });
    assert.deepEqual(e.span.end, { line: 4, character: 0 });
    assert.equal(e.newText, '    // stability-lens-disable-next-line deep-plain-stack\n');
  });

  it('adds the rule to an existing disable-next-line comment', () => {
    const prev = '  // stability-lens-disable-next-line post-ln-deep  ';
    const e = disableLineEdit('f.ts', 'deep-plain-stack', 3, '  x();', prev);
    assert.deepEqual(e.span.start, { line: 2, character: prev.trimEnd().length });
    assert.equal(e.newText, ' deep-plain-stack');
  });

  it('does nothing when the comment already names the rule', () => {
    const e = disableLineEdit('f.ts', 'a-rule', 1, 'x', '// stability-lens-disable-next-line a-rule');
    assert.equal(e.newText, '');
  });

  it('works on the first line', () => {
    const e = disableLineEdit('f.ts', 'r', 0, 'const m = 1;', undefined);
    assert.equal(e.newText, '// stability-lens-disable-next-line r\n');
  });
});
