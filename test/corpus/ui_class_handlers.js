// A browser app class: its constructor wires buttons to methods, the model is built by a method that gets a
// custom layer from a factory method (the class is declared inside it); a file picker guard returns early.
class TabularApp {
  constructor() {
    this.model = null;
    this.numFeatures = 9;
    document.getElementById('file').addEventListener('change', (e) => this.onFile(e));
    document.getElementById('build').addEventListener('click', () => this.buildModel());
    document.getElementById('train').addEventListener('click', () => this.train());
  }

  async onFile(event) {
    const file = event.target.files[0];
    if (!file) return;
    this.rows = (await file.text()).split('\n');
  }

  makeFeatureGate() {
    class FeatureGate extends tf.layers.Layer {
      computeOutputShape(inputShape) {
        return inputShape;
      }
      call(inputs) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tf.mul(x, tf.sigmoid(x));
      }
      static get className() {
        return 'FeatureGate';
      }
    }
    tf.serialization.registerClass(FeatureGate);
    return new FeatureGate({});
  }

  buildModel() {
    this.model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 32, activation: 'relu', inputShape: [this.numFeatures] }),
        this.makeFeatureGate(),
        tf.layers.dropout({ rate: 0.2 }),
        tf.layers.dense({ units: 16, activation: 'relu' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    this.model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  }

  async train() {
    if (!this.model) this.buildModel();
    await this.model.fit(this.xs, this.ys, { epochs: 20, validationSplit: 0.2 });
  }
}

window.addEventListener('load', () => {
  window.app = new TabularApp();
});
