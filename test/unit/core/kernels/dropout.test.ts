import { strict as assert } from 'node:assert';
import { dropoutBackward, dropoutForward } from '../../../../src/core/kernels/dropout';
import { randn, testRandom } from './helpers';

describe('kernels/dropout', () => {
  it('is the identity at initialization (not training)', () => {
    const x = randn(100, 1);
    const y = dropoutForward(x, { rate: 0.5, training: false }, testRandom(1));
    assert.deepEqual(Array.from(y), Array.from(x));
    assert.deepEqual(Array.from(dropoutBackward(x, undefined)), Array.from(x));
  });

  it('training mode keeps 1-rate of the units scaled by 1/(1-rate), preserving the mean square in expectation', () => {
    const n = 200_000;
    const x = new Float32Array(n).fill(1);
    const mask = new Float32Array(n);
    const y = dropoutForward(x, { rate: 0.25, training: true }, testRandom(2), undefined, mask);
    let kept = 0;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      if (y[i] !== 0) {
        kept++;
        assert.ok(Math.abs(y[i] - 1 / 0.75) < 1e-6);
      }
      mean += y[i] / n;
    }
    // Binomial spread of the kept fraction: sd = sqrt(0.75*0.25/n) ~ 1e-3; tolerance 5e-3.
    assert.ok(Math.abs(kept / n - 0.75) < 5e-3);
    assert.ok(Math.abs(mean - 1) < 7e-3);
    // backward = dy * mask, the derivative of the (now fixed-mask) forward
    const dx = dropoutBackward(Float32Array.from(x, () => 2), mask);
    for (let i = 0; i < 1000; i++) assert.ok(Math.abs(dx[i] - 2 * mask[i]) < 1e-6);
  });
});
