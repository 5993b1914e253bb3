/**
 * The catalog of tfjs layers: `tf.layers.<factory>` <-> className, the tfjs default config of each class,
 * initializer and activation normalization, and tfjs-style auto names.
 *
 * Verified against tfjs-layers/src/exports_layers.ts (factory names), layers/{core,convolutional,
 * convolutional_depthwise,normalization,recurrent,embeddings,advanced_activations,pooling,wrappers}.ts
 * (DEFAULT_* constants) and initializers.ts (identifiers, VarianceScaling). Keras-only classes that appear in
 * converted model.json files are listed too (no factory), so their configs are still resolved.
 */
import type { Config, ConfigValue, InitializerRef } from './types';
import { dict } from '../dict';

type Defaults = { [key: string]: ConfigValue };

const GLOROT_NORMAL: InitializerRef = { id: 'glorotNormal' };
const GLOROT_UNIFORM: InitializerRef = { id: 'glorotUniform' };
const ZEROS: InitializerRef = { id: 'zeros' };
const ONES: InitializerRef = { id: 'ones' };
const ORTHOGONAL: InitializerRef = { id: 'orthogonal', args: { gain: 1 } };
const EMBEDDING_UNIFORM: InitializerRef = { id: 'randomUniform', args: { minval: -0.05, maxval: 0.05 } };

const init = (r: InitializerRef): ConfigValue => (r.args ? { id: r.id, args: { ...r.args } } : { id: r.id });

const DENSE: Defaults = {
  activation: 'linear',
  useBias: true,
  kernelInitializer: init(GLOROT_NORMAL),
  biasInitializer: init(ZEROS),
};
const CONV: Defaults = {
  ...DENSE,
  strides: 1,
  padding: 'valid',
  dataFormat: 'channelsLast',
  dilationRate: 1,
};
const SEPARABLE: Defaults = {
  activation: 'linear',
  useBias: true,
  depthMultiplier: 1,
  depthwiseInitializer: init(GLOROT_UNIFORM),
  pointwiseInitializer: init(GLOROT_UNIFORM),
  biasInitializer: init(ZEROS),
  strides: 1,
  padding: 'valid',
  dataFormat: 'channelsLast',
  dilationRate: 1,
};
const DEPTHWISE: Defaults = {
  activation: 'linear',
  useBias: true,
  depthMultiplier: 1,
  depthwiseInitializer: init(GLOROT_UNIFORM),
  biasInitializer: init(ZEROS),
  strides: 1,
  padding: 'valid',
  dataFormat: 'channelsLast',
  dilationRate: 1,
};
const RNN_BASE: Defaults = {
  activation: 'tanh',
  useBias: true,
  kernelInitializer: init(GLOROT_NORMAL),
  recurrentInitializer: init(ORTHOGONAL),
  biasInitializer: init(ZEROS),
  dropout: 0,
  recurrentDropout: 0,
  returnSequences: false,
  returnState: false,
  goBackwards: false,
  stateful: false,
  unroll: false,
};
const GATED: Defaults = { ...RNN_BASE, recurrentActivation: 'hardSigmoid' };
const POOL1D: Defaults = { poolSize: 2, padding: 'valid' };
const POOL2D: Defaults = { poolSize: [2, 2], padding: 'valid', dataFormat: 'channelsLast' };
const POOL3D: Defaults = { poolSize: [2, 2, 2], padding: 'valid', dataFormat: 'channelsLast' };
const GLOBAL_POOL: Defaults = { dataFormat: 'channelsLast' };

interface ClassEntry {
  /** tfjs factory names (first = canonical); empty for Keras-only classes found in converted model.json. */
  factories: string[];
  defaults: Defaults;
}

