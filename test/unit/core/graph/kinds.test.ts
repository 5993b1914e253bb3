import { strict as assert } from 'node:assert';
import { layerKind, isNormalization } from '../../../../src/core/graph/kinds';

describe('graph/kinds', () => {
  it('classifies tfjs layer classes by structural role', () => {
    assert.equal(layerKind({ className: 'Dense' }), 'weighted');
    assert.equal(layerKind({ className: 'Conv2D' }), 'weighted');
    assert.equal(layerKind({ className: 'LayerNormalization' }), 'norm');
    assert.equal(layerKind({ className: 'Add' }), 'merge');
    assert.equal(layerKind({ className: 'Dropout' }), 'dropout');
    assert.equal(layerKind({ className: 'InputLayer' }), 'input');
    assert.equal(layerKind({ className: 'SomethingNew' }), 'other');
    assert.ok(isNormalization('BatchNormalization'));
    assert.ok(!isNormalization('Dense'));
  });

  it('counts a custom layer as weighted only when it has weights or sub-layers', () => {
    const custom = { userClass: 'Block', weights: [], subLayers: [], residual: false, opaque: false };
    assert.equal(layerKind({ className: 'Block', custom }), 'other');
    assert.equal(
      layerKind({ className: 'Block', custom: { ...custom, weights: [{ name: 'w', trainable: true }] } }),
      'weighted',
    );
  });
});
