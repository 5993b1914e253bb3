// Timing for throughput benchmarks on a shared, noisy machine: several batches of repeated calls, each batch at
// least `minMs` long, reporting the fastest batch's time per call (the least disturbed estimate). Every reference
// (copy bandwidth, peers) is measured the same way in the same run.

export interface TimingOptions {
  /** Minimum duration of one batch. */
  minMs?: number;
  batches?: number;
  warmup?: number;
}

export function bestMs(fn: () => void, o: TimingOptions = {}): number {
  const { minMs = 120, batches = 5, warmup = 2 } = o;
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      fn();
      n++;
      t = performance.now();
    } while (t - t0 < minMs);
    best = Math.min(best, (t - t0) / n);
  }
  return best;
}

export async function bestMsAsync(fn: () => Promise<void>, o: TimingOptions = {}): Promise<number> {
  const { minMs = 120, batches = 5, warmup = 2 } = o;
  for (let i = 0; i < warmup; i++) await fn();
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      await fn();
      n++;
      t = performance.now();
    } while (t - t0 < minMs);
    best = Math.min(best, (t - t0) / n);
  }
  return best;
}

/** Memory bandwidth: a large Float32Array.prototype.set (bytes read + written), 64 MiB each way. */
export function measureCopyGBps(): number {
  const n = 16 << 20;
  const src = new Float32Array(n);
  for (let i = 0; i < n; i += 1024) src[i] = i;
  const dst = new Float32Array(n);
  const ms = bestMs(() => dst.set(src), { minMs: 200, batches: 7 });
  return (2 * n * 4) / ms / 1e6;
}

export function table(rows: (string | number)[][], header: string[]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const w = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => String(c ?? '').padStart(w[i])).join('  ')).join('\n');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100
    ? v.toFixed(0)
    : a >= 10
      ? v.toFixed(1)
      : a >= 0.1 || a === 0
        ? v.toFixed(2)
        : v.toPrecision(2);
}