/** className -> entry. Insertion order is the documentation order. */
const CLASSES: { [className: string]: ClassEntry } = dict<ClassEntry>({
  // Inputs
  InputLayer: { factories: ['inputLayer'], defaults: { sparse: false } },
  // Basic
  Dense: { factories: ['dense'], defaults: DENSE },
  Activation: { factories: ['activation'], defaults: { activation: 'linear' } },
  Dropout: { factories: ['dropout'], defaults: {} },
  SpatialDropout1D: { factories: ['spatialDropout1d'], defaults: {} },
  Flatten: { factories: ['flatten'], defaults: { dataFormat: 'channelsLast' } },
  RepeatVector: { factories: ['repeatVector'], defaults: {} },
  Reshape: { factories: ['reshape'], defaults: {} },
  Permute: { factories: ['permute'], defaults: {} },
  Embedding: {
    factories: ['embedding'],
    defaults: { embeddingsInitializer: init(EMBEDDING_UNIFORM), maskZero: false },
  },
  Masking: { factories: ['masking'], defaults: { maskValue: 0 } },
  // Advanced activations
  ReLU: { factories: ['reLU'], defaults: { maxValue: null } },
  LeakyReLU: { factories: ['leakyReLU'], defaults: { alpha: 0.3 } },
  PReLU: { factories: ['prelu'], defaults: { alphaInitializer: init(ZEROS), sharedAxes: null } },
  ELU: { factories: ['elu'], defaults: { alpha: 1 } },
  ThresholdedReLU: { factories: ['thresholdedReLU'], defaults: { theta: 1 } },
  Softmax: { factories: ['softmax'], defaults: { axis: 1 } },
  // Convolutional
  Conv1D: { factories: ['conv1d'], defaults: CONV },
  Conv2D: { factories: ['conv2d'], defaults: CONV },
  Conv3D: { factories: ['conv3d'], defaults: CONV },
  Conv2DTranspose: { factories: ['conv2dTranspose'], defaults: CONV },
  Conv3DTranspose: { factories: ['conv3dTranspose'], defaults: CONV },
  Conv1DTranspose: { factories: [], defaults: CONV },
  SeparableConv2D: { factories: ['separableConv2d'], defaults: SEPARABLE },
  SeparableConv1D: { factories: [], defaults: SEPARABLE },
  DepthwiseConv2D: { factories: ['depthwiseConv2d'], defaults: DEPTHWISE },
  DepthwiseConv1D: { factories: [], defaults: DEPTHWISE },
  Cropping2D: { factories: ['cropping2D'], defaults: { dataFormat: 'channelsLast' } },
  UpSampling2D: {
    factories: ['upSampling2d'],
    defaults: { size: [2, 2], dataFormat: 'channelsLast', interpolation: 'nearest' },
  },
  ZeroPadding2D: {
    factories: ['zeroPadding2d'],
    defaults: {
      padding: [
        [1, 1],
        [1, 1],
      ],
      dataFormat: 'channelsLast',
    },
  },
  ZeroPadding1D: { factories: [], defaults: { padding: 1 } },
  Cropping1D: { factories: [], defaults: {} },
  UpSampling1D: { factories: [], defaults: { size: 2 } },
  // Merge
  Add: { factories: ['add'], defaults: {} },
  Subtract: { factories: [], defaults: {} },
  Average: { factories: ['average'], defaults: {} },
  Concatenate: { factories: ['concatenate'], defaults: { axis: -1 } },
  Maximum: { factories: ['maximum'], defaults: {} },
  Minimum: { factories: ['minimum'], defaults: {} },
  Multiply: { factories: ['multiply'], defaults: {} },
  Dot: { factories: ['dot'], defaults: { normalize: false } },
  // Normalization
  BatchNormalization: {
    factories: ['batchNormalization'],
    defaults: {
      axis: -1,
      momentum: 0.99,
      epsilon: 1e-3,
      center: true,
      scale: true,
      betaInitializer: init(ZEROS),
      gammaInitializer: init(ONES),
      movingMeanInitializer: init(ZEROS),
      movingVarianceInitializer: init(ONES),
    },
  },
  LayerNormalization: {
    factories: ['layerNormalization'],
    defaults: {
      axis: -1,
      epsilon: 1e-3,
      center: true,
      scale: true,
      betaInitializer: init(ZEROS),
      gammaInitializer: init(ONES),
    },
  },
  GroupNormalization: {
    factories: [],
    defaults: { groups: 32, axis: -1, epsilon: 1e-3, center: true, scale: true },
  },
  UnitNormalization: { factories: [], defaults: { axis: -1 } },
  // Pooling
  AveragePooling1D: { factories: ['averagePooling1d', 'avgPool1d', 'avgPooling1d'], defaults: POOL1D },
  AveragePooling2D: { factories: ['averagePooling2d', 'avgPool2d', 'avgPooling2d'], defaults: POOL2D },
  AveragePooling3D: { factories: ['averagePooling3d', 'avgPool3d', 'avgPooling3d'], defaults: POOL3D },
  MaxPooling1D: { factories: ['maxPooling1d', 'maxPool1d'], defaults: POOL1D },
  MaxPooling2D: { factories: ['maxPooling2d', 'maxPool2d'], defaults: POOL2D },
  MaxPooling3D: { factories: ['maxPooling3d'], defaults: POOL3D },
  GlobalAveragePooling1D: { factories: ['globalAveragePooling1d'], defaults: GLOBAL_POOL },
  GlobalAveragePooling2D: { factories: ['globalAveragePooling2d'], defaults: GLOBAL_POOL },
  GlobalMaxPooling1D: { factories: ['globalMaxPooling1d', 'globalMaxPool1d'], defaults: GLOBAL_POOL },
  GlobalMaxPooling2D: { factories: ['globalMaxPooling2d', 'globalMaxPool2d'], defaults: GLOBAL_POOL },
  // Recurrent
  SimpleRNN: { factories: ['simpleRNN'], defaults: RNN_BASE },
  LSTM: { factories: ['lstm'], defaults: { ...GATED, unitForgetBias: false } },
  GRU: { factories: ['gru'], defaults: GATED },
  SimpleRNNCell: { factories: ['simpleRNNCell'], defaults: RNN_BASE },
  LSTMCell: { factories: ['lstmCell'], defaults: { ...GATED, unitForgetBias: false } },
  GRUCell: { factories: ['gruCell'], defaults: GATED },
  RNN: { factories: ['rnn'], defaults: { returnSequences: false, returnState: false, goBackwards: false, stateful: false, unroll: false } },
  StackedRNNCells: { factories: ['stackedRNNCells'], defaults: {} },
  ConvLSTM2D: {
    factories: ['convLstm2d'],
    defaults: { ...GATED, strides: 1, padding: 'valid', dataFormat: 'channelsLast', dilationRate: 1, unitForgetBias: true },
  },
  ConvLSTM2DCell: {
    factories: ['convLstm2dCell'],
    defaults: { ...GATED, strides: 1, padding: 'valid', dataFormat: 'channelsLast', dilationRate: 1, unitForgetBias: true },
  },
  // Wrappers
  Bidirectional: { factories: ['bidirectional'], defaults: { mergeMode: 'concat' } },
  TimeDistributed: { factories: ['timeDistributed'], defaults: {} },
  // Noise
  GaussianNoise: { factories: ['gaussianNoise'], defaults: {} },
  GaussianDropout: { factories: ['gaussianDropout'], defaults: {} },
  AlphaDropout: { factories: ['alphaDropout'], defaults: {} },
  SpatialDropout2D: { factories: [], defaults: {} },
  SpatialDropout3D: { factories: [], defaults: {} },
  // Preprocessing (newer tfjs)
  Rescaling: { factories: ['rescaling'], defaults: { offset: 0 } },
  Resizing: { factories: ['resizing'], defaults: { interpolation: 'bilinear', cropToAspectRatio: false } },
  CenterCrop: { factories: ['centerCrop'], defaults: {} },
  CategoryEncoding: { factories: ['categoryEncoding'], defaults: { outputMode: 'multiHot' } },
  RandomWidth: { factories: ['randomWidth'], defaults: { interpolation: 'bilinear' } },
  RandomHeight: { factories: ['randomHeight'], defaults: { interpolation: 'bilinear' } },
  // Keras layers that appear in converted model.json files
  MultiHeadAttention: {
    factories: [],
    defaults: { dropout: 0, useBias: true, kernelInitializer: init(GLOROT_UNIFORM), biasInitializer: init(ZEROS) },
  },
  EinsumDense: { factories: [], defaults: { kernelInitializer: init(GLOROT_UNIFORM), biasInitializer: init(ZEROS) } },
  Lambda: { factories: [], defaults: {} },
  TFOpLambda: { factories: [], defaults: {} },
});

