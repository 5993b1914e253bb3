import * as tf from '@tensorflow/tfjs';

interface TransformerConfig {
  numLayers: number;
  dModel: number;
  dFF: number;
}

export class PostLNTransformer {
  private readonly cfg: TransformerConfig;
  private model?: tf.LayersModel;

  constructor(cfg: TransformerConfig = { numLayers: 12, dModel: 128, dFF: 512 }) {
    this.cfg = cfg;
  }

  private attention(x: tf.SymbolicTensor): tf.SymbolicTensor {
    const { dModel } = this.cfg;
    const q = tf.layers.dense({ units: dModel }).apply(x) as tf.SymbolicTensor;
    const k = tf.layers.dense({ units: dModel }).apply(x) as tf.SymbolicTensor;
    const v = tf.layers.dense({ units: dModel }).apply(x) as tf.SymbolicTensor;
    const s = tf.layers.dot({ axes: -1 }).apply([q, k]) as tf.SymbolicTensor;
    const p = tf.layers.activation({ activation: 'softmax' }).apply(s) as tf.SymbolicTensor;
    return tf.layers.dot({ axes: [2, 1] }).apply([p, v]) as tf.SymbolicTensor;
  }

  private block(x: tf.SymbolicTensor): tf.SymbolicTensor {
    const a = this.attention(x);
    let y = tf.layers.add().apply([x, a]) as tf.SymbolicTensor;
    y = tf.layers.layerNormalization().apply(y) as tf.SymbolicTensor; // Post-LN
    const f = tf.layers.dense({ units: this.cfg.dFF, activation: 'relu' }).apply(y) as tf.SymbolicTensor;
    const g = tf.layers.dense({ units: this.cfg.dModel }).apply(f) as tf.SymbolicTensor;
    const z = tf.layers.add().apply([y, g]) as tf.SymbolicTensor;
    return tf.layers.layerNormalization().apply(z) as tf.SymbolicTensor;
  }

  build(): tf.LayersModel {
    const input = tf.input({ shape: [32, this.cfg.dModel] });
    let x: tf.SymbolicTensor = input;
    for (let l = 0; l < this.cfg.numLayers; l++) x = this.block(x);
    const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    this.model = tf.model({ inputs: input, outputs: out });
    return this.model;
  }
}
