import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [8] }));
// model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
// model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
/*
for (let i = 0; i < 20; i++) {
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
}
*/
const experimental = tf.layers.dense({ units: 32, activation: 'relu' }); // created, never added
void experimental;
model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
const description = "model.add(tf.layers.dense({ units: 32 }))";
console.log(description);

export default model;
