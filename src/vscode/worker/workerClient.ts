/**
 * Host side of the analysis worker: one worker thread, one job in flight, a queue behind it. Cancels through a
 * shared flag (seen by core mid-run) plus a message; a crashed worker (error / unexpected exit) or a hung one
 * (no answer within the job's budget + grace) is terminated, reported once in the log, and started again for
 * the next job. A big result arrives in parts, one at a time (parts.ts), so that decoding it never
 * blocks the extension host for long. No 'vscode' import: unit-testable with any worker script.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisReport, FileReport } from '../../core/report/types';
import { Joiner } from './parts';
import type { AnalyzeRequest, WorkerToHost, WrittenKeys } from './protocol';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type JobOutcome = 'done' | 'cancelled' | 'failed';

/** Heap of the analysis worker thread (MB): an analysis that needs more stops the worker (a 'failed' job). */
export const WORKER_MEMORY_MB = 1024;

export interface JobHandlers {
  onStructural?(report: FileReport, written: WrittenKeys, ms: number): void;
  onSimulation?(report: FileReport, ms: number): void;
}

export type JobInput = Omit<AnalyzeRequest, 'type' | 'id' | 'cancelFlag'>;

export interface Job {
  readonly id: number;
  readonly key: string;
  readonly outcome: Promise<JobOutcome>;
  cancel(): void;
  readonly cancelled: boolean;
  /** Why a 'failed' job failed, in words for the user ('ran out of memory (...)'). */
  readonly failure: string | undefined;
}

interface Pending {
  job: JobImpl;
  input: JobInput;
  handlers: JobHandlers;
  /** The next result's parts received so far (parts.ts). */
  parts: Joiner;
}

class JobImpl implements Job {
  readonly flag = new SharedArrayBuffer(4);
  cancelled = false;
  failure: string | undefined;
  resolve!: (o: JobOutcome) => void;
  readonly outcome: Promise<JobOutcome>;
  constructor(
    readonly id: number,
    readonly key: string,
    private readonly onCancel: (job: JobImpl) => void,
  ) {
    this.outcome = new Promise((r) => (this.resolve = r));
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    Atomics.store(new Int32Array(this.flag), 0, 1);
    this.onCancel(this);
  }
}

/** Time beyond a job's parse + simulation budget before the worker counts as hung (ms). */
export const HANG_GRACE_MS = 5000;

export interface WorkerClientOptions {
  /** Extra time beyond a job's parse + simulation budget before the worker counts as hung. */
  hangGraceMs?: number;
  /** Heap of the worker thread in MB (default WORKER_MEMORY_MB). */
  memoryMb?: number;
}

