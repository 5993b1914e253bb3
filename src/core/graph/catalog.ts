// STUB (owned by the analysis-core work, graph/rules/CLI part): the catalog of tfjs layers:
// factory name <-> className, tfjs default configs, initializer normalization, auto names.
// The real table replaces this; the exported signatures stay.
import type { Config, ConfigValue, InitializerRef } from './types';

const SPECIAL: { [factory: string]: string } = {
  dense: 'Dense',
  layerNormalization: 'LayerNormalization',
  batchNormalization: 'BatchNormalization',
  conv1d: 'Conv1D',
  conv2d: 'Conv2D',
  add: 'Add',
  concatenate: 'Concatenate',
  dropout: 'Dropout',
  activation: 'Activation',
  inputLayer: 'InputLayer',
};

/** `tf.layers.<factory>` -> tfjs className, or undefined when it is not a tfjs layer factory. */
export function classNameForFactory(factory: string): string | undefined {
  return SPECIAL[factory];
}

/** Resolved config: tfjs defaults for that class applied under the written config. */
export function resolveConfig(className: string, written: Config): Config {
  void className;
  return { ...written };
}

/** 'heUniform' | tf.initializers.heUniform() result | {className|class_name, config} -> InitializerRef. */
export function normalizeInitializer(value: ConfigValue | undefined): InitializerRef | undefined {
  if (typeof value === 'string') return { id: value };
  return undefined;
}
