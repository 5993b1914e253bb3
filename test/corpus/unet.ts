import * as tf from '@tensorflow/tfjs';

const FILTERS = [16, 32, 64, 128];

function doubleConv(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  let y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(y) as tf.SymbolicTensor;
  return y;
}

export function unet(inputSize = 128): tf.LayersModel {
  const inputs = tf.input({ shape: [inputSize, inputSize, 1] });
  const skips: tf.SymbolicTensor[] = [];
  let x: tf.SymbolicTensor = inputs;
  for (const f of FILTERS) {
    x = doubleConv(x, f);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = doubleConv(x, 256);
  for (const f of [...FILTERS].reverse()) {
    x = tf.layers.conv2dTranspose({ filters: f, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const skip = skips.pop() as tf.SymbolicTensor;
    x = tf.layers.concatenate({ axis: -1 }).apply([skip, x]) as tf.SymbolicTensor;
    x = doubleConv(x, f);
  }
  const outputs = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs });
}
