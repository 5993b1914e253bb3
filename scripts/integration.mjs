#!/usr/bin/env node
// `npm run test:integration`: the extension's tests in a real VS Code (code-server 4.100.3 + headless Chromium,
// ../shared/REAL-VSCODE-TESTS.md), through @vscode/test-electron's runTests with tools/code-server/launch.mjs
// as the "VS Code binary". Two runs:
//   1. the extension under development (dist/) against a copy of test/integration/fixtures, in Restricted Mode;
//   2. the packaged .vsix installed with `code-server --install-extension`, checked by a small probe extension.
// Installs code-server (and Chromium) when missing. Writes {passed, failed} to $STABILITY_LENS_RESULTS.
//   --no-vsix   skip run 2     --grep <re>   only matching tests (run 1)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { ensureCodeServer } from './setupCodeServer.mjs';
import { installExtension } from '../tools/code-server/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const noVsix = argv.includes('--no-vsix');
const grep = argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : undefined;
const launcher = path.join(root, 'tools', 'code-server', 'launch.mjs');
const outDir = path.join(root, 'out', 'integration');
const results = { passed: 0, failed: 0 };
const t0 = Date.now();

function finish(extraFailure) {
  if (extraFailure) {
    console.error(extraFailure);
    results.failed++;
  }
  if (process.env.STABILITY_LENS_RESULTS) fs.writeFileSync(process.env.STABILITY_LENS_RESULTS, JSON.stringify(results));
  console.log(`integration: ${results.passed} passed, ${results.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(results.failed > 0 ? 1 : 0);
}

function step(name, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) finish(`${name} failed (exit ${r.status})`);
}

/** Bundles the test index and every test file (node, cjs; vscode and mocha stay external). */
async function bundleTests() {
  fs.rmSync(outDir, { recursive: true, force: true });
  const dir = path.join(root, 'test', 'integration');
  const entries = fs.readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts'));
  await esbuild.build({
    entryPoints: entries.map((f) => path.join(dir, f)),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  // the probe extension that checks the installed .vsix
  const probe = path.join(outDir, 'vsixProbe');
  fs.mkdirSync(probe, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(dir, 'vsix', 'probe.ts')],
    outfile: path.join(probe, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  fs.writeFileSync(
    path.join(probe, 'package.json'),
    JSON.stringify({ name: 'stability-lens-vsix-probe', publisher: 'test', version: '0.0.0', engines: { vscode: '^1.100.0' } }, null, 2),
  );
}

function workspaceCopy(base) {
  const ws = path.join(base, 'workspace');
  fs.cpSync(path.join(root, 'test', 'integration', 'fixtures'), ws, { recursive: true });
  return ws;
}

async function runOnce(label, { extensionDevelopmentPath, extensionTestsPath, workspace, base, extensionsDir, env = {} }) {
  const resultsFile = path.join(base, `results-${label}.json`);
  const started = Date.now();
  console.log(`\n--- ${label} ---`);
  let code = 0;
  try {
    await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [workspace, `--user-data-dir=${path.join(base, `user-data-${label}`)}`, `--extensions-dir=${extensionsDir ?? path.join(base, `extensions-${label}`)}`],
      extensionTestsEnv: { STABILITY_LENS_RUN_RESULTS: resultsFile, ...env },
    });
  } catch (e) {
    code = 1;
    console.error(`${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (fs.existsSync(resultsFile)) {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    results.passed += r.passed;
    results.failed += r.failed;
    if (code !== 0 && r.failed === 0) results.failed++;
    console.log(`${label}: ${r.passed} passed, ${r.failed} failed, ${r.pending ?? 0} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    results.failed++;
    console.error(`${label}: the tests wrote no results (the extension host did not run them)`);
  }
}

try {
  ensureCodeServer();
} catch (e) {
  finish(`setting up code-server failed: ${e instanceof Error ? e.message : String(e)}`);
}
step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
await bundleTests();

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-integration-'));
try {
  await runOnce('extension', {
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(outDir, 'index.js'),
    workspace: workspaceCopy(path.join(base, 'ext')),
    base,
    env: {
      STABILITY_LENS_WORKSPACE_TRUST: '1',
      STABILITY_LENS_EXPECT_UNTRUSTED: '1',
      ...(grep ? { STABILITY_LENS_GREP: grep } : {}),
    },
  });
  if (!noVsix) {
    const vsix = path.join(base, 'stability-lens.vsix');
    step('package', process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', vsix]);
    const dirs = { base: path.join(base, 'vsix'), userDataDir: path.join(base, 'vsix', 'user-data'), extensionsDir: path.join(base, 'vsix', 'extensions'), xdgConfig: path.join(base, 'vsix', 'xdg-config'), xdgData: path.join(base, 'vsix', 'xdg-data') };
    for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
    installExtension(vsix, dirs);
    await runOnce('vsix', {
      extensionDevelopmentPath: path.join(outDir, 'vsixProbe'),
      extensionTestsPath: path.join(outDir, 'vsixProbe', 'index.js'),
      workspace: workspaceCopy(path.join(base, 'vsix')),
      base,
      extensionsDir: dirs.extensionsDir,
    });
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
finish();
