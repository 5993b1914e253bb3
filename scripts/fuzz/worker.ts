/** Worker-thread entry of the fuzz pool: runs the cases it is sent, one at a time, and posts each result. */
import { parentPort } from 'node:worker_threads';
import { runCase, type Budgets } from './check';
import type { FuzzCase } from './mutate';

export interface CaseRequest {
  case: FuzzCase;
  budgets: Budgets;
  formats: boolean;
}

const port = parentPort;
if (!port) throw new Error('the fuzz worker runs in a worker thread');
port.on('message', (req: CaseRequest) => {
  port.postMessage(runCase(req.case, req.budgets, { formats: req.formats }));
});
