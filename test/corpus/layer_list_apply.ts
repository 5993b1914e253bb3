import * as tf from '@tensorflow/tfjs';

export class MLPEncoder {
  private readonly hidden: tf.layers.Layer[] = [];
  private readonly projection: tf.layers.Layer;

  constructor(private readonly depth = 9, private readonly units = 128) {
    for (let i = 0; i < this.depth; i++) {
      this.hidden.push(tf.layers.dense({ units: this.units, activation: 'elu', name: `enc_${i}` }));
    }
    this.projection = tf.layers.dense({ units: 16, name: 'proj' });
  }

  build(): tf.LayersModel {
    const input = tf.input({ shape: [this.units] });
    let x: tf.SymbolicTensor = input;
    for (const layer of this.hidden) {
      x = layer.apply(x) as tf.SymbolicTensor;
    }
    const z = this.projection.apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: z, name: 'mlp_encoder' });
  }
}

const enc = new MLPEncoder();
export const encoderModel = enc.build();
