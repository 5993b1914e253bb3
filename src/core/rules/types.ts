import type { Span } from '../graph/types';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  span: Span;
  newText: string;
}

/**
 * A fix as data. `edits` are applied to the source as a whole; `whatIf` names the simulated variant
 * (see simulate/types WhatIfKind) that shows its effect, when one exists.
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
  whatIf?: string;
}

export interface RelatedSpan {
  span: Span;
  message: string;
}

export interface Finding {
  /** Stable kebab-case id, e.g. 'deep-plain-stack'. */
  ruleId: string;
  severity: Severity;
  /** One sentence a user understands, with the numbers. */
  message: string;
  span: Span;
  related: RelatedSpan[];
  fixes: Fix[];
  /** The numbers behind the finding (depth, run length, factors), for reports. */
  data?: { [key: string]: number | string | boolean };
  /** Node ids involved (for the report's graph highlighting). */
  nodes?: string[];
}
