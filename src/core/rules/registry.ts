/** Every rule, in reporting order; `runRules` runs them over one model. */
import type { LayerGraph } from '../graph/types';
import { analyzeStructure, type StructureInfo } from '../graph/structure';
import type { Rule } from './rule';
import type { Finding } from './types';
import type { SourceText } from './sourceText';
import { resolveThresholds, type Thresholds } from './thresholds';
import { deepPlainStack } from './deepPlainStack';
import { postLnDeep } from './postLnDeep';
import { truncatedNormalVariance } from './truncatedNormalVariance';
import { initActivationMismatch } from './initActivationMismatch';
import { unnormalizedResidualGrowth } from './unnormalizedResidualGrowth';
import { bnPlainStack } from './bnPlainStack';
import { unscaledAttentionRule } from './unscaledAttention';

export const RULES: readonly Rule[] = [
  deepPlainStack,
  postLnDeep,
  unnormalizedResidualGrowth,
  bnPlainStack,
  unscaledAttentionRule,
  initActivationMismatch,
  truncatedNormalVariance,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export interface RunRulesOptions {
  thresholds?: Thresholds;
  source?: SourceText;
  isJson?: boolean;
  structure?: StructureInfo;
  /** Only these rule ids (all when undefined). */
  only?: string[];
}

/** Runs the rules over one model. A rule that throws is an internal bug: it is reported as a note by the caller. */
export function runRules(graph: LayerGraph, opts: RunRulesOptions = {}): Finding[] {
  const structure = opts.structure ?? analyzeStructure(graph);
  const ctx = {
    graph,
    structure,
    thresholds: opts.thresholds ?? resolveThresholds(),
    source: opts.source,
    isJson: opts.isJson ?? false,
  };
  const out: Finding[] = [];
  for (const rule of RULES) {
    if (opts.only && !opts.only.includes(rule.id)) continue;
    out.push(...rule.run(ctx));
  }
  return out;
}
