import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { artifactUri, runCli } from '../../../src/cli/run';
import { parseArgs, UsageError } from '../../../src/cli/args';
import type { AnalysisReport } from '../../../src/core/report/types';

const fixtures = path.join(__dirname, '../../fixtures/cli');
const root = path.join(__dirname, '../../..');

async function run(argv: string[], cwd = fixtures) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, bundleDir: path.join(root, 'dist') });
  return { code, stdout, stderr };
}

/** A temp folder with a non-ASCII name and a file name with spaces. */
function tempProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cli-'));
  const sub = path.join(dir, 'modèles ünïcode');
  fs.mkdirSync(sub);
  fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(sub, 'deep mlp.ts'));
  fs.copyFileSync(path.join(fixtures, 'stable.ts'), path.join(sub, 'stable.ts'));
  fs.mkdirSync(path.join(sub, 'node_modules'));
  fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(sub, 'node_modules', 'skip.ts'));
  fs.mkdirSync(path.join(sub, '.hidden'));
  fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(sub, '.hidden', 'skip.ts'));
  return dir;
}

describe('cli', () => {
  it('parses options and rejects bad usage', () => {
    const o = parseArgs(['a', '--format=json', '-o', 'out.json', '--fail-on', 'warning', '--threshold', 'deepPlainStack.minRun=4', '--no-simulate', '--seed', '7', '--', '--weird']);
    assert.deepEqual(o.paths, ['a', '--weird']);
    assert.equal(o.format, 'json');
    assert.equal(o.output, 'out.json');
    assert.equal(o.failOn, 'warning');
    assert.deepEqual(o.thresholds, { 'deepPlainStack.minRun': 4 });
    assert.equal(o.simulate, false);
    assert.equal(o.seed, 7);
    for (const bad of [['--format', 'xml'], ['--fail-on', 'bad'], ['--threshold', 'nope=3'], ['--threshold', 'deepPlainStack.minRun'], ['--bogus'], ['--seed', 'x'], ['-o']]) {
      assert.throws(() => parseArgs(bad), UsageError, bad.join(' '));
    }
  });

  it('prints help and version, exit 0; usage errors exit 2', async () => {
    const h = await run(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /--fail-on/);
    const v = await run(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
    const u = await run(['--format', 'xml']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown format/);
  });

  it('text: a table per model and findings as file:line:col severity rule-id message (1-based)', async () => {
    const r = await run(['deep mlp.ts', 'stable.ts', '--no-simulate']);
    assert.equal(r.code, 0, 'default --fail-on error: warnings do not fail');
    assert.match(r.stdout, /^deep mlp\.ts\n {2}model +api +weighted +depth +max plain run +normalization +residual\n {2}model +sequential +14 +14 +14 +- +no/m);
    assert.match(r.stdout, /^deep mlp\.ts:5:13 warning deep-plain-stack 14 weighted layers/m);
    assert.match(r.stdout, /^stable\.ts\n/m);
    assert.match(r.stdout, /2 files, 2 models, 3 findings \(2 warnings, 1 info\)\n$/);
  });

  it('text: simulation columns when simulated', async () => {
    const r = await run(['deep mlp.ts', '--seed', '3', '--width', '64', '--batch', '8']);
    assert.match(r.stdout, /simulation +output gain +gradient gain/);
    assert.match(r.stdout, /model +sequential +14 .* (vanishing|decaying|stable|exploding|growing|collapsing)\??/);
  });

  it('exit codes follow --fail-on', async () => {
    assert.equal((await run(['deep mlp.ts', '--no-simulate', '--fail-on', 'warning'])).code, 1);
    assert.equal((await run(['stable.ts', '--no-simulate', '--fail-on', 'info'])).code, 0);
    assert.equal((await run(['deep mlp.ts', '--no-simulate', '--fail-on', 'none'])).code, 0);
    assert.equal((await run(['deep mlp.ts', '--no-simulate', '--fail-on', 'warning', '--threshold', 'deepPlainStack.minRun=20', '--threshold', 'initActivationMismatch.minLayers=20'])).code, 0);
    const missing = await run(['nope.ts', '--no-simulate']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: nope\.ts/);
  });

  it('--quiet prints only the findings', async () => {
    const r = await run(['deep mlp.ts', 'stable.ts', '--no-simulate', '-q']);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => /^deep mlp\.ts:\d+:\d+ (warning|info) [a-z-]+ /.test(l)));
  });

  it('json: the versioned AnalysisReport contract with relative paths', async () => {
    const r = await run(['.', '--format', 'json', '--no-simulate']);
    const rep = JSON.parse(r.stdout) as AnalysisReport;
    assert.equal(rep.version, '1.0');
    assert.equal(rep.tool.name, 'stability-lens');
    const files = rep.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['deep mlp.ts', 'model.json', 'stable.ts'], 'package.json skipped silently');
    const deep = rep.files.find((f) => f.path === 'deep mlp.ts');
    assert.ok(deep);
    const m = deep.models[0];
    assert.equal(m.api, 'sequential');
    assert.equal(m.summary.weightedLayers, 14);
    assert.ok(m.layers.every((l) => typeof l.id === 'string' && typeof l.kind === 'string'));
    assert.equal(m.findings[0].span.file, 'deep mlp.ts');
    assert.ok(m.findings[0].fixes.length > 0);
  });

  it('sarif: 2.1.0 with the required fields, rules with helpUri, 1-based regions, fixes', async () => {
    const r = await run(['deep mlp.ts', '--format', 'sarif', '--no-simulate']);
    const s = JSON.parse(r.stdout);
    assert.equal(s.version, '2.1.0');
    assert.ok(s.$schema.includes('sarif'));
    const runObj = s.runs[0];
    assert.equal(runObj.tool.driver.name, 'stability-lens');
    const ruleIds = runObj.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ruleIds.includes('deep-plain-stack'));
    for (const rule of runObj.tool.driver.rules) assert.match(rule.helpUri, /docs\/rules\/[a-z-]+\.md$/);
    assert.equal(runObj.results.length, 3);
    for (const res of runObj.results) {
      assert.ok(ruleIds.includes(res.ruleId));
      assert.equal(runObj.tool.driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.equal(typeof res.message.text, 'string');
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, 'deep%20mlp.ts');
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    }
    const deep = runObj.results.find((x: { ruleId: string }) => x.ruleId === 'deep-plain-stack');
    assert.deepEqual(deep.locations[0].physicalLocation.region.startLine, 5);
    assert.equal(deep.locations[0].physicalLocation.region.startColumn, 13);
    assert.ok(deep.relatedLocations.length >= 2);
    assert.ok(deep.fixes[0].artifactChanges[0].replacements[0].insertedContent.text.includes('layerNormalization'));
    assert.match(runObj.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
  });

  it('handles folders with spaces and non-ASCII names, skipping node_modules and dot-folders', async () => {
    const dir = tempProject();
    try {
      const r = await run(['--format', 'json', '--no-simulate'], dir);
      const rep = JSON.parse(r.stdout) as AnalysisReport;
      const files = rep.files.map((f) => f.path).sort();
      assert.deepEqual(files, [path.join('modèles ünïcode', 'deep mlp.ts'), path.join('modèles ünïcode', 'stable.ts')]);
      const sarif = JSON.parse((await run(['--format', 'sarif', '--no-simulate'], dir)).stdout);
      assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'mod%C3%A8les%20%C3%BCn%C3%AFcode/deep%20mlp.ts');
      // -o writes only there
      const out = await run(['-o', 'réport ü.txt', '--no-simulate'], dir);
      assert.equal(out.stdout, '');
      assert.match(fs.readFileSync(path.join(dir, 'réport ü.txt'), 'utf8'), /deep-plain-stack/);
      const bad = await run(['-o', path.join(dir, 'no such dir', 'x.json'), '--no-simulate'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /cannot write/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad inputs: binary, oversized and malformed files get error entries and the run goes on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-bad-'));
    try {
      fs.writeFileSync(path.join(dir, 'blob.js'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 3]));
      fs.writeFileSync(path.join(dir, 'big.ts'), `// ${'x'.repeat(5000)}\n`);
      fs.writeFileSync(path.join(dir, 'broken.json'), '{"modelTopology": {"class_name": "Sequential",\n  "config": {"layers": [,]}}}');
      fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(dir, 'ok.ts'));
      fs.writeFileSync(path.join(dir, 'syntax.ts'), "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }) ] ;\n");
      const r = await run(['.', '--format', 'json', '--no-simulate', '--max-file-bytes', '4000'], dir);
      assert.equal(r.code, 0);
      const rep = JSON.parse(r.stdout) as AnalysisReport;
      const byPath = new Map(rep.files.map((f) => [f.path, f]));
      assert.match(byPath.get('blob.js')?.errors[0].message ?? '', /binary/);
      assert.match(byPath.get('big.ts')?.errors[0].message ?? '', /larger than 4000 bytes/);
      assert.match(byPath.get('broken.json')?.errors[0].message ?? '', /line 2, column 25/);
      assert.equal(byPath.get('ok.ts')?.models.length, 1);
      const syntax = byPath.get('syntax.ts');
      assert.ok(syntax);
      assert.ok(syntax.notes.some((n) => n.kind === 'syntax'), 'syntax errors become a note');
      const text = await run(['.', '--no-simulate', '--max-file-bytes', '4000'], dir);
      assert.match(text.stdout, /^blob\.js error unsupported: binary file/m);
      assert.match(text.stdout, /^broken\.json:2:25 error syntax: Malformed JSON/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('html: a self-contained page', async () => {
    const r = await run(['deep mlp.ts', '--format', 'html', '--no-simulate']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^<!doctype html>/i);
    assert.match(r.stdout, /deep-plain-stack/);
  });

  it('makes relative, percent-encoded artifact URIs', () => {
    assert.equal(artifactUri('a b/ç.ts', '/w'), 'a%20b/%C3%A7.ts');
    assert.match(artifactUri('/elsewhere/x.ts', '/w'), /^file:\/\/\/elsewhere\/x\.ts$/);
  });

  it('runs as the built command (bin/stability-lens.js)', function () {
    const cli = path.join(root, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) this.skip();
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'stability-lens.js'), 'deep mlp.ts', '--no-simulate', '--fail-on', 'warning'], { cwd: fixtures, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /deep mlp\.ts:5:13 warning deep-plain-stack/);
  });
});
