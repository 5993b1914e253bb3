import * as tf from '@tensorflow/tfjs';
import { NUM_HIDDEN } from './config';
import { hidden } from './blocks';

export const crossFileModel = tf.sequential();
crossFileModel.add(tf.layers.dense({ units: 256, inputShape: [40], activation: 'relu' }));
for (let i = 0; i < NUM_HIDDEN; i++) crossFileModel.add(hidden());
crossFileModel.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
