/**
 * Tabular churn classifier: a deep fully-connected network over 48 engineered features.
 *
 * Every hidden layer uses the tfjs defaults (glorotNormal kernels) with ReLU and there is no normalization
 * between them: the signal shrinks by about 0.39 per layer at initialization.
 */
import * as tf from '@tensorflow/tfjs';

const NUM_FEATURES = 48;
const HIDDEN_UNITS = 256;

export const churnModel = tf.sequential({
  name: 'churn',
  layers: [
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu', inputShape: [NUM_FEATURES] }),
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'relu' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});

churnModel.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
