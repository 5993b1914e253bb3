import * as tf from '@tensorflow/tfjs';

const LATENT = 8;

export const encoder = tf.sequential({
  name: 'encoder',
  layers: [
    tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
    tf.layers.dense({ units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 32, activation: 'relu' }),
    tf.layers.dense({ units: LATENT }),
  ],
});

export const decoder = tf.sequential({
  name: 'decoder',
  layers: [
    tf.layers.dense({ units: 32, activation: 'relu', inputShape: [LATENT] }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 784, activation: 'sigmoid' }),
  ],
});

// The autoencoder stacks both sub-models: tfjs treats each as a single layer.
export const autoencoder = tf.sequential();
autoencoder.add(encoder);
autoencoder.add(decoder);
