/**
 * Verdict rules (../shared/THEORY.md §5), thresholds as settings:
 *
 * - forward: stable while the output/input mean square stays within `forwardDecades` (2 decades, 100x) either
 *   way; backward: stable while the input/output activation-gradient RMS ratio stays within
 *   `backwardDecades` (1 decade, 10x).
 * - past a threshold: exploding / vanishing only when the growth rate over the second half of the stack
 *   matches the first half (ratio of the two halves' least-squares log-slopes within [slopeRatioMin,
 *   slopeRatioMax] = [0.6, 1.67]); otherwise growing / decaying (sub-exponential), as for Pre-LN and tanh.
 * - collapsing: the output's mean pairwise sample cosine reaches `collapseCosine` while the verdicts are not
 *   exploding/vanishing.
 * - borderline: the deciding quantity is within max(`marginDecades`, statistical spread) of its threshold.
 * - weight gradients imbalanced when max/min over weighted layers exceeds `imbalanceRatio` (10).
 */
import type { Verdict } from './types';

export interface VerdictThresholds {
  forwardDecades: number;
  backwardDecades: number;
  slopeRatioMin: number;
  slopeRatioMax: number;
  marginDecades: number;
  collapseCosine: number;
  imbalanceRatio: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = {
  forwardDecades: 2,
  backwardDecades: 1,
  slopeRatioMin: 0.6,
  slopeRatioMax: 1.67,
  marginDecades: 0.3,
  collapseCosine: 0.999,
  imbalanceRatio: 10,
};

export interface DirectionVerdict {
  verdict: Verdict;
  /** the deciding quantity in decades (log10 of the mean-square ratio forward, of the RMS ratio backward). */
  decades: number;
  slopeRatio: number | null;
  borderline: boolean;
}

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/** Ratio of the second half's log-slope to the first half's (null when the profile is too short). */
export function halvesSlopeRatio(profile: number[]): number | null {
  const pts = profile.map((y, i) => [i, y]).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 4) return null;
  const mid = Math.floor(pts.length / 2);
  const a = pts.slice(0, mid + 1);
  const b = pts.slice(mid);
  const s1 = slope(
    a.map((p) => p[0]),
    a.map((p) => p[1]),
  );
  const s2 = slope(
    b.map((p) => p[0]),
    b.map((p) => p[1]),
  );
  if (s1 === 0) return s2 === 0 ? 1 : Infinity;
  return s2 / s1;
}

/**
 * One direction. `profile`: log10 of the quantity along the stream (input first, output last), in the same
 * units as `decades` (log10 mean square forward; log10 RMS backward, input over output so growth toward the
 * input counts as growth). `spread`: the statistical spread of `decades`.
 */
export function judgeDirection(decades: number, profile: number[], threshold: number, spread: number, t: VerdictThresholds): DirectionVerdict {
  const margin = Math.max(t.marginDecades, spread);
  if (!Number.isFinite(decades)) {
    const v: Verdict = decades > 0 ? 'exploding' : 'vanishing';
    return { verdict: v, decades, slopeRatio: null, borderline: false };
  }
  const borderline = Math.abs(Math.abs(decades) - threshold) < margin;
  if (Math.abs(decades) <= threshold) return { verdict: 'stable', decades, slopeRatio: null, borderline };
  const ratio = halvesSlopeRatio(profile);
  const exponential = ratio === null || (ratio >= t.slopeRatioMin && ratio <= t.slopeRatioMax);
  const verdict: Verdict = decades > 0 ? (exponential ? 'exploding' : 'growing') : exponential ? 'vanishing' : 'decaying';
  return { verdict, decades, slopeRatio: ratio, borderline };
}

const SEVERITY: Verdict[] = ['exploding', 'vanishing', 'collapsing', 'growing', 'decaying', 'stable'];

export interface OverallInput {
  forward: DirectionVerdict;
  backward: DirectionVerdict;
  outputCosine: number | null;
  inputCosine: number | null;
  weightGradImbalance: number | null;
  t: VerdictThresholds;
}

export interface Overall {
  verdict: Verdict;
  borderline: boolean;
  reason: string;
}

function fmtFactor(decades: number): string {
  if (!Number.isFinite(decades)) return decades > 0 ? 'beyond float64' : '0';
  const v = 10 ** decades;
  return v >= 1e4 || v < 1e-3 ? v.toExponential(1) : v.toPrecision(3);
}

export function overallVerdict(o: OverallInput): Overall {
  const { forward: f, backward: b, t } = o;
  let verdict: Verdict = SEVERITY.find((v) => v === f.verdict || v === b.verdict) ?? 'stable';
  const collapsing =
    o.outputCosine !== null && o.outputCosine >= t.collapseCosine && (o.inputCosine === null || o.inputCosine < t.collapseCosine) && verdict !== 'exploding' && verdict !== 'vanishing';
  if (collapsing) verdict = 'collapsing';
  const parts: string[] = [];
  const fwdDesc = `output/input mean square ${fmtFactor(f.decades)} (${Number.isFinite(f.decades) ? f.decades.toFixed(1) : f.decades} decades; stable within ${t.forwardDecades})`;
  const bwdDesc = `input/output gradient RMS ${fmtFactor(b.decades)} (${Number.isFinite(b.decades) ? b.decades.toFixed(1) : b.decades} decades; stable within ${t.backwardDecades})`;
  const slopeDesc = (d: DirectionVerdict) => (d.slopeRatio !== null && d.verdict !== 'stable' ? `, second/first half log-slope ratio ${Number.isFinite(d.slopeRatio) ? d.slopeRatio.toFixed(2) : 'inf'}` : '');
  parts.push(`forward ${f.verdict}: ${fwdDesc}${slopeDesc(f)}`);
  parts.push(`backward ${b.verdict}: ${bwdDesc}${slopeDesc(b)}`);
  if (collapsing) parts.push(`output sample cosine ${o.outputCosine!.toFixed(4)} >= ${t.collapseCosine}`);
  if (o.weightGradImbalance !== null && o.weightGradImbalance > t.imbalanceRatio)
    parts.push(`weight gradients imbalanced: max/min ${fmtFactor(Math.log10(o.weightGradImbalance))} > ${t.imbalanceRatio}`);
  const decisive = verdict === f.verdict ? f : verdict === b.verdict ? b : undefined;
  const borderline = decisive ? decisive.borderline : verdict === 'stable' ? f.borderline || b.borderline : false;
  return { verdict, borderline, reason: `${verdict}${borderline ? ' (borderline)' : ''}: ${parts.join('; ')}.` };
}
