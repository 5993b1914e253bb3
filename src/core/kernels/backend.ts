/**
 * Kernel backends: the TypeScript reference (`tsKernels`) and, when it loads, the WebAssembly SIMD twin.
 * `kernels()` returns the preferred one: wasm when available, unless STABILITY_LENS_KERNELS=ts (or
 * `setPreferredBackend('ts')`) forces the reference.
 */
import { activationBackward, activationForward } from './activations';
import { add } from './add';
import { layerNormBackward, layerNormForward } from './layerNorm';
import { matmul } from './matmul';
import { moments } from './moments';
import { rowDots } from './rowDots';
import { scale } from './scale';
import type { KernelBackend } from './types';
import { loadWasmKernels } from './wasm/index';

export const tsKernels: KernelBackend = {
  name: 'ts',
  layerNormForward,
  layerNormBackward,
  matmul,
  moments,
  add,
  scale,
  rowDots,
  activationForward,
  activationBackward,
};

let wasmState: { loaded: boolean; backend?: KernelBackend } = { loaded: false };
let forced: 'ts' | 'wasm' | undefined;

function wasmBackend(): KernelBackend | undefined {
  if (!wasmState.loaded) {
    let backend: KernelBackend | undefined;
    try {
      backend = loadWasmKernels();
    } catch {
      backend = undefined;
    }
    wasmState = { loaded: true, backend };
  }
  return wasmState.backend;
}

/** Every available backend: ts first, then wasm when it loads. */
export function listBackends(): KernelBackend[] {
  const w = wasmBackend();
  return w ? [tsKernels, w] : [tsKernels];
}

/** Force a backend ('ts' | 'wasm'), or undefined to restore the default choice. */
export function setPreferredBackend(name: 'ts' | 'wasm' | undefined): void {
  forced = name;
}

function envChoice(): string | undefined {
  const env = typeof process !== 'undefined' ? process.env?.STABILITY_LENS_KERNELS : undefined;
  return env === 'ts' || env === 'wasm' ? env : undefined;
}

/** The preferred backend: wasm when available, else ts; `setPreferredBackend` / STABILITY_LENS_KERNELS override. */
export function kernels(prefer?: 'ts' | 'wasm'): KernelBackend {
  const choice = prefer ?? forced ?? envChoice();
  if (choice === 'ts') return tsKernels;
  return wasmBackend() ?? tsKernels;
}
