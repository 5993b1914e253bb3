// Stability Lens WebAssembly SIMD kernels (AssemblyScript, built by scripts/buildWasm.mjs into dist/kernels.wasm).
//
// No runtime, no allocator, no imports: every function takes byte offsets into the exported linear memory, which
// the JavaScript loader (src/core/kernels/wasm/index.ts) manages. Storage is row-major f32.
// Accumulation: f32x4 lanes with several independent accumulators per row (a 4..16-way split of every sum),
// horizontal sums and per-row scalars in f64; LayerNorm parameter gradients are summed in f32 over blocks of
// GRAD_BLOCK rows and then in f64. The tolerances versus a float64 reference are stated and checked in
// test/unit/core/kernels/wasmKernels.test.ts.

// ---------------------------------------------------------------------------------------------------------
// Layout helpers

/** First free byte after the module's static data: the loader places its pools above this. */
export function heapBase(): usize {
  return __heap_base;
}

/** Work bytes needed by matmul (packed panels of A and B plus one edge tile), independent of the sizes. */
export function matmulWorkBytes(): usize {
  return <usize>(MC * KC + KC * NC + MR * NR) * 4 + 64;
}

/** Work bytes needed by layerNormBackward for `cols` columns (f32 partial and f64 total parameter gradients). */
export function layerNormBackwardWorkBytes(cols: i32): usize {
  return <usize>cols * 24 + 128;
}

@inline function hsum(v: v128): f64 {
  return (
    <f64>f32x4.extract_lane(v, 0) +
    <f64>f32x4.extract_lane(v, 1) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3))
  );
}

// ---------------------------------------------------------------------------------------------------------
// LayerNorm forward: y = (x - mean) * rstd * gamma + beta over the last axis, variance in two passes.

/** Sum of one row (f32x4 x4 accumulators, f64 horizontal sum). */
@inline function rowSum(p: usize, cols: i32): f64 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const q = p + (<usize>c << 2);
    a0 = f32x4.add(a0, v128.load(q));
    a1 = f32x4.add(a1, v128.load(q, 16));
    a2 = f32x4.add(a2, v128.load(q, 32));
    a3 = f32x4.add(a3, v128.load(q, 48));
  }
  for (; c + 4 <= cols; c += 4) a0 = f32x4.add(a0, v128.load(p + (<usize>c << 2)));
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; c < cols; c++) s += <f64>load<f32>(p + (<usize>c << 2));
  return s;
}

/** Sum of (x - m)^2 over one row. */
@inline function rowSumSq(p: usize, cols: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const q = p + (<usize>c << 2);
    const d0 = f32x4.sub(v128.load(q), mv);
    const d1 = f32x4.sub(v128.load(q, 16), mv);
    const d2 = f32x4.sub(v128.load(q, 32), mv);
    const d3 = f32x4.sub(v128.load(q, 48), mv);
    a0 = f32x4.add(a0, f32x4.mul(d0, d0));
    a1 = f32x4.add(a1, f32x4.mul(d1, d1));
    a2 = f32x4.add(a2, f32x4.mul(d2, d2));
    a3 = f32x4.add(a3, f32x4.mul(d3, d3));
  }
  for (; c + 4 <= cols; c += 4) {
    const d = f32x4.sub(v128.load(p + (<usize>c << 2)), mv);
    a0 = f32x4.add(a0, f32x4.mul(d, d));
  }
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; c < cols; c++) {
    const d = <f64>load<f32>(p + (<usize>c << 2)) - <f64>m;
    s += d * d;
  }
  return s;
}

/** Float64 fallback for rows whose f32 sums overflow or underflow (|x| beyond ~1e19 or below ~1e-19). */
function rowMoments64(p: usize, cols: i32, out: usize): void {
  let s: f64 = 0;
  for (let c = 0; c < cols; c++) s += <f64>load<f32>(p + (<usize>c << 2));
  const m = s / <f64>cols;
  let ss: f64 = 0;
  for (let c = 0; c < cols; c++) {
    const d = <f64>load<f32>(p + (<usize>c << 2)) - m;
    ss += d * d;
  }
  store<f64>(out, m);
  store<f64>(out, ss / <f64>cols, 8);
}

