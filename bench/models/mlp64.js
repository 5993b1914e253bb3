// Benchmark model (read by the analyzer AND run by tfjs in bench/model.bench.ts): a 64-layer ReLU MLP at width 256.
import * as tf from '@tensorflow/tfjs';

const WIDTH = 256;
const DEPTH = 64;

export const model = tf.sequential();
model.add(
  tf.layers.dense({ units: WIDTH, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [WIDTH] }),
);
for (let i = 1; i < DEPTH; i++) {
  model.add(tf.layers.dense({ units: WIDTH, activation: 'relu', kernelInitializer: 'heNormal' }));
}
