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
  return (<usize>MAX_BLOCK_ROWS << 4) + <usize>cols * 24 + 64;
}

/** Zeroes `bytes` bytes at p (bulk memory: far faster than a typed-array fill on the shared buffer). */
export function zero(p: usize, bytes: usize): void {
  memory.fill(p, 0, bytes);
}

/** Copies `bytes` bytes from src to dst (regions may overlap). */
export function copy(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
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

/**
 * Stores a row's mean and rstd (f32, at mp and rp) from its f64 mean and variance, or from rowMoments64 when
 * those left float32's range. The stored values are the ones the output pass uses.
 */
@inline function storeRowStats(xp: usize, cols: i32, m64: f64, v64: f64, epsilon: f64, tmp: usize, mp: usize, rp: usize): void {
  let m = <f32>m64;
  // f32 sqrt and division (correctly rounded): shorter latency on the per-row critical path than f64.
  let rs = <f32>1.0 / Mathf.sqrt(<f32>(v64 + epsilon));
  if (!isFinite(m64) || !isFinite(v64) || v64 < 1e-30) {
    rowMoments64(xp, cols, tmp);
    m = <f32>load<f64>(tmp);
    rs = <f32>(1.0 / Math.sqrt(load<f64>(tmp, 8) + epsilon));
  }
  store<f32>(mp, m);
  store<f32>(rp, rs);
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

// Short rows (at most PAIR_COLS columns): the per-row chain sum -> mean -> sum of squares -> rstd -> output is
// mostly latency, so two rows go through it side by side. Measured in interleaved runs in one process: 1.25x at
// [256,64] and [65536,64], 1.28x at [64,17]; at 128 columns and more it was slower from memory (0.65x at
// [65536,128]), so wider rows keep the one-row path.
const PAIR_COLS = 64;

/** Sums of (x - m)^2 over two rows at once (two independent chains for short rows). */
@inline function rowSumSq2(p: usize, q: usize, cols: i32, m0: f32, m1: f32, out: usize): void {
  const mv0 = f32x4.splat(m0);
  const mv1 = f32x4.splat(m1);
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let b0 = a0;
  let b1 = a0;
  let c = 0;
  for (; c + 8 <= cols; c += 8) {
    const o = <usize>c << 2;
    const d0 = f32x4.sub(v128.load(p + o), mv0);
    const d1 = f32x4.sub(v128.load(p + o, 16), mv0);
    const e0 = f32x4.sub(v128.load(q + o), mv1);
    const e1 = f32x4.sub(v128.load(q + o, 16), mv1);
    a0 = f32x4.add(a0, f32x4.mul(d0, d0));
    a1 = f32x4.add(a1, f32x4.mul(d1, d1));
    b0 = f32x4.add(b0, f32x4.mul(e0, e0));
    b1 = f32x4.add(b1, f32x4.mul(e1, e1));
  }
  let s = hsum(f32x4.add(a0, a1));
  let t = hsum(f32x4.add(b0, b1));
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const d = <f64>load<f32>(p + o) - <f64>m0;
    const e = <f64>load<f32>(q + o) - <f64>m1;
    s += d * d;
    t += e * e;
  }
  store<f64>(out, s);
  store<f64>(out, t, 8);
}

/** rowOut for two rows, summing the two rows after them (nx, nx + rowBytes) when nx != 0 into out[0..1]. */
@inline function rowOut2(xp: usize, yp: usize, rowBytes: usize, gamma: usize, beta: usize, cols: i32, m0: f32, rs0: f32, m1: f32, rs1: f32, nx: usize, out: usize): void {
  const mv0 = f32x4.splat(m0);
  const rv0 = f32x4.splat(rs0);
  const mv1 = f32x4.splat(m1);
  const rv1 = f32x4.splat(rs1);
  const xq = xp + rowBytes;
  const yq = yp + rowBytes;
  const nq = nx + rowBytes;
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let c = 0;
  if (nx) {
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      s0 = f32x4.add(s0, v128.load(nx + o));
      s1 = f32x4.add(s1, v128.load(nq + o));
      const g = v128.load(gamma + o);
      const b = v128.load(beta + o);
      v128.store(yp + o, f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xp + o), mv0), rv0), g), b));
      v128.store(yq + o, f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xq + o), mv1), rv1), g), b));
    }
  } else {
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      const g = v128.load(gamma + o);
      const b = v128.load(beta + o);
      v128.store(yp + o, f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xp + o), mv0), rv0), g), b));
      v128.store(yq + o, f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xq + o), mv1), rv1), g), b));
    }
  }
  let t0 = hsum(s0);
  let t1 = hsum(s1);
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const g = load<f32>(gamma + o);
    const b = load<f32>(beta + o);
    store<f32>(yp + o, (load<f32>(xp + o) - m0) * rs0 * g + b);
    store<f32>(yq + o, (load<f32>(xq + o) - m1) * rs1 * g + b);
    if (nx) {
      t0 += <f64>load<f32>(nx + o);
      t1 += <f64>load<f32>(nq + o);
    }
  }
  store<f64>(out, t0);
  store<f64>(out, t1, 8);
}

