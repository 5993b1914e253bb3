import * as tf from '@tensorflow/tfjs';

const HIDDEN = [512, 256, 256, 128, 128, 64, 64, 32, 32];

export function createClassifier(): tf.Sequential {
  const classifier = tf.sequential();
  HIDDEN.forEach((units, i) => {
    classifier.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [784] } : {}),
      }),
    );
  });
  classifier.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return classifier;
}