/** y = (x - m) * rs * gamma + beta for one row; returns the sum of the row at `nx` (0 when nx == 0). */
@inline function rowOut(xp: usize, yp: usize, gamma: usize, beta: usize, cols: i32, m: f32, rs: f32, nx: usize): f64 {
  const mv = f32x4.splat(m);
  const rv = f32x4.splat(rs);
  let c = 0;
  let s = f32x4.splat(0);
  let s2 = s;
  if (nx) {
    // Software pipelining: the next row's first pass (its sum) runs here, so its loads from memory overlap
    // this row's arithmetic.
    for (; c + 8 <= cols; c += 8) {
      const o = <usize>c << 2;
      s = f32x4.add(s, v128.load(nx + o));
      s2 = f32x4.add(s2, v128.load(nx + o, 16));
      const xh0 = f32x4.mul(f32x4.sub(v128.load(xp + o), mv), rv);
      const xh1 = f32x4.mul(f32x4.sub(v128.load(xp + o, 16), mv), rv);
      v128.store(yp + o, f32x4.add(f32x4.mul(xh0, v128.load(gamma + o)), v128.load(beta + o)));
      v128.store(yp + o, f32x4.add(f32x4.mul(xh1, v128.load(gamma + o, 16)), v128.load(beta + o, 16)), 16);
    }
  } else {
    for (; c + 8 <= cols; c += 8) {
      const o = <usize>c << 2;
      const xh0 = f32x4.mul(f32x4.sub(v128.load(xp + o), mv), rv);
      const xh1 = f32x4.mul(f32x4.sub(v128.load(xp + o, 16), mv), rv);
      v128.store(yp + o, f32x4.add(f32x4.mul(xh0, v128.load(gamma + o)), v128.load(beta + o)));
      v128.store(yp + o, f32x4.add(f32x4.mul(xh1, v128.load(gamma + o, 16)), v128.load(beta + o, 16)), 16);
    }
  }
  let ns = hsum(f32x4.add(s, s2));
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const xh = (load<f32>(xp + o) - m) * rs;
    store<f32>(yp + o, xh * load<f32>(gamma + o) + load<f32>(beta + o));
    if (nx) ns += <f64>load<f32>(nx + o);
  }
  return ns;
}

/**
 * x, gamma, beta, y: f32 arrays (y may equal x); mean, rstd: f32[rows]; tmp: 16 scratch bytes.
 */
