#!/usr/bin/env node
// Builds every bundle with esbuild (and the WebAssembly kernels with AssemblyScript, when present).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const r = (p) => path.join(root, p);

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node bundles (extension host, worker thread, CLI). */
const nodeTargets = [
  { entry: 'src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { entry: 'src/vscode/worker/analysisWorker.ts', out: 'dist/worker.js', external: ['vscode'] },
  { entry: 'src/cli/main.ts', out: 'dist/cli.js', external: [] },
];
/** Browser bundles (webview; also inlined into the standalone HTML export). */
const browserTargets = [{ entry: 'webview/main.ts', out: 'dist/webview.js' }];

const configs = [];
for (const t of nodeTargets) {
  if (!fs.existsSync(r(t.entry))) continue;
  configs.push({
    ...common,
    entryPoints: [r(t.entry)],
    outfile: r(t.out),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: t.external,
  });
}
for (const t of browserTargets) {
  if (!fs.existsSync(r(t.entry))) continue;
  configs.push({
    ...common,
    entryPoints: [r(t.entry)],
    outfile: r(t.out),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
    minify: true,
  });
}

function buildWasm() {
  const script = r('scripts/buildWasm.mjs');
  if (!fs.existsSync(script)) return;
  const res = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('wasm build failed');
}

fs.mkdirSync(r('dist'), { recursive: true });
buildWasm();
if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
  console.log('watching...');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  const extra = fs.existsSync(r('scripts/postBuild.mjs')) ? ' (+ post-build)' : '';
  if (extra) {
    const res = spawnSync(process.execPath, [r('scripts/postBuild.mjs')], { cwd: root, stdio: 'inherit' });
    if (res.status !== 0) process.exit(1);
  }
  console.log(`built ${configs.length} bundles${extra}`);
}
