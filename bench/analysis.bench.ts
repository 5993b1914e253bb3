// Analysis benchmark: time to analyse (parse + structure + rules, no simulation) a generated 5,000-line model
// file and a 48-block transformer-like file, and how the time grows from 1,000 to 10,000 lines (log-log slope:
// 1 = linear). Reference measured in the same run on the same text: plain `ts.createSourceFile` (the floor any
// TypeScript-based analysis pays). Target: 5,000 lines under 300 ms. Writes bench/results/analysis.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ts from 'typescript';
import { analyzeText } from '../src/core/analyze';

const TARGET_MS = 300;
const RUNS = Number(process.env.ANALYSIS_RUNS ?? 7);

/** A realistic long functional model: dense blocks, norms, residual adds, helper-free straight-line code. */
function generatedModel(lines: number): string {
  const out = [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    '// Generated benchmark model: straight-line functional code, one layer per statement.',
    'const input = tf.input({ shape: [64] });',
    'let x = tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: "heUniform" }).apply(input) as tf.SymbolicTensor;',
  ];
  let k = 0;
  while (out.length < lines - 3) {
    const i = k++;
    out.push(`// block ${i}`);
    out.push(`const h${i} = tf.layers.layerNormalization({ name: 'ln_${i}' }).apply(x) as tf.SymbolicTensor;`);
    out.push(`const f${i} = tf.layers.dense({ units: 128, activation: 'relu', name: 'ff1_${i}' }).apply(h${i}) as tf.SymbolicTensor;`);
    out.push(`const g${i} = tf.layers.dense({ units: 64, name: 'ff2_${i}' }).apply(f${i}) as tf.SymbolicTensor;`);
    out.push(`x = tf.layers.add({ name: 'res_${i}' }).apply([x, g${i}]) as tf.SymbolicTensor;`);
  }
  out.push('const out = tf.layers.dense({ units: 10, activation: "softmax" }).apply(x) as tf.SymbolicTensor;');
  out.push('export const model = tf.model({ inputs: input, outputs: out });');
  return out.join('\n') + '\n';
}

/** 48 transformer-like blocks (attention from dense/dot/softmax, FFN, Pre-LN adds), unrolled. */
function transformerFile(blocks: number): string {
  const out = ["import * as tf from '@tensorflow/tfjs';", '', 'const D = 64;', 'type T = tf.SymbolicTensor;', 'const tokens = tf.input({ shape: [32, D] });', 'let x: T = tokens;'];
  for (let b = 0; b < blocks; b++) {
    out.push(`// ---- block ${b} ----`);
    out.push(`const a${b} = tf.layers.layerNormalization().apply(x) as T;`);
    out.push(`const q${b} = tf.layers.dense({ units: D }).apply(a${b}) as T;`);
    out.push(`const k${b} = tf.layers.dense({ units: D }).apply(a${b}) as T;`);
    out.push(`const v${b} = tf.layers.dense({ units: D }).apply(a${b}) as T;`);
    out.push(`const s${b} = tf.layers.dot({ axes: -1 }).apply([q${b}, k${b}]) as T;`);
    out.push(`const p${b} = tf.layers.softmax().apply(s${b}) as T;`);
    out.push(`const c${b} = tf.layers.dot({ axes: [2, 1] }).apply([p${b}, v${b}]) as T;`);
    out.push(`const o${b} = tf.layers.dense({ units: D }).apply(c${b}) as T;`);
    out.push(`x = tf.layers.add().apply([x, o${b}]) as T;`);
    out.push(`const m${b} = tf.layers.layerNormalization().apply(x) as T;`);
    out.push(`const f${b} = tf.layers.dense({ units: 4 * D, activation: 'gelu' }).apply(m${b}) as T;`);
    out.push(`const g${b} = tf.layers.dense({ units: D }).apply(f${b}) as T;`);
    out.push(`x = tf.layers.add().apply([x, g${b}]) as T;`);
  }
  out.push('x = tf.layers.layerNormalization().apply(x) as T;');
  out.push('export const transformer = tf.model({ inputs: tokens, outputs: x });');
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs = RUNS): number {
  fn(); // warm-up
  const ts_: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts_.push(performance.now() - t);
  }
  return median(ts_);
}

interface Row {
  name: string;
  lines: number;
  nodes: number;
  analysisMs: number;
  createSourceFileMs: number;
  ratio: number;
}

function measure(name: string, text: string, file = 'bench.ts'): Row {
  let nodes = 0;
  const analysisMs = time(() => {
    const r = analyzeText(file, text);
    nodes = r.report.models.reduce((a, m) => a + m.layers.length, 0);
  });
  const createSourceFileMs = time(() => {
    ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  });
  return { name, lines: text.split('\n').length - 1, nodes, analysisMs, createSourceFileMs, ratio: analysisMs / createSourceFileMs };
}

const rows: Row[] = [];
rows.push(measure('generated 5,000 lines', generatedModel(5000)));
rows.push(measure('48-block transformer', transformerFile(48)));
const growth: Row[] = [];
for (const n of [1000, 2000, 4000, 7000, 10000]) growth.push(measure(`generated ${n} lines`, generatedModel(n)));

// Least-squares slope of log(time) against log(lines).
const xs = growth.map((r) => Math.log(r.lines));
const ys = growth.map((r) => Math.log(r.analysisMs));
const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
const my = ys.reduce((a, b) => a + b, 0) / ys.length;
const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
const refYs = growth.map((r) => Math.log(r.createSourceFileMs));
const refMy = refYs.reduce((a, b) => a + b, 0) / refYs.length;
const refSlope = xs.reduce((a, x, i) => a + (x - mx) * (refYs[i] - refMy), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);

const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1);
console.log('case                       lines   nodes  analysis ms  createSourceFile ms  ratio');
for (const r of [...rows, ...growth]) {
  console.log(`${r.name.padEnd(25)} ${String(r.lines).padStart(6)} ${String(r.nodes).padStart(7)} ${fmt(r.analysisMs).padStart(12)} ${fmt(r.createSourceFileMs).padStart(20)} ${fmt(r.ratio).padStart(6)}`);
}
const five = rows[0];
console.log(`growth exponent (1,000 -> 10,000 lines): ${slope.toFixed(2)} (reference createSourceFile: ${refSlope.toFixed(2)}; 1 = linear)`);
console.log(`5,000 lines: ${fmt(five.analysisMs)} ms (target < ${TARGET_MS} ms: ${five.analysisMs < TARGET_MS ? 'met' : 'NOT met'}); ${fmt(five.ratio)}x createSourceFile on the same text`);
const load = os.loadavg()[0];
const cpus = os.cpus().length;
if (load > cpus) console.log(`note: load average ${load.toFixed(1)} on ${cpus} CPUs: absolute times are inflated; the ratios are the comparable numbers`);

const result = {
  analysis: {
    runs: RUNS,
    targetMs: TARGET_MS,
    fiveThousandLines: five,
    transformer48: rows[1],
    growth,
    growthExponent: slope,
    referenceGrowthExponent: refSlope,
    targetMet: five.analysisMs < TARGET_MS,
    machine: { cpus: os.cpus().length, loadAverage1m: os.loadavg()[0] },
  },
};
const dir = path.join(__dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'analysis.json'), JSON.stringify(result, null, 2) + '\n');
