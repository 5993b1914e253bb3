import * as tf from '@tensorflow/tfjs';

const VOCAB = 5000;
const MAX_LEN = 64;
const EMBED = 128;

export function buildTagger() {
  const tokens = tf.input({ shape: [MAX_LEN], dtype: 'int32', name: 'tokens' });
  const positions = tf.input({ shape: [MAX_LEN], dtype: 'int32', name: 'positions' });
  const tokEmb = tf.layers.embedding({ inputDim: VOCAB, outputDim: EMBED }).apply(tokens) as tf.SymbolicTensor;
  const posEmb = tf.layers.embedding({ inputDim: MAX_LEN, outputDim: EMBED }).apply(positions) as tf.SymbolicTensor;
  // Token + position embeddings: two separate streams merged, not a residual path.
  let x = tf.layers.add().apply([tokEmb, posEmb]) as tf.SymbolicTensor;
  x = tf.layers.lstm({ units: 128, returnSequences: true }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.lstm({ units: 128, returnSequences: true }).apply(x) as tf.SymbolicTensor;
  const tags = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 17, activation: 'softmax' }) }).apply(x) as tf.SymbolicTensor;
  const tagger = tf.model({ inputs: [tokens, positions], outputs: tags });
  return tagger;
}
