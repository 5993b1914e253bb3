/**
 * Tensor storage for one simulation run. With the wasm backend, tensors are views on the wasm memory handed out
 * by a bump allocator over a few large blocks: the kernels read and write them in place (no copies in and out
 * of the backend's scratch) and the run leaves little garbage. Everything is released at once when the run
 * ends (up to 128 MiB of blocks are kept for the next run). Past `capFloats` (a bound on the wasm memory a run may pin: the memory never shrinks) storage falls
 * back to plain Float32Arrays, which the kernels also accept. Views never leave the simulator: its results
 * hold numbers only, and the views are on shared memory (copy them before posting them to another thread).
 */
import type { KernelBackend } from '../kernels/types';
import { isWasmBackend, type WasmKernelBackend } from '../kernels/wasm/index';
import { plainAllocator, type Allocator } from './values';

/** Floats per block taken from the backend (4 MiB). */
const BLOCK_FLOATS = 1 << 20;
/**
 * Default cap per run: 32M floats (128 MiB), also the most the pool keeps. The wasm memory never shrinks, so
 * this bounds what a long-lived extension worker keeps after a full-profile run; the interactive profile of a
 * 24-block transformer needs about 67 MB, the full profile more (the rest is plain arrays).
 */
export const ARENA_CAP_FLOATS = 1 << 25;
/** Blocks kept between runs (per backend) for the next run: up to the cap; more are freed. */
const POOL_BLOCKS = 32;

/**
 * Standard blocks kept between runs: the next run reuses them instead of taking (and zero-filling) new ones.
 * Their contents are stale; views are zeroed when handed out, just before the kernel that fills them touches the
 * same memory (one pass through the cache instead of a separate zero-fill of whole blocks).
 */
const pools = new WeakMap<WasmKernelBackend, { epoch: number; blocks: Float32Array[] }>();

export class TensorArena implements Allocator {
  private readonly blocks: Float32Array[] = [];
  private cur: Float32Array | undefined;
  private used = 0;
  private floats = 0;
  private readonly pool: Float32Array[];
  private readonly epoch: number;

  constructor(
    private readonly wasm: WasmKernelBackend,
    private readonly capFloats = ARENA_CAP_FLOATS,
  ) {
    let pool = pools.get(wasm);
    // After a freeAll() the pooled blocks belong to the backend again: forget them.
    if (!pool || pool.epoch !== wasm.epoch) pools.set(wasm, (pool = { epoch: wasm.epoch, blocks: [] }));
    this.pool = pool.blocks;
    this.epoch = wasm.epoch;
  }

  alloc(n: number): Float32Array {
    return this.take(n, true);
  }

  /** Like alloc() but not zeroed: only for outputs that a kernel overwrites entirely (a matmul's). */
  allocFull(n: number): Float32Array {
    return this.take(n, false);
  }

  private take(n: number, zero: boolean): Float32Array {
    const need = (n + 15) & ~15; // 64-byte aligned sub-blocks
    if (!this.cur || this.used + need > this.cur.length) {
      const size = Math.max(need, BLOCK_FLOATS);
      if (n === 0 || this.floats + size > this.capFloats) return new Float32Array(n);
      this.cur = size === BLOCK_FLOATS && this.pool.length ? this.pool.pop()! : this.wasm.alloc(size);
      this.blocks.push(this.cur);
      this.floats += size;
      this.used = 0;
    }
    const v = this.cur.subarray(this.used, this.used + n);
    this.used += need;
    if (zero) this.wasm.zero(v);
    return v;
  }

  copy(dst: Float32Array, src: Float32Array): void {
    this.wasm.copyInto(dst, src);
  }

  add(a: Float32Array, b: Float32Array, out: Float32Array): void {
    if (this.wasm.isView(a) && this.wasm.isView(b) && this.wasm.isView(out)) this.wasm.add(a, b, out);
    else plainAllocator.add(a, b, out);
  }

  scale(x: Float32Array, f: number, out: Float32Array): void {
    if (this.wasm.isView(x) && this.wasm.isView(out)) this.wasm.scale(x, f, out);
    else plainAllocator.scale(x, f, out);
  }

  /** Floats taken from the backend so far. */
  get size(): number {
    return this.floats;
  }

  /** Returns every block (to the pool or the backend): no view handed out may be used afterwards. */
  release(): void {
    // Blocks freed by a freeAll() during the run are the backend's already.
    const mine = this.wasm.epoch === this.epoch;
    for (const b of mine ? this.blocks : []) {
      if (b.length === BLOCK_FLOATS && this.pool.length < POOL_BLOCKS) this.pool.push(b);
      else this.wasm.free(b);
    }
    this.blocks.length = 0;
    this.cur = undefined;
    this.used = 0;
    this.floats = 0;
  }
}

/** The allocator for a run on `backend` (an arena for wasm, plain arrays otherwise) and its release. */
export function allocatorFor(backend: KernelBackend): { allocator: Allocator; release(): void } {
  if (!isWasmBackend(backend)) return { allocator: plainAllocator, release: () => undefined };
  const arena = new TensorArena(backend);
  return { allocator: arena, release: () => arena.release() };
}