const FACTORY_TO_CLASS = new Map<string, string>();
for (const [className, entry] of Object.entries(CLASSES)) {
  for (const f of entry.factories) FACTORY_TO_CLASS.set(f, className);
}

/** `tf.layers.<factory>` -> tfjs className, or undefined when it is not a tfjs layer factory. */
export function classNameForFactory(factory: string): string | undefined {
  return FACTORY_TO_CLASS.get(factory);
}

/** The canonical `tf.layers` factory for a className (e.g. 'LayerNormalization' -> 'layerNormalization'). */
export function factoryForClassName(className: string): string | undefined {
  return CLASSES[className]?.factories[0];
}

/** True for classes the catalog knows (tfjs classes and the Keras classes of converted files). */
export function isKnownClass(className: string): boolean {
  return Object.prototype.hasOwnProperty.call(CLASSES, className);
}

/** Every factory name of the catalog (documentation and tests). */
export function allFactories(): string[] {
  return [...FACTORY_TO_CLASS.keys()];
}

/** Every className of the catalog. */
export function allClassNames(): string[] {
  return Object.keys(CLASSES);
}

// ---------------------------------------------------------------------------------------------------------
// Activations

/** The tfjs activation identifiers (ActivationIdentifier in tfjs-layers/src/keras_format/activation_config.ts). */
const TFJS_ACTIVATIONS = [
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
];
const ACTIVATION_ALIASES: { [lower: string]: string } = dict({});
for (const a of TFJS_ACTIVATIONS) ACTIVATION_ALIASES[a.toLowerCase().replace(/_/g, '')] = a;
Object.assign(ACTIVATION_ALIASES, {
  hardsigmoid: 'hardSigmoid',
  silu: 'swish',
  none: 'linear',
  null: 'linear',
  identity: 'linear',
  gelunew: 'gelu_new',
  leakyrelu: 'leakyRelu',
  exponential: 'exponential',
  hardswish: 'hardSwish',
  hardsilu: 'hardSwish',
  logsoftmax: 'logSoftmax',
});

