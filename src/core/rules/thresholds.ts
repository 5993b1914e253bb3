/**
 * Rule thresholds: flat keys (the VS Code settings are `stabilityLens.rules.<key>`, the CLI options
 * `--threshold <key>=<n>`), each with its documented default and the reason for it.
 */
export interface ThresholdDoc {
  key: string;
  rule: string;
  default: number;
  description: string;
}

export const THRESHOLD_DOCS: readonly ThresholdDoc[] = [
  {
    key: 'deepPlainStack.minRun',
    rule: 'deep-plain-stack',
    default: 8,
    description: 'Weighted layers in a row (no normalization, no skip) that make a deep plain stack.',
  },
  {
    key: 'postLnDeep.minBlocks',
    rule: 'post-ln-deep',
    default: 6,
    description: 'Post-LN residual blocks (normalization after the add) from which warm-up becomes necessary.',
  },
  {
    key: 'truncatedNormalVariance.minLayers',
    rule: 'truncated-normal-variance',
    default: 4,
    description: 'ReLU-family layers in a row drawn from tfjs truncated "normal" initializers (0.774 of the variance each).',
  },
  {
    key: 'initActivationMismatch.minLayers',
    rule: 'init-activation-mismatch',
    default: 6,
    description: 'Layers in a row whose initializer does not match the activation (Glorot/LeCun with ReLU, He with tanh/sigmoid).',
  },
  {
    key: 'unnormalizedResidualGrowth.minBlocks',
    rule: 'unnormalized-residual-growth',
    default: 4,
    description: 'Residual adds in a model without any normalization from which the variance growth is reported.',
  },
  {
    key: 'bnPlainStack.minRun',
    rule: 'bn-plain-stack',
    default: 12,
    description: 'Weighted layers with BatchNormalization and no residual path (gradient RMS grows about 1.21x per layer: 10x at 12).',
  },
  {
    key: 'unscaledAttention.minKeyDim',
    rule: 'unscaled-attention',
    default: 16,
    description: 'Key/query width d_k from which unscaled q·k scores are reported (their spread grows like sqrt(d_k)).',
  },
];

export type Thresholds = { [key: string]: number };

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze(
  Object.fromEntries(THRESHOLD_DOCS.map((d) => [d.key, d.default])),
);

/** Every threshold key (for settings and CLI validation). */
export const THRESHOLD_KEYS: readonly string[] = THRESHOLD_DOCS.map((d) => d.key);

/** Defaults overridden by the finite, positive values given for known keys; unknown keys are ignored. */
export function resolveThresholds(partial?: { [key: string]: number | undefined }): Thresholds {
  const out: Thresholds = { ...DEFAULT_THRESHOLDS };
  if (!partial) return out;
  for (const [k, v] of Object.entries(partial)) {
    if (k in out && typeof v === 'number' && Number.isFinite(v) && v > 0) out[k] = v;
  }
  return out;
}
