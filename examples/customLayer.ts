/**
 * A custom residual layer: y = x + W2 relu(W1 x), with its weights created in build() and the residual
 * written with tf.add in call(). Stacked eight times with no normalization anywhere, the residual stream's
 * variance grows with every block.
 */
import * as tf from '@tensorflow/tfjs';

class ResidualDense extends tf.layers.Layer {
  static className = 'ResidualDense';
  private w1!: tf.LayerVariable;
  private w2!: tf.LayerVariable;

  constructor(private readonly units: number, config: tf.serialization.ConfigDict = {}) {
    super(config);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const dim = (inputShape as tf.Shape)[1] as number;
    this.w1 = this.addWeight('w1', [dim, this.units], 'float32', tf.initializers.glorotNormal({}));
    this.w2 = this.addWeight('w2', [this.units, dim], 'float32', tf.initializers.glorotNormal({}));
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const h = tf.relu(tf.matMul(x, this.w1.read()));
      return tf.add(x, tf.matMul(h, this.w2.read()));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(ResidualDense);

export function buildResidualMlp(blocks = 8): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 64, inputShape: [16] }));
  for (let i = 0; i < blocks; i++) model.add(new ResidualDense(128));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}

export const residualMlp = buildResidualMlp();
