import * as tf from '@tensorflow/tfjs';

export type MyModel = tf.Sequential & { json: string };

export const getModel = (inputDim: number, units: number[]): MyModel => {
  const model = new tf.Sequential() as MyModel;
  model.add(
    tf.layers.dense({
      inputDim,
      units: units[0],
      activation: units.length === 1 ? 'tanh' : 'relu',
    }),
  );
  for (const [i, num] of units.slice(1).entries()) {
    model.add(
      tf.layers.dense({
        units: num,
        activation: i === units.length - 2 ? 'tanh' : 'relu',
      }),
    );
  }
  return model;
};

const policy = getModel(16, [64, 64, 64, 64, 64, 64, 64, 64, 4]);
policy.summary();
