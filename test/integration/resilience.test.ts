/**
 * Editor resilience (issue 6, "Hardening"): pathological files do not freeze the extension host, closing or
 * switching documents mid-analysis cancels cleanly, and rapid edits never leave stale diagnostics.
 * The pathological files are generated here, into the (temporary) fixtures workspace, and deleted afterwards.
 */
import assert from 'node:assert/strict';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DEFAULT_LIMITS } from '../../src/core/limits';
import type { AnalysisEntry } from '../../src/vscode/analysisService';
import { HANG_GRACE_MS } from '../../src/vscode/worker/workerClient';
import { analysed, api, closeAll, codeOf, fixtureUri, open, ours, waitFor } from './helpers';
import { TEST_PREFIX } from './index';

/**
 * Worst tolerated delay of the extension host's event loop while a pathological file is analysed. Analysing the
 * 100,000-line file takes seconds of CPU (its structural results alone: asserted longer than twice this below); run
 * on the host thread it blocked it for 8.3 s. What remains on the host (the file's text to the worker, the results
 * in parts, the diagnostics) costs tens of ms; with everything else VS Code does on a loaded 2-core machine the
 * worst delays measured were 80-430 ms, once 1015 ms (a garbage-collection pause while other jobs loaded the machine
 * to 4-11). The bound sits well below the on-thread case and above those pauses, so the test fails when analysis
 * blocks the host, not when the machine is busy; the results-in-parts protocol (660 ms when the results came in one
 * message) has its own unit tests (test/unit/vscode/parts.test.ts).
 */
const LAG_BOUND_MS = 1_000;
const BIG_LINES = 100_000;
const GENERATED = 'generated';
/** The worker's message that it was stopped by the watchdog, in the log and in the file's note. */
const WATCHDOG_LOG = /analysis worker did not answer within [\d.]+ s \(hung\)/;
const WATCHDOG_NOTE = /did not finish within [\d.]+ s/;

