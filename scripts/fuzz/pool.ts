/**
 * Runs fuzz cases in worker threads, each case under a hard watchdog: a case that does not answer in time is a
 * 'hang' (the worker is terminated and replaced), a worker that dies (an uncaught error, out of memory) is a
 * 'crash'. The worker is the fuzz harness bundled with esbuild (plain JS: no TypeScript loader in the threads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import type { Budgets, CaseResult } from './check';
import type { FuzzCase } from './mutate';
import type { CaseRequest } from './worker';

export interface PoolOptions {
  workers: number;
  budgets: Budgets;
  /** The bundled worker script (bundleWorker). */
  script: string;
  /** Heap of each worker thread (MB): a case that needs more is a 'crash'. */
  memoryMb?: number;
  /** Run the text/SARIF/HTML formatters too on every n-th case (0: never). */
  formatsEvery?: number;
}

/** Bundles scripts/fuzz/worker.ts (and the core it imports) into `outFile`; returns its path. */
export async function bundleWorker(
  root: string,
  outFile = path.join(root, 'out', 'fuzz', 'worker.cjs'),
): Promise<string> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts', 'fuzz', 'worker.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outFile;
}

/** The watchdog for one case: the budgets it may use (per file, per profile) with a wide margin. */
export function caseTimeoutMs(c: FuzzCase, b: Budgets): number {
  const files = c.mode === 'single' ? 1 : c.files.length;
  const profiles = (c.sim.interactive ? 1 : 0) + (c.sim.full ? 1 : 0);
  const parse = b.limits.parseTimeMs ?? 3_000;
  return Math.min(
    180_000,
    files * (parse * 2 + 2_000) + profiles * files * (b.simulateMs * 3 + 2_000) + 10_000,
  );
}

interface Slot {
  worker?: Worker;
}

/** Runs every case `next()` hands out; `onResult` gets each result (hangs and crashes included). */
export async function runPool(
  next: () => FuzzCase | undefined,
  opts: PoolOptions,
  onResult: (c: FuzzCase, r: CaseResult) => void,
): Promise<void> {
  const start = (): Worker =>
    new Worker(opts.script, {
      resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb ?? 2048 },
      stdout: true,
      stderr: true,
    });
  const runOne = (slot: Slot, c: FuzzCase): Promise<CaseResult> =>
    new Promise((resolve) => {
      const w = (slot.worker ??= start());
      w.stdout.resume();
      w.stderr.resume();
      const t0 = Date.now();
      const fail = (kind: 'hang' | 'crash', message: string) => {
        cleanup();
        slot.worker = undefined;
        void w.terminate();
        resolve({
          index: c.index,
          failures: [{ kind, message }],
          analyzeMs: Date.now() - t0,
          simulateMs: 0,
          models: 0,
          limits: [],
        });
      };
      const limit = caseTimeoutMs(c, opts.budgets);
      const timer = setTimeout(() => fail('hang', `no answer within ${limit} ms`), limit);
      const onMessage = (r: CaseResult) => {
        cleanup();
        resolve(r);
      };
      const onError = (e: Error) => fail('crash', `worker error: ${e.message}`);
      const onExit = (code: number) => fail('crash', `worker exited (code ${code})`);
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      const req: CaseRequest = {
        case: c,
        budgets: opts.budgets,
        formats: !!opts.formatsEvery && c.index % opts.formatsEvery === 0,
      };
      w.postMessage(req);
    });
  const slots: Slot[] = Array.from({ length: Math.max(1, opts.workers) }, () => ({}));
  await Promise.all(
    slots.map(async (slot) => {
      for (let c = next(); c; c = next()) onResult(c, await runOne(slot, c));
      await slot.worker?.terminate();
    }),
  );
}