function layerNormForwardPairs(x: usize, gamma: usize, beta: usize, y: usize, mean: usize, rstd: usize, rows: i32, cols: i32, epsilon: f64, tmp: usize): void {
  const rowBytes = <usize>cols << 2;
  const invN = 1.0 / <f64>cols;
  // tmp: [0,16) rowMoments64, [16,32) the pair's sums, [32,48) the pair's sums of squares
  if (rows > 0) store<f64>(tmp, rowSum(x, cols), 16);
  if (rows > 1) store<f64>(tmp, rowSum(x + rowBytes, cols), 24);
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const xp = x + <usize>r * rowBytes;
    const yp = y + <usize>r * rowBytes;
    const m064 = load<f64>(tmp, 16) * invN;
    const m164 = load<f64>(tmp, 24) * invN;
    rowSumSq2(xp, xp + rowBytes, cols, <f32>m064, <f32>m164, tmp + 32);
    const mp = mean + (<usize>r << 2);
    const rp = rstd + (<usize>r << 2);
    storeRowStats(xp, cols, m064, load<f64>(tmp, 32) * invN, epsilon, tmp, mp, rp);
    storeRowStats(xp + rowBytes, cols, m164, load<f64>(tmp, 40) * invN, epsilon, tmp, mp + 4, rp + 4);
    const m0 = load<f32>(mp);
    const rs0 = load<f32>(rp);
    const m1 = load<f32>(mp, 4);
    const rs1 = load<f32>(rp, 4);
    // With y == x the next pair's sums are read before the pair is overwritten (rows r+2, r+3 untouched).
    const pairAhead = r + 3 < rows;
    rowOut2(xp, yp, rowBytes, gamma, beta, cols, m0, rs0, m1, rs1, pairAhead ? xp + (rowBytes << 1) : 0, tmp + 16);
    if (!pairAhead && r + 2 < rows) store<f64>(tmp, rowSum(xp + (rowBytes << 1), cols), 16);
  }
  if (r < rows) {
    const xp = x + <usize>r * rowBytes;
    const m64 = load<f64>(tmp, 16) * invN;
    const mp = mean + (<usize>r << 2);
    const rp = rstd + (<usize>r << 2);
    storeRowStats(xp, cols, m64, rowSumSq(xp, cols, <f32>m64) * invN, epsilon, tmp, mp, rp);
    rowOut(xp, y + <usize>r * rowBytes, gamma, beta, cols, load<f32>(mp), load<f32>(rp), 0);
  }
}

