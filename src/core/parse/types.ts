import type { CancellationLike } from '../cancel';
import type { Limits } from '../limits';
import type { LayerGraph, Note } from '../graph/types';

/** Reads other files of the project (relative imports). Paths are absolute or as given; undefined if missing. */
export interface SourceHost {
  readFile(path: string): string | undefined;
}

export interface ParseOptions {
  host?: SourceHost;
  limits?: Partial<Limits>;
  cancel?: CancellationLike;
}

/** A `// stability-lens-disable-next-line <rule-id...>` or `// stability-lens-disable <rule-id...>` comment. */
export interface Suppression {
  /** 0-based line the suppression applies to; -1 for the whole file. */
  line: number;
  /** Rule ids; empty = all rules. */
  rules: string[];
}

export interface ParseResult {
  graphs: LayerGraph[];
  /** File-level notes: syntax errors recovered, limits hit outside a model, unsupported constructs. */
  notes: Note[];
  /** Fatal problems (malformed JSON, not a model file): the file yields no models. */
  errors: Note[];
  suppressions: Suppression[];
  /** True when the file is not a model file at all (a .json that is no tfjs topology): callers may skip it silently. */
  notAModel?: boolean;
}
