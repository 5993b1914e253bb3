import { strict as assert } from 'node:assert';
import { embeddingBackward, embeddingForward } from '../../../../src/core/kernels/embedding';
import { assertClose, dot, fdGrad, randn } from './helpers';

describe('kernels/embedding', () => {
  const vocab = 7;
  const dim = 3;
  const table = randn(vocab * dim, 1);
  const ids = Int32Array.of(0, 3, 3, 6, 1);

  it('looks rows up', () => {
    const y = embeddingForward(ids, table, { vocab, dim });
    for (let t = 0; t < ids.length; t++) for (let c = 0; c < dim; c++) assert.equal(y[t * dim + c], table[ids[t] * dim + c]);
    assert.throws(() => embeddingForward(Int32Array.of(7), table, { vocab, dim }));
  });

  it('backward scatter-adds (repeated ids accumulate) and matches finite differences', () => {
    const dy = randn(ids.length * dim, 2);
    const g = embeddingBackward(ids, dy, { vocab, dim });
    const f = (v: Float64Array) => dot(dy, embeddingForward(ids, Float32Array.from(v), { vocab, dim }));
    assertClose(g, fdGrad(f, table, 1e-2), 1e-4, 0, 'dTable');
    assert.ok(Math.abs(g[3 * dim] - (dy[1 * dim] + dy[2 * dim])) < 1e-6);
  });
});
