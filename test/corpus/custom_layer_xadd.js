import * as tf from '@tensorflow/tfjs';

/** A gated residual unit: y = x + g * h, written as a custom layer with its own weights. */
class GatedResidual extends tf.layers.Layer {
  constructor(config) {
    super(config);
    this.units = config.units;
  }

  build(inputShape) {
    const dim = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight('kernel', [dim, this.units], 'float32', tf.initializers.glorotUniform({}));
    this.gate = this.addWeight('gate', [dim, this.units], 'float32', tf.initializers.zeros());
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
  }

  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const h = tf.relu(tf.matMul(x, this.kernel.read()).add(this.bias.read()));
      const g = tf.sigmoid(tf.matMul(x, this.gate.read()));
      return x.add(h.mul(g));
    });
  }

  static get className() {
    return 'GatedResidual';
  }
}
tf.serialization.registerClass(GatedResidual);

const stack = tf.sequential();
stack.add(tf.layers.dense({ units: 32, inputShape: [32] }));
for (let i = 0; i < 20; i++) stack.add(new GatedResidual({ units: 32 }));
stack.add(tf.layers.dense({ units: 1 }));
export { stack };
