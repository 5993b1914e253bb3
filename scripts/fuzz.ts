/**
 * `npm run fuzz [-- options]`: mutates the examples and test fixtures and runs the analyzer and the simulator on
 * every mutation in worker threads under a watchdog (scripts/fuzz/). Bounded in time and count, deterministic by
 * seed (case i of seed s is always the same input). Prints a summary and writes the inputs that broke something
 * to the crashers folder (one folder per case: the files, and failure.json with the way to replay it).
 *
 *   --seconds N    stop starting new cases after N seconds (default 60)
 *   --count N      at most N cases (default unlimited)
 *   --seed N       run seed (default 1)
 *   --start N      first case index (default 0): continue an earlier run
 *   --workers N    worker threads (default: CPUs)
 *   --out DIR      crashers folder (default out/fuzz/crashers)
 *   --replay I     run case I of the seed in this process and print the case and its result
 *   --replay-dir D run a case from a crashers folder (or a kept fixture) in this process and print its result
 *   --keep D NAME "what it found"   copy a crasher to test/fixtures/fuzz/NAME (a regression fixture of the unit tests)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUZZ_BUDGETS, runCase, type CaseResult } from './fuzz/check';
import { readCaseDir, writeCaseDir } from './fuzz/cases';
import { loadCorpus } from './fuzz/corpus';
import { makeCase, type FuzzCase } from './fuzz/mutate';
import { bundleWorker, runPool } from './fuzz/pool';

const root = path.resolve(__dirname, '..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`fuzz: --${name} needs a non-negative number`);
    process.exit(2);
  }
  return v;
}

const seconds = option('seconds', 60);
const count = option('count', Number.MAX_SAFE_INTEGER);
const seed = option('seed', 1);
const startAt = option('start', 0);
const workers = option('workers', Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
const outIdx = process.argv.indexOf('--out');
const outDir = path.resolve(
  outIdx >= 0 ? process.argv[outIdx + 1] : path.join(root, 'out', 'fuzz', 'crashers'),
);
const replayIdx = process.argv.indexOf('--replay');

const corpus = loadCorpus(root);

/** What a case file says about the case (beside its files): how it was made and how it is run. */
function caseMeta(c: FuzzCase) {
  return { kinds: c.kinds, origin: c.origin, mode: c.mode, root: c.root, sim: c.sim, files: c.files.map((f) => f.path) };
}

const keepIdx = process.argv.indexOf('--keep');
if (keepIdx >= 0) {
  // --keep DIR NAME "what broke, where it was fixed": the crasher becomes a regression fixture of the unit tests
  const [dir, name, found] = process.argv.slice(keepIdx + 1, keepIdx + 4);
  if (!dir || !name || !found || !/^[\w-]+$/.test(name)) {
    console.error('fuzz: --keep DIR NAME "what it found" (NAME: letters, digits, - and _)');
    process.exit(2);
  }
  const { c } = readCaseDir(dir);
  const target = path.join(root, 'test', 'fixtures', 'fuzz', name);
  writeCaseDir(target, c, 'case.json', { found, ...caseMeta(c) });
  console.log(`kept as ${path.relative(root, target)}`);
  process.exit(0);
}

const replayDirIdx = process.argv.indexOf('--replay-dir');
if (replayDirIdx >= 0) {
  const { c } = readCaseDir(process.argv[replayDirIdx + 1]);
  const r = runCase(c, FUZZ_BUDGETS, { formats: true });
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.failures.length ? 1 : 0);
}

if (replayIdx >= 0) {
  const c = makeCase(corpus, seed, Number(process.argv[replayIdx + 1]));
  console.log(
    JSON.stringify(
      {
        ...c,
        files: c.files.map((f) => ({ path: f.path, chars: f.text.length, head: f.text.slice(0, 300) })),
      },
      null,
      2,
    ),
  );
  const r = runCase(c, FUZZ_BUDGETS, { formats: true });
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.failures.length ? 1 : 0);
}

/** One signature per distinct failure: kind + message without numbers, paths and quoted bits. */
function signature(kind: string, message: string): string {
  const first = message.split('\n')[0];
  return `${kind}: ${first
    .replace(/\/fuzz\/\S+/g, '<path>')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '<q>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 160)}`;
}

function writeCrasher(c: FuzzCase, r: CaseResult): string {
  const dir = path.join(outDir, `seed${seed}-case${c.index}`);
  writeCaseDir(dir, c, 'failure.json', {
    replay: `npm run fuzz -- --replay-dir ${path.relative(root, dir)}`,
    seed,
    index: c.index,
    ...caseMeta(c),
    failures: r.failures,
  });
  return dir;
}

