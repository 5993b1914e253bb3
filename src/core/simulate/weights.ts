/**
 * Weight tensors of a simulation: drawn once per weight key (shared weights share them), at the simulated
 * shape with the distribution tfjs uses for the real shape, plus the mean-field rescaling factors that make a
 * capped layer propagate like the real one:
 *
 *   forward  factor f = sqrt((fanSumIn  * m2_real) / (simIn  * m2_sim))
 *   backward factor b = sqrt((fanSumOut * m2_real) / (simOut * m2_sim))
 *
 * where fanSumIn is the number of terms each real output sums (units in, or k * C_in for a convolution),
 * fanSumOut the number of real outputs each input feeds, and m2 the second moment per entry of the real
 * draw and of the simulated draw (equal for i.i.d. initializers; orthogonal/identity depend on the shape).
 * So fan_in x Var(W) (and fan_out x Var(W) for the gradient) are preserved: docs/simulation.md.
 */
import type { InitializerRef } from '../graph/types';
import { initialize, initializerMoments } from './initializers';
import { Rng } from './rng';
import { intoStorage } from './values';

export interface WeightSpecSim {
  key: string;
  ref: InitializerRef | undefined;
  /** the real weight shape (fans come from it). */
  realShape: number[];
  rows: number;
  cols: number;
}

/**
 * Draws are cached across simulations (keyed by seed, weight key, initializer, real and simulated shape), so
 * re-running a model after an edit (the extension's interactive loop) redraws only the layers that changed.
 * Cached arrays are never written to (the engine copies before modifying). LRU bounded by total floats.
 */
const CACHE_FLOATS = 16 * 1024 * 1024;
const cache = new Map<string, Float32Array>();
let cacheFloats = 0;
/** Draws made (cache misses), for tests and benchmarks. */
let draws = 0;

function cacheGet(k: string): Float32Array | undefined {
  const w = cache.get(k);
  if (w) {
    cache.delete(k);
    cache.set(k, w);
  }
  return w;
}

function cachePut(k: string, w: Float32Array): void {
  if (w.length > CACHE_FLOATS / 4) return;
  cache.set(k, w);
  cacheFloats += w.length;
  for (const [old, v] of cache) {
    if (cacheFloats <= CACHE_FLOATS) break;
    cache.delete(old);
    cacheFloats -= v.length;
  }
}

/**
 * N(0,1) draws of Rng.derive(seed, key).fillNormal for n floats, cached like the weights (the model inputs and
 * the output cotangent of every re-run are the same numbers). The returned array must not be written to.
 */
export function normalDraw(seed: number, key: string, n: number): Float32Array {
  const ck = `normal|${seed}|${key}|${n}`;
  let w = cacheGet(ck);
  if (!w) {
    draws++;
    w = Rng.derive(seed, key).fillNormal(new Float32Array(n));
    cachePut(ck, w);
  }
  return w;
}

/** Drop every cached weight draw (tests, memory pressure). */
export function clearWeightCache(): void {
  cache.clear();
  cacheFloats = 0;
  draws = 0;
}

/** Cached entries, their floats, and the draws made since the last clear. */
export function weightCacheStats(): { entries: number; floats: number; draws: number } {
  return { entries: cache.size, floats: cacheFloats, draws };
}

export class WeightStore {
  private readonly map = new Map<string, Float32Array>();
  constructor(private readonly seed: number) {}

  get(spec: WeightSpecSim): Float32Array {
    const k = `${spec.key}#${spec.rows}x${spec.cols}`;
    let w = this.map.get(k);
    if (!w) {
      const ck = `${this.seed}|${k}|${JSON.stringify(spec.ref ?? null)}|${spec.realShape.join(',')}`;
      w = cacheGet(ck);
      if (!w) {
        draws++;
        w = initialize(spec.ref, spec.realShape, Rng.derive(this.seed, spec.key), { rows: spec.rows, cols: spec.cols });
        cachePut(ck, w);
      }
      // The run's own copy in its tensor storage (wasm memory): kernels then read it in place.
      w = intoStorage(w);
      this.map.set(k, w);
    }
    return w;
  }
}

/** Mean-field factors for a linear map drawn with `ref` for `realShape`, simulated as simIn x simOut. */
export function meanFieldFactors(
  ref: InitializerRef | undefined,
  realShape: number[],
  fanSumIn: number,
  fanSumOut: number,
  simIn: number,
  simOut: number,
): { fwd: number; bwd: number } {
  const real = initializerMoments(ref, realShape);
  const sim = initializerMoments(ref, [simIn, simOut]);
  const m2r = real.mean * real.mean + real.variance;
  const m2s = real.structured ? sim.mean * sim.mean + sim.variance : m2r;
  if (!(m2s > 0) || !(m2r > 0)) return { fwd: Math.sqrt(fanSumIn / simIn), bwd: Math.sqrt(fanSumOut / simOut) };
  return { fwd: Math.sqrt((fanSumIn * m2r) / (simIn * m2s)), bwd: Math.sqrt((fanSumOut * m2r) / (simOut * m2s)) };
}
