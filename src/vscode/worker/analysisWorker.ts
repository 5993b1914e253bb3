/**
 * The analysis worker thread: parse + rules + simulation, off the extension host's thread. Imports core,
 * never 'vscode'. Structural results are posted first, simulation results second (a big one's arrays in parts
 * before it, parts.ts). A request is cancelled by the host through its shared flag (read by core between
 * steps) or a 'cancel' message (read between phases and parts).
 */
import { parentPort } from 'node:worker_threads';
import { analyzeText } from '../../core/analyze';
import type { CancellationLike } from '../../core/cancel';
import type { LayerGraph } from '../../core/graph/types';
import { renderHtmlReport } from '../../core/report/html';
import { attachSimulation } from '../../core/simulate/attach';
import { DEFAULT_LIMITS } from '../../core/limits';
import { readRegularFile } from '../../core/readFile';
import { split } from './parts';
import type { AnalyzeRequest, HostToWorker, WorkerToHost, WrittenKeys } from './protocol';

const port = parentPort;
if (!port) throw new Error('analysisWorker must run in a worker thread');

const cancelledIds = new Set<number>();
const post = (m: WorkerToHost): void => port.postMessage(m);

function tokenFor(req: AnalyzeRequest): CancellationLike {
  const flag = new Int32Array(req.cancelFlag);
  return {
    get isCancellationRequested() {
      return Atomics.load(flag, 0) !== 0 || cancelledIds.has(req.id);
    },
  };
}

function writtenKeys(graphs: LayerGraph[]): WrittenKeys {
  return graphs.map((g) => {
    const m: { [nodeId: string]: string[] } = {};
    for (const n of g.nodes) m[n.id] = Object.keys(n.written);
    return m;
  });
}

/** Per request id: resolves when the host acknowledged the last part (or cancelled the request). */
const ackWaiters = new Map<number, () => void>();
function release(id: number): void {
  const resolve = ackWaiters.get(id);
  ackWaiters.delete(id);
  resolve?.();
}

/**
 * Posts a structural or simulation result; a big one's arrays go first, in parts, each after the host acknowledged
 * the previous one (parts.ts). False when the request was cancelled meanwhile.
 */
async function postResult(cancel: CancellationLike, m: Extract<WorkerToHost, { type: 'structural' | 'simulation' }>): Promise<boolean> {
  const { rest, parts, info } = split(m);
  for (const part of parts) {
    if (cancel.isCancellationRequested) return false;
    const acked = new Promise<void>((resolve) => ackWaiters.set(m.id, resolve));
    post({ type: 'part', id: m.id, part });
    await acked;
  }
  if (cancel.isCancellationRequested) return false;
  post(info ? { ...rest, split: info } : m);
  return true;
}

/** Lets queued messages (a 'cancel') arrive between the phases. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function analyze(req: AnalyzeRequest): Promise<void> {
  const cancel = tokenFor(req);
  const started = Date.now();
  const host = {
    readFile(p: string): string | undefined {
      if (Object.prototype.hasOwnProperty.call(req.overlays, p)) return req.overlays[p];
      return readRegularFile(p, DEFAULT_LIMITS.maxFileBytes);
    },
  };
  const result = analyzeText(req.path, req.text, {
    host,
    cancel,
    limits: { parseTimeMs: req.parseTimeMs, simulateTimeMs: req.sim.timeBudgetMs },
    thresholds: req.thresholds,
  });
  // a .json file that is not a tfjs model: nothing to say about it
  const report = result.notAModel ? { ...result.report, errors: [], notes: [], models: [] } : result.report;
  const graphs = result.notAModel ? [] : result.graphs;
  if (cancel.isCancellationRequested) return post({ type: 'cancelled', id: req.id });
  if (!(await postResult(cancel, { type: 'structural', id: req.id, report, written: writtenKeys(graphs), ms: Date.now() - started }))) {
    return post({ type: 'cancelled', id: req.id });
  }
  if (req.sim.enabled && graphs.length > 0) {
    await yieldToMessages();
    if (cancel.isCancellationRequested) return post({ type: 'cancelled', id: req.id });
    const simStarted = Date.now();
    const simulated = attachSimulation(report, graphs, {
      profile: req.sim.profile,
      seed: req.sim.seed,
      width: req.sim.width,
      batch: req.sim.batch,
      timeBudgetMs: req.sim.timeBudgetMs,
      // the setting is a budget for the file: the worker's watchdog allows parse + this, not this per model
      fileBudgetMs: req.sim.timeBudgetMs,
      whatIf: req.sim.whatIf,
      cancel,
    });
    if (cancel.isCancellationRequested) return post({ type: 'cancelled', id: req.id });
    if (!(await postResult(cancel, { type: 'simulation', id: req.id, report: simulated, ms: Date.now() - simStarted }))) {
      return post({ type: 'cancelled', id: req.id });
    }
  }
  post({ type: 'done', id: req.id });
}

port.on('message', (msg: HostToWorker) => {
  switch (msg.type) {
    case 'cancel':
      if (cancelledIds.size > 256) cancelledIds.clear(); // late cancels of finished jobs must not pile up
      cancelledIds.add(msg.id);
      release(msg.id);
      return;
    case 'ack':
      release(msg.id);
      return;
    case 'analyze':
      analyze(msg)
        .catch((e: unknown) => post({ type: 'error', id: msg.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
        .finally(() => {
          cancelledIds.delete(msg.id);
          ackWaiters.delete(msg.id);
        });
      return;
    case 'renderHtml':
      try {
        post({ type: 'html', id: msg.id, html: renderHtmlReport(msg.report, { script: msg.script, css: msg.css, title: msg.title }) });
      } catch (e) {
        post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
      }
      return;
  }
});

post({ type: 'ready' });
