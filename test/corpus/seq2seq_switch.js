// A browser demo: a digit-sequence seq2seq model whose cell type comes from a <select>; the unsupported-type
// `default:` only throws, and the click handler validates its inputs (report and return) before building.
import * as tf from '@tensorflow/tfjs';

function buildSeq2Seq(cellType, hiddenSize, inputLen, outputLen, vocabSize) {
  const model = tf.sequential();
  switch (cellType) {
    case 'gru':
      model.add(tf.layers.gru({ units: hiddenSize, inputShape: [inputLen, vocabSize] }));
      break;
    case 'lstm':
      model.add(tf.layers.lstm({ units: hiddenSize, inputShape: [inputLen, vocabSize] }));
      break;
    default:
      throw new Error(`Unknown cell type: ${cellType}`);
  }
  model.add(tf.layers.repeatVector({ n: outputLen }));
  switch (cellType) {
    case 'gru':
      model.add(tf.layers.gru({ units: hiddenSize, returnSequences: true }));
      break;
    case 'lstm':
      model.add(tf.layers.lstm({ units: hiddenSize, returnSequences: true }));
      break;
    default:
      throw new Error(`Unknown cell type: ${cellType}`);
  }
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: vocabSize }) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  return model;
}

document.getElementById('train').addEventListener('click', async () => {
  const digits = Number(document.getElementById('digits').value);
  const hidden = Number(document.getElementById('hidden').value);
  const cellType = document.getElementById('cell').value;
  const status = document.getElementById('status');
  if (!(digits >= 1 && digits <= 4)) {
    status.textContent = 'digits must be between 1 and 4';
    return;
  }
  const model = buildSeq2Seq(cellType, hidden, 2 * digits + 1, digits + 1, 12);
  status.textContent = `built ${model.layers.length} layers`;
});