const byKind = new Map<string, { runs: number; failed: number }>();
const failuresByKind = new Map<string, number>();
const signatures = new Map<string, { count: number; example: string; dirs: string[] }>();
const limitsHit = new Map<string, number>();
const slowest: { ms: number; c: FuzzCase; r: CaseResult }[] = [];
let ran = 0;
let failedCases = 0;
let models = 0;

const deadline = Date.now() + seconds * 1000;
let index = startAt;
const next = (): FuzzCase | undefined => {
  if (index - startAt >= count || Date.now() > deadline) return undefined;
  return makeCase(corpus, seed, index++);
};

const onResult = (c: FuzzCase, r: CaseResult): void => {
  ran++;
  models += r.models;
  for (const k of new Set(c.kinds)) {
    const e = byKind.get(k) ?? { runs: 0, failed: 0 };
    e.runs++;
    if (r.failures.length) e.failed++;
    byKind.set(k, e);
  }
  for (const l of r.limits) limitsHit.set(l, (limitsHit.get(l) ?? 0) + 1);
  const ms = r.analyzeMs + r.simulateMs;
  slowest.push({ ms, c, r });
  slowest.sort((a, b) => b.ms - a.ms);
  slowest.length = Math.min(slowest.length, 10);
  if (!r.failures.length) return;
  failedCases++;
  let dir: string | undefined;
  for (const f of r.failures) {
    failuresByKind.set(f.kind, (failuresByKind.get(f.kind) ?? 0) + 1);
    const sig = signature(f.kind, f.message);
    const s = signatures.get(sig) ?? { count: 0, example: f.message, dirs: [] };
    s.count++;
    if (s.dirs.length < 3) {
      dir ??= writeCrasher(c, r);
      s.dirs.push(path.relative(root, dir));
    }
    signatures.set(sig, s);
  }
  if (ran % 500 === 0) process.stdout.write(`  ${ran} cases, ${failedCases} failed\n`);
};

async function main(): Promise<void> {
  const t0 = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const script = await bundleWorker(root);
  console.log(
    `fuzz: seed ${seed}, cases from ${startAt}, ${workers} worker(s), up to ${seconds} s / ${count === Number.MAX_SAFE_INTEGER ? 'unlimited' : count} cases; corpus ${corpus.files.length} files (${corpus.jsons.length} JSON, ${corpus.projects.length} projects)`,
  );
  await runPool(next, { workers, budgets: FUZZ_BUDGETS, script, formatsEvery: 10 }, onResult);
  const secs = (Date.now() - t0) / 1000;

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `\n=== fuzz summary: ${ran} inputs in ${secs.toFixed(0)} s (seed ${seed}, cases ${startAt}..${index - 1}), ${models} models analysed, ${failedCases} failed ===`,
  );
  console.log('\nby mutation kind (a case may stack several):');
  for (const [k, e] of [...byKind].sort((a, b) => b[1].runs - a[1].runs))
    console.log(`  ${pad(k, 24)} ${String(e.runs).padStart(7)} run ${String(e.failed).padStart(5)} failed`);
  console.log('\nlimits hit (cases):');
  for (const [k, n] of [...limitsHit].sort((a, b) => b[1] - a[1]))
    console.log(`  ${pad(k, 24)} ${String(n).padStart(7)}`);
  console.log('\nfailures by kind:');
  if (!failuresByKind.size) console.log('  none');
  for (const [k, n] of failuresByKind) console.log(`  ${pad(k, 24)} ${String(n).padStart(7)}`);
  if (signatures.size) {
    console.log('\ndistinct failures:');
    for (const [sig, s] of [...signatures].sort((a, b) => b[1].count - a[1].count))
      console.log(`  ${s.count} x ${sig}\n      e.g. ${s.dirs[0] ?? ''}`);
    console.log(`\ncrashers written to ${path.relative(root, outDir) || outDir}`);
  }
  console.log('\nslowest cases:');
  for (const { ms, c, r } of slowest)
    console.log(
      `  ${String(ms).padStart(6)} ms  case ${c.index} ${c.kinds.join('+')} on ${c.origin.slice(0, 60)} (analysis ${r.analyzeMs} ms, simulation ${r.simulateMs} ms)`,
    );
  process.exit(failedCases ? 1 : 0);
}

void main();
