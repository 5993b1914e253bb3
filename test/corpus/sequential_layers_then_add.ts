import * as tf from '@tensorflow/tfjs';

const WIDTHS = Array(6).fill(200);

export const mixed = tf.sequential({
  layers: [tf.layers.dense({ units: 200, inputShape: [10], activation: 'tanh' })],
});
for (const w of WIDTHS) {
  mixed.add(tf.layers.dense({ units: w, activation: 'tanh' }));
}
mixed.add(tf.layers.dense({ units: 200, activation: 'tanh' }));
mixed.add(tf.layers.dense({ units: 1 }));
