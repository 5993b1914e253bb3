/**
 * Scaled dot-product attention as tfjs models build it from dense/dot/softmax pieces: per sequence,
 * S = Q K^T * scale (scale defaults to 1/sqrt(dim)), P = softmax(S) over keys, O = P V.
 * Q, K, V are batch x seq x dim (row-major); P is batch x seq x seq (kept for the backward pass).
 */
import { matmul } from './matmul';
import type { MatmulParams } from './types';

export interface AttentionParams {
  batch: number;
  seq: number;
  dim: number;
  /** Defaults to 1/sqrt(dim). */
  scale?: number;
  /** Mask future keys (decoder self-attention). */
  causal?: boolean;
}

export interface AttentionGrads {
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

type Matmul = (a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array) => Float32Array;

export function attentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  p: AttentionParams,
  out?: Float32Array,
  probs?: Float32Array,
  mm: Matmul = matmul,
): { out: Float32Array; probs: Float32Array } {
  const { batch, seq, dim } = p;
  const scale = p.scale ?? 1 / Math.sqrt(dim);
  const o = out ?? new Float32Array(batch * seq * dim);
  const P = probs ?? new Float32Array(batch * seq * seq);
  for (let b = 0; b < batch; b++) {
    const xo = b * seq * dim;
    const po = b * seq * seq;
    const pv = P.subarray(po, po + seq * seq);
    mm(q.subarray(xo, xo + seq * dim), k.subarray(xo, xo + seq * dim), { m: seq, k: dim, n: seq, transB: true }, pv);
    for (let i = 0; i < seq; i++) {
      const r = i * seq;
      const last = p.causal ? i : seq - 1;
      let mx = -Infinity;
      for (let j = 0; j <= last; j++) {
        const s = pv[r + j] * scale;
        pv[r + j] = s;
        if (s > mx) mx = s;
      }
      let sum = 0;
      for (let j = 0; j <= last; j++) sum += Math.exp(pv[r + j] - mx);
      const inv = 1 / sum;
      for (let j = 0; j < seq; j++) pv[r + j] = j <= last ? Math.exp(pv[r + j] - mx) * inv : 0;
    }
    mm(pv, v.subarray(xo, xo + seq * dim), { m: seq, k: seq, n: dim }, o.subarray(xo, xo + seq * dim));
  }
  return { out: o, probs: P };
}

export function attentionBackward(
  dOut: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  p: AttentionParams,
  out?: Partial<AttentionGrads>,
  mm: Matmul = matmul,
): AttentionGrads {
  const { batch, seq, dim } = p;
  const scale = p.scale ?? 1 / Math.sqrt(dim);
  const dq = out?.dq ?? new Float32Array(batch * seq * dim);
  const dk = out?.dk ?? new Float32Array(batch * seq * dim);
  const dv = out?.dv ?? new Float32Array(batch * seq * dim);
  const dS = new Float32Array(seq * seq);
  for (let b = 0; b < batch; b++) {
    const xo = b * seq * dim;
    const po = b * seq * seq;
    const P = probs.subarray(po, po + seq * seq);
    const dO = dOut.subarray(xo, xo + seq * dim);
    // dV = P^T dO
    mm(P, dO, { m: seq, k: seq, n: dim, transA: true }, dv.subarray(xo, xo + seq * dim));
    // dP = dO V^T, then dS = P * (dP - rowsum(dP * P)) * scale
    mm(dO, v.subarray(xo, xo + seq * dim), { m: seq, k: dim, n: seq, transB: true }, dS);
    for (let i = 0; i < seq; i++) {
      const r = i * seq;
      let s = 0;
      for (let j = 0; j < seq; j++) s += dS[r + j] * P[r + j];
      for (let j = 0; j < seq; j++) dS[r + j] = P[r + j] * (dS[r + j] - s) * scale;
    }
    // dQ = dS K, dK = dS^T Q
    mm(dS, k.subarray(xo, xo + seq * dim), { m: seq, k: seq, n: dim }, dq.subarray(xo, xo + seq * dim));
    mm(dS, q.subarray(xo, xo + seq * dim), { m: seq, k: seq, n: dim, transA: true }, dk.subarray(xo, xo + seq * dim));
  }
  return { dq, dk, dv };
}
