import { strict as assert } from 'node:assert';
import { concatBackward, concatForward, mergeBackward, mergeForward, type ElementwiseMerge } from '../../../../src/core/kernels/merge';
import { assertClose, dot, fdGrad, randn } from './helpers';

function ref(kind: ElementwiseMerge, xs: ArrayLike<number>[], i: number): number {
  const v = xs.map((x) => x[i]);
  switch (kind) {
    case 'add':
      return v.reduce((a, b) => a + b, 0);
    case 'average':
      return v.reduce((a, b) => a + b, 0) / v.length;
    case 'multiply':
      return v.reduce((a, b) => a * b, 1);
    case 'maximum':
      return Math.max(...v);
    case 'minimum':
      return Math.min(...v);
  }
}

describe('kernels/merge', () => {
  const n = 40;
  const xs = [randn(n, 1), randn(n, 2), randn(n, 3)];
  const dy = randn(n, 4);
  for (const kind of ['add', 'average', 'multiply', 'maximum', 'minimum'] as ElementwiseMerge[]) {
    it(`${kind}: forward and finite-difference backward`, () => {
      const y = mergeForward(kind, xs);
      assertClose(y, Array.from({ length: n }, (_, i) => ref(kind, xs, i)), 1e-6, 0, 'y');
      const dx = mergeBackward(kind, xs, dy);
      for (let j = 0; j < xs.length; j++) {
        const f = (v: Float64Array) => {
          const args = xs.map((x, q) => (q === j ? v : x));
          let s = 0;
          for (let i = 0; i < n; i++) s += dy[i] * ref(kind, args, i);
          return s;
        };
        // Random inputs have no ties, so max/min are differentiable here; 1e-5 relative.
        assertClose(dx[j], fdGrad(f, xs[j], 1e-6), 1e-5, 1e-7, `${kind} dx${j}`);
      }
    });
  }

  it('concatenate joins rows along the last axis and splits the gradient back', () => {
    const rows = 3;
    const a = randn(rows * 2, 5);
    const b = randn(rows * 4, 6);
    const y = concatForward([a, b], [2, 4], rows);
    assert.equal(y.length, rows * 6);
    for (let r = 0; r < rows; r++) {
      assert.equal(y[r * 6 + 1], a[r * 2 + 1]);
      assert.equal(y[r * 6 + 2], b[r * 4]);
    }
    const g = randn(rows * 6, 7);
    const [da, db] = concatBackward(g, [2, 4], rows);
    const fa = fdGrad((v) => dot(g, concatForward([Float32Array.from(v), b], [2, 4], rows)), a, 1e-2);
    const fb = fdGrad((v) => dot(g, concatForward([a, Float32Array.from(v)], [2, 4], rows)), b, 1e-2);
    assertClose(da, fa, 1e-4, 0, 'da');
    assertClose(db, fb, 1e-4, 0, 'db');
  });
});
