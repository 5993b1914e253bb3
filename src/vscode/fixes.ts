/** Stable ids for findings and fixes within one analysis of a file (pure: used by code actions and the report). */
import type { FileReport } from '../core/report/types';
import type { Finding, Fix } from '../core/rules/types';

/** `<model index>.<finding index>` */
export function findingKey(modelIndex: number, findingIndex: number): string {
  return `${modelIndex}.${findingIndex}`;
}

/** `<model index>.<finding index>.<fix index>` */
export function fixId(modelIndex: number, findingIndex: number, fixIndex: number): string {
  return `${modelIndex}.${findingIndex}.${fixIndex}`;
}

export function findFinding(report: FileReport, key: string): Finding | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(key);
  return m ? report.models[Number(m[1])]?.findings[Number(m[2])] : undefined;
}

export function findFix(report: FileReport, id: string): { finding: Finding; fix: Fix } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(id);
  if (!m) return undefined;
  const finding = report.models[Number(m[1])]?.findings[Number(m[2])];
  const fix = finding?.fixes[Number(m[3])];
  return finding && fix ? { finding, fix } : undefined;
}

/** Same finding across two analyses (indices shift when the code changes): rule, start line and message. */
export function sameFinding(a: Finding, b: Finding): boolean {
  return a.ruleId === b.ruleId && a.span.file === b.span.file && a.span.start.line === b.span.start.line && a.message === b.message;
}
