import assert from 'node:assert/strict';
import path from 'node:path';
import type { FileReport } from '../../../src/core/report/types';
import { AnalysisWorkerClient, type JobInput } from '../../../src/vscode/worker/workerClient';

const script = path.join(__dirname, 'fixtures', 'fakeWorker.cjs');
const input = (p: string, budget = 200): JobInput => ({
  path: p,
  text: '',
  overlays: {},
  sim: { enabled: true, profile: 'interactive', seed: 1, timeBudgetMs: budget, whatIf: false },
  thresholds: {},
  parseTimeMs: 100,
});

function logger() {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
}

describe('analysis worker client', function () {
  this.timeout(15000);
  let client: AnalysisWorkerClient;
  afterEach(() => client?.dispose());

  it('delivers structural results first, then the simulation', async () => {
    const log = logger();
    client = new AnalysisWorkerClient(script, log);
    const order: string[] = [];
    const job = client.analyze('a', input('ok'), { onStructural: () => order.push('structural'), onSimulation: () => order.push('simulation') });
    assert.equal(await job.outcome, 'done');
    assert.deepEqual(order, ['structural', 'simulation']);
    assert.deepEqual(log.lines, []);
  });

  it('puts a report sent in parts (one per ack) back together', async () => {
    const log = logger();
    client = new AnalysisWorkerClient(script, log);
    let got: FileReport | undefined;
    const job = client.analyze('a', input('parts'), { onStructural: (r) => (got = r) });
    assert.equal(await job.outcome, 'done');
    assert.deepEqual(
      got?.models.map((m) => [m.name, m.layers.map((l) => l.id)]),
      [
        ['a', ['n0', 'n1', 'n2']],
        ['b', ['n3', 'n4']],
      ],
    );
    assert.deepEqual(log.lines, []);
  });

  it('fails a job whose parts do not add up, saying so in the log', async () => {
    const log = logger();
    client = new AnalysisWorkerClient(script, log);
    let called = false;
    const job = client.analyze('a', input('parts-short'), { onStructural: () => (called = true) });
    assert.equal(await job.outcome, 'failed');
    assert.equal(called, false);
    assert.match(log.lines.join('\n'), /error analysis of parts-short: the structural results arrived incomplete/);
    assert.equal(await client.analyze('a', input('ok')).outcome, 'done');
  });

  it('cancels a running job through the shared flag, then runs the next', async () => {
    client = new AnalysisWorkerClient(script, logger());
    const slow = client.analyze('a', input('slow', 20000));
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    slow.cancel();
    assert.equal(await slow.outcome, 'cancelled');
    assert.ok(Date.now() - started < 3000, 'cancellation took too long');
    assert.equal(await client.analyze('a', input('ok')).outcome, 'done');
  });

  it('replaces a queued job for the same key', async () => {
    client = new AnalysisWorkerClient(script, logger());
    const first = client.analyze('x', input('slow', 20000));
    const queued = client.analyze('a', input('ok'));
    const newer = client.analyze('a', input('ok'));
    assert.equal(await queued.outcome, 'cancelled');
    first.cancel();
    assert.equal(await newer.outcome, 'done');
  });

  for (const kind of ['crash', 'exit', 'hang']) {
    it(`restarts after a worker that ${kind === 'hang' ? 'hangs' : kind + 's'}, reporting it once`, async () => {
      const log = logger();
      client = new AnalysisWorkerClient(script, log, { hangGraceMs: 300 });
      assert.equal(await client.analyze('a', input(kind, 100)).outcome, 'failed');
      assert.equal(client.restarts, 1);
      assert.equal(log.lines.filter((l) => l.startsWith('warn analysis worker')).length, 1, log.lines.join('\n'));
      assert.equal(await client.analyze('a', input('ok')).outcome, 'done');
      assert.equal(client.restarts, 1);
    });
  }

  it('a worker past its heap limit is stopped, the job fails saying so, and the next job gets a fresh worker', async () => {
    const log = logger();
    client = new AnalysisWorkerClient(script, log, { memoryMb: 32 });
    const job = client.analyze('a', input('oom', 10_000));
    assert.equal(await job.outcome, 'failed');
    assert.match(job.failure ?? '', /ran out of memory \(its heap is limited to 32 MB\)/);
    assert.ok(log.lines.some((l) => /warn analysis worker ran out of memory .* while analysing oom/.test(l)), log.lines.join('\n'));
    assert.equal(client.restarts, 1);
    const next = client.analyze('a', input('ok'));
    assert.equal(await next.outcome, 'done');
    assert.equal(next.failure, undefined);
  });

  it('a hung worker fails its job with the budget it overran', async () => {
    client = new AnalysisWorkerClient(script, logger(), { hangGraceMs: 300 });
    const job = client.analyze('a', input('hang', 100));
    assert.equal(await job.outcome, 'failed');
    assert.match(job.failure ?? '', /did not finish within 0\.5 s/);
  });
});
