// STUB (owned by the parser work): TypeScript/JavaScript source -> LayerGraph[]. Replaced by the real parser.
import type { ParseOptions, ParseResult } from './types';

export function parseSource(_path: string, _text: string, _opts: ParseOptions = {}): ParseResult {
  return { graphs: [], notes: [], errors: [], suppressions: [] };
}