export class AnalysisWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly htmlWaiters = new Map<number, { resolve: (html: string) => void; reject: (e: Error) => void }>();
  private disposed = false;
  /** Number of times the worker was found crashed or hung (for tests and the log). */
  restarts = 0;

  constructor(
    private readonly scriptPath: string,
    private readonly log: WorkerLog,
    private readonly options: WorkerClientOptions = {},
  ) {}

  /** Queues an analysis; a queued job with the same key is replaced (resolves 'cancelled'). */
  analyze(key: string, input: JobInput, handlers: JobHandlers = {}): Job {
    const job = new JobImpl(this.nextId++, key, (j) => this.cancelJob(j));
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].job.key === key) {
        const [old] = this.queue.splice(i, 1);
        old.job.cancelled = true;
        old.job.resolve('cancelled');
      }
    }
    if (this.disposed) {
      job.resolve('cancelled');
      return job;
    }
    this.queue.push({ job, input, handlers, parts: new Joiner() });
    this.pump();
    return job;
  }

  renderHtml(report: AnalysisReport, script: string, css?: string, title?: string): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.htmlWaiters.set(id, { resolve, reject });
      this.ensureWorker().postMessage({ type: 'renderHtml', id, report, script, css, title });
    });
  }

  /** The job in flight, if any (for tests). */
  get busy(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.job.resolve('cancelled');
    if (this.current) this.current.job.resolve('cancelled');
    this.current = undefined;
    this.clearWatchdog();
    for (const w of this.htmlWaiters.values()) w.reject(new Error('disposed'));
    this.htmlWaiters.clear();
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }

  private cancelJob(job: JobImpl): void {
    const queued = this.queue.findIndex((p) => p.job === job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.resolve('cancelled');
      return;
    }
    if (this.current?.job === job) this.worker?.postMessage({ type: 'cancel', id: job.id });
  }

  private get memoryMb(): number {
    return this.options.memoryMb ?? WORKER_MEMORY_MB;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.scriptPath, { stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    // The worker's own console output is not ours to show; drain it so it cannot block.
    w.stdout.resume();
    w.stderr.resume();
    w.on('message', (m: WorkerToHost) => this.onMessage(w, m));
    w.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') this.onCrash(w, `ran out of memory (its heap is limited to ${this.memoryMb} MB)`, `ran out of memory (its heap is limited to ${this.memoryMb} MB)`);
      else this.onCrash(w, `crashed: ${e.stack ?? e.message}`, 'crashed');
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.onCrash(w, `exited unexpectedly (code ${code})`, 'stopped unexpectedly');
    });
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    const req: AnalyzeRequest = { type: 'analyze', id: next.job.id, cancelFlag: next.job.flag, ...next.input };
    this.ensureWorker().postMessage(req);
    this.armWatchdog();
  }

  private armWatchdog(): void {
    this.clearWatchdog();
    const cur = this.current;
    if (!cur) return;
    const budget = cur.input.parseTimeMs + (cur.input.sim.enabled ? cur.input.sim.timeBudgetMs : 0) + (this.options.hangGraceMs ?? HANG_GRACE_MS);
    const w = this.worker;
    this.watchdog = setTimeout(() => {
      if (w && this.worker === w) this.onCrash(w, `did not answer within ${(budget / 1000).toFixed(1)} s (hung)`, `did not finish within ${(budget / 1000).toFixed(1)} s (the parse and simulation budgets and a grace period)`);
    }, budget);
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private finish(outcome: JobOutcome): void {
    const cur = this.current;
    this.current = undefined;
    this.clearWatchdog();
    cur?.job.resolve(outcome);
    this.pump();
  }

  private onMessage(w: Worker, m: WorkerToHost): void {
    if (w !== this.worker) return;
    if (m.type === 'ready') return;
    if (m.type === 'html') {
      this.htmlWaiters.get(m.id)?.resolve(m.html);
      this.htmlWaiters.delete(m.id);
      return;
    }
    if (m.type === 'error') {
      const waiter = this.htmlWaiters.get(m.id);
      if (waiter) {
        this.htmlWaiters.delete(m.id);
        waiter.reject(new Error(m.message));
        return;
      }
    }
    // the worker waits for this before it sends the next part: the host decodes one part per turn of its event loop
    if (m.type === 'part') w.postMessage({ type: 'ack', id: m.id });
    const cur = this.current;
    if (!cur || cur.job.id !== m.id) return;
    switch (m.type) {
      case 'part':
        this.armWatchdog(); // the analysis is done and its results are on their way
        if (!cur.job.cancelled) cur.parts.add(m.part);
        return;
      case 'structural':
      case 'simulation': {
        if (m.type === 'structural') this.armWatchdog();
        if (cur.job.cancelled) return;
        const whole = cur.parts.finish(m, m.split);
        cur.parts = new Joiner();
        if (!whole) {
          this.log.error(`analysis of ${cur.input.path}: the ${m.type} results arrived incomplete`);
          cur.job.failure = 'failed with an internal error (details in the Stability Lens log)';
          cur.job.cancel(); // stops the worker's run
          return this.finish('failed');
        }
        if (whole.type === 'structural') this.safe(() => cur.handlers.onStructural?.(whole.report, whole.written, whole.ms));
        else this.safe(() => cur.handlers.onSimulation?.(whole.report, whole.ms));
        return;
      }
      case 'done':
        return this.finish(cur.job.cancelled ? 'cancelled' : 'done');
      case 'cancelled':
        return this.finish('cancelled');
      case 'error':
        this.log.error(`analysis failed for ${cur.input.path}: ${m.message}`);
        cur.job.failure = 'failed with an internal error (details in the Stability Lens log)';
        return this.finish('failed');
    }
  }

  private safe(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log.error(`analysis result handler failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  /** Reports the crash once, fails the job in flight, and lets the next job start a fresh worker. */
  private onCrash(w: Worker, what: string, forUser: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.restarts++;
    const path = this.current?.input.path;
    if (this.current) this.current.job.failure = forUser;
    this.log.warn(`analysis worker ${what}${path ? ` while analysing ${path}` : ''}; restarting it`);
    void w.terminate();
    for (const h of this.htmlWaiters.values()) h.reject(new Error('analysis worker stopped'));
    this.htmlWaiters.clear();
    this.finish('failed');
  }
}
