import * as tf from '@tensorflow/tfjs';

const HP = { blocks: 5, units: 96, dropout: 0.1 } as const;

export class Trainer {
  model: tf.LayersModel;
  readonly #units: number;

  constructor(units: number = HP.units) {
    this.#units = units;
    this.model = this.#createModel();
  }

  #block(x: tf.SymbolicTensor, i: number): tf.SymbolicTensor {
    const h = tf.layers.layerNormalization({ name: `norm_${i}` }).apply(x) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: this.#units, activation: 'relu', kernelInitializer: tf.initializers.heUniform({}) }).apply(h) as tf.SymbolicTensor;
    const d = tf.layers.dropout({ rate: HP.dropout }).apply(y) as tf.SymbolicTensor;
    return tf.layers.add().apply([x, d]) as tf.SymbolicTensor;
  }

  #createModel(): tf.LayersModel {
    const inp = tf.input({ shape: [this.#units] });
    let x = inp;
    for (let i = 0; i < HP.blocks; i++) x = this.#block(x, i);
    const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: inp, outputs: out });
  }
}

export const trainer = new Trainer();
