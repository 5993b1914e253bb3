#!/usr/bin/env node
// Compiles the AssemblyScript kernels in asm/ into dist/kernels.wasm (WebAssembly SIMD128, -O3).
// Run by scripts/build.mjs before bundling; the .wasm is a build product and never committed.
// Skips the compile when dist/kernels.wasm is newer than every source in asm/ (pass --force to rebuild).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'asm', 'kernels.ts');
const out = path.join(root, 'dist', 'kernels.wasm');
const force = process.argv.includes('--force');

const sources = fs
  .readdirSync(path.join(root, 'asm'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join(root, 'asm', f));
const newest = Math.max(
  ...sources.map((f) => fs.statSync(f).mtimeMs),
  fs.statSync(fileURLToPath(import.meta.url)).mtimeMs,
);
if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest) process.exit(0);

fs.mkdirSync(path.dirname(out), { recursive: true });
const asc = path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const args = [
  asc,
  entry,
  '--outFile',
  out,
  '-O3',
  '--noAssert',
  '--converge',
  '--runtime',
  'stub',
  '--enable',
  'simd,threads',
  // Shared memory: growing it never detaches existing Float32Array views (see src/core/kernels/wasm/index.ts).
  '--sharedMemory',
  '--maximumMemory',
  '65536',
  // No imports at all: no abort (assertions are compiled out), no seed, no trace.
  '--use',
  'abort=',
  '--initialMemory',
  '1',
];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('buildWasm: asc failed');
  process.exit(r.status ?? 1);
}
console.log(`built dist/kernels.wasm (${fs.statSync(out).size} bytes)`);
