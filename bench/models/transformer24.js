// Benchmark model (read by the analyzer AND run by tfjs in bench/model.bench.ts): a 24-block Pre-LN
// transformer-like encoder at width 256, sequence length 16, single-head attention from dense/dot/softmax.
import * as tf from '@tensorflow/tfjs';

const D_MODEL = 256;
const SEQ_LEN = 16;
const NUM_BLOCKS = 24;

function selfAttention(x, prefix) {
  const q = tf.layers.dense({ units: D_MODEL, name: `${prefix}_q` }).apply(x);
  const k = tf.layers.dense({ units: D_MODEL, name: `${prefix}_k` }).apply(x);
  const v = tf.layers.dense({ units: D_MODEL, name: `${prefix}_v` }).apply(x);
  const scores = tf.layers.dot({ axes: [2, 2] }).apply([q, k]);
  const weights = tf.layers.softmax({ axis: -1 }).apply(scores);
  const context = tf.layers.dot({ axes: [2, 1] }).apply([weights, v]);
  return tf.layers.dense({ units: D_MODEL, name: `${prefix}_o` }).apply(context);
}

function encoderBlock(x, i) {
  const h = tf.layers.layerNormalization({ name: `ln1_${i}` }).apply(x);
  const x1 = tf.layers.add().apply([x, selfAttention(h, `attn${i}`)]);
  const h2 = tf.layers.layerNormalization({ name: `ln2_${i}` }).apply(x1);
  const ff = tf.layers.dense({ units: 4 * D_MODEL, activation: 'gelu', name: `ff1_${i}` }).apply(h2);
  const ff2 = tf.layers.dense({ units: D_MODEL, name: `ff2_${i}` }).apply(ff);
  return tf.layers.add().apply([x1, ff2]);
}

const tokens = tf.input({ shape: [SEQ_LEN, D_MODEL], name: 'tokens' });
let stream = tokens;
for (let i = 0; i < NUM_BLOCKS; i++) {
  stream = encoderBlock(stream, i);
}
stream = tf.layers.layerNormalization({ name: 'final_ln' }).apply(stream);

export const model = tf.model({ inputs: tokens, outputs: stream });
