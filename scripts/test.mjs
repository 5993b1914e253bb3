#!/usr/bin/env node
// `npm test`: every suite, in order, each reporting {passed, failed}; ends with one line "N passed, N failed".
// Suites that set things up (code-server, Chromium) install what they need when it is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const only = process.argv.slice(2);

// A fresh clone: install the locked npm packages first (everything else is set up by the suites themselves).
if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.log('=== npm ci ===');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

/** A check suite counts as one test; a mocha-like suite writes its own totals to `results`. */
const suites = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', '.', '--noEmit'] },
  { name: 'typecheck-webview', cmd: ['npx', 'tsc', '-p', 'webview', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings', '0', 'src', 'test', 'webview', 'scripts', 'bench'] },
  { name: 'build', cmd: ['node', 'scripts/build.mjs'] },
  { name: 'unit', cmd: ['npx', 'mocha', '--reporter', './scripts/mochaReporter.cjs'], results: 'unit.json', env: { STABILITY_LENS_REPORTER: 'dot' } },
  // Dev-only: per-layer RMS of the simulation vs @tensorflow/tfjs running our fixtures (installs bench/peers when missing).
  { name: 'agreement', cmd: ['npx', 'mocha', '--config', 'test/agreement/.mocharc.json', '--reporter', './scripts/mochaReporter.cjs'], results: 'agreement.json', when: 'test/agreement/agreement.test.ts' },
  { name: 'integration', cmd: ['node', 'scripts/integration.mjs'], results: 'integration.json', when: 'scripts/integration.mjs' },
  { name: 'ui', cmd: ['node', 'scripts/ui.mjs'], results: 'ui.json', when: 'scripts/ui.mjs' },
  { name: 'browser', cmd: ['node', 'scripts/browser.mjs'], results: 'browser.json', when: 'scripts/browser.mjs' },
];

let passed = 0;
let failed = 0;
const lines = [];
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  if (s.when && !fs.existsSync(path.join(root, s.when))) continue;
  const resultsFile = s.results ? path.join(resultsDir, s.results) : undefined;
  const started = Date.now();
  console.log(`\n=== ${s.name} ===`);
  const r = spawnSync(s.cmd[0], s.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...(s.env ?? {}), ...(resultsFile ? { STABILITY_LENS_RESULTS: resultsFile } : {}) },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  let p = 0;
  let f = 0;
  if (resultsFile && fs.existsSync(resultsFile)) {
    const t = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    p = t.passed;
    f = t.failed;
    if (r.status !== 0 && f === 0) f = 1; // crashed after reporting
  } else if (r.status === 0) {
    p = 1;
  } else {
    f = 1;
  }
  passed += p;
  failed += f;
  lines.push(`${s.name.padEnd(18)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed  ${secs}s`);
}
console.log('\n=== totals ===');
for (const l of lines) console.log(l);
const total = `${passed} passed, ${failed} failed`;
fs.writeFileSync(path.join(resultsDir, 'totals.txt'), total + '\n');
console.log(total);
process.exit(failed > 0 ? 1 : 0);
