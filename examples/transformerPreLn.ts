/**
 * A small Pre-LN transformer encoder for sequence classification, built from tfjs layers only
 * (tfjs has no MultiHeadAttention layer): x + Attention(LN(x)), x + FFN(LN(x)), and a final LayerNormalization.
 */
import * as tf from '@tensorflow/tfjs';

const SEQ_LEN = 32;
const VOCAB = 8000;
const D_MODEL = 128;
const D_FF = 512;
const NUM_BLOCKS = 6;

type T = tf.SymbolicTensor;

function selfAttention(x: T, name: string): T {
  const q = tf.layers.dense({ units: D_MODEL, name: `${name}_q` }).apply(x) as T;
  const k = tf.layers.dense({ units: D_MODEL, name: `${name}_k` }).apply(x) as T;
  const v = tf.layers.dense({ units: D_MODEL, name: `${name}_v` }).apply(x) as T;
  const scores = tf.layers.dot({ axes: -1, name: `${name}_scores` }).apply([q, k]) as T;
  // Scaled dot-product attention: without 1/sqrt(d) the softmax starts out nearly one-hot.
  const scaled = tf.layers.rescaling({ scale: 1 / Math.sqrt(D_MODEL), name: `${name}_scale` }).apply(scores) as T;
  const weights = tf.layers.softmax({ name: `${name}_softmax` }).apply(scaled) as T;
  const context = tf.layers.dot({ axes: [2, 1], name: `${name}_context` }).apply([weights, v]) as T;
  return tf.layers.dense({ units: D_MODEL, name: `${name}_out` }).apply(context) as T;
}

function feedForward(x: T, name: string): T {
  const h = tf.layers.dense({ units: D_FF, activation: 'gelu', name: `${name}_ff1` }).apply(x) as T;
  return tf.layers.dense({ units: D_MODEL, name: `${name}_ff2` }).apply(h) as T;
}

function encoderBlock(x: T, i: number): T {
  const a = tf.layers.layerNormalization({ epsilon: 1e-6, name: `block${i}_ln1` }).apply(x) as T;
  x = tf.layers.add({ name: `block${i}_res1` }).apply([x, selfAttention(a, `block${i}_attn`)]) as T;
  const f = tf.layers.layerNormalization({ epsilon: 1e-6, name: `block${i}_ln2` }).apply(x) as T;
  return tf.layers.add({ name: `block${i}_res2` }).apply([x, feedForward(f, `block${i}`)]) as T;
}

export function buildEncoder(): tf.LayersModel {
  const tokens = tf.input({ shape: [SEQ_LEN], dtype: 'int32', name: 'tokens' });
  let x = tf.layers.embedding({ inputDim: VOCAB, outputDim: D_MODEL, name: 'token_embedding' }).apply(tokens) as T;
  for (let i = 0; i < NUM_BLOCKS; i++) x = encoderBlock(x, i);
  x = tf.layers.layerNormalization({ epsilon: 1e-6, name: 'final_ln' }).apply(x) as T;
  const pooled = tf.layers.globalAveragePooling1d({}).apply(x) as T;
  const logits = tf.layers.dense({ units: 4, activation: 'softmax', name: 'classifier' }).apply(pooled) as T;
  return tf.model({ inputs: tokens, outputs: logits, name: 'preLnEncoder' });
}

export const encoder = buildEncoder();
