/**
 * WebAssembly SIMD twin of the hot kernels (LayerNorm forward/backward, matmul), built from asm/kernels.ts into
 * dist/kernels.wasm by `npm run build`.
 *
 * Loading: `loadWasmKernels()` finds dist/kernels.wasm (next to a bundle in dist/, or by searching upward from
 * this file, as under tsx/mocha), compiles it synchronously and returns a backend named 'wasm'; it returns
 * undefined (never throws) when the file is missing, WebAssembly SIMD is unsupported, or
 * STABILITY_LENS_WASM=0 is set.
 *
 * Memory: one SHARED, growable linear memory (maximum 4 GiB, reserved as address space only). Growing a shared
 * memory never detaches existing views, so a Float32Array from `alloc()` stays valid for as long as it is not
 * freed, whatever is allocated later. Kernel arguments may be:
 *   - views from `alloc()` (or subarrays of them): used in place, no copy;
 *   - plain Float32Arrays: copied into a scratch block and, for outputs, copied back.
 * Guidance for callers on the hot path (the simulator): allocate activations, gradients and weights with
 * `alloc(n)` and pass them (and `out`) as views; `free(view)` (or `freeAll()`) when a run ends. Outputs that are
 * not given are returned as plain arrays. Views are on shared memory: copy them (`.slice()`) before posting
 * them to another thread, and never use a view after freeing it (its bytes are reused).
 *
 * Numerics (checked in test/unit/core/kernels/wasmKernels.test.ts): f32x4 accumulation split over 4-16 lanes
 * with f64 horizontal sums and f64 per-row scalars. Versus a float64 reference:
 *   LayerNorm forward   |y - y64| <= 2e-5 * (1 + |y64|) elementwise; mean and rstd relative 1e-5
 *   LayerNorm backward  |g - g64| <= 1e-4 * max|g64| for dx, dgamma, dbeta (parameter gradients are summed in
 *                       f32 over 16-row blocks, then in f64)
 *   matmul              |C - C64| <= 1e-5 * (|op(A)| |op(B)|)_ij elementwise
 *   moments             f64 accumulation of exactly promoted f32s (8 partial sums): relative 1e-12
 *   gelu (fwd, bwd)     the TypeScript formula in f64 with another exp (2 ulp): |y - y_ts| <= 1 ulp of f32
 *   add, scale          bit-identical to the TypeScript loops (f32 sums; f64 products rounded once)
 *   rowDots             f64 accumulation of exactly promoted f32s: relative 1e-12
 * Rows whose f32 moments would overflow/underflow (|x| beyond ~1e19) fall back to float64 for that row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { activationBackward as tsActivationBackward, activationForward as tsActivationForward, type ActivationName, type ActivationParams } from '../activations';
import type { KernelBackend, LayerNormGrads, LayerNormParams, MatmulParams, Moments } from '../types';

/** The wasm backend plus its zero-copy allocator. */
export interface WasmKernelBackend extends KernelBackend {
  readonly name: 'wasm';
  /** A zero-filled Float32Array view on the wasm memory: kernels read and write it in place. */
  alloc(n: number): Float32Array;
  /** Returns a view's block to the allocator (a no-op for arrays that are not views from alloc()). */
  free(view: Float32Array): void;
  /** Frees every block handed out by alloc(): every such view must be dropped. */
  freeAll(): void;
  /** Incremented by every freeAll(): holders of views across calls check it before reusing them. */
  readonly epoch: number;
  /** True when `a` lives on the wasm memory (a view from alloc() or a subarray of one). */
  isView(a: Float32Array): boolean;
  /** dst.set(src) for equal lengths; a bulk copy inside the wasm memory when both are views. */
  copyInto(dst: Float32Array, src: Float32Array): void;
  /** Zero-fills a view (bulk memory), or fill(0) for a plain array. */
  zero(a: Float32Array): void;
  stats(): { memoryBytes: number; allocatedBytes: number; blocks: number };
}

export function isWasmBackend(b: KernelBackend): b is WasmKernelBackend {
  return b.name === 'wasm' && typeof (b as Partial<WasmKernelBackend>).alloc === 'function';
}