export function layerNormForward(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  cols: i32,
  epsilon: f64,
  tmp: usize,
): void {
  const rowBytes = <usize>cols << 2;
  // With y == x the next row's sum must be read before this row is overwritten: it is (row r+1 is untouched).
  let sum = rows > 0 ? rowSum(x, cols) : 0;
  const invN = 1.0 / <f64>cols;
  for (let r = 0; r < rows; r++) {
    const xp = x + <usize>r * rowBytes;
    const yp = y + <usize>r * rowBytes;
    let m64 = sum * invN;
    let m = <f32>m64;
    const ss = rowSumSq(xp, cols, m);
    let v64 = ss * invN;
    // f32 sqrt and division (correctly rounded): shorter latency on the per-row critical path than f64.
    let rs = <f32>1.0 / Mathf.sqrt(<f32>(v64 + epsilon));
    if (!isFinite(m64) || !isFinite(v64) || v64 < 1e-30) {
      rowMoments64(xp, cols, tmp);
      m64 = load<f64>(tmp);
      v64 = load<f64>(tmp, 8);
      m = <f32>m64;
      rs = <f32>(1.0 / Math.sqrt(v64 + epsilon));
    }
    store<f32>(mean + (<usize>r << 2), m);
    store<f32>(rstd + (<usize>r << 2), rs);
    sum = rowOut(xp, yp, gamma, beta, cols, m, rs, r + 1 < rows ? xp + rowBytes : 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// LayerNorm backward.
//   xhat = (x - mean) * rstd, g = dy * gamma
//   dx = rstd * (g - mean_c(g) - xhat * mean_c(g * xhat)),  dgamma = sum_r dy * xhat,  dbeta = sum_r dy

const GRAD_BLOCK = 16;

/**
 * Pass 1 of the backward pass for one row: adds dy * xhat to pg and dy to pb, returns sum(g) and sum(g * xhat)
 * (g = dy * gamma) in tmp[0], tmp[1] (f64).
 */
@inline function bwdPass1(dyp: usize, xp: usize, gamma: usize, pg: usize, pb: usize, cols: i32, m: f32, rs: f32, tmp: usize): void {
  const mv = f32x4.splat(m);
  const rv = f32x4.splat(rs);
  let s1a = f32x4.splat(0);
  let s1b = s1a;
  let s2a = s1a;
  let s2b = s1a;
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    const o = <usize>c << 2;
    const d0 = v128.load(dyp + o);
    const d1 = v128.load(dyp + o, 16);
    const h0 = f32x4.mul(f32x4.sub(v128.load(xp + o), mv), rv);
    const h1 = f32x4.mul(f32x4.sub(v128.load(xp + o, 16), mv), rv);
    v128.store(pg + o, f32x4.add(v128.load(pg + o), f32x4.mul(d0, h0)));
    v128.store(pg + o, f32x4.add(v128.load(pg + o, 16), f32x4.mul(d1, h1)), 16);
    v128.store(pb + o, f32x4.add(v128.load(pb + o), d0));
    v128.store(pb + o, f32x4.add(v128.load(pb + o, 16), d1), 16);
    const g0 = f32x4.mul(d0, v128.load(gamma + o));
    const g1 = f32x4.mul(d1, v128.load(gamma + o, 16));
    s1a = f32x4.add(s1a, g0);
    s1b = f32x4.add(s1b, g1);
    s2a = f32x4.add(s2a, f32x4.mul(g0, h0));
    s2b = f32x4.add(s2b, f32x4.mul(g1, h1));
  }
  let s1 = hsum(f32x4.add(s1a, s1b));
  let s2 = hsum(f32x4.add(s2a, s2b));
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const d = load<f32>(dyp + o);
    const h = (load<f32>(xp + o) - m) * rs;
    store<f32>(pg + o, load<f32>(pg + o) + d * h);
    store<f32>(pb + o, load<f32>(pb + o) + d);
    const g = d * load<f32>(gamma + o);
    s1 += <f64>g;
    s2 += <f64>g * <f64>h;
  }
  store<f64>(tmp, s1);
  store<f64>(tmp, s2, 8);
}

/**
 * Pass 2 for row r (dx = rstd * (dy * gamma - m1 - xhat * m2)), fused with pass 1 of the next row (software
 * pipelining: the next row's loads from memory overlap this row's arithmetic). Sums go to tmp like bwdPass1.
 */
@inline function bwdPass2Fused(
  dyp: usize,
  xp: usize,
  dxp: usize,
  gamma: usize,
  cols: i32,
  m: f32,
  rs: f32,
  m1: f32,
  m2: f32,
  ndy: usize,
  nx: usize,
  pg: usize,
  pb: usize,
  nm: f32,
  nrs: f32,
  tmp: usize,
): void {
  const mv = f32x4.splat(m);
  const rv = f32x4.splat(rs);
  const m1v = f32x4.splat(m1);
  const m2v = f32x4.splat(m2);
  const nmv = f32x4.splat(nm);
  const nrv = f32x4.splat(nrs);
  let s1 = f32x4.splat(0);
  let s2 = s1;
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    const gm = v128.load(gamma + o);
    // next row, pass 1
    const d = v128.load(ndy + o);
    const h = f32x4.mul(f32x4.sub(v128.load(nx + o), nmv), nrv);
    v128.store(pg + o, f32x4.add(v128.load(pg + o), f32x4.mul(d, h)));
    v128.store(pb + o, f32x4.add(v128.load(pb + o), d));
    const g = f32x4.mul(d, gm);
    s1 = f32x4.add(s1, g);
    s2 = f32x4.add(s2, f32x4.mul(g, h));
    // this row, pass 2
    const h0 = f32x4.mul(f32x4.sub(v128.load(xp + o), mv), rv);
    const g0 = f32x4.mul(v128.load(dyp + o), gm);
    v128.store(dxp + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(g0, m1v), f32x4.mul(h0, m2v))));
  }
  let t1 = hsum(s1);
  let t2 = hsum(s2);
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const gm = load<f32>(gamma + o);
    const d = load<f32>(ndy + o);
    const h = (load<f32>(nx + o) - nm) * nrs;
    store<f32>(pg + o, load<f32>(pg + o) + d * h);
    store<f32>(pb + o, load<f32>(pb + o) + d);
    const g = d * gm;
    t1 += <f64>g;
    t2 += <f64>g * <f64>h;
    const h0 = (load<f32>(xp + o) - m) * rs;
    store<f32>(dxp + o, rs * (load<f32>(dyp + o) * gm - m1 - h0 * m2));
  }
  store<f64>(tmp, t1);
  store<f64>(tmp, t2, 8);
}

