'use strict';
const tf = require('@tensorflow/tfjs-node-gpu');

const WIDTH = 200;
const DEPTH = 12;

function build() {
  const layers = [tf.layers.dense({ units: WIDTH, activation: 'tanh', inputShape: [50], kernelInitializer: 'heNormal' })];
  for (let d = 1; d < DEPTH; d++) {
    layers.push(tf.layers.dense({ units: WIDTH, activation: 'tanh', kernelInitializer: 'heNormal' }));
  }
  layers.push(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return tf.sequential({ layers });
}

module.exports = { build };
