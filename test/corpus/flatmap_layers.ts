import * as tf from '@tensorflow/tfjs';

const BLOCKS = 6;

export const normalizedNet = tf.sequential({
  layers: [
    tf.layers.dense({ units: 128, inputShape: [32] }),
    ...Array.from({ length: BLOCKS }).flatMap(() => [
      tf.layers.dense({ units: 128, useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
    ]),
    tf.layers.dense({ units: 1 }),
  ],
});
