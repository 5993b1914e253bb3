// Tensor storage of a simulation run (simulate/arena.ts) and what is cached across runs: arena views are wasm
// memory, aligned, zeroed, bounded, released when the run ends; results hold numbers only; weights, inputs and
// cotangents are drawn once per worker and reused by every re-run.
import { strict as assert } from 'node:assert';
import { kernels, tsKernels } from '../../../../src/core/kernels/backend';
import { isWasmBackend, loadWasmKernels } from '../../../../src/core/kernels/wasm/index';
import { TensorArena } from '../../../../src/core/simulate/arena';
import { simulate } from '../../../../src/core/simulate/simulate';
import { clearWeightCache, weightCacheStats } from '../../../../src/core/simulate/weights';
import { mlp, transformer } from './builders';

describe('simulate: tensor arena and caches', function () {
  this.timeout(60000);

  it('hands out zeroed, 64-byte aligned views on the wasm memory; falls back to plain arrays past its cap', function () {
    const w = loadWasmKernels();
    if (!w) this.skip();
    const before = w.stats().blocks;
    const arena = new TensorArena(w, 1 << 21);
    const a = arena.alloc(1000);
    const b = arena.alloc(3);
    assert.ok(w.isView(a) && w.isView(b));
    assert.equal(a.byteOffset % 64, 0);
    assert.equal(b.byteOffset % 64, 0);
    assert.ok(b.byteOffset >= a.byteOffset + 4000, 'no overlap');
    assert.ok(a.every((v) => v === 0) && b.every((v) => v === 0));
    a.fill(7);
    const c = arena.alloc(1000);
    assert.ok(c.every((v) => v === 0), 'a later view is not touched by writes to an earlier one');
    arena.copy(c, a);
    assert.deepEqual([...c.subarray(0, 3)], [7, 7, 7]);
    const big = arena.alloc(1 << 22); // beyond the cap: a plain array
    assert.ok(!w.isView(big) && big.length === 1 << 22);
    arena.release();
    assert.ok(w.stats().blocks <= before + 1, 'blocks returned (one standard block may stay pooled)');
    // A pooled block is reused by the next arena, and what it hands out is zeroed again.
    const again = new TensorArena(w, 1 << 21);
    const d = again.alloc(1000);
    assert.ok(d.every((v) => v === 0));
    again.release();
  });

  it('re-runs reuse the same wasm memory (no growth, no leaked blocks) and results hold no typed arrays', function () {
    const w = loadWasmKernels();
    if (!w) this.skip();
    const g = transformer({ blocks: 2, d: 64, seq: 8, style: 'pre-ln', finalLn: true });
    simulate(g, { profile: 'interactive' }); // the first run creates the scratch and the pooled blocks
    const before = w.stats();
    for (let i = 0; i < 3; i++) simulate(g, { profile: 'interactive' });
    const r = simulate(g, { profile: 'interactive' });
    assert.equal(w.stats().blocks, before.blocks);
    assert.equal(w.stats().memoryBytes, before.memoryBytes);
    const json = JSON.stringify(r);
    assert.ok(!/"0":/.test(json), 'no typed array serialised as an object');
    assert.equal(r.partial, false);
  });

  it('survives a freeAll() of the backend between runs (pooled blocks are forgotten, not reused)', function () {
    const w = loadWasmKernels();
    if (!w) this.skip();
    const g = mlp({ depth: 4, width: 32 });
    const a = simulate(g, { profile: 'interactive' });
    w.freeAll();
    const hold = w.alloc(1 << 20); // takes the memory a stale pooled block would point to
    hold.fill(9);
    const b = simulate(g, { profile: 'interactive' });
    w.free(hold);
    assert.deepEqual({ ...b, ms: 0 }, { ...a, ms: 0 });
  });

  it('gives the same numbers with plain storage (TypeScript kernels) as with the arena up to float32 rounding', function () {
    if (!isWasmBackend(kernels())) this.skip();
    const g = mlp({ depth: 12, width: 64, activation: 'gelu', norm: 'ln' });
    const a = simulate(g, { profile: 'interactive', backend: tsKernels });
    const b = simulate(g, { profile: 'interactive' });
    assert.equal(a.verdict, b.verdict);
    for (const id of a.series.nodes) {
      const x = a.layers[id];
      const y = b.layers[id];
      assert.ok(Math.abs(x.fwdRms! / y.fwdRms! - 1) < 1e-4, `fwd ${id}: ${x.fwdRms} vs ${y.fwdRms}`);
      assert.ok(Math.abs(x.gradRms! / y.gradRms! - 1) < 1e-4, `grad ${id}: ${x.gradRms} vs ${y.gradRms}`);
    }
  });

  it('draws weights, inputs and cotangents once: a re-run hits the cache and gives identical results', () => {
    clearWeightCache();
    const g = mlp({ depth: 6, width: 48 });
    const first = simulate(g, { profile: 'interactive' });
    const drawn = weightCacheStats().draws;
    assert.ok(drawn >= 6 + 2, `weights, input and cotangent drawn (${drawn})`);
    const second = simulate(g, { profile: 'interactive' });
    assert.equal(weightCacheStats().draws, drawn, 'no new draw on the re-run');
    assert.deepEqual({ ...second, ms: 0 }, { ...first, ms: 0 });
    const otherSeed = simulate(g, { profile: 'interactive', seed: 2 });
    assert.ok(weightCacheStats().draws > drawn, 'another seed draws anew');
    assert.notEqual(otherSeed.outputGain, first.outputGain);
  });
});
