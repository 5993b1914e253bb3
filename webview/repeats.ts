/**
 * Repeated blocks: runs of layers that repeat the same structure (class, kind, activation and relative input
 * wiring) three or more times, so a 24-block transformer shows as "×24" and can be expanded.
 */
import type { LayerReport } from '../src/core/report/types';

export interface RepeatGroup {
  /** Index of the first layer of the first repetition. */
  start: number;
  /** Layers per repetition. */
  period: number;
  /** Number of repetitions. */
  times: number;
}

/** A layer's structural signature: what must match for two layers to count as "the same". */
export function signature(layers: LayerReport[], i: number, index: Map<string, number>): string {
  const l = layers[i];
  const act = typeof l.config.activation === 'string' ? l.config.activation : '';
  const rel = l.inputs.map((id) => {
    const j = index.get(id);
    return j === undefined ? '?' : String(j - i);
  });
  return `${l.className}|${l.kind}|${act}|${rel.join(',')}`;
}

/** Greedy left-to-right tandem-repeat search. Each group covers at least `minLayers` layers. */
export function findRepeats(layers: LayerReport[], opts: { minTimes?: number; minLayers?: number; maxPeriod?: number } = {}): RepeatGroup[] {
  const minTimes = opts.minTimes ?? 3;
  const minLayers = opts.minLayers ?? 6;
  const maxPeriod = opts.maxPeriod ?? 64;
  const index = new Map(layers.map((l, i) => [l.id, i] as const));
  const sig = layers.map((_, i) => signature(layers, i, index));
  const n = sig.length;
  const same = (a: number, b: number, p: number): boolean => {
    for (let t = 0; t < p; t++) if (sig[a + t] !== sig[b + t]) return false;
    return true;
  };
  const groups: RepeatGroup[] = [];
  let i = 0;
  while (i < n) {
    let best: RepeatGroup | undefined;
    for (let p = 1; p <= maxPeriod && i + 2 * p <= n; p++) {
      let k = 1;
      while (i + (k + 1) * p <= n && same(i, i + k * p, p)) k++;
      if (k >= minTimes && k * p >= minLayers && (!best || k * p > best.period * best.times)) best = { start: i, period: p, times: k };
    }
    if (best) {
      // Same coverage from a later start (a rotation of the block): prefer the one that starts at a weighted
      // layer, so a ResNet block reads conv → … → add → relu rather than relu → conv → … → add.
      const startsWell = (j: number): boolean => ['weighted', 'attention', 'model'].includes(layers[j].kind);
      if (!startsWell(i)) {
        for (let s = 1; s < best.period && i + s + best.period * best.times <= n; s++) {
          let k = 1;
          while (i + s + (k + 1) * best.period <= n && same(i + s, i + s + k * best.period, best.period)) k++;
          if (k >= best.times && startsWell(i + s)) {
            best = undefined;
            break;
          }
        }
      }
    }
    if (best) {
      groups.push(best);
      i += best.period * best.times;
    } else {
      i++;
    }
  }
  return groups;
}
