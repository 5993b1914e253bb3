import * as tf from '@tensorflow/tfjs';

interface LayerConfig {
  type: 'dense' | 'dropout' | 'batchNormalization';
  args?: tf.layers.DenseLayerArgs | { rate: number };
}

const ARCH: { name: string; layers: LayerConfig[] } = {
  name: 'wide-and-deep',
  layers: [
    { type: 'dense', args: { units: 512, activation: 'relu', inputShape: [30] } as tf.layers.DenseLayerArgs },
    { type: 'dense', args: { units: 512, activation: 'relu' } },
    { type: 'dense', args: { units: 256, activation: 'relu' } },
    { type: 'batchNormalization' },
    { type: 'dense', args: { units: 128, activation: 'relu' } },
    { type: 'dropout', args: { rate: 0.3 } },
    { type: 'dense', args: { units: 1, activation: 'sigmoid' } },
  ],
};

export const wideAndDeep = tf.sequential({
  name: ARCH.name,
  layers: ARCH.layers.map((l) => (tf.layers as any)[l.type](l.args ?? {})),
});
