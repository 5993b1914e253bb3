import * as tf from '@tensorflow/tfjs';

const input = tf.input({ shape: [48] });
const hiddenLayers = Array.from({ length: 12 }, (_, i) =>
  tf.layers.dense({ units: 96, activation: 'relu', name: `fc${i}` }),
);
const features = hiddenLayers.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
const head = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(features) as tf.SymbolicTensor;

export const deepReduce = tf.model({ inputs: input, outputs: head });
