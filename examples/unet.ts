/**
 * U-Net for binary segmentation of 128x128 grayscale images: an encoder of conv pairs, a decoder of
 * transposed convolutions, and concatenate skips from each encoder level to the matching decoder level.
 */
import * as tf from '@tensorflow/tfjs';

type T = tf.SymbolicTensor;
const FILTERS = [16, 32, 64, 128];

function convPair(x: T, filters: number): T {
  x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heUniform' }).apply(x) as T;
  return tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heUniform' }).apply(x) as T;
}

export function buildUNet(): tf.LayersModel {
  const image = tf.input({ shape: [128, 128, 1] });
  const skips: T[] = [];
  let x: T = image;
  for (const f of FILTERS) {
    x = convPair(x, f);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as T;
  }
  x = convPair(x, 256);
  for (let level = FILTERS.length - 1; level >= 0; level--) {
    x = tf.layers.conv2dTranspose({ filters: FILTERS[level], kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as T;
    x = tf.layers.concatenate().apply([x, skips[level]]) as T;
    x = convPair(x, FILTERS[level]);
  }
  const mask = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(x) as T;
  return tf.model({ inputs: image, outputs: mask, name: 'unet' });
}

export const unet = buildUNet();