/** The few WebAssembly JS API members used here (the root tsconfig has no DOM lib, which declares them). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface Exports {
  memory: WasmMemory;
  heapBase(): number;
  matmulWorkBytes(): number;
  layerNormBackwardWorkBytes(cols: number): number;
  layerNormForward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    mean: number,
    rstd: number,
    rows: number,
    cols: number,
    epsilon: number,
    tmp: number,
  ): void;
  layerNormBackward(
    dy: number,
    x: number,
    gamma: number,
    mean: number,
    rstd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    cols: number,
    work: number,
  ): void;
  matmul(
    transA: number,
    transB: number,
    accumulate: number,
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  moments(x: number, n: number, out: number): void;
  zero(p: number, bytes: number): void;
  add(a: number, b: number, out: number, n: number): void;
  scale(x: number, f: number, out: number, n: number): void;
  rowDots(a: number, b: number, n: number, cols: number, strideA: number, strideB: number, out: number): void;
  copy(dst: number, src: number, bytes: number): void;
  geluForward(x: number, y: number, n: number, aux: number): void;
  geluBackward(x: number, dy: number, dx: number, n: number, aux: number): void;
}

const PAGE = 65536;
const ALIGN = 64;
const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

/** First-fit allocator over [base, memory end) with coalescing; grows the (shared) memory on demand. */
class Heap {
  /** Free blocks sorted by offset. */
  private readonly freeList: { off: number; size: number }[] = [];
  private readonly used = new Map<number, number>();
  private allocated = 0;

  constructor(
    private readonly memory: WasmMemory,
    base: number,
  ) {
    const start = alignUp(base, ALIGN);
    const end = memory.buffer.byteLength;
    if (end > start) this.freeList.push({ off: start, size: end - start });
    this.top = Math.max(start, end);
  }

  /** End of the memory that the free list knows about. */
  private top: number;

  allocBytes(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1), ALIGN);
    let i = this.freeList.findIndex((b) => b.size >= size);
    if (i < 0) {
      this.grow(size);
      i = this.freeList.findIndex((b) => b.size >= size);
    }
    const blk = this.freeList[i];
    const off = blk.off;
    if (blk.size === size) this.freeList.splice(i, 1);
    else {
      blk.off += size;
      blk.size -= size;
    }
    this.used.set(off, size);
    this.allocated += size;
    return off;
  }

  freeBytes(off: number): boolean {
    const size = this.used.get(off);
    if (size === undefined) return false;
    this.used.delete(off);
    this.allocated -= size;
    this.insertFree(off, size);
    return true;
  }

  freeAllBlocks(keep: ReadonlySet<number>): void {
    for (const [off, size] of [...this.used]) {
      if (keep.has(off)) continue;
      this.used.delete(off);
      this.allocated -= size;
      this.insertFree(off, size);
    }
  }

  stats(): { memoryBytes: number; allocatedBytes: number; blocks: number } {
    return {
      memoryBytes: this.memory.buffer.byteLength,
      allocatedBytes: this.allocated,
      blocks: this.used.size,
    };
  }

  private insertFree(off: number, size: number): void {
    const fl = this.freeList;
    let i = 0;
    while (i < fl.length && fl[i].off < off) i++;
    fl.splice(i, 0, { off, size });
    if (i + 1 < fl.length && off + size === fl[i + 1].off) {
      fl[i].size += fl[i + 1].size;
      fl.splice(i + 1, 1);
    }
    if (i > 0 && fl[i - 1].off + fl[i - 1].size === off) {
      fl[i - 1].size += fl[i].size;
      fl.splice(i, 1);
    }
  }

  /** Grows by at least `need` bytes (doubling, 1 MiB minimum); the new space joins the free list. */
  private grow(need: number): void {
    const cur = this.memory.buffer.byteLength;
    const want = Math.max(need, cur, 1 << 20);
    const pages = Math.ceil(want / PAGE);
    this.memory.grow(pages); // throws RangeError beyond the maximum (4 GiB): out of memory
    this.insertFree(this.top, pages * PAGE);
    this.top += pages * PAGE;
  }
}

/** How a kernel argument is used: read (copied in when plain), written (copied out when plain), or both. */
const IN = 1;
const OUT = 2;

class WasmBackend implements WasmKernelBackend {
  readonly name = 'wasm' as const;
  private readonly heap: Heap;
  /** Every SharedArrayBuffer object the memory has handed out (a new one after each grow). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** A Float32Array over the whole memory, refreshed after growth (used to copy plain arrays in and out). */
  private whole: Float32Array = new Float32Array(0);
  private scratchOff = 0;
  private scratchSize = 0;
  private readonly matmulWork: number;
  /** Per-call argument table (no per-call allocation on the hot path). */
  private readonly ptr: number[] = [];
  private readonly args: Float32Array[] = [];
  private readonly modes: number[] = [];
  private nargs = 0;

