// STUB (owned by the simulator work): adds `simulation` and `whatIf` to each model of a FileReport.
import type { LayerGraph } from '../graph/types';
import type { FileReport } from '../report/types';
import type { CancellationLike } from '../cancel';

export interface SimulateOptions {
  profile?: 'full' | 'interactive';
  seed?: number;
  width?: number;
  batch?: number;
  seqLen?: number;
  timeBudgetMs?: number;
  whatIf?: boolean;
  cancel?: CancellationLike;
}

export function attachSimulation(report: FileReport, _graphs: LayerGraph[], _opts: SimulateOptions = {}): FileReport {
  return report;
}
