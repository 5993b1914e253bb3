import * as tf from '@tensorflow/tfjs';

type BlockOptions = { units?: number; norm?: boolean; activation?: string };

const denseBlock = ({ units = 64, norm = true, activation = 'relu' }: BlockOptions = {}): tf.layers.Layer[] => {
  const out: tf.layers.Layer[] = [tf.layers.dense({ units, activation: norm ? 'linear' : activation })];
  if (norm) {
    out.push(tf.layers.layerNormalization());
    out.push(tf.layers.activation({ activation }));
  }
  return out;
};

export const createModel = ({ depth = 10, width = 128 } = {}) => {
  const layers: tf.layers.Layer[] = [tf.layers.inputLayer({ inputShape: [width] })];
  for (let i = 0; i < depth; i++) {
    layers.push(...denseBlock({ units: width, norm: i % 2 === 0 }));
  }
  layers.push(tf.layers.dense({ units: 1 }));
  return tf.sequential({ layers });
};

export const model = createModel({ depth: 10 });
