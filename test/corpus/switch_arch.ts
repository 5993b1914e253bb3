import * as tf from '@tensorflow/tfjs';

type Arch = 'shallow' | 'deep' | 'residual';

export function buildNetwork(arch: Arch = 'deep', width = 64): tf.LayersModel {
  const input = tf.input({ shape: [width] });
  let x: tf.SymbolicTensor = input;
  let depth: number;
  switch (arch) {
    case 'shallow':
      depth = 2;
      break;
    case 'deep':
      depth = 16;
      break;
    default:
      depth = 8;
  }
  for (let i = depth; i > 0; i--) {
    x = tf.layers.dense({ units: width, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  }
  const head = tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head });
}

export const shallowNet = buildNetwork('shallow');
export const deepNet = buildNetwork('deep');
