/**
 * Every evaluation is bounded. A limit that is hit produces a Note of kind 'limit' naming the limit and
 * where it was hit; the rest of the result stays valid. Documented in README.md ("Limits").
 */
export interface Limits {
  /** Files larger than this are not analysed (an error entry instead). */
  maxFileBytes: number;
  /** Iterations of any single loop (for / while / for..of / Array.from / map ...). */
  maxLoopIterations: number;
  /** Total evaluation steps for one file (all loops, calls and expressions together). */
  maxEvalSteps: number;
  /** Nested helper / method / arrow-function calls during static evaluation. */
  maxCallDepth: number;
  /** Expressions evaluated one inside the other (calls included): deeper ones are unknown (the stack is finite). */
  maxExprDepth: number;
  /** Length of a string the evaluator builds (+, templates, repeat, padStart): longer ones are unknown. */
  maxStringLength: number;
  /** Elements of an array the evaluator builds (push, concat, spread, fill): extra ones are left out. */
  maxArrayLength: number;
  /** Layer nodes per model graph. */
  maxNodes: number;
  /** Layer nodes of all the model graphs of one file together (models built from one huge shared chain). */
  maxFileNodes: number;
  /** Models reported per file (a builder called in a loop or recursion makes one per call). */
  maxModels: number;
  /** Wall-clock budget for parsing one file, in ms. */
  parseTimeMs: number;
  /** Wall-clock budget for simulating one model (all what-if variants included), in ms. */
  simulateTimeMs: number;
  /** Largest width (units) ever allocated by the simulator; wider layers are simulated at the cap. */
  maxSimWidth: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 2 * 1024 * 1024,
  maxLoopIterations: 10_000,
  maxEvalSteps: 2_000_000,
  maxCallDepth: 48,
  maxExprDepth: 1_500,
  maxStringLength: 100_000,
  maxArrayLength: 1_000_000,
  maxNodes: 20_000,
  maxFileNodes: 50_000,
  maxModels: 1_000,
  parseTimeMs: 3_000,
  simulateTimeMs: 20_000,
  maxSimWidth: 1024,
};

export function resolveLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
