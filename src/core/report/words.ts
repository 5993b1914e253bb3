/**
 * Report wording shared by the webview, the HTML export and (if it likes) the CLI's text output:
 * verdicts in words a user understands, the one sentence that names a model's main risk, number formatting
 * and citations. Pure: no DOM, no node.
 */
import type { ModelReport } from './types';
import type { Verdict } from '../simulate/types';
import type { Finding } from '../rules/types';
import { dict } from '../dict';

export const VERDICT_WORDS: { [v in Verdict]: string } = {
  stable: 'Stable',
  exploding: 'Exploding',
  vanishing: 'Vanishing',
  growing: 'Growing',
  decaying: 'Decaying',
  collapsing: 'Collapsing',
};

/** 'ok' | 'warn' | 'bad': how alarming a verdict is (colors the badge). */
export function verdictTone(v: Verdict, borderline = false): 'ok' | 'warn' | 'bad' {
  if (v === 'stable') return 'ok';
  if (v === 'growing' || v === 'decaying' || borderline) return 'warn';
  return 'bad';
}

/** What a verdict means, for someone who has not met the term. */
export const VERDICT_MEANING: { [v in Verdict]: string } = {
  stable: 'The signal keeps its scale through the network, forward and backward.',
  exploding: 'The signal grows exponentially with depth: activations or gradients blow up.',
  vanishing: 'The signal shrinks exponentially with depth: early layers get almost no gradient.',
  growing: 'The signal grows with depth, but slower than exponentially.',
  decaying: 'The signal shrinks with depth, but slower than exponentially.',
  collapsing: 'Different inputs become indistinguishable deep in the network.',
};

/** Compact, readable numbers: 0.62, 48, 1.3e-10, 5.2e21; null/non-finite as an em dash. */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e6) return String(x);
  if (a >= 1e-3 && a < 1e5) {
    const s = x.toPrecision(digits);
    return String(Number(s));
  }
  const [m, e] = x.toExponential(digits - 1).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** "× 1.3e-10" style gain with a direction word. */
export function describeGain(g: number | null): string {
  if (g === null || !Number.isFinite(g)) return 'not measured';
  if (g >= 0.1 && g <= 10) return `×${formatNumber(g)} (about the same scale)`;
  return g < 1 ? `×${formatNumber(g)} (shrinks)` : `×${formatNumber(g)} (grows)`;
}

function severityRank(f: Finding): number {
  return { error: 0, warning: 1, info: 2, hint: 3 }[f.severity];
}

/** The findings in display order: by severity, then by position in the file. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(a.f) - severityRank(b.f) || a.f.span.start.line - b.f.span.start.line || a.i - b.i)
    .map((x) => x.f);
}

/** The one sentence that names the model's main risk. */
export function mainRisk(model: ModelReport): string {
  const sim = model.simulation;
  const g = sim?.gradientGain ?? null;
  const o = sim?.outputGain ?? null;
  if (sim?.float32Limit) {
    const layer = model.layers.find((l) => l.id === sim.float32Limit?.node);
    const where = layer ? `at layer “${layer.name}”` : 'inside the network';
    const what = sim.float32Limit.kind === 'overflow' ? 'overflow to Infinity' : 'underflow to 0';
    const dir = sim.float32Limit.direction === 'forward' ? 'activations' : 'gradients';
    return `A float32 model's ${dir} ${what} ${where}: training produces NaN or stops learning from the first step.`;
  }
  if (sim) {
    switch (sim.verdict) {
      case 'vanishing':
        return sim.backwardVerdict === 'vanishing' && g !== null
          ? `The first layers receive only ${formatNumber(g)} of the output's gradient, so they will barely learn.`
          : `The output keeps only ${formatNumber(o)} of the input's scale: what reaches the last layers is mostly noise and rounding.`;
      case 'exploding':
        return sim.forwardVerdict === 'exploding' && o !== null
          ? `Activations grow ${formatNumber(o)}-fold through the network: expect overflow, NaN losses and unstable updates.`
          : `Gradients grow ${formatNumber(g)}-fold toward the input: the first layers take huge, unstable steps.`;
      case 'growing':
        return `The signal grows with depth (output ${formatNumber(o)}× the input) but not exponentially: usually trainable, watch the learning rate.`;
      case 'decaying':
        return `The signal fades slowly with depth (output ${formatNumber(o)}× the input): trainable, but deeper versions will vanish.`;
      case 'collapsing':
        return 'Different inputs end up with almost the same representation, so the model cannot tell them apart.';
      case 'stable': {
        const top = sortFindings(model.findings)[0];
        if (top && (top.severity === 'error' || top.severity === 'warning')) return top.message;
        return 'Activations and gradients keep their scale through every layer: nothing here should stop training.';
      }
    }
  }
  const top = sortFindings(model.findings)[0];
  if (top) return top.message;
  return 'Not simulated yet: the structure shows no known risk.';
}