/** Prints a measurement with the test output (the launcher shows only lines carrying TEST_PREFIX). */
const measured = (line: string): void => console.log(`${TEST_PREFIX}      ${line}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------------------
// Generated files

/** A sequential model with ~100,000 `m.add(...)` lines (1.8 MB: under maxFileBytes, so it is parsed). */
function hugeModel(lines: number): string {
  const head = [
    "import * as tf from '@tensorflow/tfjs';",
    'const dense = () => tf.layers.dense({ units: 8 });',
    'export function buildHuge(): tf.Sequential {',
    '  const m = tf.sequential();',
    '  m.add(tf.layers.dense({ inputShape: [8], units: 8 }));',
  ];
  const tail = ['  return m;', '}', ''];
  const body = new Array<string>(lines - head.length - tail.length).fill('  m.add(dense());');
  return [...head, ...body, ...tail].join('\n');
}

/** Minified-looking JS on one line of about `bytes` characters that mentions tfjs, with a small model at its end. */
function minified(bytes: number): string {
  const model =
    "var model=tf.sequential({layers:[tf.layers.dense({inputShape:[16],units:16,activation:'relu'}),tf.layers.dense({units:4})]});";
  const parts = ["var tf=require('@tensorflow/tfjs');"];
  let n = parts[0].length + model.length;
  for (let i = 0; n < bytes; i++) {
    const p = `function f${i}(a,b){var c=a+b*${i};return c>${i}?tf.tensor([c,${i}]):null}var v${i}={k:"x${i}",n:[1,2,3],o:{p:${i}}};`;
    parts.push(p);
    n += p.length;
  }
  parts.push(model);
  return parts.join('');
}

/** Five plain Dense/ReLU layers between the input layer and the head (a plain run of 7); PROBLEM adds a sixth (8). */
const MARKER = '  // layers above the head';
const PROBLEM = "  model.add(tf.layers.dense({ units: 64, activation: 'relu' })); // one too many";
function smallModel(withProblem: boolean): string {
  return [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    'export function build(): tf.Sequential {',
    '  const model = tf.sequential();',
    "  model.add(tf.layers.dense({ inputShape: [64], units: 64, activation: 'relu' }));",
    ...new Array<string>(5).fill("  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));"),
    MARKER,
    ...(withProblem ? [PROBLEM] : []),
    "  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));",
    '  return model;',
    '}',
    '',
  ].join('\n');
}

async function generate(name: string, text: string): Promise<vscode.Uri> {
  const uri = fixtureUri(`${GENERATED}/${name}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function show(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

// ------------------------------------------------------------------------------------------------------------
// Probes

interface LagStats {
  /** Garbage-collection pauses of the host over 50 ms: how long, and when they ended (performance.now()). */
  gcs: { ms: number; end: number; kind: number }[];
  /** Every delay of the 10 ms timer beyond 20 ms: how long, and when it ended (performance.now()). */
  lags: { ms: number; end: number }[];
  samples: number;
  /** Slowest round trip extension host -> workbench -> extension host (a setContext command). */
  worstRoundTripMs: number;
  roundTrips: number;
}

/** The worst delay that ended at or after `from` (a block still going on then counts whole), and when it ended. */
function worstLag(stats: LagStats, from = -Infinity): { ms: number; end: number } {
  return stats.lags
    .filter((l) => l.end >= from)
    .reduce((w, l) => (l.ms > w.ms ? l : w), { ms: 0, end: from });
}

/**
 * Watches the extension host's event loop (this test runs in it, on the thread the extension's listeners run on):
 * a 10 ms timer re-armed on every tick records how late it fires, which is how long the thread was blocked. A loop of
 * cheap commands through the workbench records the slowest round trip (reported; the workbench itself is busy
 * rendering these files, so it is not asserted).
 */
function lagProbe(): { stop(): Promise<LagStats> } {
  const interval = 10;
  const lags: LagStats['lags'] = [];
  let samples = 0;
  let stopped = false;
  let timer: NodeJS.Timeout;
  let expected = performance.now() + interval;
  const tick = (): void => {
    const now = performance.now();
    if (now - expected > 20) lags.push({ ms: now - expected, end: now });
    samples++;
    expected = now + interval;
    if (!stopped) timer = setTimeout(tick, interval);
  };
  timer = setTimeout(tick, interval);
  const gcs: LagStats['gcs'] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (e.duration > 50) gcs.push({ ms: e.duration, end: e.startTime + e.duration, kind });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let worstRoundTripMs = 0;
  let roundTrips = 0;
  const pings = (async () => {
    while (!stopped) {
      const t = performance.now();
      await vscode.commands.executeCommand('setContext', 'stabilityLens.test.ping', roundTrips);
      worstRoundTripMs = Math.max(worstRoundTripMs, performance.now() - t);
      roundTrips++;
      await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      tick(); // the time since the last tick counts too
      await pings;
      gcObserver.disconnect();
      return { lags, gcs, samples, worstRoundTripMs, roundTrips };
    },
  };
}

/** performance.now() of the first time `uri` becomes busy from now on (its analysis starting). */
function analysisStart(
  service: { onDidChangeBusy: vscode.Event<vscode.Uri>; isBusy(uri: vscode.Uri): boolean },
  uri: vscode.Uri,
) {
  let at: number | undefined;
  const sub = service.onDidChangeBusy((u) => {
    if (at === undefined && u.toString() === uri.toString() && service.isBusy(u)) at = performance.now();
  });
  return {
    get at(): number | undefined {
      return at;
    },
    dispose: () => sub.dispose(),
  };
}

/** Records what would show a problem: errors and warnings in the Stability Lens log, unhandled rejections. */
function problemRecorder(log: vscode.LogOutputChannel) {
  const problems: string[] = [];
  const { error, warn } = log;
  log.error = (message: string | Error, ...args: unknown[]) => {
    problems.push(`log error: ${String(message)}`);
    error.call(log, message, ...args);
  };
  log.warn = (message: string, ...args: unknown[]) => {
    problems.push(`log warning: ${message}`);
    warn.call(log, message, ...args);
  };
  const onRejection = (reason: unknown): void => {
    problems.push(
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  };
  process.on('unhandledRejection', onRejection);
  return {
    /** Takes the problems recorded so far, but for the one a test expects (`allowed`). */
    take(allowed?: RegExp): string[] {
      return problems.splice(0).filter((p) => !allowed?.test(p));
    },
    dispose(): void {
      log.error = error;
      log.warn = warn;
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** A diagnostic as the user sees it, without its file (range, code, severity, message). */
function shape(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${codeOf(d)} ${d.severity} ${d.message}`;
}
const shapes = (uri: vscode.Uri): string[] => ours(uri).map(shape).sort();

/** The limit notes of an entry (file level and model level). */
function limitNotes(entry: AnalysisEntry): string[] {
  const { report } = entry;
  return [...report.errors, ...report.notes, ...report.models.flatMap((m) => m.summary.assumptions)]
    .filter((n) => n.kind === 'limit')
    .map((n) => n.message);
}

/** True when the worker's watchdog stopped the analysis (the file then carries that limit note and nothing else). */
const stoppedByWatchdog = (entry: AnalysisEntry): boolean =>
  entry.report.errors.some((e) => e.kind === 'limit' && WATCHDOG_NOTE.test(e.message));

/**
 * What the huge file must end with: its model (cut at a limit, which a note says), or, when the machine is so loaded
 * that the worker's watchdog stopped the analysis, that limit note on the file, shown in the editor. Never nothing.
 */
function assertHugeOutcome(entry: AnalysisEntry, doc: vscode.TextDocument): void {
  assert.equal(entry.version, doc.version);
  if (stoppedByWatchdog(entry)) {
    assert.equal(entry.report.models.length, 0);
    assert.ok(
      ours(doc.uri).some((d) => codeOf(d) === 'not-analysed' && WATCHDOG_NOTE.test(d.message)),
      'the stop is shown on the file',
    );
    return;
  }
  assert.deepEqual(entry.report.errors, []);
  const model = entry.report.models[0];
  assert.ok(model, 'a model was found');
  assert.ok(model.layers.length > 1000, `${model.layers.length} layers`);
  assert.ok(model.layers.length < BIG_LINES, 'not every layer fits the limits');
  assert.ok(limitNotes(entry).length > 0, 'a limit note says where the analysis stopped');
  assert.equal(entry.phase, 'simulated');
  assert.ok(
    ours(doc.uri).some((d) => codeOf(d) === 'deep-plain-stack'),
    'the finding is shown',
  );
}

// ------------------------------------------------------------------------------------------------------------

describe('editor resilience', function () {
  this.timeout(180_000);
  let huge: vscode.Uri;
  let recorder: ReturnType<typeof problemRecorder>;
  /** A log warning the current test expects (the watchdog's, when it stopped the huge file's analysis). */
  let allowed: RegExp | undefined;
  /** Time from the start of the 100,000-line file's analysis to its structural results (or the watchdog's note). */
  let hugeStructuralMs = 0;

  before(async () => {
    huge = await generate('huge_model.ts', hugeModel(BIG_LINES));
    recorder = problemRecorder((await api()).service.log);
    // one-time costs that are not the big files': the worker's start, the TypeScript server's start on a first .ts file
    await analysed((await open('deep_mlp.ts')).document);
    await closeAll();
  });

  afterEach(async () => {
    await closeAll();
    const problems = recorder.take(allowed);
    allowed = undefined;
    assert.deepEqual(problems, [], 'no errors or warnings in the log, no unhandled rejections');
  });

  after(async () => {
    recorder.dispose();
    await vscode.workspace.fs.delete(fixtureUri(GENERATED), { recursive: true, useTrash: false });
  });

  it(`a ${BIG_LINES.toLocaleString('en')}-line model file: the host stays responsive and the result comes within budget`, async () => {
    const { service } = await api();
    const budget = DEFAULT_LIMITS.parseTimeMs + service.settings.simulation.timeBudgetMs + HANG_GRACE_MS;
    const restarts = service.workerRestarts;
    const probe = lagProbe();
    const started = analysisStart(service, huge);
    const editor = await show(huge);
    const doc = editor.document;
    assert.equal(doc.lineCount, BIG_LINES);
    const t0 = await waitFor('the analysis to start', () => started.at);
    started.dispose();
    await waitFor('structural results', () => service.getCurrent(doc), 2 * budget);
    hugeStructuralMs = performance.now() - t0;
    const entry = await analysed(doc, 2 * budget);
    const doneMs = performance.now() - t0;
    await sleep(500); // the diagnostics, CodeLens and status bar update after the last result
    const stats = await probe.stop();
    const { ms: lag, end: lagEnd } = worstLag(stats, t0);
    const killed = stoppedByWatchdog(entry);
    if (killed) allowed = WATCHDOG_LOG;
    measured(
      `${BIG_LINES} lines (${(doc.getText().length / 1e6).toFixed(2)} MB): ` +
        `${killed ? 'stopped by the watchdog' : 'structural results'} ${hugeStructuralMs.toFixed(0)} ms after the analysis started, ` +
        `done after ${doneMs.toFixed(0)} ms (budget ${budget} ms per phase); worst event-loop lag ${lag.toFixed(0)} ms, ` +
        `ending ${(lagEnd - t0).toFixed(0)} ms after the analysis started (${worstLag(stats).ms.toFixed(0)} ms counting ` +
        `VS Code opening the file) over ${stats.samples} ticks, ` +
        `worst workbench round trip ${stats.worstRoundTripMs.toFixed(0)} ms over ${stats.roundTrips}; GC pauses over 50 ms: ` +
        `${stats.gcs.map((g) => `${g.ms.toFixed(0)} ms (kind ${g.kind}) ending at ${(g.end - t0).toFixed(0)}`).join(', ') || 'none'}`,
    );

    // the file is heavy enough that analysing it on the host thread would block it far beyond the bound
    assert.ok(
      hugeStructuralMs > 2 * LAG_BOUND_MS,
      `the structural results took only ${hugeStructuralMs.toFixed(0)} ms: the fixture tests nothing`,
    );
    assert.ok(stats.samples > 100, `the lag probe ran (${stats.samples} ticks)`);
    // from the moment the extension gets the file (its handlers' own work included) to the last result
    assert.ok(
      lag < LAG_BOUND_MS,
      `the extension host was blocked for ${lag.toFixed(0)} ms (bound ${LAG_BOUND_MS} ms)`,
    );

    // within budget: each phase within the watchdog's (parse + simulation budget + grace; the results of a phase
    // may take a moment to arrive in parts), with a result or the watchdog's limit note
    const slack = 3000;
    assert.ok(
      hugeStructuralMs < budget + slack,
      `structural results after ${hugeStructuralMs.toFixed(0)} ms (budget ${budget} ms)`,
    );
    assert.ok(
      doneMs - hugeStructuralMs < budget + slack,
      `simulation results ${(doneMs - hugeStructuralMs).toFixed(0)} ms later (budget ${budget} ms)`,
    );
    assertHugeOutcome(entry, doc);
    assert.equal(service.workerRestarts, restarts + (killed ? 1 : 0));
  });

  it('a minified one-line bundle (1.9 MB is parsed, 3 MB is refused by maxFileBytes) does not block the host', async () => {
    const { service } = await api();
    const parsed = await generate('bundle.js', minified(1_900_000));
    const refused = await generate('bundle_big.js', minified(3_000_000));
    const restarts = service.workerRestarts;
    const probe = lagProbe();
    const started = analysisStart(service, parsed);
    const a = (await show(parsed)).document;
    const b = (await show(refused)).document;
    assert.equal(a.lineCount, 1);
    const t0 = await waitFor('the analysis to start', () => started.at);
    started.dispose();
    const [ea, eb] = await Promise.all([analysed(a, 60_000), analysed(b, 60_000)]);
    const doneMs = performance.now() - t0;
    await sleep(500);
    const stats = await probe.stop();
    const { ms: lag, end: lagEnd } = worstLag(stats, t0);
    measured(
      `one-line bundles (${(a.getText().length / 1e6).toFixed(1)} MB, ${(b.getText().length / 1e6).toFixed(1)} MB) ` +
        `analysed ${doneMs.toFixed(0)} ms after the first analysis started; worst event-loop lag ${lag.toFixed(0)} ms, ` +
        `ending at ${(lagEnd - t0).toFixed(0)} ms (${worstLag(stats).ms.toFixed(0)} ms counting VS Code opening the files), ` +
        `worst workbench round trip ${stats.worstRoundTripMs.toFixed(0)} ms`,
    );
    assert.ok(
      lag < LAG_BOUND_MS,
      `the extension host was blocked for ${lag.toFixed(0)} ms (bound ${LAG_BOUND_MS} ms)`,
    );
    // the parsed one: its model, or a limit note saying why not
    assert.ok(
      ea.report.models.length === 1 || limitNotes(ea).length > 0,
      `1.9 MB bundle: no model and no limit note (${JSON.stringify(ea.report.notes)})`,
    );
    if (ea.report.models.length === 1) assert.equal(ea.report.models[0].summary.weightedLayers, 2);
    // the refused one: an error entry the user sees
    assert.equal(eb.report.models.length, 0);
    assert.match(limitNotes(eb).join('\n'), /maxFileBytes/);
    assert.ok(
      ours(b.uri).some((d) => codeOf(d) === 'not-analysed' && /maxFileBytes/.test(d.message)),
      'the refusal is shown on the file',
    );
    assert.equal(service.workerRestarts, restarts, 'the worker neither crashed nor hung');
  });

  it('closing a document mid-analysis cancels it: nothing comes back for it, and the next file is analysed at once', async () => {
    const { service } = await api();
    const restarts = service.workerRestarts;
    const editor = await show(huge);
    const doc = editor.document;
    await waitFor('the analysis to be under way', () => service.isBusy(doc.uri) && !service.get(doc.uri));
    const underWay = 1500; // past the parse into TypeScript's syntax tree (which cannot stop midway)
    await sleep(underWay); // well into the analysis (about 10 s), far from its end
    assert.equal(service.get(doc.uri), undefined, 'still analysing');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the analysis to be cancelled', () => !service.isBusy(doc.uri), 5_000);
    const t0 = performance.now();
    const next = (await open('deep_mlp.ts')).document;
    await waitFor('structural results of the next file', () => service.getCurrent(next), 30_000);
    const nextMs = performance.now() - t0;
    const entry = await analysed(next);
    measured(
      `next file's structural results ${nextMs.toFixed(0)} ms after the cancel (the huge file's took ${hugeStructuralMs.toFixed(0)} ms)`,
    );
    assert.equal(entry.report.models.length, 1);
    await waitFor('the next file diagnostics', () =>
      ours(next.uri).some((d) => codeOf(d) === 'deep-plain-stack'),
    );
    // the worker stopped the cancelled analysis instead of finishing it first
    const remaining = hugeStructuralMs - underWay;
    if (hugeStructuralMs > 0)
      assert.ok(nextMs < remaining / 2, `the next file waited ${nextMs.toFixed(0)} ms`);
    // and nothing of the closed file comes back later
    await sleep(Math.max(1000, remaining - nextMs));
    assert.equal(service.get(doc.uri), undefined, 'no result for the closed document');
    assert.deepEqual(ours(doc.uri), [], 'no diagnostics for the closed document');
    assert.equal(service.workerRestarts, restarts, 'cancelled, not killed');
  });

  it('switching documents mid-analysis: both files end with the results of their current versions', async () => {
    const { service } = await api();
    const budget = DEFAULT_LIMITS.parseTimeMs + service.settings.simulation.timeBudgetMs + HANG_GRACE_MS;
    const big = (await show(huge)).document;
    await waitFor('the analysis to be under way', () => service.isBusy(big.uri) && !service.get(big.uri));
    const small = (await open('add_chain.ts')).document;
    const t0 = performance.now();
    await waitFor(
      'the huge file in the background',
      () => vscode.window.activeTextEditor?.document.uri.toString() === small.uri.toString(),
    );
    const smallEntry = await analysed(small, 2 * budget);
    measured(
      `the small file's results ${(performance.now() - t0).toFixed(0)} ms after switching to it (it waits for the huge file's run)`,
    );
    assert.equal(smallEntry.version, small.version);
    assert.ok(ours(small.uri).length > 0, 'the small file has its diagnostics');
    // back to the huge file: its analysis was not lost on the way
    await show(huge);
    const bigEntry = await analysed(big, 2 * budget);
    if (stoppedByWatchdog(bigEntry)) allowed = WATCHDOG_LOG;
    assertHugeOutcome(bigEntry, big);
    assert.equal(service.get(small.uri)?.version, small.version);
  });

  for (const debounceMs of [300, 0]) {
    it(`20 rapid edits (debounce ${debounceMs} ms) leave exactly the diagnostics of a fresh analysis of the final text`, async () => {
      const { service } = await api();
      const config = vscode.workspace.getConfiguration('stabilityLens');
      const restarts = service.workerRestarts;
      if (debounceMs !== service.settings.analysis.debounceMs) {
        await config.update('analysis.debounceMs', debounceMs, vscode.ConfigurationTarget.Workspace);
        await waitFor('the setting', () => service.settings.analysis.debounceMs === debounceMs);
      }
      try {
        const uri = await generate(`rapid_${debounceMs}.ts`, smallModel(true));
        const editor = await show(uri);
        const doc = editor.document;
        const first = await analysed(doc);
        assert.ok(
          first.report.models[0].findings.some((f) => f.ruleId === 'deep-plain-stack'),
          'the problem layer makes a deep plain stack',
        );
        const started = service.analysesStarted;
        // each edit adds a comment line at the top (moving every range) and removes or restores the problem layer
        for (let i = 0; i < 20; i++) {
          const text = doc.getText();
          const problemAt = text.indexOf(PROBLEM);
          const ok = await editor.edit((e) => {
            e.insert(new vscode.Position(0, 0), `// edit ${i}\n`);
            if (problemAt >= 0) {
              const p = doc.positionAt(problemAt);
              e.delete(new vscode.Range(p.line, 0, p.line + 1, 0));
            } else {
              const m = doc.positionAt(text.indexOf(MARKER));
              e.insert(new vscode.Position(m.line + 1, 0), `${PROBLEM}\n`);
            }
          });
          assert.ok(ok, `edit ${i} applied`);
          await sleep(20 + ((i * 7) % 31)); // 20-50 ms apart
        }
        assert.ok(doc.getText().includes(PROBLEM), 'the last edit restored the problem layer');
        const settled = await analysed(doc);
        await sleep(debounceMs + 1000); // anything late (an older run's result) would land by now
        const entry = service.get(doc.uri);
        assert.equal(entry, settled, 'no later result replaced the one of the final version');
        assert.equal(entry?.version, doc.version);
        const runs = service.analysesStarted - started;
        measured(`debounce ${debounceMs} ms: ${runs} analyses started for 20 edits`);
        assert.ok(runs >= 1, 'the edits were analysed');
        if (debounceMs === 0) assert.ok(runs > 1, 'runs were started (and cancelled) between the edits');
        // a fresh analysis of the final text, in another file
        const fresh = (await show(await generate(`rapid_${debounceMs}_fresh.ts`, doc.getText()))).document;
        await analysed(fresh);
        const want = shapes(fresh.uri);
        assert.ok(
          want.some((s) => / deep-plain-stack /.test(s)),
          'the final text has the deep plain stack',
        );
        assert.deepEqual(shapes(doc.uri), want);
        assert.equal(service.workerRestarts, restarts);
        await doc.save();
      } finally {
        await config.update('analysis.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });
  }
});
