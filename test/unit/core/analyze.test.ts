import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { analyzePaths, analyzeText, collectFiles, looksBinary, utf8Length, type FsHost } from '../../../src/core/analyze';

const jsonFixture = fs.readFileSync(path.join(__dirname, '../../fixtures/json/sequential_tfjs.json'), 'utf8');

/** An in-memory file system: path -> text (or an Error for unreadable files); folders are implied. */
function memHost(files: { [p: string]: string | Error }): FsHost {
  const isDir = (p: string) => Object.keys(files).some((f) => f.startsWith(p.endsWith('/') ? p : `${p}/`));
  return {
    stat: (p) => (p in files ? { isFile: true, isDirectory: false, size: files[p] instanceof Error ? 0 : utf8Length(files[p] as string) } : isDir(p) ? { isFile: false, isDirectory: true, size: 0 } : undefined),
    readDir: (p) => [...new Set(Object.keys(files).filter((f) => f.startsWith(`${p}/`)).map((f) => f.slice(p.length + 1).split('/')[0]))],
    readText: (p) => files[p] ?? new Error('ENOENT'),
    readFile: (p) => (typeof files[p] === 'string' ? (files[p] as string) : undefined),
    join: (a, b) => `${a}/${b}`,
  };
}

describe('analyze', () => {
  it('analyses a model.json text into a FileReport with layers, summary and kinds', () => {
    const { report, graphs } = analyzeText('m/model.json', jsonFixture);
    assert.deepEqual(report.errors, []);
    assert.equal(report.models.length, 1);
    assert.equal(graphs.length, 1);
    const m = report.models[0];
    assert.equal(m.api, 'json');
    assert.equal(m.summary.weightedLayers, 2);
    assert.equal(m.summary.totalLayers, 2);
    assert.deepEqual(
      m.layers.map((l) => l.kind),
      ['input', 'weighted', 'weighted'],
    );
    assert.ok(m.layers[1].span);
  });

  it('gives oversized and binary texts an error entry and no models', () => {
    const big = analyzeText('big.ts', 'x'.repeat(200), { limits: { maxFileBytes: 100 } });
    assert.equal(big.report.models.length, 0);
    assert.match(big.report.errors[0].message, /larger than 100 bytes/);
    // multi-byte characters count as bytes
    const multi = analyzeText('m.ts', 'é'.repeat(60), { limits: { maxFileBytes: 100 } });
    assert.match(multi.report.errors[0].message, /larger than/);
    assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
    const bin = analyzeText('b.js', 'abc\u0000def');
    assert.match(bin.report.errors[0].message, /binary/);
    assert.ok(!looksBinary('const x = 1;\n'));
  });

  it('reports a malformed JSON position and marks non-model JSON', () => {
    const bad = analyzeText('bad.json', '{"modelTopology": [1,, 2]}');
    assert.match(bad.report.errors[0].message, /line 1, column 22/);
    const other = analyzeText('package.json', '{"name": "x"}');
    assert.equal(other.notAModel, true);
  });

  it('walks folders: skips node_modules, dot-folders, .d.ts and non-model JSON; one bad file never stops the run', () => {
    const host = memHost({
      'p/a.ts': "import * as tf from '@tensorflow/tfjs';\nexport const m = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3]})]});\n",
      'p/sub/model.json': jsonFixture,
      'p/sub/package.json': '{"name": "pkg"}',
      'p/sub/types.d.ts': 'export declare const x: number;',
      'p/node_modules/lib/index.js': 'module.exports = 1;',
      'p/.git/x.ts': 'x',
      'p/locked.ts': new Error('EACCES: permission denied'),
      'p/readme.md': '# hi',
    });
    const { files } = collectFiles(['p'], host);
    assert.deepEqual(files, ['p/a.ts', 'p/locked.ts', 'p/sub/model.json', 'p/sub/package.json']);
    const seen: string[] = [];
    const { report, missing } = analyzePaths(['p', 'nowhere', 'p/sub/package.json'], {
      host,
      toolVersion: '9.9.9',
      onFile: (r) => {
        seen.push(r.report.path);
      },
    });
    assert.deepEqual(missing, ['nowhere']);
    assert.equal(report.tool.version, '9.9.9');
    const paths = report.files.map((f) => f.path);
    assert.deepEqual(paths, ['nowhere', 'p/a.ts', 'p/locked.ts', 'p/sub/model.json', 'p/sub/package.json']);
    assert.match(report.files[2].errors[0].message, /cannot read the file: EACCES/);
    assert.equal(report.files[1].models.length, 1);
    assert.equal(report.files[3].models.length, 1);
    assert.match(report.files[4].errors[0].message, /not a TensorFlow\.js layers model/, 'named explicitly: reported');
    assert.ok(!seen.includes('p/locked.ts'));
  });

  it('lets the onFile hook replace a report (simulation)', () => {
    const host = memHost({ 'q/model.json': jsonFixture });
    const { report } = analyzePaths(['q'], { host, onFile: (r) => ({ ...r.report, notes: [{ kind: 'info', message: 'simulated' }] }) });
    assert.equal(report.files[0].notes[0].message, 'simulated');
  });
});
