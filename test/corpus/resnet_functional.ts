import * as tf from '@tensorflow/tfjs-node';

function convBnRelu(x: tf.SymbolicTensor, filters: number, kernelSize = 3): tf.SymbolicTensor {
  let y = tf.layers.conv2d({ filters, kernelSize, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
}

function residualBlock(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  const shortcut = x;
  let y = convBnRelu(x, filters);
  y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.add().apply([shortcut, y]) as tf.SymbolicTensor;
  return tf.layers.reLU().apply(y) as tf.SymbolicTensor;
}

export function buildResNet(numBlocks = 8): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = convBnRelu(input, 32);
  for (let i = 0; i < numBlocks; i++) {
    x = residualBlock(x, 32);
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'resnet' });
}
