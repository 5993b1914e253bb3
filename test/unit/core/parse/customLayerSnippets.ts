// Minimal custom-layer snippets with tensor ops in call() (parse and simulation tests).
import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import type { LayerGraph } from '../../../../src/core/graph/types';

export const VAE = `
import * as tf from '@tensorflow/tfjs';
class ZLayer extends tf.layers.Layer {
  computeOutputShape(shapes) { return shapes[0]; }
  call(inputs) {
    return tf.tidy(() => {
      const [zMean, zLogVar] = inputs;
      const eps = tf.randomNormal(zMean.shape);
      return zMean.add(tf.exp(tf.mul(0.5, zLogVar)).mul(eps));
    });
  }
  static get className() { return 'ZLayer'; }
}
const x = tf.input({ shape: [64] });
const h = tf.layers.dense({ units: 32, activation: 'relu' }).apply(x);
const zMean = tf.layers.dense({ units: 8 }).apply(h);
const zLogVar = tf.layers.dense({ units: 8 }).apply(h);
const z = new ZLayer().apply([zMean, zLogVar]);
export const encoder = tf.model({ inputs: x, outputs: z });
`;

export const ANTIRECTIFIER = `
import * as tf from '@tensorflow/tfjs';
class Antirectifier extends tf.layers.Layer {
  computeOutputShape(s) { return [s[0], s[1] * 2]; }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.sub(x.mean(-1, true));
      const n = tf.div(c, tf.sqrt(tf.sum(tf.square(c), -1, true)));
      return tf.concat([tf.relu(n), tf.relu(tf.neg(n))], -1);
    });
  }
  static get className() { return 'Antirectifier'; }
}
export const anti = tf.sequential();
anti.add(tf.layers.dense({ units: 64, inputShape: [32] }));
anti.add(new Antirectifier());
anti.add(tf.layers.dense({ units: 10 }));
`;

export const LAST_STEP = `
import * as tf from '@tensorflow/tfjs';
class LastStep extends tf.layers.Layer {
  computeOutputShape(s) { return [s[0], s[2]]; }
  call(inputs) {
    const x = inputs;
    const t = x.shape[1];
    return tf.squeeze(tf.slice(x, [0, t - 1, 0], [-1, 1, -1]), [1]);
  }
}
class LastByGather extends tf.layers.Layer {
  computeOutputShape(s) { return [s[0], s[2]]; }
  call(inputs) {
    return tf.gather(inputs, inputs.shape[1] - 1, 1);
  }
}
class LastByUnstack extends tf.layers.Layer {
  computeOutputShape(s) { return [s[0], s[2]]; }
  call(inputs) {
    const steps = tf.unstack(inputs, 1);
    return steps[steps.length - 1];
  }
}
export const seq = tf.sequential();
seq.add(tf.layers.lstm({ units: 16, returnSequences: true, inputShape: [12, 8] }));
seq.add(new LastStep());
export const seq1 = tf.sequential();
seq1.add(tf.layers.lstm({ units: 16, returnSequences: true, inputShape: [12, 8] }));
seq1.add(new LastByGather());
export const seq2 = tf.sequential();
seq2.add(tf.layers.lstm({ units: 16, returnSequences: true, inputShape: [12, 8] }));
seq2.add(new LastByUnstack());
`;

export const RESIDUAL = `
import * as tf from '@tensorflow/tfjs';
class ScaledResidual extends tf.layers.Layer {
  constructor(units) {
    super({});
    this.units = units;
    this.fc = tf.layers.dense({ units, activation: 'tanh' });
  }
  build(inputShape) {
    this.gain = this.addWeight('gain', [inputShape[inputShape.length - 1]], 'float32', tf.initializers.ones());
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = inputs;
      const y = this.fc.apply(x).mul(this.gain.read());
      return tf.add(x, tf.div(y, Math.sqrt(2)));
    });
  }
}
export const res = tf.sequential();
res.add(tf.layers.dense({ units: 32, inputShape: [32] }));
for (let i = 0; i < 4; i++) res.add(new ScaledResidual(32));
`;

export function graphOf(text: string, name: string): LayerGraph {
  const r = parseSource('/virtual/model.js', text, {});
  const g = r.graphs.find((x) => x.name === name);
  assert.ok(g, `no model ${name}: ${r.graphs.map((x) => x.name).join(', ')}`);
  return g;
}

export const LAYER_NORM = `
import * as tf from '@tensorflow/tfjs';
class MyNorm extends tf.layers.Layer {
  build(s) {
    this.gamma = this.addWeight('gamma', [s[s.length - 1]], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [s[s.length - 1]], 'float32', tf.initializers.zeros());
  }
  call(inputs) {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(inputs, -1, true);
      const y = tf.sub(inputs, mean).mul(tf.rsqrt(tf.add(variance, 1e-6)));
      return y.mul(this.gamma.read()).add(this.beta.read());
    });
  }
}
export const normed = tf.sequential();
normed.add(tf.layers.dense({ units: 48, inputShape: [16] }));
normed.add(new MyNorm());
`;
