import * as tf from '@tensorflow/tfjs';

/** A plain MLP of the given depth. */
function makeMLP(depth: number, width: number) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: width, activation: 'relu', inputShape: [20] }));
  for (let i = 1; i < depth; i++) {
    m.add(tf.layers.dense({ units: width, activation: 'relu' }));
  }
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}

export const small = makeMLP(3, 32);
export const large = makeMLP(20, 256);
