const tf = require('@tensorflow/tfjs-node');

const BASE = { activation: 'selu', kernelInitializer: 'leCunNormal' };

module.exports = function createSeluNet(inputDim = 20) {
  const net = tf.sequential();
  net.add(tf.layers.dense(Object.assign({}, BASE, { units: 100, inputShape: [inputDim] })));
  [...Array(11).keys()].forEach(() => net.add(tf.layers.dense({ ...BASE, units: 100 })));
  net.add(tf.layers.dense({ units: 1 }));
  return net;
};
