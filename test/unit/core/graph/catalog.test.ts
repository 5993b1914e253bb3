import { strict as assert } from 'node:assert';
import {
  AutoNamer,
  allFactories,
  classNameForFactory,
  factoryForClassName,
  isUncorrectedTruncatedNormal,
  namedInitializerFor,
  normalizeActivation,
  normalizeInitializer,
  resolveConfig,
  toSnakeCase,
  varianceScalingForm,
} from '../../../../src/core/graph/catalog';

describe('graph/catalog', () => {
  it('maps tfjs factory names to class names, including aliases', () => {
    const expected: [string, string][] = [
      ['dense', 'Dense'],
      ['conv2d', 'Conv2D'],
      ['conv2dTranspose', 'Conv2DTranspose'],
      ['separableConv2d', 'SeparableConv2D'],
      ['depthwiseConv2d', 'DepthwiseConv2D'],
      ['layerNormalization', 'LayerNormalization'],
      ['batchNormalization', 'BatchNormalization'],
      ['maxPooling2d', 'MaxPooling2D'],
      ['maxPool2d', 'MaxPooling2D'],
      ['avgPool2d', 'AveragePooling2D'],
      ['globalAveragePooling2d', 'GlobalAveragePooling2D'],
      ['reLU', 'ReLU'],
      ['leakyReLU', 'LeakyReLU'],
      ['prelu', 'PReLU'],
      ['elu', 'ELU'],
      ['softmax', 'Softmax'],
      ['thresholdedReLU', 'ThresholdedReLU'],
      ['simpleRNN', 'SimpleRNN'],
      ['lstm', 'LSTM'],
      ['gru', 'GRU'],
      ['bidirectional', 'Bidirectional'],
      ['timeDistributed', 'TimeDistributed'],
      ['embedding', 'Embedding'],
      ['flatten', 'Flatten'],
      ['reshape', 'Reshape'],
      ['permute', 'Permute'],
      ['repeatVector', 'RepeatVector'],
      ['zeroPadding2d', 'ZeroPadding2D'],
      ['upSampling2d', 'UpSampling2D'],
      ['cropping2D', 'Cropping2D'],
      ['dropout', 'Dropout'],
      ['spatialDropout1d', 'SpatialDropout1D'],
      ['gaussianNoise', 'GaussianNoise'],
      ['gaussianDropout', 'GaussianDropout'],
      ['alphaDropout', 'AlphaDropout'],
      ['activation', 'Activation'],
      ['add', 'Add'],
      ['concatenate', 'Concatenate'],
      ['multiply', 'Multiply'],
      ['average', 'Average'],
      ['maximum', 'Maximum'],
      ['minimum', 'Minimum'],
      ['dot', 'Dot'],
      ['inputLayer', 'InputLayer'],
      ['masking', 'Masking'],
      ['rescaling', 'Rescaling'],
    ];
    for (const [f, c] of expected) assert.equal(classNameForFactory(f), c, f);
    assert.equal(classNameForFactory('Dense'), undefined, 'factories are case-sensitive');
    assert.equal(classNameForFactory('multiHeadAttention'), undefined);
    assert.equal(classNameForFactory('toString'), undefined);
    assert.equal(factoryForClassName('LayerNormalization'), 'layerNormalization');
    assert.equal(factoryForClassName('MaxPooling2D'), 'maxPooling2d');
    assert.ok(allFactories().length >= 60);
  });

  it('applies tfjs Dense defaults under the written config', () => {
    const c = resolveConfig('Dense', { units: 64 });
    assert.equal(c.units, 64);
    assert.equal(c.activation, 'linear');
    assert.equal(c.useBias, true);
    assert.deepEqual(c.kernelInitializer, { id: 'glorotNormal' });
    assert.deepEqual(c.biasInitializer, { id: 'zeros' });
    const w = resolveConfig('Dense', { units: 8, activation: 'ReLU', kernelInitializer: 'he_uniform', useBias: false });
    assert.equal(w.activation, 'relu');
    assert.equal(w.useBias, false);
    assert.deepEqual(w.kernelInitializer, { id: 'heUniform' });
  });

  it('applies normalization, conv, recurrent and embedding defaults', () => {
    const ln = resolveConfig('LayerNormalization', {});
    assert.equal(ln.epsilon, 1e-3);
    assert.equal(ln.axis, -1);
    assert.equal(ln.center, true);
    assert.equal(ln.scale, true);
    const bn = resolveConfig('BatchNormalization', { momentum: 0.9 });
    assert.equal(bn.epsilon, 1e-3);
    assert.equal(bn.momentum, 0.9);
    const conv = resolveConfig('Conv2D', { filters: 16, kernelSize: 3 });
    assert.deepEqual(conv.kernelInitializer, { id: 'glorotNormal' });
    assert.equal(conv.strides, 1);
    assert.equal(conv.padding, 'valid');
    const lstm = resolveConfig('LSTM', { units: 32 });
    assert.deepEqual(lstm.recurrentInitializer, { id: 'orthogonal', args: { gain: 1 } });
    assert.equal(lstm.recurrentActivation, 'hardSigmoid');
    assert.equal(lstm.activation, 'tanh');
    const emb = resolveConfig('Embedding', { inputDim: 100, outputDim: 16 });
    assert.deepEqual(emb.embeddingsInitializer, { id: 'randomUniform', args: { minval: -0.05, maxval: 0.05 } });
    assert.equal(resolveConfig('Dropout', { rate: 0.2 }).rate, 0.2);
    const pool = resolveConfig('MaxPooling2D', { poolSize: [3, 3] });
    assert.deepEqual(pool.strides, [3, 3], 'pool strides default to poolSize');
    assert.equal(resolveConfig('Softmax', {}).axis, 1);
    assert.equal(resolveConfig('LeakyReLU', {}).alpha, 0.3);
  });

  it('resolves unknown classes to the written config and wrapped layers recursively', () => {
    assert.deepEqual(resolveConfig('MyBlock', { units: 3 }), { units: 3 });
    const td = resolveConfig('TimeDistributed', { layer: { className: 'Dense', config: { units: 4 } } });
    const inner = td.layer as { className: string; config: { [k: string]: unknown } };
    assert.equal(inner.className, 'Dense');
    assert.deepEqual(inner.config.kernelInitializer, { id: 'glorotNormal' });
  });

  it('normalizes initializer strings in every spelling', () => {
    for (const s of ['heUniform', 'he_uniform', 'HeUniform', 'HEUNIFORM']) assert.deepEqual(normalizeInitializer(s), { id: 'heUniform' }, s);
    assert.deepEqual(normalizeInitializer('glorot_normal'), { id: 'glorotNormal' });
    assert.deepEqual(normalizeInitializer('lecun_normal'), { id: 'leCunNormal' });
    assert.deepEqual(normalizeInitializer('Zeros'), { id: 'zeros' });
    assert.equal(normalizeInitializer(undefined), undefined);
    assert.equal(normalizeInitializer(3), undefined);
    assert.equal(normalizeInitializer('<unknown>'), undefined);
  });

  it('normalizes {className|class_name, config} objects, including VarianceScaling', () => {
    const vs = normalizeInitializer({
      class_name: 'VarianceScaling',
      config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
    });
    assert.deepEqual(vs, { id: 'varianceScaling', args: { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' } });
    const vs2 = normalizeInitializer({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'normal' } });
    assert.deepEqual(vs2, { id: 'varianceScaling', args: { scale: 1, mode: 'fanAvg', distribution: 'normal' } });
    const ru = normalizeInitializer({ class_name: 'RandomUniform', config: { minval: -0.1, maxval: 0.1 } });
    assert.deepEqual(ru, { id: 'randomUniform', args: { minval: -0.1, maxval: 0.1 } });
    const rn = normalizeInitializer({ class_name: 'RandomNormal', config: {} });
    assert.deepEqual(rn, { id: 'randomNormal', args: { mean: 0, stddev: 0.05 } });
    assert.deepEqual(normalizeInitializer({ id: 'heNormal' }), { id: 'heNormal' });
    assert.deepEqual(normalizeInitializer({ id: 'he_normal' }), { id: 'heNormal' });
  });

  it('knows which initializers tfjs draws from an uncorrected truncated normal', () => {
    assert.ok(isUncorrectedTruncatedNormal({ id: 'glorotNormal' }));
    assert.ok(isUncorrectedTruncatedNormal({ id: 'heNormal' }));
    assert.ok(isUncorrectedTruncatedNormal({ id: 'leCunNormal' }));
    assert.ok(isUncorrectedTruncatedNormal({ id: 'varianceScaling', args: { scale: 2, mode: 'fanIn', distribution: 'normal' } }));
    assert.ok(!isUncorrectedTruncatedNormal({ id: 'heUniform' }));
    assert.ok(!isUncorrectedTruncatedNormal({ id: 'orthogonal' }));
    assert.deepEqual(varianceScalingForm({ id: 'heUniform' }), { scale: 2, mode: 'fanIn', distribution: 'uniform' });
    assert.equal(namedInitializerFor({ scale: 1, mode: 'fanAvg', distribution: 'normal' }), 'glorotNormal');
    assert.equal(namedInitializerFor({ scale: 2.585, mode: 'fanIn', distribution: 'normal' }), undefined);
  });

  it('normalizes activation names to tfjs identifiers', () => {
    assert.equal(normalizeActivation('ReLU'), 'relu');
    assert.equal(normalizeActivation('hard_sigmoid'), 'hardSigmoid');
    assert.equal(normalizeActivation('silu'), 'swish');
    assert.equal(normalizeActivation(null), 'linear');
    assert.equal(normalizeActivation('tanh'), 'tanh');
    assert.equal(normalizeActivation('myActivation'), 'myActivation');
    assert.equal(normalizeActivation(3), undefined);
  });

  it('makes tfjs-style auto names', () => {
    assert.equal(toSnakeCase('LayerNormalization'), 'layer_normalization');
    assert.equal(toSnakeCase('Conv2D'), 'conv2d');
    assert.equal(toSnakeCase('MaxPooling2D'), 'max_pooling2d');
    const n = new AutoNamer();
    assert.equal(n.next('Dense'), 'dense_Dense1');
    assert.equal(n.next('Dense'), 'dense_Dense2');
    assert.equal(n.next('LayerNormalization'), 'layer_normalization_LayerNormalization1');
    assert.equal(n.next('InputLayer'), 'input1');
  });
});
