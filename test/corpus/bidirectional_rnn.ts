import * as tf from '@tensorflow/tfjs';

export function sentimentModel(vocabSize = 10000, maxLen = 100): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: vocabSize, outputDim: 64, inputLength: maxLen }));
  m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64, returnSequences: true }) as tf.RNN, mergeMode: 'concat' }));
  m.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 32 }) as tf.RNN }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}
