/**
 * attachSimulation: fills `simulation`, `whatIf` and each layer's `sim` for every model of a FileReport.
 * Each model has its own time budget (limits.simulateTimeMs, what-if variants included), within an optional
 * budget for the whole file; one model's failure becomes a note on the file and never loses the others.
 */
import type { LayerGraph } from '../graph/types';
import type { FileReport, ModelReport } from '../report/types';
import type { CancellationLike } from '../cancel';
import { DEFAULT_LIMITS } from '../limits';
import { simulate, type SimOptions } from './simulate';
import type { VerdictThresholds } from './verdict';
import { whatIfsForFindings } from './whatIf';

export interface SimulateOptions {
  profile?: 'full' | 'interactive';
  seed?: number;
  width?: number;
  batch?: number;
  seqLen?: number;
  timeBudgetMs?: number;
  /**
   * Budget for all the models of the file together (ms): each model gets at most what is left of it, and models
   * reached after it ran out are not simulated (a limit note each). Default: no file budget.
   */
  fileBudgetMs?: number;
  whatIf?: boolean;
  cancel?: CancellationLike;
  /** Verdict thresholds (settings); defaults in simulate/verdict.ts. */
  thresholds?: Partial<VerdictThresholds>;
  /** Dropout in training mode (default: identity). */
  dropoutTraining?: boolean;
}

function graphFor(model: ModelReport, graphs: LayerGraph[], index: number, count: number): LayerGraph | undefined {
  const same = (g: LayerGraph) => g.name === model.name && g.span.start.line === model.span.start.line && g.span.start.character === model.span.start.character;
  return graphs.find(same) ?? (graphs.length === count ? graphs[index] : graphs.find((g) => g.name === model.name));
}

export function attachSimulation(report: FileReport, graphs: LayerGraph[], opts: SimulateOptions = {}): FileReport {
  const perModel = opts.timeBudgetMs ?? DEFAULT_LIMITS.simulateTimeMs;
  const fileDeadline = opts.fileBudgetMs !== undefined ? Date.now() + opts.fileBudgetMs : Infinity;
  report.models.forEach((model, i) => {
    if (opts.cancel?.isCancellationRequested) return;
    const graph = graphFor(model, graphs, i, report.models.length);
    if (!graph) {
      report.notes.push({ kind: 'info', message: `model ${model.name}: no layer graph to simulate.`, span: model.span });
      return;
    }
    if (!graph.nodes.some((n) => n.className !== 'InputLayer')) {
      // Nothing to propagate through: a verdict ('stable', gain 1) would describe no layer at all.
      report.notes.push({
        kind: 'info',
        message: `model ${model.name}: not simulated: none of its layers could be followed statically.`,
        span: model.span,
      });
      return;
    }
    const t0 = Date.now();
    const fileLeft = fileDeadline - t0;
    if (fileLeft <= 0) {
      report.notes.push({
        kind: 'limit',
        message:
          `model ${model.name}: not simulated: the models before it used up the file's simulation time budget of ${opts.fileBudgetMs} ms ` +
          `(simulateTimeMs; the editor's stabilityLens.simulation.timeBudgetMs). Its structural findings stand.`,
        span: model.span,
      });
      return;
    }
    const budget = Math.min(perModel, fileLeft);
    const so: SimOptions = {
      profile: opts.profile,
      seed: opts.seed,
      width: opts.width,
      batch: opts.batch,
      seqLen: opts.seqLen,
      cancel: opts.cancel,
      thresholds: opts.thresholds,
      dropoutTraining: opts.dropoutTraining,
      timeBudgetMs: budget,
    };
    try {
      const sim = simulate(graph, so);
      model.simulation = sim;
      for (const layer of model.layers) {
        const s = sim.layers[layer.id];
        if (s) layer.sim = s;
      }
      if (opts.whatIf !== false && !sim.partial) {
        const left = budget - (Date.now() - t0);
        const skipped: string[] = [];
        model.whatIf = whatIfsForFindings(graph, model.findings, { ...so, timeBudgetMs: Math.max(0, left) }, skipped);
        if (skipped.length) {
          sim.notes.push(
            `what-if variants not simulated because the model's time budget of ${budget} ms (simulateTimeMs) ran out: ` +
              `${skipped.join('; ')}. The model's own simulation is complete.`,
          );
        }
      }
    } catch (e) {
      report.notes.push({ kind: 'limit', message: `model ${model.name}: simulation failed (${e instanceof Error ? e.message : String(e)}).`, span: model.span });
    }
  });
  return report;
}
