import { strict as assert } from 'node:assert';
import type { InitializerRef } from '../../../../src/core/graph/types';
import { computeFans, initialize, initializerMoments, TRUNCATED_NORMAL_VARIANCE_FACTOR } from '../../../../src/core/simulate/initializers';
import { Rng } from '../../../../src/core/simulate/rng';

function moments(w: Float32Array): { mean: number; variance: number; maxAbs: number } {
  let m = 0;
  for (const v of w) m += v / w.length;
  let s = 0;
  let mx = 0;
  for (const v of w) {
    s += (v - m) ** 2 / w.length;
    mx = Math.max(mx, Math.abs(v));
  }
  return { mean: m, variance: s, maxAbs: mx };
}

describe('simulate/initializers (tfjs semantics)', () => {
  it('computes fans as tfjs: Dense [in, out], conv receptive field x channels', () => {
    assert.deepEqual(computeFans([300, 100]), [300, 100]);
    assert.deepEqual(computeFans([3, 3, 16, 32]), [144, 288]);
    assert.deepEqual(computeFans([5, 8, 4]), [40, 20]);
  });

  it('the variance of N(0,1) truncated at +-2 is 0.77374', () => {
    // 1 - 4 phi(2) / (Phi(2) - Phi(-2)): phi(2) = 0.05399097, Phi(2) - Phi(-2) = 0.95449974
    assert.ok(Math.abs(1 - (4 * 0.05399097) / 0.95449974 - TRUNCATED_NORMAL_VARIANCE_FACTOR) < 1e-6);
  });

  // Sample variance of 256x512 = 131072 draws: relative standard error sqrt(2/n) ~ 0.4% (normal), less for
  // uniform; tolerance 2% relative.
  const shape = [256, 512];
  const [fi, fo] = [256, 512];
  const cases: [string, InitializerRef, number, number][] = [
    ['glorotNormal', { id: 'glorotNormal' }, (2 / (fi + fo)) * 0.77374, 2],
    ['glorotUniform', { id: 'glorotUniform' }, 2 / (fi + fo), Math.sqrt(6 / (fi + fo))],
    ['heNormal', { id: 'heNormal' }, (2 / fi) * 0.77374, 2],
    ['heUniform', { id: 'heUniform' }, 2 / fi, Math.sqrt(6 / fi)],
    ['leCunNormal', { id: 'leCunNormal' }, (1 / fi) * 0.77374, 2],
    ['leCunUniform', { id: 'leCunUniform' }, 1 / fi, Math.sqrt(3 / fi)],
    ['varianceScaling fanOut normal', { id: 'varianceScaling', args: { scale: 3, mode: 'fanOut', distribution: 'normal' } }, (3 / fo) * 0.77374, 2],
    ['varianceScaling fanAvg uniform', { id: 'varianceScaling', args: { scale: 2, mode: 'fanAvg', distribution: 'uniform' } }, 2 / ((fi + fo) / 2), Math.sqrt(6 / ((fi + fo) / 2))],
    ['varianceScaling truncatedNormal (tfjs: uniform branch)', { id: 'varianceScaling', args: { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' } }, 1 / fi, Math.sqrt(3 / fi)],
    ['randomNormal', { id: 'randomNormal', args: { mean: 0, stddev: 0.2 } }, 0.04, Infinity],
    ['randomUniform', { id: 'randomUniform', args: { minval: -0.3, maxval: 0.3 } }, 0.36 / 12, 0.3],
    ['truncatedNormal', { id: 'truncatedNormal', args: { mean: 0, stddev: 0.1 } }, 0.01 * 0.77374, 2],
    ['orthogonal', { id: 'orthogonal', args: { gain: 2 } }, 4 / 512, Infinity],
  ];
  for (const [name, ref, variance, bound] of cases) {
    it(`${name}: sample variance ${variance.toExponential(3)} (2%), within bounds`, () => {
      const w = initialize(ref, shape, new Rng(11));
      const m = moments(w);
      assert.ok(Math.abs(m.variance / variance - 1) < 0.02, `variance ${m.variance} vs ${variance}`);
      assert.ok(Math.abs(m.mean) < 4 * Math.sqrt(variance / w.length), `mean ${m.mean}`);
      const sd = Math.sqrt(ref.id.includes('runcated') || ref.id.endsWith('Normal') || ref.args?.distribution === 'normal' ? variance / 0.77374 : variance);
      if (bound === 2) assert.ok(m.maxAbs <= 2 * sd * (1 + 1e-6), `truncated at 2 sigma: max ${m.maxAbs}`);
      else if (Number.isFinite(bound)) assert.ok(m.maxAbs <= bound * (1 + 1e-6), `uniform limit: max ${m.maxAbs}`);
      assert.ok(Math.abs(initializerMoments(ref, shape).variance / variance - 1) < 1e-4, 'analytic moments');
    });
  }

  it('orthogonal has orthonormal rows (wide) or columns (tall), times gain', () => {
    for (const [r, c] of [
      [8, 20],
      [20, 8],
    ]) {
      const w = initialize({ id: 'orthogonal', args: { gain: 1.5 } }, [r, c], new Rng(3));
      const short = Math.min(r, c);
      for (let i = 0; i < short; i++)
        for (let j = 0; j < short; j++) {
          let d = 0;
          for (let k = 0; k < Math.max(r, c); k++) d += r < c ? w[i * c + k] * w[j * c + k] : w[k * c + i] * w[k * c + j];
          assert.ok(Math.abs(d - (i === j ? 2.25 : 0)) < 1e-5, `${r}x${c} gram[${i}][${j}] = ${d}`);
        }
    }
  });

  it('zeros, ones, constant, identity', () => {
    assert.ok(initialize({ id: 'zeros' }, [3, 4], new Rng(1)).every((v) => v === 0));
    assert.ok(initialize({ id: 'ones' }, [3, 4], new Rng(1)).every((v) => v === 1));
    assert.ok(initialize({ id: 'constant', args: { value: 0.5 } }, [3, 4], new Rng(1)).every((v) => v === 0.5));
    const eye = initialize({ id: 'identity', args: { gain: 2 } }, [3, 3], new Rng(1));
    assert.deepEqual(Array.from(eye), [2, 0, 0, 0, 2, 0, 0, 0, 2]);
  });

  it('reproduces tfjs `||` defaults: randomUniform minval 0 falls back to -0.05', () => {
    const m = initializerMoments({ id: 'randomUniform', args: { minval: 0, maxval: 0.05 } }, [4, 4]);
    assert.ok(Math.abs(m.mean) < 1e-12 && Math.abs(m.variance - 0.01 / 12) < 1e-12);
  });

  it('conv kernels use receptive-field fans', () => {
    const m = initializerMoments({ id: 'heUniform' }, [3, 3, 16, 32]);
    assert.ok(Math.abs(m.variance - 2 / 144) < 1e-12);
  });

  it('is deterministic: same seed, same numbers; different seeds differ', () => {
    const a = initialize({ id: 'glorotNormal' }, [32, 32], new Rng(5));
    const b = initialize({ id: 'glorotNormal' }, [32, 32], new Rng(5));
    const c = initialize({ id: 'glorotNormal' }, [32, 32], new Rng(6));
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.notDeepEqual(Array.from(a), Array.from(c));
    assert.deepEqual(Array.from(Rng.derive(1, 'layer/kernel').fillNormal(new Float32Array(8))), Array.from(Rng.derive(1, 'layer/kernel').fillNormal(new Float32Array(8))));
    assert.notDeepEqual(Array.from(Rng.derive(1, 'a').fillNormal(new Float32Array(8))), Array.from(Rng.derive(1, 'b').fillNormal(new Float32Array(8))));
  });

  it('the generator is uniform and its normals have unit variance (1% / 4 sigma)', () => {
    const r = new Rng(99);
    const n = 200_000;
    let m = 0;
    let v = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      m += z / n;
      v += (z * z) / n;
      u += r.next() / n;
    }
    assert.ok(Math.abs(m) < 4 / Math.sqrt(n) && Math.abs(v - 1) < 0.01 && Math.abs(u - 0.5) < 4 * Math.sqrt(1 / 12 / n));
  });
});
