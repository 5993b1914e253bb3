// Activation benchmark: the time VS Code spends in our code when the extension activates — require of
// dist/extension.js plus activate() — measured in fresh Node processes (cold: no module or compile cache), with a
// minimal fake 'vscode' module. References measured in the same processes: requiring an empty module and
// JSON.parse of package.json. Target: under 50 ms. Writes bench/results/activation.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist', 'extension.js');
const RUNS = Number(process.env.ACTIVATION_RUNS ?? 15);
const TARGET_MS = 50;

if (!fs.existsSync(bundle)) {
  console.error('dist/extension.js is missing: run `npm run build` first');
  process.exit(1);
}

/**
 * The child: a fake 'vscode' (each name the bundle uses is a recursive proxy: every member is a callable,
 * constructible stub returning another stub; iterables are empty; nothing is thenable), then timings of the references and of
 * require + activate. Prints one JSON line.
 */
const child = String.raw`
const Module = require('module');
const { performance } = require('perf_hooks');
const fs = require('fs');
const [bundle, pkgPath, emptyPath] = process.argv.slice(2);
function stub(name) {
  const target = function () {};
  const values = new Map();
  return new Proxy(target, {
    set(_t, p, v) { values.set(p, v); return true; },
    get(_t, p) {
      if (values.has(p)) return values.get(p);
      if (p === 'then') return undefined;
      if (p === Symbol.iterator) return function* () {};
      if (p === Symbol.toPrimitive) return () => name;
      if (p === 'length') return 0;
      if (p === 'dispose') return () => {};
      return stub(name + '.' + String(p));
    },
    apply() { return stub(name + '()'); },
    construct() { return stub('new ' + name); },
  });
}
// esbuild's interop copies the module's own properties: give the fake every name the bundle reads from it
const fakeVscode = {};
for (const m of fs.readFileSync(bundle, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)) fakeVscode[m[1]] = stub('vscode.' + m[1]);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return fakeVscode;
  return load.call(this, request, parent, isMain);
};
let t = performance.now();
require(emptyPath);
const emptyModuleMs = performance.now() - t;
t = performance.now();
JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
const packageJsonMs = performance.now() - t;
const subscriptions = [];
const context = {
  subscriptions,
  extensionUri: stub('extensionUri'),
  extensionPath: '/ext',
  extension: { packageJSON: JSON.parse(fs.readFileSync(pkgPath, 'utf8')) },
};
t = performance.now();
const ext = require(bundle);
const requireMs = performance.now() - t;
t = performance.now();
ext.activate(context);
const activateMs = performance.now() - t;
for (const s of subscriptions) if (s && typeof s.dispose === 'function') s.dispose();
process.stdout.write(JSON.stringify({ emptyModuleMs, packageJsonMs, requireMs, activateMs }) + '\n');
process.exit(0);
`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-activation-'));
const childFile = path.join(tmp, 'child.cjs');
const emptyFile = path.join(tmp, 'empty.cjs');
fs.writeFileSync(childFile, child);
fs.writeFileSync(emptyFile, '');

interface Sample {
  emptyModuleMs: number;
  packageJsonMs: number;
  requireMs: number;
  activateMs: number;
}
const samples: Sample[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [childFile, bundle, path.join(root, 'package.json'), emptyFile], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    samples.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const round = (x: number): number => Math.round(x * 1000) / 1000;

const total = samples.map((s) => s.requireMs + s.activateMs);
const result = {
  activation: {
    runs: RUNS,
    bundleBytes: fs.statSync(bundle).size,
    totalMs: round(median(total)),
    totalP90Ms: round(p90(total)),
    requireMs: round(median(samples.map((s) => s.requireMs))),
    activateMs: round(median(samples.map((s) => s.activateMs))),
    reference: {
      emptyModuleRequireMs: round(median(samples.map((s) => s.emptyModuleMs))),
      packageJsonParseMs: round(median(samples.map((s) => s.packageJsonMs))),
    },
    targetMs: TARGET_MS,
    withinTarget: median(total) < TARGET_MS,
  },
};
const a = result.activation;
console.log(`dist/extension.js ${(a.bundleBytes / 1024).toFixed(1)} KiB, ${RUNS} cold processes (median):`);
console.log(`  require ${a.requireMs.toFixed(2)} ms + activate ${a.activateMs.toFixed(2)} ms = ${a.totalMs.toFixed(2)} ms (p90 ${a.totalP90Ms.toFixed(2)} ms; target < ${TARGET_MS} ms)`);
console.log(`  references: empty module require ${a.reference.emptyModuleRequireMs.toFixed(3)} ms, package.json parse ${a.reference.packageJsonParseMs.toFixed(3)} ms`);
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', 'activation.json'), JSON.stringify(result, null, 2) + '\n');
if (!a.withinTarget) {
  console.error(`activation ${a.totalMs.toFixed(1)} ms is over the ${TARGET_MS} ms target`);
  process.exit(1);
}
