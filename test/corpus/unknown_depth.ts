import * as tf from '@tensorflow/tfjs';

// `layers` comes from a UI slider at run time: nothing in this file calls the builder.
export function buildFromSlider(layers: number, units = 64): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, activation: 'relu', inputShape: [10] }));
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({ units, activation: 'relu' }));
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}