/**
 * 'relu' | 'ReLU' | 'hard_sigmoid' | 'silu' | null -> the tfjs identifier ('relu', 'hardSigmoid', 'swish', 'linear').
 * Unknown strings are returned unchanged (a custom activation); non-strings give undefined.
 */
export function normalizeActivation(value: ConfigValue | undefined): string | undefined {
  if (value === null) return 'linear';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // Keras 3 serializes activations as {module, class_name, config} objects, occasionally.
    const name = (value as { [k: string]: ConfigValue }).class_name ?? (value as { [k: string]: ConfigValue }).className;
    const cfg = (value as { [k: string]: ConfigValue }).config;
    if (typeof cfg === 'string') return normalizeActivation(cfg);
    if (typeof name === 'string') return normalizeActivation(name);
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const key = value.toLowerCase().replace(/[_\s-]/g, '');
  return ACTIVATION_ALIASES[key] ?? value;
}

/** ReLU-family activations (non-saturating, He init is the match). */
export function isReluFamily(activation: string | undefined): boolean {
  return (
    activation === 'relu' ||
    activation === 'relu6' ||
    activation === 'elu' ||
    activation === 'leakyRelu' ||
    activation === 'gelu' ||
    activation === 'gelu_new' ||
    activation === 'swish' ||
    activation === 'mish'
  );
}

/** Saturating activations (Glorot/LeCun init is the match; He init overdrives them). */
export function isSaturating(activation: string | undefined): boolean {
  return activation === 'tanh' || activation === 'sigmoid' || activation === 'hardSigmoid' || activation === 'softsign';
}

// ---------------------------------------------------------------------------------------------------------
// Initializers

const INITIALIZER_IDS = [
  'constant',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'identity',
  'leCunNormal',
  'leCunUniform',
  'ones',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
  'zeros',
];
const INITIALIZER_ALIASES: { [key: string]: string } = dict({});
for (const id of INITIALIZER_IDS) INITIALIZER_ALIASES[id.toLowerCase()] = id;
Object.assign(INITIALIZER_ALIASES, { zero: 'zeros', one: 'ones', normal: 'randomNormal', uniform: 'randomUniform' });

