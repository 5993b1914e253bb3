/**
 * A ResNet-style image classifier for 64x64 RGB images: conv -> batchNorm -> relu branches added to an
 * identity (or 1x1 projection) shortcut.
 */
import * as tf from '@tensorflow/tfjs';

type T = tf.SymbolicTensor;

function convBn(x: T, filters: number, kernelSize: number, strides = 1, activate = true): T {
  let y = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' }).apply(x) as T;
  y = tf.layers.batchNormalization().apply(y) as T;
  return activate ? (tf.layers.activation({ activation: 'relu' }).apply(y) as T) : y;
}

function residualBlock(x: T, filters: number, downsample: boolean): T {
  const strides = downsample ? 2 : 1;
  let shortcut = x;
  if (downsample) shortcut = convBn(x, filters, 1, 2, false);
  let y = convBn(x, filters, 3, strides);
  y = convBn(y, filters, 3, 1, false);
  const sum = tf.layers.add().apply([shortcut, y]) as T;
  return tf.layers.activation({ activation: 'relu' }).apply(sum) as T;
}

export function buildResNet(numClasses = 10): tf.LayersModel {
  const input = tf.input({ shape: [64, 64, 3] });
  let x = convBn(input, 32, 3);
  const stages = [32, 64, 128];
  stages.forEach((filters, stage) => {
    for (let b = 0; b < 2; b++) x = residualBlock(x, filters, stage > 0 && b === 0);
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as T;
  const logits = tf.layers.dense({ units: numClasses, activation: 'softmax' }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logits });
}

export const resnet = buildResNet();
