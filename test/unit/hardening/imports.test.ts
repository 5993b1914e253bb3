/**
 * The analysed code chooses which files are read: its imports. `import { depth } from '/dev/zero'` made the CLI
 * read /dev/zero until the process ran out of memory and aborted; an import of a FIFO blocked the thread until
 * someone wrote to it (the CLI forever, the worker until the watchdog). Now only regular files of at most
 * maxFileBytes are read for an import (src/core/readFile.ts, in the CLI's host and the worker's); the others are
 * unknown imports with a note, and the analysis goes on. Checked on the real CLI bin and the real worker bundle
 * (child process / worker thread, so a regression fails on a timeout instead of hanging this test run).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readRegularFile } from '../../../src/core/readFile';
import { runCli } from '../../../src/cli/run';
import type { AnalysisReport, FileReport } from '../../../src/core/report/types';
import { AnalysisWorkerClient } from '../../../src/vscode/worker/workerClient';

const root = path.join(__dirname, '../../..');
const hasDevZero = fs.existsSync('/dev/zero');
const canFifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--version']).status === 0;

const SOURCE = [
  "import * as tf from '@tensorflow/tfjs';",
  ...(hasDevZero ? ["import { depth } from '/dev/zero';"] : ['const depth = 3;']),
  ...(canFifo ? ["import { width } from './pipe';"] : ['const width = 8;']),
  "import { act } from './big';",
  'const m = tf.sequential();',
  'for (let i = 0; i < depth; i++) m.add(tf.layers.dense({ units: width, activation: act, inputShape: [4] }));',
  '',
].join('\n');

/** dir/model.ts importing /dev/zero, a FIFO (pipe.ts) and a 3 MB regular file (big.ts). */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-imports-'));
  fs.writeFileSync(path.join(dir, 'model.ts'), SOURCE);
  fs.writeFileSync(path.join(dir, 'big.ts'), `export const act = 'relu';\n${' '.repeat(3_000_000)}\n`);
  if (canFifo) assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe.ts')]).status, 0);
  return dir;
}

function checkFile(f: FileReport | undefined): void {
  assert.ok(f, 'the file was analysed');
  assert.equal(f.errors.length, 0, JSON.stringify(f.errors));
  assert.equal(f.models.length, 1, 'the model is still found');
  const notes = f.notes.map((n) => n.message).join('\n');
  if (hasDevZero) assert.match(notes, /Import '\/dev\/zero' could not be resolved/);
  if (canFifo) assert.match(notes, /Import '\.\/pipe' could not be resolved/);
  assert.match(notes, /Import '\.\/big' could not be resolved/, 'an import larger than maxFileBytes is not read');
}

describe('imports of devices, FIFOs and huge files', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = project()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('readRegularFile reads regular files up to the limit, and nothing else', () => {
    assert.equal(readRegularFile(path.join(dir, 'model.ts'), 1_000_000), SOURCE);
    assert.equal(readRegularFile(path.join(dir, 'model.ts'), 10), undefined, 'over the limit');
    assert.equal(readRegularFile(dir, 1_000_000), undefined, 'a folder');
    assert.equal(readRegularFile(path.join(dir, 'missing.ts'), 1_000_000), undefined);
    if (hasDevZero) assert.equal(readRegularFile('/dev/zero', 1_000_000), undefined, 'a device');
    if (canFifo) assert.equal(readRegularFile(path.join(dir, 'pipe.ts'), 1_000_000), undefined, 'a FIFO (stat only: never opened)');
  });

  it('the CLI (built bin): finishes quickly, reports the model and the unresolved imports', function () {
    if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) this.skip(); // needs `npm run build`
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'stability-lens.js'), 'model.ts', '--no-simulate', '-f', 'json'], { cwd: dir, encoding: 'utf8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.error, undefined, `the CLI did not finish: ${r.error?.message}`);
    assert.equal(r.signal, null, `the CLI was killed by ${r.signal}: ${r.stderr.slice(0, 500)}`);
    assert.equal(r.status, 0, r.stderr);
    checkFile((JSON.parse(r.stdout) as AnalysisReport).files[0]);
  });

  it('the CLI in-process: an oversized import is not read (--max-file-bytes bounds imports too)', async () => {
    // No device or FIFO here: a regression would block this process.
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-imports-big-'));
    try {
      fs.writeFileSync(path.join(d, 'model.ts'), "import * as tf from '@tensorflow/tfjs';\nimport { units } from './cfg';\nexport const m = tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [4] })] });\n");
      fs.writeFileSync(path.join(d, 'cfg.ts'), `export const units = 7;\n// ${'x'.repeat(5000)}\n`);
      let out = '';
      const run = async (extra: string[]) => {
        out = '';
        const code = await runCli(['model.ts', '--no-simulate', '-f', 'json', ...extra], { stdout: (t) => (out += t), stderr: () => undefined, cwd: d });
        assert.equal(code, 0);
        return (JSON.parse(out) as AnalysisReport).files[0];
      };
      const read = await run([]);
      assert.equal(read.models[0].layers.find((l) => l.className === 'Dense')?.config.units, 7, 'read under the default limit');
      const skipped = await run(['--max-file-bytes', '4000']);
      assert.ok(skipped.notes.some((n) => /Import '\.\/cfg' could not be resolved/.test(n.message)), JSON.stringify(skipped.notes));
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('the extension’s worker (dist/worker.js): finishes without the watchdog, reports the model and the imports', async function () {
    const script = path.join(root, 'dist', 'worker.js');
    if (!fs.existsSync(script)) this.skip(); // needs `npm run build`
    const logs: string[] = [];
    const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
    const client = new AnalysisWorkerClient(script, log, { hangGraceMs: 2_000 });
    try {
      let structural: FileReport | undefined;
      const started = Date.now();
      const file = path.join(dir, 'model.ts');
      const job = client.analyze('k', { path: file, text: SOURCE, overlays: {}, sim: { enabled: false, profile: 'interactive', seed: 1, timeBudgetMs: 1_000, whatIf: false }, thresholds: {}, parseTimeMs: 3_000 }, { onStructural: (r) => (structural = r) });
      assert.equal(await job.outcome, 'done', logs.join('\n'));
      assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
      assert.equal(client.restarts, 0, 'the worker was not found hung or crashed');
      checkFile(structural);
    } finally {
      client.dispose();
    }
  });
});
