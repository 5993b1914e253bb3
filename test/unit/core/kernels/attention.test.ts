import { strict as assert } from 'node:assert';
import { attentionBackward, attentionForward, type AttentionParams } from '../../../../src/core/kernels/attention';
import { assertClose, dot, fdGrad, randn } from './helpers';

/** Float64 reference: softmax(Q K^T * scale) V per sequence. */
function ref(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, p: AttentionParams): Float64Array {
  const { batch, seq, dim } = p;
  const scale = p.scale ?? 1 / Math.sqrt(dim);
  const out = new Float64Array(batch * seq * dim);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < seq; i++) {
      const s: number[] = [];
      for (let j = 0; j < seq; j++) {
        let d = 0;
        for (let c = 0; c < dim; c++) d += q[(b * seq + i) * dim + c] * k[(b * seq + j) * dim + c];
        s.push(p.causal && j > i ? -Infinity : d * scale);
      }
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, c) => a + c, 0);
      for (let j = 0; j < seq; j++) for (let c = 0; c < dim; c++) out[(b * seq + i) * dim + c] += (e[j] / z) * v[(b * seq + j) * dim + c];
    }
  return out;
}

describe('kernels/attention (scaled dot-product)', () => {
  for (const causal of [false, true]) {
    it(`forward matches the formula and backward matches finite differences (causal=${causal})`, () => {
      const p: AttentionParams = { batch: 2, seq: 4, dim: 3, causal };
      const n = p.batch * p.seq * p.dim;
      const q = randn(n, 1);
      const k = randn(n, 2);
      const v = randn(n, 3);
      const { out, probs } = attentionForward(q, k, v, p);
      assertClose(out, ref(q, k, v, p), 1e-5, 0, 'out');
      for (let r = 0; r < p.batch * p.seq; r++) {
        let s = 0;
        for (let j = 0; j < p.seq; j++) s += probs[r * p.seq + j];
        assert.ok(Math.abs(s - 1) < 1e-6);
      }
      const g = randn(n, 4);
      const grads = attentionBackward(g, q, k, v, probs, p);
      // float32 kernel vs float64 central differences (h = 1e-5): 1e-4 relative.
      assertClose(grads.dq, fdGrad((x) => dot(g, ref(x, k, v, p)), q), 1e-4, 0, 'dq');
      assertClose(grads.dk, fdGrad((x) => dot(g, ref(q, x, v, p)), k), 1e-4, 0, 'dk');
      assertClose(grads.dv, fdGrad((x) => dot(g, ref(q, k, x, p)), v), 1e-4, 0, 'dv');
    });
  }
});
