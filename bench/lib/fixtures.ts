// Runs OUR model fixtures (bench/models, test/agreement/fixtures) with a given tfjs instance: `import * as tf
// from '@tensorflow/tfjs'` inside the fixture resolves to that instance (the peers package, on the backend the
// caller chose). Only for files of this repository: user code is never executed by Stability Lens.
import Module from 'node:module';
import type { Tf } from './peers';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

export function runFixture<T = Record<string, unknown>>(file: string, tf: Tf): T {
  const mod = Module as unknown as { _load: Loader };
  const original = mod._load;
  mod._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (request === '@tensorflow/tfjs') return tf;
    return original.call(this, request, parent, isMain);
  };
  try {
    const req = Module.createRequire(__filename);
    const resolved = req.resolve(file);
    delete req.cache[resolved];
    return req(resolved) as T;
  } finally {
    mod._load = original;
  }
}