/**
 * x, gamma, beta, y: f32 arrays (y may equal x); mean, rstd: f32[rows]; tmp: 48 scratch bytes.
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
  if (cols <= PAIR_COLS) {
    layerNormForwardPairs(x, gamma, beta, y, mean, rstd, rows, cols, epsilon, tmp);
    return;
  }
  const rowBytes = <usize>cols << 2;
  // With y == x the next row's sum must be read before this row is overwritten: it is (row r+1 is untouched).
  let sum = rows > 0 ? rowSum(x, cols) : 0;
  const invN = 1.0 / <f64>cols;
  for (let r = 0; r < rows; r++) {
    const xp = x + <usize>r * rowBytes;
    const yp = y + <usize>r * rowBytes;
    const m64 = sum * invN;
    const mp = mean + (<usize>r << 2);
    const rp = rstd + (<usize>r << 2);
    storeRowStats(xp, cols, m64, rowSumSq(xp, cols, <f32>m64) * invN, epsilon, tmp, mp, rp);
    const m = load<f32>(mp);
    const rs = load<f32>(rp);
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

/**
 * Rows are processed in blocks of blockRows(cols) rows (about BLOCK_BYTES of x and dy): pass 1 streams the
 * block's rows from memory (light arithmetic, so the loads run at memory speed), then pass 2 reads them again
 * from cache and writes dx. Measured at [4096,768], [1024,1024] and [256,64] against a software-pipelined
 * loop (pass 2 of row r fused with pass 1 of row r+1) and two-rows-per-step variants: 1.3x, 1.3x and 2.4x faster
 * (interleaved runs in one process). Block sums go to tmp (two f64 per row).
 */
const BLOCK_BYTES = 2 << 20;
const MAX_BLOCK_ROWS = 512;

@inline function blockRows(cols: i32): i32 {
  return <i32>min(<usize>MAX_BLOCK_ROWS, max(<usize>2, <usize>BLOCK_BYTES / (<usize>max(cols, 1) << 3)));
}

function flushGrads(pg: usize, pb: usize, tg: usize, tb: usize, cols: i32, colsPad: i32): void {
  // tg += f64(pg), tb += f64(pb): four columns at a time (exact promotions, the same f64 adds per column).
  let k = 0;
  for (; k + 4 <= cols; k += 4) {
    const o4 = <usize>k << 2;
    const o8 = <usize>k << 3;
    const g = v128.load(pg + o4);
    const b = v128.load(pb + o4);
    v128.store(tg + o8, f64x2.add(v128.load(tg + o8), f64x2.promote_low_f32x4(g)));
    v128.store(tg + o8, f64x2.add(v128.load(tg + o8, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1))), 16);
    v128.store(tb + o8, f64x2.add(v128.load(tb + o8), f64x2.promote_low_f32x4(b)));
    v128.store(tb + o8, f64x2.add(v128.load(tb + o8, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 0, 1))), 16);
  }
  for (; k < cols; k++) {
    const o4 = <usize>k << 2;
    const o8 = <usize>k << 3;
    store<f64>(tg + o8, load<f64>(tg + o8) + <f64>load<f32>(pg + o4));
    store<f64>(tb + o8, load<f64>(tb + o8) + <f64>load<f32>(pb + o4));
  }
  memory.fill(pg, 0, <usize>colsPad << 3);
}

