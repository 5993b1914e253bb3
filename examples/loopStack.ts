/**
 * A configurable regression tower built in a loop: each block is Dense -> LayerNormalization -> ReLU with
 * He-uniform kernels, so the depth can grow without the signal collapsing.
 */
import * as tf from '@tensorflow/tfjs';

interface TowerConfig {
  inputDim: number;
  width: number;
  depth: number;
  dropout: number;
}

const DEFAULTS: TowerConfig = { inputDim: 20, width: 128, depth: 12, dropout: 0.1 };

function hiddenBlock(model: tf.Sequential, width: number, dropout: number): void {
  model.add(tf.layers.dense({ units: width, kernelInitializer: 'heUniform', useBias: false }));
  model.add(tf.layers.layerNormalization());
  model.add(tf.layers.reLU());
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
}

export function buildTower(overrides: Partial<TowerConfig> = {}): tf.Sequential {
  const cfg = { ...DEFAULTS, ...overrides };
  const model = tf.sequential({ name: 'tower' });
  model.add(tf.layers.dense({ units: cfg.width, kernelInitializer: 'heUniform', inputShape: [cfg.inputDim] }));
  for (let i = 0; i < cfg.depth; i++) {
    hiddenBlock(model, cfg.width, cfg.dropout);
  }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}

export const tower = buildTower();