  constructor(private readonly ex: Exports) {
    this.heap = new Heap(ex.memory, ex.heapBase());
    this.matmulWork = ex.matmulWorkBytes();
  }

  /** The current Float32Array over all of memory (re-created only when the memory has grown). */
  private heapF32(): Float32Array {
    const b = this.ex.memory.buffer;
    if (this.whole.buffer !== b) {
      this.buffers.add(b);
      this.whole = new Float32Array(b);
    }
    return this.whole;
  }

  alloc(n: number): Float32Array {
    const off = this.heap.allocBytes(n * 4);
    const v = new Float32Array(this.heapF32().buffer, off, n);
    // Bulk memory in wasm: a typed-array fill on a SharedArrayBuffer is several times slower.
    this.ex.zero(off, n * 4);
    return v;
  }

  zero(a: Float32Array): void {
    if (this.isView(a)) this.ex.zero(a.byteOffset, a.length * 4);
    else a.fill(0);
  }

  copyInto(dst: Float32Array, src: Float32Array): void {
    checkLen('dst', dst, src.length);
    if (this.isView(dst) && this.isView(src)) this.ex.copy(dst.byteOffset, src.byteOffset, src.length * 4);
    else dst.set(src);
  }

  free(view: Float32Array): void {
    if (this.isView(view)) this.heap.freeBytes(view.byteOffset);
  }

  epoch = 0;

  freeAll(): void {
    this.heap.freeAllBlocks(new Set(this.scratchSize ? [this.scratchOff] : []));
    this.epoch++;
  }

  isView(a: Float32Array): boolean {
    const b = a.buffer;
    // Every buffer a view was made on is in `buffers` (alloc goes through heapF32); the memory.buffer getter
    // (about 30 ns) is only consulted for arrays that are not views, which are copied anyway.
    return b === this.whole.buffer || this.buffers.has(b) || b === this.heapF32().buffer;
  }

  stats(): { memoryBytes: number; allocatedBytes: number; blocks: number } {
    return this.heap.stats();
  }

  /** A scratch block of at least `bytes` bytes (reused across calls; grows when needed). */
  private scratch(bytes: number): number {
    if (bytes > this.scratchSize) {
      if (this.scratchSize) this.heap.freeBytes(this.scratchOff);
      const size = alignUp(Math.max(bytes, this.scratchSize * 2, 1 << 20), ALIGN);
      this.scratchOff = this.heap.allocBytes(size);
      this.scratchSize = size;
    }
    return this.scratchOff;
  }

  private arg(a: Float32Array, mode: number): void {
    this.args[this.nargs] = a;
    this.modes[this.nargs] = mode;
    this.nargs++;
  }

