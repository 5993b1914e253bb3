import * as tf from '@tensorflow/tfjs';

const embed1 = tf.layers.dense({ units: 128, activation: 'relu', name: 'shared_fc1' });
const embed2 = tf.layers.dense({ units: 64, activation: 'relu', name: 'shared_fc2' });

function tower(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return embed2.apply(embed1.apply(x)) as tf.SymbolicTensor;
}

const left = tf.input({ shape: [300], name: 'left' });
const right = tf.input({ shape: [300], name: 'right' });
const merged = tf.layers.concatenate().apply([tower(left), tower(right)]) as tf.SymbolicTensor;
const hidden = tf.layers.dense({ units: 32, activation: 'relu' }).apply(merged) as tf.SymbolicTensor;
const score = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(hidden) as tf.SymbolicTensor;

export const siamese = tf.model({ inputs: [left, right], outputs: score });
