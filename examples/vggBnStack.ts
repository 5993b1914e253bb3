/**
 * A VGG-style plain CNN with BatchNormalization after every convolution and no shortcuts: the forward pass
 * is pinned, but at initialization the gradients grow by about 1.21x per BatchNorm layer.
 */
import * as tf from '@tensorflow/tfjs';

const BLOCKS: Array<{ filters: number; convs: number }> = [
  { filters: 32, convs: 2 },
  { filters: 64, convs: 3 },
  { filters: 128, convs: 4 },
  { filters: 256, convs: 4 },
];

export function buildVgg(): tf.Sequential {
  const model = tf.sequential({ name: 'vgg_bn' });
  model.add(tf.layers.inputLayer({ inputShape: [96, 96, 3] }));
  for (const { filters, convs } of BLOCKS) {
    for (let i = 0; i < convs; i++) {
      model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: 'heUniform' }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

export const vgg = buildVgg();
