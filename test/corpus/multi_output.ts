import * as tf from '@tensorflow/tfjs';

const L = tf.layers;

const image = tf.input({ shape: [64] });
let trunk = L.dense({ units: 128, activation: 'relu' }).apply(image) as tf.SymbolicTensor;
trunk = L.dense({ units: 128, activation: 'relu' }).apply(trunk) as tf.SymbolicTensor;

const classHead = L.dense({ units: 10, activation: 'softmax', name: 'class' }).apply(trunk) as tf.SymbolicTensor;
const boxHidden = L.dense({ units: 32, activation: 'relu' }).apply(trunk) as tf.SymbolicTensor;
const boxHead = L.dense({ units: 4, name: 'box' }).apply(boxHidden) as tf.SymbolicTensor;

export const detector = tf.model({ inputs: image, outputs: [classHead, boxHead] });
