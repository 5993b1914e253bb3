import { sequential, layers } from '@tensorflow/tfjs-node';

const { dense, dropout, batchNormalization } = layers;

export function regressor() {
  const net = sequential();
  net.add(dense({ units: 64, inputShape: [13], activation: 'relu' }));
  net.add(batchNormalization());
  net.add(dense({ units: 64, activation: 'relu' }));
  net.add(dropout({ rate: 0.25 }));
  net.add(dense({ units: 1 }));
  return net;
}