/**
 * work: layerNormBackwardWorkBytes(cols) bytes, 16-byte aligned. dx may equal dy (pass 2 reads each dy value
 * before it writes the dx value at the same place; pass 1 of a block finishes before its pass 2 starts).
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
  const rb = blockRows(cols);
  // work layout: tmp f64[2 * MAX_BLOCK_ROWS] | pg f32[colsPad] | pb f32[colsPad] | tg f64[cols] | tb f64[cols]
  const colsPad = (cols + 3) & ~3;
  const tmp = work;
  const pg = work + (<usize>MAX_BLOCK_ROWS << 4);
  const pb = pg + (<usize>colsPad << 2);
  const tg = pb + (<usize>colsPad << 2);
  const tb = tg + (<usize>cols << 3);
  memory.fill(pg, 0, <usize>colsPad << 3);
  memory.fill(tg, 0, <usize>cols << 4);
  const invN = 1.0 / <f64>cols;
  let pending = 0;
  for (let r0 = 0; r0 < rows; r0 += rb) {
    const r1 = min(rows, r0 + rb);
    for (let r = r0; r < r1; r++) {
      if (pending == GRAD_BLOCK) {
        flushGrads(pg, pb, tg, tb, cols, colsPad);
        pending = 0;
      }
      const off = <usize>r * rowBytes;
      const ri = <usize>r << 2;
      bwdPass1(dy + off, x + off, gamma, pg, pb, cols, load<f32>(mean + ri), load<f32>(rstd + ri), tmp + (<usize>(r - r0) << 4));
      pending++;
    }
    for (let r = r0; r < r1; r++) {
      const off = <usize>r * rowBytes;
      const ri = <usize>r << 2;
      const t = tmp + (<usize>(r - r0) << 4);
      const m1 = <f32>(load<f64>(t) * invN);
      const m2 = <f32>(load<f64>(t, 8) * invN);
      bwdPass2(dy + off, x + off, dx + off, gamma, cols, load<f32>(mean + ri), load<f32>(rstd + ri), m1, m2);
    }
  }
  flushGrads(pg, pb, tg, tb, cols, colsPad);
  for (let k = 0; k < cols; k++) {
    store<f32>(dgamma + (<usize>k << 2), <f32>load<f64>(tg + (<usize>k << 3)));
    store<f32>(dbeta + (<usize>k << 2), <f32>load<f64>(tb + (<usize>k << 3)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Moments of a tensor (the simulator's per-layer statistics): sum, sum of squares and max |x| in f64.
// Every f32 is promoted to f64 exactly, so the squares are exact and only the f64 summation order differs from
// a sequential float64 loop (8 interleaved partial sums). NaN entries never win the max (pmax keeps the
// accumulator), as in the TypeScript reference.

/** out: f64[3] = sum(x), sum(x^2), max |x| over n f32 values at x. */
export function moments(x: usize, n: i32, out: usize): void {
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  let q0 = s0;
  let q1 = s0;
  let q2 = s0;
  let q3 = s0;
  let m0 = f32x4.splat(0);
  let m1 = m0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 2);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const a0 = f64x2.promote_low_f32x4(a);
    const a1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1));
    const b0 = f64x2.promote_low_f32x4(b);
    const b1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 0, 1));
    s0 = f64x2.add(s0, a0);
    s1 = f64x2.add(s1, a1);
    s2 = f64x2.add(s2, b0);
    s3 = f64x2.add(s3, b1);
    q0 = f64x2.add(q0, f64x2.mul(a0, a0));
    q1 = f64x2.add(q1, f64x2.mul(a1, a1));
    q2 = f64x2.add(q2, f64x2.mul(b0, b0));
    q3 = f64x2.add(q3, f64x2.mul(b1, b1));
    m0 = f32x4.pmax(m0, f32x4.abs(a));
    m1 = f32x4.pmax(m1, f32x4.abs(b));
  }
  const sv = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  const qv = f64x2.add(f64x2.add(q0, q1), f64x2.add(q2, q3));
  let sum = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
  let sq = f64x2.extract_lane(qv, 0) + f64x2.extract_lane(qv, 1);
  const mv = f32x4.pmax(m0, m1);
  const mx01 = max(<f64>f32x4.extract_lane(mv, 0), <f64>f32x4.extract_lane(mv, 1));
  const mx23 = max(<f64>f32x4.extract_lane(mv, 2), <f64>f32x4.extract_lane(mv, 3));
  let mx = max(mx01, mx23);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    sum += v;
    sq += v * v;
    const a = Math.abs(v);
    if (a > mx) mx = a;
  }
  store<f64>(out, sum);
  store<f64>(out, sq, 8);
  store<f64>(out, mx, 16);
}

// ---------------------------------------------------------------------------------------------------------
// Element-wise helpers of the simulator, bit-identical to their JavaScript loops: an f32 sum rounds exactly as
// the f64 sum rounded to f32 does; a scale multiplies in f64 and rounds once.

