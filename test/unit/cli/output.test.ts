/**
 * SECURITY.md, "the CLI writes only its -o target": the CLI is run (in-process and as the built bin) on input
 * folders whose names have spaces and non-ASCII characters, with `-o` into such a folder, in every format. The
 * whole temp tree (names, kinds, sizes, mtimes, contents) is listed before and after: exactly one file was
 * created or replaced, the inputs are untouched. The bin runs with HOME and TMPDIR inside the tree, so a stray
 * cache or temp file would show up too. An `-o` into a folder that does not exist is an error (exit 2) that says
 * so, and creates nothing.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../../src/cli/run';
import type { AnalysisReport } from '../../../src/core/report/types';

const fixtures = path.join(__dirname, '../../fixtures/cli');
const root = path.join(__dirname, '../../..');
const bin = path.join(root, 'bin', 'stability-lens.js');

interface Entry {
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  sha?: string;
}

/** Every file and folder under `dir` (relative paths), with what would show a write. */
function listTree(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out.set(rel, { kind: 'dir', size: 0, mtimeMs: st.mtimeMs });
        walk(p);
      } else out.set(rel, { kind: 'file', size: st.size, mtimeMs: st.mtimeMs, sha: createHash('sha256').update(fs.readFileSync(p)).digest('hex') });
    }
  };
  walk(dir);
  return out;
}

/** What changed between two listings: created, removed and changed paths. */
function treeDiff(before: Map<string, Entry>, after: Map<string, Entry>): { created: string[]; removed: string[]; changed: string[] } {
  const created = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed = [...after.keys()].filter((k) => before.has(k) && JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k))).sort();
  return { created, removed, changed };
}

const INPUT = 'modèles ünïcode dir';
const OUT_DIR = 'ünï cødé dir';

/** base/INPUT/{deep mlp.ts, stable.ts, model.json, sous dossier é/ça va.ts}, base/OUT_DIR/ (empty), base/home, base/tmp. */
function project(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-out ü-'));
  const input = path.join(base, INPUT);
  fs.mkdirSync(path.join(input, 'sous dossier é'), { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(input, 'deep mlp.ts'));
  fs.copyFileSync(path.join(fixtures, 'stable.ts'), path.join(input, 'stable.ts'));
  fs.copyFileSync(path.join(fixtures, 'model.json'), path.join(input, 'model.json'));
  fs.copyFileSync(path.join(fixtures, 'deep mlp.ts'), path.join(input, 'sous dossier é', 'ça va.ts'));
  for (const d of [OUT_DIR, 'home', 'tmp']) fs.mkdirSync(path.join(base, d));
  // Old mtimes, so that a rewrite of an input with the same bytes would still show.
  const old = new Date(Date.now() - 86_400_000);
  for (const [p] of listTree(base)) fs.utimesSync(path.join(base, p), old, old);
  return base;
}

async function runInProcess(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, bundleDir: path.join(root, 'dist') });
  return { code, stdout, stderr };
}

