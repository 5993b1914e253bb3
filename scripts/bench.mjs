#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (each prints its table and writes bench/results/<name>.json),
// then merges them into bench/results.json. Benchmarks report ratios against references measured in the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const resultsDir = path.join(benchDir, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const only = process.argv.slice(2);
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const r = spawnSync('npx', ['tsx', path.join('bench', f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
const merged = {};
for (const f of fs.readdirSync(resultsDir).filter((x) => x.endsWith('.json')).sort()) {
  Object.assign(merged, JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')));
}
merged.machine = { node: process.version, date: new Date().toISOString() };
fs.writeFileSync(path.join(benchDir, 'results.json'), JSON.stringify(merged, null, 2) + '\n');
console.log(`\nwrote bench/results.json (${files.length} benchmarks${failed ? `, ${failed} failed` : ''})`);
process.exit(failed ? 1 : 0);