/** out = a + b for n f32 values (out may equal a or b). */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    v128.store(out + o, f32x4.add(v128.load(a + o, 16), v128.load(b + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** out = x * f (product in f64, rounded to f32) for n values (out may equal x). */
export function scale(x: usize, f: f64, out: usize, n: i32): void {
  const fv = f64x2.splat(f);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const lo = f64x2.mul(f64x2.promote_low_f32x4(v), fv);
    const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), fv);
    v128.store(out + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>(<f64>load<f32>(x + o) * f));
  }
}

/**
 * For r < n: sum a_r b_r, sum a_r^2, sum b_r^2 over `cols` values (f64, exact products of promoted f32s) into
 * out[3 r .. 3 r + 2]; rows r of a and b start at a + r strideA and b + r strideB (bytes).
 */
export function rowDots(a: usize, b: usize, n: i32, cols: i32, strideA: usize, strideB: usize, out: usize): void {
  for (let r = 0; r < n; r++) {
    const pa = a + <usize>r * strideA;
    const pb = b + <usize>r * strideB;
    let ab0 = f64x2.splat(0);
    let ab1 = ab0;
    let aa0 = ab0;
    let aa1 = ab0;
    let bb0 = ab0;
    let bb1 = ab0;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      const va = v128.load(pa + o);
      const vb = v128.load(pb + o);
      const a0 = f64x2.promote_low_f32x4(va);
      const a1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 0, 1));
      const b0 = f64x2.promote_low_f32x4(vb);
      const b1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(vb, vb, 2, 3, 0, 1));
      ab0 = f64x2.add(ab0, f64x2.mul(a0, b0));
      ab1 = f64x2.add(ab1, f64x2.mul(a1, b1));
      aa0 = f64x2.add(aa0, f64x2.mul(a0, a0));
      aa1 = f64x2.add(aa1, f64x2.mul(a1, a1));
      bb0 = f64x2.add(bb0, f64x2.mul(b0, b0));
      bb1 = f64x2.add(bb1, f64x2.mul(b1, b1));
    }
    const abv = f64x2.add(ab0, ab1);
    const aav = f64x2.add(aa0, aa1);
    const bbv = f64x2.add(bb0, bb1);
    let ab = f64x2.extract_lane(abv, 0) + f64x2.extract_lane(abv, 1);
    let aa = f64x2.extract_lane(aav, 0) + f64x2.extract_lane(aav, 1);
    let bb = f64x2.extract_lane(bbv, 0) + f64x2.extract_lane(bbv, 1);
    for (; c < cols; c++) {
      const x = <f64>load<f32>(pa + (<usize>c << 2));
      const y = <f64>load<f32>(pb + (<usize>c << 2));
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    const q = out + <usize>r * 24;
    store<f64>(q, ab);
    store<f64>(q, aa, 8);
    store<f64>(q, bb, 16);
  }
}

// ---------------------------------------------------------------------------------------------------------
// GELU (exact erf form), forward and backward, in f64 like the TypeScript reference (src/core/kernels/
// activations.ts): the same erf (Numerical Recipes erfc fit, absolute error below 1.2e-7) evaluated with the
// same operations in the same order, two lanes at a time; only exp differs (below, within a few ulp in f64 of
// Math.exp), so the f32 results agree with the reference to the last bit (rarely one ulp).

