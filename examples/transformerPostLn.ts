/**
 * The original (BERT-style) Post-LN arrangement, twelve blocks deep: LN(x + Attention(x)), LN(x + FFN(x)).
 * It keeps activations at unit scale, but the last blocks' gradients do not shrink with depth: without a
 * learning-rate warm-up the first updates are large.
 */
import * as tf from '@tensorflow/tfjs';

const SEQ_LEN = 64;
const D_MODEL = 96;
const NUM_BLOCKS = 12;

export function buildPostLnEncoder(numBlocks = NUM_BLOCKS): tf.LayersModel {
  const input = tf.input({ shape: [SEQ_LEN, D_MODEL], name: 'features' });
  let x = input;
  for (let i = 0; i < numBlocks; i++) {
    const q = tf.layers.dense({ units: D_MODEL }).apply(x) as tf.SymbolicTensor;
    const k = tf.layers.dense({ units: D_MODEL }).apply(x) as tf.SymbolicTensor;
    const v = tf.layers.dense({ units: D_MODEL }).apply(x) as tf.SymbolicTensor;
    const scores = tf.layers.dot({ axes: -1 }).apply([q, k]) as tf.SymbolicTensor;
    const attn = tf.layers.softmax().apply(scores) as tf.SymbolicTensor;
    const ctx = tf.layers.dot({ axes: [2, 1] }).apply([attn, v]) as tf.SymbolicTensor;
    const proj = tf.layers.dense({ units: D_MODEL }).apply(ctx) as tf.SymbolicTensor;
    x = tf.layers.add().apply([x, proj]) as tf.SymbolicTensor;
    x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;

    const hidden = tf.layers.dense({ units: 4 * D_MODEL, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    const ffn = tf.layers.dense({ units: D_MODEL }).apply(hidden) as tf.SymbolicTensor;
    x = tf.layers.add().apply([x, ffn]) as tf.SymbolicTensor;
    x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
  }
  const pooled = tf.layers.globalAveragePooling1d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

export const postLnEncoder = buildPostLnEncoder();
