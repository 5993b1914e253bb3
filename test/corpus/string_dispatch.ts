import * as tf from '@tensorflow/tfjs';

type LayerSpec = [kind: string, config: Record<string, unknown>];

// A model described as data, as config-driven training scripts do.
const SPEC: LayerSpec[] = [
  ['dense', { units: 256, activation: 'relu', inputShape: [100] }],
  ['dense', { units: 256, activation: 'relu' }],
  ['layerNormalization', {}],
  ['dense', { units: 256, activation: 'relu' }],
  ['dense', { units: 256, activation: 'relu' }],
  ['dropout', { rate: 0.1 }],
  ['layerNormalization', {}],
  ['dense', { units: 10, activation: 'softmax' }],
];

export function fromSpec(spec: LayerSpec[] = SPEC): tf.Sequential {
  const net = tf.sequential();
  for (const [kind, config] of spec) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    net.add((tf.layers as any)[kind](config));
  }
  return net;
}
