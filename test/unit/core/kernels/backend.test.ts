import { strict as assert } from 'node:assert';
import { kernels, listBackends, setPreferredBackend, tsKernels } from '../../../../src/core/kernels/backend';

describe('kernels/backend', () => {
  afterEach(() => setPreferredBackend(undefined));

  it('lists the TypeScript reference first and prefers wasm when it loads', () => {
    const all = listBackends();
    assert.equal(all[0], tsKernels);
    const wasm = all.find((b) => b.name === 'wasm');
    assert.equal(kernels().name, wasm ? 'wasm' : 'ts');
  });

  it('can be forced to the TypeScript reference', () => {
    setPreferredBackend('ts');
    assert.equal(kernels(), tsKernels);
    setPreferredBackend(undefined);
    assert.equal(kernels('ts'), tsKernels);
  });
});