// V8 materialises every v128.const in a loop body with several instructions; the f64x2 constants are loaded
// from this table instead (one load each). Index i is the splat pair at byte offset 16 i.
const K: usize = memory.data<f64>([
  -745.2, -745.2, // 0 EXP_MIN
  709.0, 709.0, // 1 EXP_MAX
  1.4426950408889634, 1.4426950408889634, // 2 LOG2E
  6.93147180369123816490e-1, 6.93147180369123816490e-1, // 3 LN2_HI
  1.90821492927058770002e-10, 1.90821492927058770002e-10, // 4 LN2_LO
  1.0, 1.0, // 5 ONE
  0.5, 0.5, // 6 HALF
  -0.5, -0.5, // 7 NEG_HALF
  0.7071067811865476, 0.7071067811865476, // 8 SQRT1_2
  0.3989422804014327, 0.3989422804014327, // 9 INV_SQRT_2PI
  1.0 / 6.0, 1.0 / 6.0, // 10 I6
  1.0 / 24.0, 1.0 / 24.0, // 11 I24
  1.0 / 120.0, 1.0 / 120.0, // 12 I120
  1.0 / 720.0, 1.0 / 720.0, // 13 I720
  1.0 / 5040.0, 1.0 / 5040.0, // 14 I5040
  1.0 / 40320.0, 1.0 / 40320.0, // 15 I40320
  1.0 / 362880.0, 1.0 / 362880.0, // 16 I362880
  1.0 / 3628800.0, 1.0 / 3628800.0, // 17 I3628800
  1.0 / 39916800.0, 1.0 / 39916800.0, // 18 I39916800
  1.0 / 479001600.0, 1.0 / 479001600.0, // 19 I479001600
  1.0 / 6227020800.0, 1.0 / 6227020800.0, // 20 I6227020800
  0.17087277, 0.17087277, // 21 E0
  -0.82215223, -0.82215223, // 22 E1
  1.48851587, 1.48851587, // 23 E2
  -1.13520398, -1.13520398, // 24 E3
  0.27886807, 0.27886807, // 25 E4
  -0.18628806, -0.18628806, // 26 E5
  0.09678418, 0.09678418, // 27 E6
  0.37409196, 0.37409196, // 28 E7
  1.00002368, 1.00002368, // 29 E8
  1.26551223, 1.26551223, // 30 E9
], 16);
const K_EXP_MIN: usize = 0;
const K_EXP_MAX: usize = 16;
const K_LOG2E: usize = 32;
const K_LN2_HI: usize = 48;
const K_LN2_LO: usize = 64;
const K_ONE: usize = 80;
const K_HALF: usize = 96;
const K_NEG_HALF: usize = 112;
const K_SQRT1_2: usize = 128;
const K_INV_SQRT_2PI: usize = 144;
const K_I6: usize = 160;
const K_I24: usize = 176;
const K_I120: usize = 192;
const K_I720: usize = 208;
const K_I5040: usize = 224;
const K_I40320: usize = 240;
const K_I362880: usize = 256;
const K_I3628800: usize = 272;
const K_I39916800: usize = 288;
const K_I479001600: usize = 304;
const K_I6227020800: usize = 320;
const K_E0: usize = 336;
const K_E1: usize = 352;
const K_E2: usize = 368;
const K_E3: usize = 384;
const K_E4: usize = 400;
const K_E5: usize = 416;
const K_E6: usize = 432;
const K_E7: usize = 448;
const K_E8: usize = 464;
const K_E9: usize = 480;

/** The constant at byte offset `off` of the table, both lanes. */
@inline function kc(off: usize): v128 {
  return v128.load(K + off);
}


/**
 * exp of two f64 lanes, for arguments <= 709: 2^k e^r with |r| <= ln2/2, e^r by its Taylor polynomial to degree
 * 13 (Estrin's scheme: short dependency chains), 2^k applied in two steps so that results down to the smallest
 * subnormal are kept as Math.exp keeps them; 0 below -745.2, NaN stays NaN.
 */