@inline function bwdPass2(dyp: usize, xp: usize, dxp: usize, gamma: usize, cols: i32, m: f32, rs: f32, m1: f32, m2: f32): void {
  const mv = f32x4.splat(m);
  const rv = f32x4.splat(rs);
  const m1v = f32x4.splat(m1);
  const m2v = f32x4.splat(m2);
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    const h0 = f32x4.mul(f32x4.sub(v128.load(xp + o), mv), rv);
    const g0 = f32x4.mul(v128.load(dyp + o), v128.load(gamma + o));
    v128.store(dxp + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(g0, m1v), f32x4.mul(h0, m2v))));
  }
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const h0 = (load<f32>(xp + o) - m) * rs;
    store<f32>(dxp + o, rs * (load<f32>(dyp + o) * load<f32>(gamma + o) - m1 - h0 * m2));
  }
}

function flushGrads(pg: usize, pb: usize, tg: usize, tb: usize, cols: i32, colsPad: i32): void {
  for (let k = 0; k < cols; k++) {
    const o4 = <usize>k << 2;
    const o8 = <usize>k << 3;
    store<f64>(tg + o8, load<f64>(tg + o8) + <f64>load<f32>(pg + o4));
    store<f64>(tb + o8, load<f64>(tb + o8) + <f64>load<f32>(pb + o4));
  }
  memory.fill(pg, 0, <usize>colsPad << 3);
}

/**
 * work: layerNormBackwardWorkBytes(cols) bytes, 16-byte aligned. dx may equal dy.
 */
export function layerNormBackward(
  dy: usize,
  x: usize,
  gamma: usize,
  mean: usize,
  rstd: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  cols: i32,
  work: usize,
): void {
  const rowBytes = <usize>cols << 2;
  // work layout: tmp 16 B | pg f32[colsPad] | pb f32[colsPad] | tg f64[cols] | tb f64[cols]
  const colsPad = (cols + 3) & ~3;
  const tmp = work;
  const pg = work + 16;
  const pb = pg + (<usize>colsPad << 2);
  const tg = pb + (<usize>colsPad << 2);
  const tb = tg + (<usize>cols << 3);
  memory.fill(pg, 0, <usize>colsPad << 3);
  memory.fill(tg, 0, <usize>cols << 4);
  const invN = 1.0 / <f64>cols;
  if (rows > 0) bwdPass1(dy, x, gamma, pg, pb, cols, load<f32>(mean), load<f32>(rstd), tmp);
  let pending = 1;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const m = load<f32>(mean + (<usize>r << 2));
    const rs = load<f32>(rstd + (<usize>r << 2));
    const m1 = <f32>(load<f64>(tmp) * invN);
    const m2 = <f32>(load<f64>(tmp, 8) * invN);
    if (pending == GRAD_BLOCK) {
      flushGrads(pg, pb, tg, tb, cols, colsPad);
      pending = 0;
    }
    if (r + 1 < rows) {
      // dx may alias dy: row r of dx is written while row r+1 of dy is read: disjoint.
      bwdPass2Fused(
        dy + off,
        x + off,
        dx + off,
        gamma,
        cols,
        m,
        rs,
        m1,
        m2,
        dy + off + rowBytes,
        x + off + rowBytes,
        pg,
        pb,
        load<f32>(mean + (<usize>(r + 1) << 2)),
        load<f32>(rstd + (<usize>(r + 1) << 2)),
        tmp,
      );
      pending++;
    } else {
      bwdPass2(dy + off, x + off, dx + off, gamma, cols, m, rs, m1, m2);
    }
  }
  flushGrads(pg, pb, tg, tb, cols, colsPad);
  for (let k = 0; k < cols; k++) {
    store<f32>(dgamma + (<usize>k << 2), <f32>load<f64>(tg + (<usize>k << 3)));
    store<f32>(dbeta + (<usize>k << 2), <f32>load<f64>(tb + (<usize>k << 3)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Matmul: C = op(A) op(B) (or C += ...), op(A) m x k, op(B) k x n, general leading dimensions.
// GotoBLAS-style blocking: B is packed in KC x NC blocks of NR-column panels, A in MC x KC blocks of MR-row
// panels; a 4 x 8 register-blocked micro-kernel (8 f32x4 accumulators) runs over the panels.

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 1024;

/** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels: panel[p * MR + r]. Zero-pads the last panel. */
function packA(a: usize, lda: i32, transA: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rowsHere = min(MR, mc - i);
    const panel = dst + (<usize>i * <usize>kc << 2);
    if (transA) {
      // op(A)[ii][p] = A[p * lda + ii]: MR consecutive floats per p.
      if (rowsHere == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(panel + (<usize>p << 4), v128.load(a + ((<usize>(p0 + p) * <usize>lda + <usize>(i0 + i)) << 2)));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = a + ((<usize>(p0 + p) * <usize>lda + <usize>(i0 + i)) << 2);
          for (let r = 0; r < MR; r++) {
            store<f32>(panel + (<usize>(p * MR + r) << 2), r < rowsHere ? load<f32>(src + (<usize>r << 2)) : 0);
          }
        }
      }
    } else {
      for (let r = 0; r < MR; r++) {
        if (r < rowsHere) {
          const src = a + ((<usize>(i0 + i + r) * <usize>lda + <usize>p0) << 2);
          for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), 0);
        }
      }
    }
  }
}

/** Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels: panel[p * NR + c]. Zero-pads the last panel. */
function packB(b: usize, ldb: i32, transB: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const colsHere = min(NR, nc - j);
    const panel = dst + (<usize>j * <usize>kc << 2);
    if (!transB) {
      if (colsHere == NR) {
        for (let p = 0; p < kc; p++) {
          const src = b + ((<usize>(p0 + p) * <usize>ldb + <usize>(j0 + j)) << 2);
          const d = panel + (<usize>p << 5);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = b + ((<usize>(p0 + p) * <usize>ldb + <usize>(j0 + j)) << 2);
          for (let c = 0; c < NR; c++) {
            store<f32>(panel + (<usize>(p * NR + c) << 2), c < colsHere ? load<f32>(src + (<usize>c << 2)) : 0);
          }
        }
      }
    } else {
      // op(B)[p][jj] = B[jj * ldb + p]
      for (let c = 0; c < NR; c++) {
        if (c < colsHere) {
          const src = b + ((<usize>(j0 + j + c) * <usize>ldb + <usize>p0) << 2);
          for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), 0);
        }
      }
    }
  }
}

/** 4 x 8 micro-kernel: C[0..4][0..8] (=|+=) sum_p pa[p][0..4] (outer) pb[p][0..8]. ldc in bytes. */
@inline function micro(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, load: bool): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (load) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + ldcBytes);
    c11 = v128.load(c + ldcBytes, 16);
    c20 = v128.load(c + 2 * ldcBytes);
    c21 = v128.load(c + 2 * ldcBytes, 16);
    c30 = v128.load(c + 3 * ldcBytes);
    c31 = v128.load(c + 3 * ldcBytes, 16);
  } else {
    c00 = f32x4.splat(0);
    c01 = c00;
    c10 = c00;
    c11 = c00;
    c20 = c00;
    c21 = c00;
    c30 = c00;
    c31 = c00;
  }
  let ap = pa;
  let bp = pb;
  const end = pa + (<usize>kc << 4);
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldcBytes, c10);
  v128.store(c + ldcBytes, c11, 16);
  v128.store(c + 2 * ldcBytes, c20);
  v128.store(c + 2 * ldcBytes, c21, 16);
  v128.store(c + 3 * ldcBytes, c30);
  v128.store(c + 3 * ldcBytes, c31, 16);
}

/**
 * C (m x n, leading dimension ldc) = op(A) op(B), or += when accumulate != 0.
 * A is m x k (lda) or, with transA, stored k x m; B is k x n (ldb) or, with transB, stored n x k.
 * work: matmulWorkBytes() bytes, 16-byte aligned.
 */
export function matmul(
  transA: i32,
  transB: i32,
  accumulate: i32,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  const ldcBytes = <usize>ldc << 2;
  if (k == 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcBytes, 0, <usize>n << 2);
    return;
  }
  const pA = work;
  const pB = pA + (<usize>(MC * KC) << 2);
  const tile = pB + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const loadC = accumulate != 0 || pc > 0;
      packB(b, ldb, transB, pc, kc, jc, nc, pB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, lda, transA, ic, mc, pc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = pB + (<usize>jr * <usize>kc << 2);
          const nr = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = pA + (<usize>ir * <usize>kc << 2);
            const mr = min(MR, mc - ir);
            const cp = c + <usize>(ic + ir) * ldcBytes + (<usize>(jc + jr) << 2);
            if (mr == MR && nr == NR) {
              micro(kc, pa, pb, cp, ldcBytes, loadC);
            } else {
              micro(kc, pa, pb, tile, NR << 2, false);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) {
                  const dst = cp + <usize>r * ldcBytes + (<usize>q << 2);
                  const v = load<f32>(tile + (<usize>(r * NR + q) << 2));
                  store<f32>(dst, loadC ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
