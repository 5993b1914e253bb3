import * as tf from '@tensorflow/tfjs';

export class DeepNet extends tf.Sequential {
  constructor(private readonly depth = 16, private readonly width = 128) {
    super();
    this.add(tf.layers.dense({ units: this.width, inputShape: [28 * 28], activation: 'relu' }));
    for (let i = 0; i < this.depth - 1; i++) {
      this.addHidden();
    }
    this.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  }

  private addHidden(): void {
    this.add(tf.layers.dense({ units: this.width, activation: 'relu' }));
  }
}

export const net = new DeepNet();