/** 'he_uniform' | 'HeUniform' | 'heUniform' -> 'heUniform'; unknown names are returned unchanged. */
export function normalizeInitializerId(name: string): string {
  const key = name.replace(/[_\s-]/g, '').toLowerCase();
  return INITIALIZER_ALIASES[key] ?? name;
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Enumerated config values that tfjs converts from Keras snake_case ('fan_in' -> 'fanIn'). */
function normalizeEnum(key: string, v: ConfigValue): ConfigValue {
  if (typeof v !== 'string') return v;
  if (key === 'mode') {
    const k = v.replace(/_/g, '').toLowerCase();
    if (k === 'fanin') return 'fanIn';
    if (k === 'fanout') return 'fanOut';
    if (k === 'fanavg') return 'fanAvg';
    return v;
  }
  if (key === 'distribution') {
    const k = v.replace(/_/g, '').toLowerCase();
    if (k === 'truncatednormal') return 'truncatedNormal';
    if (k === 'untruncatednormal') return 'untruncatedNormal';
    if (k === 'normal') return 'normal';
    if (k === 'uniform') return 'uniform';
    return v;
  }
  return v;
}

function normalizeArgs(cfg: ConfigValue | undefined): { [key: string]: ConfigValue } | undefined {
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) return undefined;
  const out: { [key: string]: ConfigValue } = {};
  for (const [k, v] of Object.entries(cfg)) {
    const ck = camel(k);
    if (ck === 'seed' && v === null) continue;
    out[ck] = normalizeEnum(ck, v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Default args of parametrized initializers (tfjs initializers.ts). */
const INITIALIZER_DEFAULT_ARGS: { [id: string]: { [key: string]: ConfigValue } } = dict<{ [key: string]: ConfigValue }>({
  randomNormal: { mean: 0, stddev: 0.05 },
  randomUniform: { minval: -0.05, maxval: 0.05 },
  truncatedNormal: { mean: 0, stddev: 0.05 },
  constant: { value: 0 },
  orthogonal: { gain: 1 },
  identity: { gain: 1 },
  varianceScaling: { scale: 1, mode: 'fanIn', distribution: 'normal' },
});

function withDefaultArgs(ref: InitializerRef): InitializerRef {
  const d = INITIALIZER_DEFAULT_ARGS[ref.id];
  if (!d) return ref;
  return { id: ref.id, args: { ...d, ...(ref.args ?? {}) } };
}

/**
 * 'heUniform' | 'he_uniform' | 'HeUniform' | {className|class_name, config} (model.json, Keras, getConfig output)
 * | {id, args} (already normalized) -> InitializerRef with the tfjs camelCase id and camelCase args. Parametrized
 * initializers get their tfjs default args (randomUniform -> minval -0.05, maxval 0.05 ...). Undefined for values
 * that are not initializers (numbers, booleans, null, '<unknown>').
 */
export function normalizeInitializer(value: ConfigValue | undefined): InitializerRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value === '<unknown>' || value === '') return undefined;
    return withDefaultArgs({ id: normalizeInitializerId(value) });
  }
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as { [key: string]: ConfigValue };
  if (typeof obj.id === 'string') {
    const args = normalizeArgs(obj.args);
    return withDefaultArgs(args ? { id: normalizeInitializerId(obj.id), args } : { id: normalizeInitializerId(obj.id) });
  }
  const cls = obj.className ?? obj.class_name;
  if (typeof cls === 'string') {
    const id = normalizeInitializerId(cls);
    const args = normalizeArgs(obj.config);
    return withDefaultArgs(args ? { id, args } : { id });
  }
  return undefined;
}

/** The VarianceScaling form of an initializer, when it has one. */
export interface VarianceScalingForm {
  scale: number;
  mode: 'fanIn' | 'fanOut' | 'fanAvg';
  /** As tfjs draws it: 'normal' is a normal truncated at +-2 sigma WITHOUT variance correction. */
  distribution: 'normal' | 'uniform' | 'truncatedNormal' | 'untruncatedNormal';
}

const NAMED_VS: { [id: string]: VarianceScalingForm } = dict({
  glorotNormal: { scale: 1, mode: 'fanAvg', distribution: 'normal' },
  glorotUniform: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fanIn', distribution: 'normal' },
  heUniform: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
  leCunNormal: { scale: 1, mode: 'fanIn', distribution: 'normal' },
  leCunUniform: { scale: 1, mode: 'fanIn', distribution: 'uniform' },
});

/** Variance of N(0,1) truncated at +-2 (what tfjs's truncatedNormal keeps of the nominal variance). */
export const TRUNCATED_NORMAL_VARIANCE = 0.77374;

/** glorotNormal -> {scale 1, fanAvg, normal}; varianceScaling -> its args; others -> undefined. */
export function varianceScalingForm(ref: InitializerRef | undefined): VarianceScalingForm | undefined {
  if (!ref) return undefined;
  const named = NAMED_VS[ref.id];
  if (named) return { ...named };
  if (ref.id !== 'varianceScaling') return undefined;
  const a = ref.args ?? {};
  const scale = typeof a.scale === 'number' ? a.scale : 1;
  const mode = a.mode === 'fanOut' || a.mode === 'fanAvg' ? a.mode : 'fanIn';
  const d = a.distribution;
  const distribution = d === 'uniform' || d === 'truncatedNormal' || d === 'untruncatedNormal' ? d : 'normal';
  return { scale, mode, distribution };
}

/**
 * True when tfjs draws this initializer from a normal truncated at +-2 sigma without Keras's correction, so the
 * weights get 0.774 of the nominal variance (glorotNormal, heNormal, leCunNormal, varianceScaling 'normal').
 */
