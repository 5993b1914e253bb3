import * as tf from '@tensorflow/tfjs';

class ResidualDense extends tf.layers.Layer {
  static className = 'ResidualDense';
  private readonly units: number;
  private dense1: tf.layers.Layer;
  private dense2: tf.layers.Layer;
  private norm: tf.layers.Layer;

  constructor(config: { units: number; name?: string }) {
    super(config);
    this.units = config.units;
    this.norm = tf.layers.layerNormalization();
    this.dense1 = tf.layers.dense({ units: this.units * 2, activation: 'relu' });
    this.dense2 = tf.layers.dense({ units: this.units });
  }

  build(inputShape: tf.Shape): void {
    this.norm.build(inputShape);
    this.dense1.build(inputShape);
    this.dense2.build([inputShape[0], this.units * 2]);
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const h = this.norm.apply(x) as tf.Tensor;
      const y = this.dense2.apply(this.dense1.apply(h)) as tf.Tensor;
      return tf.add(x, y);
    });
  }

  computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return inputShape;
  }
}
tf.serialization.registerClass(ResidualDense);

export const deepResidualMlp = tf.sequential();
deepResidualMlp.add(tf.layers.dense({ units: 64, inputShape: [32] }));
for (let i = 0; i < 10; i++) {
  deepResidualMlp.add(new ResidualDense({ units: 64, name: `res_${i}` }));
}
deepResidualMlp.add(tf.layers.layerNormalization());
deepResidualMlp.add(tf.layers.dense({ units: 1 }));
