/**
 * The fuzzer's draws on the simulator's one seeded generator (src/core/simulate/rng.ts): same seed, same
 * inputs. Each case derives its own stream, so one case can be replayed alone.
 */
import { Rng } from '../../src/core/simulate/rng';

export class FuzzRng extends Rng {
  /** Case `index` of a run with `seed`: independent of every other case. */
  static forCase(seed: number, index: number): FuzzRng {
    return new FuzzRng(Rng.derive(seed, `fuzz case ${index}`).nextU32());
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** Log-uniform integer in [lo, hi] (small values as likely as large ones per decade). */
  logRange(lo: number, hi: number): number {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One of `entries` by weight. */
  weighted<T>(entries: readonly [T, number][]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries[entries.length - 1][0];
  }
}