@inline function exp2(x: v128): v128 {
  const live = f64x2.ge(x, kc(K_EXP_MIN));
  const xc = f64x2.min(f64x2.max(x, kc(K_EXP_MIN)), kc(K_EXP_MAX));
  const k = f64x2.nearest(f64x2.mul(xc, kc(K_LOG2E)));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(k, kc(K_LN2_HI))), f64x2.mul(k, kc(K_LN2_LO)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(kc(K_ONE), r);
  const p23 = f64x2.add(kc(K_HALF), f64x2.mul(r, kc(K_I6)));
  const p45 = f64x2.add(kc(K_I24), f64x2.mul(r, kc(K_I120)));
  const p67 = f64x2.add(kc(K_I720), f64x2.mul(r, kc(K_I5040)));
  const p89 = f64x2.add(kc(K_I40320), f64x2.mul(r, kc(K_I362880)));
  const pab = f64x2.add(kc(K_I3628800), f64x2.mul(r, kc(K_I39916800)));
  const pcd = f64x2.add(kc(K_I479001600), f64x2.mul(r, kc(K_I6227020800)));
  const q0 = f64x2.add(p01, f64x2.mul(p23, r2));
  const q1 = f64x2.add(p45, f64x2.mul(p67, r2));
  const q2 = f64x2.add(p89, f64x2.mul(pab, r2));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r4));
  const s1 = f64x2.add(q2, f64x2.mul(pcd, r4));
  const p = f64x2.add(s0, f64x2.mul(s1, r8));
  // 2^k = 2^k1 2^k2 with k1 = k >> 1 (k in [-1075, 1023]): both factors are normal doubles.
  const ki = i32x4.trunc_sat_f64x2_s_zero(k);
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const bias = i64x2.splat(1023);
  const f1 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k1), bias), 52);
  const f2 = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k2), bias), 52);
  const e = v128.and(f64x2.mul(f64x2.mul(p, f1), f2), live);
  // NaN lanes (live is false for them): NaN from x itself.
  return v128.bitselect(x, e, f64x2.ne(x, x));
}

/** erf(x) for two f64 lanes, as erf() in activations.ts. */
@inline function erf2(x: v128): v128 {
  const z = f64x2.abs(x);
  const t = f64x2.div(kc(K_ONE), f64x2.add(kc(K_ONE), f64x2.mul(kc(K_HALF), z)));
  let q = f64x2.mul(t, kc(K_E0));
  q = f64x2.mul(t, f64x2.add(kc(K_E1), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E2), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E3), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E4), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E5), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E6), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E7), q));
  q = f64x2.mul(t, f64x2.add(kc(K_E8), q));
  const arg = f64x2.add(f64x2.sub(f64x2.mul(f64x2.neg(z), z), kc(K_E9)), q);
  const r = f64x2.mul(t, exp2(arg));
  const one = kc(K_ONE);
  return v128.bitselect(f64x2.sub(one, r), f64x2.sub(r, one), f64x2.ge(x, f64x2.splat(0)));
}

/** gelu(v) = 0.5 v (1 + e) for two f64 lanes, e = erf(v / sqrt 2). */
@inline function gelu2(v: v128, e: v128): v128 {
  return f64x2.mul(f64x2.mul(kc(K_HALF), v), f64x2.add(kc(K_ONE), e));
}

/** gelu'(v) = 0.5 (1 + e) + v / sqrt(2 pi) exp(-v^2 / 2) for two f64 lanes, e = erf(v / sqrt 2). */
@inline function geluGrad2(v: v128, e: v128): v128 {
  const g = exp2(f64x2.mul(f64x2.mul(kc(K_NEG_HALF), v), v));
  return f64x2.add(f64x2.mul(kc(K_HALF), f64x2.add(kc(K_ONE), e)), f64x2.mul(f64x2.mul(v, kc(K_INV_SQRT_2PI)), g));
}

@inline function erfOf(v: v128): v128 {
  return erf2(f64x2.mul(v, kc(K_SQRT1_2)));
}

@inline function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

