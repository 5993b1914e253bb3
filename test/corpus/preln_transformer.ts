import * as tf from '@tensorflow/tfjs';

const D_MODEL = 64;
const SEQ_LEN = 16;
const NUM_BLOCKS = 6;

/** Single-head self-attention from dense / dot / softmax pieces (tfjs has no MultiHeadAttention layer). */
function selfAttention(x: tf.SymbolicTensor, prefix: string): tf.SymbolicTensor {
  const q = tf.layers.dense({ units: D_MODEL, name: `${prefix}_q` }).apply(x) as tf.SymbolicTensor;
  const k = tf.layers.dense({ units: D_MODEL, name: `${prefix}_k` }).apply(x) as tf.SymbolicTensor;
  const v = tf.layers.dense({ units: D_MODEL, name: `${prefix}_v` }).apply(x) as tf.SymbolicTensor;
  const scores = tf.layers.dot({ axes: [2, 2] }).apply([q, k]) as tf.SymbolicTensor;
  const weights = tf.layers.softmax({ axis: -1 }).apply(scores) as tf.SymbolicTensor;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([weights, v]) as tf.SymbolicTensor;
  return tf.layers.dense({ units: D_MODEL, name: `${prefix}_o` }).apply(context) as tf.SymbolicTensor;
}

function encoderBlock(x: tf.SymbolicTensor, i: number): tf.SymbolicTensor {
  // Pre-LN: normalise the branch input, keep the residual stream untouched.
  const h = tf.layers.layerNormalization({ name: `ln1_${i}` }).apply(x) as tf.SymbolicTensor;
  const attn = selfAttention(h, `attn${i}`);
  const x1 = tf.layers.add().apply([x, attn]) as tf.SymbolicTensor;

  const h2 = tf.layers.layerNormalization({ name: `ln2_${i}` }).apply(x1) as tf.SymbolicTensor;
  const ff = tf.layers.dense({ units: 4 * D_MODEL, activation: 'gelu' }).apply(h2) as tf.SymbolicTensor;
  const ff2 = tf.layers.dense({ units: D_MODEL }).apply(ff) as tf.SymbolicTensor;
  return tf.layers.add().apply([x1, ff2]) as tf.SymbolicTensor;
}

const tokens = tf.input({ shape: [SEQ_LEN, D_MODEL], name: 'tokens' });
let stream: tf.SymbolicTensor = tokens;
for (let i = 0; i < NUM_BLOCKS; i++) {
  stream = encoderBlock(stream, i);
}
stream = tf.layers.layerNormalization({ name: 'final_ln' }).apply(stream) as tf.SymbolicTensor;
const logits = tf.layers.dense({ units: 1000 }).apply(stream) as tf.SymbolicTensor;

export const encoder = tf.model({ inputs: tokens, outputs: logits });
