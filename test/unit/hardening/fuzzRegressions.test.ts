/**
 * Every input the fuzzer (npm run fuzz) found breaking something is kept in test/fixtures/fuzz/<name>/ (its files
 * and case.json: what broke, where it was fixed) and runs here through the fuzzer's own harness: in a worker
 * thread under a watchdog, analyzer and simulator with time budgets, judged by the same checks (no exception, no
 * internal error, finite numbers, a report the webview accepts, every file reported, within budget). Then a small
 * fixed-seed fuzz run (a few hundred mutations) guards against new breakage.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FUZZ_BUDGETS, type Budgets, type CaseResult } from '../../../scripts/fuzz/check';
import { readCaseDir, type CaseMeta } from '../../../scripts/fuzz/cases';
import { loadCorpus } from '../../../scripts/fuzz/corpus';
import { makeCase, type FuzzCase } from '../../../scripts/fuzz/mutate';
import { bundleWorker, runPool } from '../../../scripts/fuzz/pool';

const root = path.resolve(__dirname, '..', '..', '..');
const fixturesDir = path.join(root, 'test', 'fixtures', 'fuzz');

const BUDGETS: Budgets = FUZZ_BUDGETS;

const describeFailures = (r: CaseResult) =>
  r.failures.map((f) => `${f.kind}: ${f.message.split('\n')[0]}`).join('\n');

describe('hardening: fuzz regressions and a fixed-seed fuzz smoke run', function () {
  this.timeout(300_000);
  let script: string;

  before(async () => {
    script = await bundleWorker(root, path.join(root, 'out', 'unit-fuzz', 'worker.cjs'));
  });

  describe('regression fixtures (test/fixtures/fuzz)', () => {
    const names = fs
      .readdirSync(fixturesDir)
      .filter((n) => fs.existsSync(path.join(fixturesDir, n, 'case.json')))
      .sort();
    const cases = new Map<string, { c: FuzzCase; meta: CaseMeta }>();
    const results = new Map<string, CaseResult>();

    before(async () => {
      const queue = names.map((n, i) => {
        const x = readCaseDir(path.join(fixturesDir, n));
        x.c.index = i;
        cases.set(n, x);
        return x.c;
      });
      const byIndex = new Map(names.map((n, i) => [i, n]));
      await runPool(
        () => queue.shift(),
        { workers: 2, budgets: BUDGETS, script, formatsEvery: 1 },
        (c, r) => results.set(byIndex.get(c.index)!, r),
      );
    });

    it('there are fixtures, each saying what broke and where it was fixed', () => {
      assert.ok(names.length >= 10, `${names.length} fixtures`);
      for (const n of names)
        assert.match(cases.get(n)?.meta.found ?? '', /fixed|kept/, `${n}: case.json 'found'`);
    });

    for (const name of fs.readdirSync(fixturesDir).sort()) {
      it(`${name}: a result within the budgets, no failure`, () => {
        const r = results.get(name);
        assert.ok(r, `${name} did not run`);
        assert.deepEqual(describeFailures(r), '', `${name} (${cases.get(name)?.meta.found})`);
      });
    }
  });

  it('a fixed-seed fuzz run of 250 mutations: every input gives a result, nothing breaks', async () => {
    const corpus = loadCorpus(root);
    const seed = 20_240_611;
    const total = 250;
    let index = 0;
    const failed: string[] = [];
    const kinds = new Set<string>();
    let ran = 0;
    // smaller budgets and limits than the fuzzer's: the pathological inputs hit them sooner, the checks are the same
    const budgets: Budgets = {
      ...BUDGETS,
      limits: {
        parseTimeMs: 400,
        maxEvalSteps: 400_000,
        maxLoopIterations: 2_000,
        maxNodes: 4_000,
        maxFileNodes: 8_000,
      },
      simulateMs: 600,
    };
    await runPool(
      () => (index < total ? makeCase(corpus, seed, index++) : undefined),
      { workers: 2, budgets, script, formatsEvery: 10 },
      (c, r) => {
        ran++;
        for (const k of c.kinds) kinds.add(k);
        if (r.failures.length)
          failed.push(`case ${c.index} (${c.kinds.join('+')} on ${c.origin}): ${describeFailures(r)}`);
      },
    );
    assert.equal(ran, total);
    assert.ok(kinds.size >= 15, `mutation kinds exercised: ${[...kinds].join(', ')}`);
    assert.deepEqual(failed, [], `replay with: npm run fuzz -- --seed ${seed} --replay <case>`);
  });
});
