import type { LayerNode } from './types';

/** Structural role of a layer, used by the structural analyses, the rules, the simulator and the report. */
export type LayerKind =
  | 'input'
  | 'weighted'
  | 'norm'
  | 'activation'
  | 'dropout'
  | 'merge'
  | 'pool'
  | 'reshape'
  | 'attention'
  | 'model'
  | 'other';

const WEIGHTED = new Set([
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'SeparableConv2D',
  'DepthwiseConv2D',
  'ConvLSTM2D',
  'Embedding',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'Bidirectional',
  'TimeDistributed',
  'LocallyConnected1D',
  'LocallyConnected2D',
  // additive (analysis core): Keras classes of converted model.json files and the tfjs RNN cells
  'Conv1DTranspose',
  'SeparableConv1D',
  'DepthwiseConv1D',
  'EinsumDense',
  'RNN',
  'SimpleRNNCell',
  'LSTMCell',
  'GRUCell',
  'StackedRNNCells',
  'ConvLSTM2DCell',
]);
const ATTENTION = new Set(['MultiHeadAttention', 'CachedMultiHeadAttention', 'Attention', 'AdditiveAttention']);
const NORM = new Set(['LayerNormalization', 'BatchNormalization', 'GroupNormalization', 'UnitNormalization']);
const ACTIVATION = new Set(['Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax']);
const DROPOUT = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout']);
const MERGE = new Set(['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot', 'Subtract']);
const POOL = new Set([
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling3D',
  'GlobalMaxPooling3D',
]);
const RESHAPE = new Set([
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'Masking',
  'Rescaling',
  'Resizing',
  'CenterCrop',
  'ZeroPadding1D',
  'ZeroPadding3D',
  'Cropping1D',
  'Cropping3D',
  'UpSampling1D',
  'UpSampling3D',
  'RandomWidth',
  'RandomHeight',
]);

/** Normalization class names (weights, but they break plain runs). */
export function isNormalization(className: string): boolean {
  return NORM.has(className);
}

export function layerKind(node: Pick<LayerNode, 'className' | 'custom'>): LayerKind {
  const c = node.className;
  if (c === 'InputLayer') return 'input';
  if (node.custom) return node.custom.weights.length > 0 || node.custom.subLayers.length > 0 ? 'weighted' : 'other';
  if (WEIGHTED.has(c)) return 'weighted';
  if (NORM.has(c)) return 'norm';
  if (ACTIVATION.has(c)) return 'activation';
  if (DROPOUT.has(c)) return 'dropout';
  if (ATTENTION.has(c)) return 'attention';
  if (MERGE.has(c)) return 'merge';
  if (POOL.has(c)) return 'pool';
  if (RESHAPE.has(c)) return 'reshape';
  if (c === 'Sequential' || c === 'Model' || c === 'Functional') return 'model';
  return 'other';
}
