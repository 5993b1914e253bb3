// The dev-only peer implementations (tfjs, tfjs-backend-wasm, onnxruntime-node) live in bench/peers, a package
// of their own with its own lockfile, never in the extension's dependencies. `ensurePeers()` installs it from the
// npm registry when missing (install scripts off: see bench/peers/.npmrc) and returns a `require` rooted there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const peersDir = path.resolve(__dirname, '..', 'peers');

function installed(): boolean {
  const pkg = JSON.parse(fs.readFileSync(path.join(peersDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.entries(pkg.dependencies).every(([name, version]) => {
    const p = path.join(peersDir, 'node_modules', name, 'package.json');
    return (
      fs.existsSync(p) && (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version === version
    );
  });
}

export function ensurePeers(): NodeJS.Require {
  if (!installed()) {
    console.log('installing bench/peers (npm ci, install scripts off) ...');
    const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: peersDir,
      stdio: 'inherit',
    });
    if (r.status !== 0 || !installed()) throw new Error('could not install bench/peers');
  }
  return createRequire(path.join(peersDir, 'package.json'));
}

/** Minimal slices of the tfjs API used by the benchmarks and the agreement test (the peers are untyped here). */
export interface Tensor {
  readonly shape: number[];
  dispose(): void;
  dataSync(): Float32Array;
}
export interface Variable extends Tensor {
  assign(t: Tensor): void;
}
export interface LayersModel {
  readonly layers: { name: string; getClassName(): string; output: unknown; getWeights(): Tensor[] }[];
  predict(x: Tensor): Tensor | Tensor[];
  apply(x: unknown): unknown;
  readonly trainableWeights: { read(): Variable; name: string }[];
}
/** tfjs is used dynamically: the namespace is typed loosely on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

let tfjsWasm: Promise<Tf> | undefined;

/** @tensorflow/tfjs on the WebAssembly backend (SIMD, one thread), its .wasm loaded from the installed package. */
export function loadTfjsWasm(): Promise<Tf> {
  tfjsWasm ??= (async () => {
    const req = ensurePeers();
    const tf = quietRequire(req, '@tensorflow/tfjs');
    const wasm = req('@tensorflow/tfjs-backend-wasm') as {
      setWasmPaths(p: string): void;
      setThreadsCount(n: number): void;
    };
    const wasmFile = req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
    wasm.setWasmPaths(path.dirname(wasmFile) + path.sep);
    wasm.setThreadsCount(1);
    const ok = (await tf.setBackend('wasm')) as boolean;
    if (!ok || tf.getBackend() !== 'wasm') throw new Error('tfjs wasm backend did not initialise');
    return tf;
  })();
  return tfjsWasm;
}

/** @tensorflow/tfjs on its CPU backend. */
export async function loadTfjsCpu(): Promise<Tf> {
  const tf = quietRequire(ensurePeers(), '@tensorflow/tfjs');
  await quiet(async () => {
    await tf.setBackend('cpu');
    tf.zeros([1]).dispose(); // the hint is printed by the first op
  });
  return tf;
}

/** tfjs prints an "install tfjs-node" hint when its CPU backend starts in Node: keep the output clean. */
async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  const warn = console.warn;
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    return await f();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

function quietRequire(req: NodeJS.Require, id: string): Tf {
  const log = console.log;
  const warn = console.warn;
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    return req(id);
  } finally {
    console.log = log;
    console.warn = warn;
  }
}
