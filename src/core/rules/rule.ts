import type { LayerGraph } from '../graph/types';
import type { StructureInfo } from '../graph/structure';
import type { Finding, Severity } from './types';
import type { Thresholds } from './thresholds';
import type { SourceText } from './sourceText';

/** What a rule sees: one model, its structure, the thresholds and (for fixes) the file's text. */
export interface RuleContext {
  graph: LayerGraph;
  structure: StructureInfo;
  thresholds: Thresholds;
  /** The whole file's text; undefined when not available (no text edits then). */
  source?: SourceText;
  /** True for model.json files (no comment or code edits there). */
  isJson: boolean;
}

export interface Rule {
  /** Stable kebab-case id. */
  id: string;
  severity: Severity;
  /** Short title for docs and SARIF. */
  title: string;
  /** One-line description for SARIF / docs. */
  description: string;
  run(ctx: RuleContext): Finding[];
}

/** Where the rule's user documentation lives (relative to the repository root). */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}
