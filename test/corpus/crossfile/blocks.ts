import * as tf from '@tensorflow/tfjs';
import { ACTIVATION, HIDDEN_UNITS } from './config';

export function hidden(units: number = HIDDEN_UNITS): tf.layers.Layer {
  return tf.layers.dense({ units, activation: ACTIVATION });
}
