// STUB (owned by the WebAssembly kernels work): loads dist/kernels.wasm (built from asm/ by `npm run build`)
// synchronously and returns a KernelBackend, or undefined when WebAssembly SIMD or the file is unavailable.
import type { KernelBackend } from '../types';

export function loadWasmKernels(): KernelBackend | undefined {
  return undefined;
}