@inline function pack32(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/**
 * y = gelu(x) for n f32 values (y may equal x). aux: 0, or n f64 that receive erf(x / sqrt 2) for the backward
 * pass.
 */
export function geluForward(x: usize, y: usize, n: i32, aux: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const a = lo64(v);
    const b = hi64(v);
    const ea = erfOf(a);
    const eb = erfOf(b);
    if (aux) {
      v128.store(aux + (<usize>i << 3), ea);
      v128.store(aux + (<usize>i << 3), eb, 16);
    }
    v128.store(y + o, pack32(gelu2(a, ea), gelu2(b, eb)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = f64x2.splat(<f64>load<f32>(x + o));
    const e = erfOf(v);
    if (aux) store<f64>(aux + (<usize>i << 3), f64x2.extract_lane(e, 0));
    store<f32>(y + o, <f32>f64x2.extract_lane(gelu2(v, e), 0));
  }
}

/** dx = dy * gelu'(x) for n f32 values (dx may equal dy); aux: 0, or the forward pass's erf values. */
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32, aux: usize): void {
  let i = 0;
  if (aux) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      const d = v128.load(dy + o);
      const ea = v128.load(aux + (<usize>i << 3));
      const eb = v128.load(aux + (<usize>i << 3), 16);
      v128.store(dx + o, pack32(f64x2.mul(lo64(d), geluGrad2(lo64(v), ea)), f64x2.mul(hi64(d), geluGrad2(hi64(v), eb))));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      const d = v128.load(dy + o);
      const a = lo64(v);
      const b = hi64(v);
      v128.store(dx + o, pack32(f64x2.mul(lo64(d), geluGrad2(a, erfOf(a))), f64x2.mul(hi64(d), geluGrad2(b, erfOf(b)))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = f64x2.splat(<f64>load<f32>(x + o));
    let e: v128;
    if (aux) e = f64x2.splat(load<f64>(aux + (<usize>i << 3)));
    else e = erfOf(v);
    const g = f64x2.extract_lane(geluGrad2(v, e), 0);
    store<f32>(dx + o, <f32>(<f64>load<f32>(dy + o) * g));
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
      let p0v = 0;
      if (rowsHere == MR) {
        // 4 x 4 blocks transposed in registers: four row loads, four panel stores.
        const rowBytes = <usize>lda << 2;
        const s0 = a + ((<usize>(i0 + i) * <usize>lda + <usize>p0) << 2);
        for (; p0v + 4 <= kc; p0v += 4) {
          const q = s0 + (<usize>p0v << 2);
          transpose4(v128.load(q), v128.load(q + rowBytes), v128.load(q + 2 * rowBytes), v128.load(q + 3 * rowBytes), panel + (<usize>p0v << 4), 16);
        }
      }
      for (let r = 0; r < MR; r++) {
        if (r < rowsHere) {
          const src = a + ((<usize>(i0 + i + r) * <usize>lda + <usize>p0) << 2);
          for (let p = p0v; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = p0v; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), 0);
        }
      }
    }
  }
}

/**
 * Transposes the 4 x 4 block with rows r0..r3 and stores its columns (each a vector of the four rows' values) at
 * dst, dst + stride, dst + 2 stride, dst + 3 stride (bytes).
 */
@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
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
      let p0v = 0;
      if (colsHere == NR) {
        // Two 4 x 4 blocks (columns 0-3 and 4-7 of the panel) transposed in registers per 4 values of p.
        const rowBytes = <usize>ldb << 2;
        const s0 = b + ((<usize>(j0 + j) * <usize>ldb + <usize>p0) << 2);
        const s4 = s0 + 4 * rowBytes;
        for (; p0v + 4 <= kc; p0v += 4) {
          const o = <usize>p0v << 2;
          const d = panel + (<usize>p0v << 5);
          transpose4(v128.load(s0 + o), v128.load(s0 + rowBytes + o), v128.load(s0 + 2 * rowBytes + o), v128.load(s0 + 3 * rowBytes + o), d, 32);
          transpose4(v128.load(s4 + o), v128.load(s4 + rowBytes + o), v128.load(s4 + 2 * rowBytes + o), v128.load(s4 + 3 * rowBytes + o), d + 16, 32);
        }
      }
      for (let c = 0; c < NR; c++) {
        if (c < colsHere) {
          const src = b + ((<usize>(j0 + j + c) * <usize>ldb + <usize>p0) << 2);
          for (let p = p0v; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = p0v; p < kc; p++) store<f32>(panel + (<usize>(p * NR + c) << 2), 0);
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