  /**
   * Places the arguments registered with arg(): views in place, plain arrays in scratch after `extraBytes` of
   * kernel work space (the same plain array given twice shares one copy). Copies inputs in; fills this.ptr.
   * Returns the work pointer.
   */
  private place(extraBytes: number): number {
    const n = this.nargs;
    const { ptr, args, modes } = this;
    let need = alignUp(extraBytes, ALIGN);
    // First pass: offsets relative to the scratch base (-1 - offset marks plain arrays), views absolute.
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (this.isView(a)) {
        ptr[i] = a.byteOffset;
        continue;
      }
      let j = 0;
      while (j < i && args[j] !== a) j++;
      if (j < i) {
        ptr[i] = ptr[j];
        modes[j] |= modes[i];
        modes[i] = 0;
      } else {
        ptr[i] = -1 - need;
        need += alignUp(a.length * 4, ALIGN);
      }
    }
    const base = this.scratch(need);
    const heap = this.heapF32();
    for (let i = 0; i < n; i++) {
      if (ptr[i] < 0) {
        ptr[i] = base + (-1 - ptr[i]);
        if (modes[i] & IN) heap.set(args[i], ptr[i] >>> 2);
      }
    }
    return base;
  }

  /** Copies plain outputs back and clears the argument table. */
  private finish(): void {
    const heap = this.heapF32();
    const { ptr, args, modes } = this;
    for (let i = 0; i < this.nargs; i++) {
      const a = args[i];
      if (modes[i] & OUT && !this.isView(a)) {
        const p = ptr[i] >>> 2;
        a.set(heap.subarray(p, p + a.length));
      }
    }
    args.fill(EMPTY, 0, this.nargs);
    this.nargs = 0;
  }

  layerNormForward(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    p: LayerNormParams,
    out?: Float32Array,
    mean?: Float32Array,
    rstd?: Float32Array,
  ): Float32Array {
    const { rows, cols } = p;
    checkLen('x', x, rows * cols);
    checkLen('gamma', gamma, cols);
    checkLen('beta', beta, cols);
    const y = out ?? new Float32Array(rows * cols);
    checkLen('out', y, rows * cols);
    const mu = mean ?? new Float32Array(rows);
    const rs = rstd ?? new Float32Array(rows);
    checkLen('mean', mu, rows);
    checkLen('rstd', rs, rows);
    if (rows === 0 || cols === 0) return y;
    this.arg(x, IN);
    this.arg(gamma, IN);
    this.arg(beta, IN);
    this.arg(y, OUT);
    this.arg(mu, mean ? OUT : 0);
    this.arg(rs, rstd ? OUT : 0);
    const work = this.place(48);
    const q = this.ptr;
    this.ex.layerNormForward(q[0], q[1], q[2], q[3], q[4], q[5], rows, cols, p.epsilon, work);
    this.finish();
    return y;
  }

  layerNormBackward(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    p: LayerNormParams,
    out?: Partial<LayerNormGrads>,
  ): LayerNormGrads {
    const { rows, cols } = p;
    checkLen('dy', dy, rows * cols);
    checkLen('x', x, rows * cols);
    checkLen('gamma', gamma, cols);
    checkLen('mean', mean, rows);
    checkLen('rstd', rstd, rows);
    const dx = out?.dx ?? new Float32Array(rows * cols);
    const dgamma = out?.dgamma ?? new Float32Array(cols);
    const dbeta = out?.dbeta ?? new Float32Array(cols);
    checkLen('dx', dx, rows * cols);
    checkLen('dgamma', dgamma, cols);
    checkLen('dbeta', dbeta, cols);
    if (cols === 0) return { dx, dgamma, dbeta };
    if (rows === 0) {
      dgamma.fill(0);
      dbeta.fill(0);
      return { dx, dgamma, dbeta };
    }
    this.arg(dy, IN);
    this.arg(x, IN);
    this.arg(gamma, IN);
    this.arg(mean, IN);
    this.arg(rstd, IN);
    this.arg(dx, OUT);
    this.arg(dgamma, OUT);
    this.arg(dbeta, OUT);
    const work = this.place(this.ex.layerNormBackwardWorkBytes(cols));
    const q = this.ptr;
    this.ex.layerNormBackward(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], rows, cols, work);
    this.finish();
    return { dx, dgamma, dbeta };
  }

  matmul(a: Float32Array, b: Float32Array, p: MatmulParams, out?: Float32Array): Float32Array {
    const { m, k, n } = p;
    const transA = p.transA === true;
    const transB = p.transB === true;
    const accumulate = p.accumulate === true;
    checkLen('a', a, m * k);
    checkLen('b', b, k * n);
    const c = out ?? new Float32Array(m * n);
    checkLen('out', c, m * n);
    if (m === 0 || n === 0) return c;
    if (c === a || c === b) throw new RangeError('matmul: out must not alias a or b');
    this.arg(a, IN);
    this.arg(b, IN);
    this.arg(c, accumulate ? IN | OUT : OUT);
    const work = this.place(this.matmulWork);
    const q = this.ptr;
    this.ex.matmul(
      transA ? 1 : 0,
      transB ? 1 : 0,
      accumulate ? 1 : 0,
      m,
      n,
      k,
      q[0],
      transA ? m : k,
      q[1],
      transB ? k : n,
      q[2],
      n,
      work,
    );
    this.finish();
    return c;
  }

  moments(x: Float32Array): Moments {
    const n = x.length;
    if (n === 0) return { sum: 0, sumSq: 0, maxAbs: 0 };
    this.arg(x, IN);
    const work = this.place(24);
    this.ex.moments(this.ptr[0], n, work);
    this.finish();
    const r = new Float64Array(this.ex.memory.buffer, work, 3);
    return { sum: r[0], sumSq: r[1], maxAbs: r[2] };
  }

  add(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
    const n = a.length;
    checkLen('b', b, n);
    const y = out ?? new Float32Array(n);
    checkLen('out', y, n);
    if (n === 0) return y;
    this.arg(a, IN);
    this.arg(b, IN);
    this.arg(y, OUT);
    this.place(0);
    this.ex.add(this.ptr[0], this.ptr[1], this.ptr[2], n);
    this.finish();
    return y;
  }

  scale(x: Float32Array, f: number, out?: Float32Array): Float32Array {
    const n = x.length;
    const y = out ?? new Float32Array(n);
    checkLen('out', y, n);
    if (n === 0) return y;
    this.arg(x, IN);
    this.arg(y, OUT);
    this.place(0);
    this.ex.scale(this.ptr[0], f, this.ptr[1], n);
    this.finish();
    return y;
  }

  rowDots(a: Float32Array, b: Float32Array, n: number, cols: number, strideA: number, strideB: number): Float64Array {
    const out = new Float64Array(3 * n);
    if (n <= 0) return out;
    if ((n - 1) * strideA + cols > a.length || (n - 1) * strideB + cols > b.length) throw new RangeError('wasm kernel: rowDots rows out of bounds');
    this.arg(a, IN);
    this.arg(b, IN);
    const work = this.place(24 * n);
    this.ex.rowDots(this.ptr[0], this.ptr[1], n, cols, strideA * 4, strideB * 4, work);
    this.finish();
    out.set(new Float64Array(this.ex.memory.buffer, work, 3 * n));
    return out;
  }

  /** GELU in wasm; every other activation through the TypeScript kernels. */
  activationForward(name: ActivationName, x: Float32Array, out?: Float32Array, p: ActivationParams = {}, aux?: Float64Array): Float32Array {
    if (name !== 'gelu') return tsActivationForward(name, x, out, p, aux);
    const n = x.length;
    const y = out ?? new Float32Array(n);
    checkLen('out', y, n);
    if (aux && aux.length !== n) throw new RangeError(`wasm kernel: aux has length ${aux.length}, expected ${n}`);
    if (n === 0) return y;
    this.arg(x, IN);
    this.arg(y, OUT);
    if (aux) this.arg(f64AsF32(aux), OUT);
    this.place(0);
    this.ex.geluForward(this.ptr[0], this.ptr[1], n, aux ? this.ptr[2] : 0);
    this.finish();
    return y;
  }

  activationBackward(
    name: ActivationName,
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    out?: Float32Array,
    p: ActivationParams = {},
    aux?: Float64Array,
  ): Float32Array {
    if (name !== 'gelu') return tsActivationBackward(name, x, y, dy, out, p, aux);
    const n = dy.length;
    checkLen('x', x, n);
    const dx = out ?? new Float32Array(n);
    checkLen('out', dx, n);
    if (aux && aux.length !== n) throw new RangeError(`wasm kernel: aux has length ${aux.length}, expected ${n}`);
    if (n === 0) return dx;
    this.arg(x, IN);
    this.arg(dy, IN);
    this.arg(dx, OUT);
    if (aux) this.arg(f64AsF32(aux), IN);
    this.place(0);
    this.ex.geluBackward(this.ptr[0], this.ptr[1], this.ptr[2], n, aux ? this.ptr[3] : 0);
    this.finish();
    return dx;
  }
}

