/** Results of the signal-propagation simulation: part of the versioned JSON contract (docs/report-format.md). */

export type Verdict = 'stable' | 'exploding' | 'vanishing' | 'growing' | 'decaying' | 'collapsing';

/** Per-layer statistics (plain numbers; non-finite values are reported as null, never NaN). */
export interface LayerSim {
  /** Forward activation RMS at this layer's output (float64 / log-space accumulated: may be < 1e-38 or > 3e38). */
  fwdRms: number | null;
  fwdMean: number | null;
  maxAbs: number | null;
  /** Fraction of units that are zero for every sample in the batch (ReLU family), else 0. */
  deadFraction: number;
  /** Fraction of |x| >= 5 before a bounded activation (tanh, sigmoid, ...), else 0. */
  saturation?: number;
  /** RMS of dLoss/d(output of this layer). */
  gradRms: number | null;
  /** Frobenius norm of the kernel gradient (weighted layers only), else null. */
  weightGradNorm: number | null;
  /** Mean pairwise cosine between different samples' representations (1 = rank collapse). */
  sampleCosine: number | null;
  /** How much of the input survives: cosine-based similarity of this layer's output to the model input, when comparable. */
  inputRetention?: number | null;
}

export interface SimSeries {
  /** node ids in the order of the series. */
  nodes: string[];
  fwdRms: (number | null)[];
  gradRms: (number | null)[];
  sampleCosine: (number | null)[];
  weightGradNorm: (number | null)[];
}

export interface Float32Limit {
  /** node id of the first layer where a float32 model's values underflow to 0 or overflow to Infinity. */
  node: string;
  direction: 'forward' | 'backward';
  kind: 'underflow' | 'overflow';
}

export interface SimulationResult {
  verdict: Verdict;
  /** Separate verdicts for the forward activations and the backward gradients. */
  forwardVerdict: Verdict;
  backwardVerdict: Verdict;
  borderline: boolean;
  /** Why: the numbers that triggered the verdict, in one sentence. */
  reason: string;
  /** output RMS / input RMS */
  outputGain: number | null;
  /** input activation-gradient RMS / output activation-gradient RMS */
  gradientGain: number | null;
  /** max/min of weight-gradient norms over weighted layers */
  weightGradImbalance: number | null;
  float32Limit: Float32Limit | null;
  seed: number;
  width: number;
  batch: number;
  seqLen?: number;
  profile: 'full' | 'interactive';
  ms: number;
  partial: boolean;
  /** Per node id. */
  layers: { [nodeId: string]: LayerSim };
  series: SimSeries;
  notes: string[];
}

export type WhatIfKind = 'insert-layernorm' | 'pre-ln-residual' | 'he-uniform' | 'deepnorm' | 'residual-scaling' | 'batchnorm' | 'scale-attention';

export interface WhatIf {
  fix: WhatIfKind;
  /** Human label: 'with Pre-LN residual blocks'. */
  label: string;
  verdict: Verdict;
  borderline: boolean;
  outputGain: number | null;
  gradientGain: number | null;
  float32Limit: Float32Limit | null;
  series: SimSeries;
}
