/**
 * The report data model: the CLI's JSON output (a documented, versioned contract: docs/report-format.md),
 * what the webview renders and what the HTML export embeds. Additive changes only.
 */
import type { Config, ModelApi, Note, Span } from '../graph/types';
import type { Finding } from '../rules/types';
import type { LayerSim, SimulationResult, WhatIf } from '../simulate/types';

export const REPORT_VERSION = '1.0';

export interface LayerReport {
  id: string;
  className: string;
  name: string;
  config: Config;
  span?: Span;
  inputs: string[];
  outputShape?: (number | null)[];
  /** structural role, for drawing: 'weighted' | 'norm' | 'merge' | 'activation' | 'input' | 'other' ... */
  kind: string;
  sim?: LayerSim;
}

export interface ModelSummary {
  weightedLayers: number;
  totalLayers: number;
  depthWeighted: number;
  maxPlainRun: number;
  normalization: string[];
  residual: boolean;
  /** Residual blocks found (merge nodes that close a skip). */
  residualBlocks: number;
  /** Post-LN / Pre-LN classification of the residual blocks, when any. */
  blockStyle?: 'pre-ln' | 'post-ln' | 'mixed' | 'unnormalized' | 'none';
  assumptions: Note[];
}

export interface ModelReport {
  name: string;
  builder?: string;
  span: Span;
  api: ModelApi;
  layers: LayerReport[];
  summary: ModelSummary;
  findings: Finding[];
  simulation?: SimulationResult;
  whatIf?: WhatIf[];
}

export interface FileReport {
  path: string;
  /** Fatal problems for this file (unreadable, too large, malformed JSON): no models. */
  errors: Note[];
  /** Recoverable problems and limits (syntax errors recovered, bounds hit). */
  notes: Note[];
  models: ModelReport[];
}

export interface AnalysisReport {
  version: string;
  tool: { name: 'stability-lens'; version: string };
  files: FileReport[];
}