export function isUncorrectedTruncatedNormal(ref: InitializerRef | undefined): boolean {
  const vs = varianceScalingForm(ref);
  return vs !== undefined && vs.distribution === 'normal';
}

/** The named tfjs id that matches a VarianceScaling form exactly ('heUniform' for {2, fanIn, uniform}), if any. */
export function namedInitializerFor(form: VarianceScalingForm): string | undefined {
  for (const [id, f] of Object.entries(NAMED_VS)) {
    if (Math.abs(f.scale - form.scale) < 1e-12 && f.mode === form.mode && f.distribution === form.distribution) return id;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Configs

function isPlainObject(v: ConfigValue | undefined): v is { [key: string]: ConfigValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cloneValue(v: ConfigValue): ConfigValue {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (isPlainObject(v)) {
    const o: { [key: string]: ConfigValue } = {};
    for (const [k, x] of Object.entries(v)) o[k] = cloneValue(x);
    return o;
  }
  return v;
}

const ACTIVATION_KEYS = new Set(['activation', 'recurrentActivation']);

function toConfigValue(ref: InitializerRef): ConfigValue {
  return ref.args ? { id: ref.id, args: ref.args } : { id: ref.id };
}

/**
 * Resolved config: the tfjs defaults of `className` under the written config (camelCase keys expected; written
 * values win), with every `*Initializer` value normalized to an InitializerRef, `activation` /
 * `recurrentActivation` normalized to tfjs identifiers, and wrapped layers (`layer` of Bidirectional /
 * TimeDistributed, given as {className, config}) resolved recursively. Unknown values ('<unknown>') stay as written.
 */
export function resolveConfig(className: string, written: Config): Config {
  const entry = CLASSES[className];
  const out: Config = {};
  if (entry) for (const [k, v] of Object.entries(entry.defaults)) out[k] = cloneValue(v);
  for (const [k, v] of Object.entries(written)) {
    if (v === undefined) continue;
    if (k.endsWith('Initializer')) {
      const ref = normalizeInitializer(v);
      out[k] = ref ? toConfigValue(ref) : cloneValue(v);
    } else if (ACTIVATION_KEYS.has(k)) {
      const a = v === '<unknown>' ? undefined : normalizeActivation(v);
      out[k] = a ?? cloneValue(v);
    } else if (k === 'layer' && isPlainObject(v)) {
      const inner = v.className ?? v.class_name;
      const cfg = v.config;
      if (typeof inner === 'string' && isPlainObject(cfg)) {
        out[k] = { className: inner, config: resolveConfig(inner, cfg as Config) };
      } else out[k] = cloneValue(v);
    } else {
      out[k] = cloneValue(v);
    }
  }
  // tfjs: pooling strides default to the pool size.
  if (/Pooling[123]D$/.test(className) && !className.startsWith('Global') && (out.strides === undefined || out.strides === null)) {
    out.strides = cloneValue(out.poolSize ?? null);
  }
  return out;
}

/** The resolved initializer under `key` (e.g. 'kernelInitializer') of a resolved config. */
export function initializerOf(config: Config, key = 'kernelInitializer'): InitializerRef | undefined {
  return normalizeInitializer(config[key]);
}

// ---------------------------------------------------------------------------------------------------------
// Auto names

/** tfjs generic_utils.toSnakeCase: 'LayerNormalization' -> 'layer_normalization', 'Conv2D' -> 'conv2d'. */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return insecure[0] !== '_' ? insecure : 'private' + insecure;
}

/**
 * tfjs auto names: a layer without `name` is called toSnakeCase(className) + '_' + className + counter
 * ('dense_Dense1', 'layer_normalization_LayerNormalization2'); an input made by tf.input is 'input' + counter.
 * The counter is per className, from 1 (tfjs keeps it per process; the analyzer keeps one namer per file).
 */
export class AutoNamer {
  private readonly counters = new Map<string, number>();

  next(className: string): string {
    const prefix = className === 'InputLayer' ? 'input' : className;
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return className === 'InputLayer' ? `input${n}` : `${toSnakeCase(className)}_${className}${n}`;
  }
}

/** One auto name without state: the n-th (1-based) layer of that class. */
export function autoLayerName(className: string, n: number): string {
  return className === 'InputLayer' ? `input${n}` : `${toSnakeCase(className)}_${className}${n}`;
}

/** snake_case / Keras config keys -> tfjs camelCase ('kernel_initializer' -> 'kernelInitializer'). */
export function camelCaseKey(key: string): string {
  return camel(key);
}
