// A Node training script for a conditional GAN: hyper-parameters come from argparse (defaults when no flags are
// given), the entry point runs under `require.main === module`, and the builders are exported as well.
const tf = require('@tensorflow/tfjs');
const { ArgumentParser } = require('argparse');

const NUM_CLASSES = 10;

function buildDecoder(latentDim) {
  const trunk = tf.sequential();
  trunk.add(tf.layers.dense({ units: 4 * 4 * 128, inputShape: [latentDim], activation: 'relu' }));
  trunk.add(tf.layers.reshape({ targetShape: [4, 4, 128] }));
  for (const filters of [64, 32]) {
    trunk.add(tf.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }));
    trunk.add(tf.layers.batchNormalization());
  }
  trunk.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 1, padding: 'same', activation: 'tanh' }));

  const z = tf.input({ shape: [latentDim] });
  const label = tf.input({ shape: [1] });
  const labelVec = tf.layers.flatten().apply(
    tf.layers.embedding({ inputDim: NUM_CLASSES, outputDim: latentDim }).apply(label));
  const conditioned = tf.layers.multiply().apply([z, labelVec]);
  return tf.model({ inputs: [z, label], outputs: trunk.apply(conditioned) });
}

function buildCritic(imageSize) {
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', inputShape: [imageSize, imageSize, 1] }));
  net.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  net.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }));
  net.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  net.add(tf.layers.flatten());
  net.add(tf.layers.dense({ units: 1 }));
  return net;
}

function parseArgs() {
  const parser = new ArgumentParser({ description: 'Conditional GAN trainer' });
  parser.addArgument('--latentDim', { type: 'int', defaultValue: 64 });
  parser.addArgument('--imageSize', { type: 'int', defaultValue: 16 });
  parser.addArgument('--gpu', { action: 'storeTrue' });
  return parser.parseArgs();
}

async function main() {
  const args = parseArgs();
  const decoder = buildDecoder(args.latentDim);
  const critic = buildCritic(args.imageSize);
  critic.compile({ optimizer: tf.train.adam(2e-4, 0.5), loss: 'meanSquaredError' });

  const z = tf.input({ shape: [args.latentDim] });
  const label = tf.input({ shape: [1] });
  critic.trainable = false;
  const score = critic.apply(decoder.apply([z, label]));
  const stacked = tf.model({ inputs: [z, label], outputs: score });
  stacked.compile({ optimizer: tf.train.adam(2e-4, 0.5), loss: 'meanSquaredError' });
}

if (require.main === module) {
  main();
}

module.exports = { buildDecoder, buildCritic };