const EMPTY = new Float32Array(0);

/** The bytes of a Float64Array as a Float32Array (same buffer): how f64 arguments are placed. */
function f64AsF32(a: Float64Array): Float32Array {
  return new Float32Array(a.buffer, a.byteOffset, a.length * 2);
}

function checkLen(name: string, a: Float32Array, n: number): void {
  if (a.length !== n) throw new RangeError(`wasm kernel: ${name} has length ${a.length}, expected ${n}`);
}

/** Candidate locations of kernels.wasm: beside this file (a bundle in dist/) and dist/ in every ancestor. */
function findWasm(): string | undefined {
  const starts: string[] = [];
  if (typeof __dirname === 'string') starts.push(__dirname);
  starts.push(process.cwd());
  for (const start of starts) {
    const here = path.join(start, 'kernels.wasm');
    if (fs.existsSync(here)) return here;
    let dir = start;
    for (;;) {
      const cand = path.join(dir, 'dist', 'kernels.wasm');
      if (fs.existsSync(cand)) return cand;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

let cached: WasmKernelBackend | undefined;

/** The wasm backend, or undefined when dist/kernels.wasm or WebAssembly SIMD is unavailable. Never throws. */
export function loadWasmKernels(): WasmKernelBackend | undefined {
  if (cached) return cached;
  try {
    if (process.env.STABILITY_LENS_WASM === '0') return undefined;
    const file = findWasm();
    if (!file) return undefined;
    const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return undefined;
    const mod = new wa.Module(fs.readFileSync(file)); // synchronous; fails validation without SIMD / shared memory
    const inst = new wa.Instance(mod, {});
    cached = new WasmBackend(inst.exports as unknown as Exports);
    return cached;
  } catch {
    return undefined;
  }
}
