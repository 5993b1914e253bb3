import * as tf from '@tensorflow/tfjs';

const inputs = tf.input({ shape: [20] });
const units = 50;
const outputs = tf.layers
  .dense({ units: 1 })
  .apply(
    tf.layers.dense({ units, activation: 'relu' }).apply(
      tf.layers.dense({ units, activation: 'relu' }).apply(
        tf.layers.dense({ units, activation: 'relu' }).apply(inputs),
      ),
    ),
  ) as tf.SymbolicTensor;

export const nested = tf.model({ inputs, outputs });
