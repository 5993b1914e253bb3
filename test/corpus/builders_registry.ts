import * as tf from '@tensorflow/tfjs';

function mlp(depth: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [4] }));
  for (let i = 0; i < depth; i++) model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}

const BUILDERS: Record<string, () => tf.Sequential> = {
  tiny: () => mlp(1),
  deep: () => mlp(14),
};

const choice = 'deep';
export const agent = BUILDERS[choice]();
