import { strict as assert } from 'node:assert';
import { importCandidates, isTfjsModule, joinRelative } from '../../../../src/core/parse/modules';

describe('parse/modules', () => {
  it('recognises the tfjs packages', () => {
    for (const m of [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-layers',
    ])
      assert.ok(isTfjsModule(m), m);
    for (const m of ['tensorflow', '@tensorflow/tfjsx', 'tfjs', './tfjs']) assert.ok(!isTfjsModule(m), m);
  });

  it('joins relative specifiers in the separator style of the importing file', () => {
    assert.equal(joinRelative('/p/src/a.ts', './b'), '/p/src/b');
    assert.equal(joinRelative('/p/src/a.ts', '../lib/./c'), '/p/lib/c');
    assert.equal(joinRelative('C:\\p\\src\\a.ts', '../lib/c'), 'C:\\p\\lib\\c');
  });

  it('lists ./x, ./x.ts, ./x.js -> .ts and ./x/index.ts candidates', () => {
    assert.deepEqual(importCandidates('/p/a.ts', './b.js').slice(0, 3), ['/p/b.ts', '/p/b.tsx', '/p/b.js']);
    assert.deepEqual(importCandidates('/p/a.ts', './b.ts'), ['/p/b.ts']);
    const c = importCandidates('/p/a.ts', './dir');
    assert.equal(c[0], '/p/dir.ts');
    assert.ok(c.includes('/p/dir/index.ts'));
    assert.ok(c.indexOf('/p/dir.js') < c.indexOf('/p/dir/index.ts'));
  });
});