/**
 * Where the idea behind a finding comes from. A finding may carry `data.citation`; otherwise the fix's
 * what-if kind or the rule id picks a default from ../shared/THEORY.md's sources.
 */
const BY_WHATIF: { [k: string]: string } = dict({
  'insert-layernorm': 'Ba, Kiros & Hinton 2016, Layer Normalization (arXiv 1607.06450); Schoenholz et al. 2017 (arXiv 1611.01232)',
  'pre-ln-residual': 'Xiong et al. 2020, On Layer Normalization in the Transformer Architecture (arXiv 2002.04745)',
  'he-uniform': 'He et al. 2015, Delving Deep into Rectifiers (arXiv 1502.01852); tensorflow/tfjs#8594',
  deepnorm: 'Wang et al. 2022, DeepNet: Scaling Transformers to 1,000 Layers (arXiv 2203.00555)',
  'residual-scaling': 'Bachlechner et al. 2020, ReZero (arXiv 2003.04887); Zhang et al. 2019, Fixup (arXiv 1901.09321)',
  batchnorm: 'Ioffe & Szegedy 2015 (arXiv 1502.03167); Yang et al. 2019, A Mean Field Theory of Batch Normalization (arXiv 1902.08129)',
  'scale-attention': 'Vaswani et al. 2017, Attention Is All You Need, §3.2.1 (arXiv 1706.03762)',
});
const BY_RULE: [RegExp, string][] = [
  [/post-?ln|warm-?up/, BY_WHATIF['pre-ln-residual']],
  [/float32|overflow|underflow/, 'Brock, De & Smith 2021, signal propagation plots (arXiv 2101.08692)'],
  [/collapse|similar/, 'Dong, Cordonnier & Loukas 2021, Attention is not all you need (arXiv 2103.03404)'],
  [/batch-?norm/, BY_WHATIF.batchnorm],
  [/init|glorot|he-/, BY_WHATIF['he-uniform']],
  [/residual/, BY_WHATIF['residual-scaling']],
  [/plain|depth|deep|vanish|explod|sigmoid|tanh|saturat/, 'Poole et al. 2016 (arXiv 1606.05340); Schoenholz et al. 2017, Deep Information Propagation (arXiv 1611.01232)'],
];

export function citationFor(f: Finding): string | undefined {
  const c = f.data?.citation;
  if (typeof c === 'string' && c.trim()) return c;
  for (const fix of f.fixes) if (fix.whatIf && BY_WHATIF[fix.whatIf]) return BY_WHATIF[fix.whatIf];
  for (const [re, cite] of BY_RULE) if (re.test(f.ruleId)) return cite;
  return undefined;
}

/** Human labels for the numbers behind a finding (`data` keys), falling back to the key split into words. */
export function dataLabel(key: string): string {
  const known: { [k: string]: string } = {
    run: 'layers in the run',
    blocks: 'blocks',
    perLayerFactor: 'RMS kept per layer',
    perBlock: 'RMS factor per block',
    outputGain: 'output ÷ input RMS',
    gradientGain: 'input ÷ output gradient RMS',
    energyPerLayer: 'signal energy kept per layer',
    truncationFactor: 'tfjs truncation factor',
    keyDim: 'key width d_k',
    scores: 'unscaled attention scores',
    scale: 'missing scale 1/sqrt(d_k)',
  };
  if (known[key]) return known[key];
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
}