function runBin(argv: string[], cwd: string) {
  const env = { ...process.env, HOME: path.join(cwd, 'home'), TMPDIR: path.join(cwd, 'tmp'), TMP: path.join(cwd, 'tmp'), TEMP: path.join(cwd, 'tmp'), XDG_CACHE_HOME: path.join(cwd, 'home', '.cache') };
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The output is what the format promises. */
function checkContent(format: string, text: string): void {
  if (format === 'html') {
    assert.match(text, /^<!doctype html>/i);
    assert.ok(text.includes('deep-plain-stack'));
    return;
  }
  if (format === 'text') {
    assert.match(text, new RegExp(`^${INPUT}/deep mlp\\.ts:5:13 warning deep-plain-stack `, 'm'));
    assert.match(text, new RegExp(`^${INPUT}/sous dossier é/ça va\\.ts:5:13 warning deep-plain-stack `, 'm'));
    return;
  }
  const parsed = JSON.parse(text);
  if (format === 'json') {
    const files = (parsed as AnalysisReport).files.map((f) => f.path).sort();
    assert.deepEqual(files, [`${INPUT}/deep mlp.ts`, `${INPUT}/model.json`, `${INPUT}/sous dossier é/ça va.ts`, `${INPUT}/stable.ts`].map((p) => p.split('/').join(path.sep)));
  } else {
    assert.equal(parsed.version, '2.1.0');
    const uris = new Set(parsed.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('mod%C3%A8les%20%C3%BCn%C3%AFcode%20dir/sous%20dossier%20%C3%A9/%C3%A7a%20va.ts'), [...uris].join(' '));
  }
}

describe('cli: writes only its -o target', function () {
  this.timeout(60_000);
  let base: string;
  beforeEach(() => (base = project()));
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  for (const format of ['html', 'json', 'sarif', 'text']) {
    it(`${format}: in-process, then as the built bin: exactly one file created, then replaced; inputs untouched`, function () {
      return (async () => {
        const out = path.join(OUT_DIR, `report file.${format}`);
        const argv = [INPUT, '--format', format, '--output', out, '--profile', 'interactive', '--fail-on', 'none'];

        const before = listTree(base);
        const r = await runInProcess(argv, base);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '', 'nothing on stdout');
        assert.equal(r.stderr, '');
        const afterFirst = listTree(base);
        // The folder that holds the new file changes its mtime; nothing else does.
        assert.deepEqual(treeDiff(before, afterFirst), { created: [out], removed: [], changed: [OUT_DIR] });
        const text = fs.readFileSync(path.join(base, out), 'utf8');
        checkContent(format, text);

        if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) this.skip(); // the bin needs `npm run build`
        // Older mtime on the report, so its replacement shows even if the bytes are the same.
        const old = new Date(Date.now() - 3_600_000);
        fs.utimesSync(path.join(base, out), old, old);
        fs.utimesSync(path.join(base, OUT_DIR), old, old);
        const beforeBin = listTree(base);
        const b = runBin(argv, base);
        assert.equal(b.code, 0, b.stderr);
        assert.equal(b.stdout, '');
        assert.equal(b.stderr, '');
        assert.deepEqual(treeDiff(beforeBin, listTree(base)), { created: [], removed: [], changed: [out] });
        checkContent(format, fs.readFileSync(path.join(base, out), 'utf8'));
      })();
    });
  }

  it('an absolute -o path works the same', async () => {
    const out = path.join(base, OUT_DIR, 'réport ü.json');
    const before = listTree(base);
    const r = await runInProcess([path.join(base, INPUT), '-f', 'json', '-o', out, '--no-simulate'], os.tmpdir());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(treeDiff(before, listTree(base)), { created: [path.relative(base, out)], removed: [], changed: [OUT_DIR] });
  });

  it('-o into a folder that does not exist: exit 2, a clear message, nothing created', async () => {
    for (const run of [(a: string[]) => runInProcess(a, base), (a: string[]) => Promise.resolve(runBin(a, base))]) {
      const before = listTree(base);
      const out = path.join('no such dir é', 'report file.html');
      const r = await run([INPUT, '-f', 'html', '-o', out, '--no-simulate']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `stability-lens: cannot write ${out}: the folder no such dir é does not exist\n`);
      assert.deepEqual(treeDiff(before, listTree(base)), { created: [], removed: [], changed: [] });
      if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) break;
    }
  });

  it('-o naming a folder: exit 2, says so, nothing changed', async () => {
    const before = listTree(base);
    const r = await runInProcess([INPUT, '-o', OUT_DIR, '--no-simulate'], base);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `stability-lens: cannot write ${OUT_DIR}: it is a folder\n`);
    assert.deepEqual(treeDiff(before, listTree(base)), { created: [], removed: [], changed: [] });
  });

  it('without -o: nothing is written anywhere', async () => {
    const before = listTree(base);
    for (const format of ['html', 'json', 'sarif', 'text']) {
      const r = await runInProcess([INPUT, '-f', format, '--profile', 'interactive', '--fail-on', 'none'], base);
      assert.equal(r.code, 0, r.stderr);
      checkContent(format, r.stdout);
    }
    assert.deepEqual(treeDiff(before, listTree(base)), { created: [], removed: [], changed: [] });
  });
});
