import * as tf from '@tensorflow/tfjs';

export function periodicNorm(): tf.Sequential {
  const seq = tf.sequential();
  seq.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [16] }));
  let i = 0;
  while (i < 12) {
    seq.add(tf.layers.dense({ units: 64, activation: 'relu' }));
    if (i % 3 === 2) {
      seq.add(tf.layers.layerNormalization());
    }
    i++;
  }
  seq.add(tf.layers.dense({ units: 1 }));
  return seq;
}
