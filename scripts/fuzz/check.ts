/**
 * One fuzz case, run and judged (in a worker thread of the pool; plain functions, so tests call them too).
 * The analyzer (analyzeText for one file, analyzePaths over an in-memory file system for several) and the
 * simulator (attachSimulation, interactive and/or full profile) run with time budgets; the result must be a
 * report that the webview would accept, with only finite numbers (or null), one entry per file, no internal
 * error, within the budgets. Every broken expectation is a Failure of a named kind.
 */
import {
  analyzePaths,
  analyzeText,
  isJsonPath,
  isSourcePath,
  type AnalyzeResult,
  type FsHost,
} from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/types';
import type { Limits } from '../../src/core/limits';
import { buildAnalysisReport } from '../../src/core/report/build';
import { renderHtmlReport } from '../../src/core/report/html';
import type { AnalysisReport, FileReport } from '../../src/core/report/types';
import { attachSimulation } from '../../src/core/simulate/attach';
import { formatSarif } from '../../src/cli/formatSarif';
import { formatText } from '../../src/cli/formatText';
import { validateReport } from '../../src/protocol/validate';
import type { FuzzCase } from './mutate';

export type FailureKind =
  | 'exception'
  | 'internal-error'
  | 'non-finite'
  | 'invalid-report'
  | 'dropped-file'
  | 'over-budget'
  | 'not-serializable'
  | 'hang'
  | 'crash';

export interface Failure {
  kind: FailureKind;
  message: string;
}

export interface CaseResult {
  index: number;
  failures: Failure[];
  /** Wall-clock ms of the analysis and of the simulation. */
  analyzeMs: number;
  simulateMs: number;
  models: number;
  /** Names of the limits hit (from notes of kind 'limit'), for the summary. */
  limits: string[];
}

export interface Budgets {
  limits: Partial<Limits>;
  /** Simulation budget per profile and file (ms). */
  simulateMs: number;
  /** Slack over a budget before a case counts as over budget: factor and ms. */
  slackFactor: number;
  slackMs: number;
}

/**
 * The fuzzer's budgets. The core enforces its time budgets with deadlines; the work after a deadline (assembling
 * the graphs found, structure and rules, writing the report) is bounded by maxNodes / maxFileNodes, not by time:
 * the slack allows for it, on a busy machine too. A case past budget x slackFactor + slackMs is a failure.
 */
export const FUZZ_BUDGETS: Budgets = {
  limits: { parseTimeMs: 1_000 },
  simulateMs: 2_000,
  slackFactor: 2,
  slackMs: 3_000,
};

/** Messages the core uses when it contains its own bug (a caught exception): each is a failure of the fuzzer. */
const INTERNAL = [/internal error/i, /internal analyser error/i, /simulation failed \(/i];

/** An in-memory file system over the case's files (folders implied by the paths). */
export function memoryHost(files: { path: string; text: string }[]): FsHost {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') || '/');
  }
  return {
    readFile: (p) => byPath.get(p),
    readText: (p) => byPath.get(p) ?? new Error('ENOENT'),
    stat: (p) =>
      byPath.has(p)
        ? { isFile: true, isDirectory: false, size: byPath.get(p)!.length }
        : dirs.has(p)
          ? { isFile: false, isDirectory: true, size: 0 }
          : undefined,
    readDir: (p) => {
      const prefix = p.endsWith('/') ? p : `${p}/`;
      const names = new Set<string>();
      for (const k of [...byPath.keys(), ...dirs])
        if (k.startsWith(prefix) && k.length > prefix.length) names.add(k.slice(prefix.length).split('/')[0]);
      return [...names];
    },
    join: (d, n) => (d.endsWith('/') ? d + n : `${d}/${n}`),
  };
}

/** Paths of non-finite numbers anywhere in a value (JSON.stringify would silently turn them into null). */
export function nonFinitePaths(v: unknown, at = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= 5 || depth > 200) return out;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) out.push(`${at || 'value'} = ${v}`);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length && out.length < 5; i++) nonFinitePaths(v[i], `${at}[${i}]`, out, depth + 1);
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v))
      nonFinitePaths((v as { [k: string]: unknown })[k], at ? `${at}.${k}` : k, out, depth + 1);
  }
  return out;
}

function message(e: unknown): string {
  return e instanceof Error
    ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`
    : String(e);
}

function internalNotes(report: FileReport): string[] {
  const notes = [
    ...report.errors,
    ...report.notes,
    ...report.models.flatMap((m) => [
      ...m.summary.assumptions,
      ...(m.simulation?.notes ?? []).map((n) => ({ message: n })),
    ]),
  ];
  return notes.map((n) => n.message).filter((m) => INTERNAL.some((r) => r.test(m)));
}

function limitNames(report: FileReport): string[] {
  const out = new Set<string>();
  const notes = [...report.errors, ...report.notes, ...report.models.flatMap((m) => m.summary.assumptions)];
  for (const n of notes) {
    if (n.kind !== 'limit') continue;
    const m = /\b(max\w+|parseTimeMs|simulateTimeMs)\b/.exec(n.message);
    out.add(m ? m[1] : 'other');
  }
  for (const m of report.models) if (m.simulation?.partial) out.add('simulation partial');
  return [...out];
}

/** Runs one case and judges it. Never throws (an escaping exception is a failure of kind 'exception'). */
export function runCase(
  c: FuzzCase,
  budgets: Budgets = FUZZ_BUDGETS,
  extra: { formats?: boolean } = {},
): CaseResult {
  const failures: Failure[] = [];
  const res: CaseResult = { index: c.index, failures, analyzeMs: 0, simulateMs: 0, models: 0, limits: [] };
  const host = memoryHost(c.files);
  const parseBudget = budgets.limits.parseTimeMs ?? 3_000;
  const analysed: AnalyzeResult[] = [];
  let fileCount = 1;
  const t0 = Date.now();
  try {
    if (c.mode === 'single') {
      analysed.push(analyzeText(c.files[0].path, c.files[0].text, { host, limits: budgets.limits }));
    } else {
      const expected = c.files.filter(
        (f) => f.path.startsWith(`${c.root}/`) && (isSourcePath(f.path) || isJsonPath(f.path)),
      );
      const { report, graphs } = analyzePaths([c.root], {
        host,
        limits: budgets.limits,
        onFile: (r) => void analysed.push(r),
      });
      fileCount = expected.length;
      // every file gets an entry, except .json files that are not models (skipped by design)
      const got = new Set(report.files.map((f) => f.path));
      // analyzePaths skips them before onFile: ask again for the ones missing
      const skipped = new Set(
        expected
          .filter(
            (f) =>
              !got.has(f.path) &&
              isJsonPath(f.path) &&
              analyzeText(f.path, f.text, { limits: budgets.limits }).notAModel,
          )
          .map((f) => f.path),
      );
      for (const f of expected) {
        if (!got.has(f.path) && !skipped.has(f.path))
          failures.push({ kind: 'dropped-file', message: `${f.path} has no entry in the report` });
        if (skipped.has(f.path) && !isJsonPath(f.path))
          failures.push({ kind: 'dropped-file', message: `${f.path} was skipped as not a model` });
      }
      if (report.files.length + skipped.size !== expected.length) {
        failures.push({
          kind: 'dropped-file',
          message: `${expected.length} files, ${report.files.length} entries + ${skipped.size} skipped`,
        });
      }
      for (const r of analysed)
        if (!graphs.has(r.report.path) && !r.notAModel)
          failures.push({ kind: 'dropped-file', message: `${r.report.path}: no graphs entry` });
    }
  } catch (e) {
    failures.push({ kind: 'exception', message: `analyze: ${message(e)}` });
  }
  res.analyzeMs = Date.now() - t0;
  // the parse budget is per file, and each file may read its imports
  const allowParse = fileCount * (parseBudget * budgets.slackFactor + budgets.slackMs);
  if (res.analyzeMs > allowParse)
    failures.push({
      kind: 'over-budget',
      message: `analysis took ${res.analyzeMs} ms (budget ${parseBudget} ms per file, ${fileCount} file(s))`,
    });

  const reports: FileReport[] = analysed.filter((r) => !r.notAModel).map((r) => r.report);
  const graphsOf = new Map<FileReport, LayerGraph[]>(analysed.map((r) => [r.report, r.graphs]));
  const profiles: ('interactive' | 'full')[] = [];
  if (c.sim.interactive) profiles.push('interactive');
  if (c.sim.full) profiles.push('full');
  for (const profile of profiles) {
    for (const report of reports) {
      const graphs = graphsOf.get(report) ?? [];
      if (!graphs.length) continue;
      const s0 = Date.now();
      try {
        // a copy per profile: attachSimulation fills the report in place
        const copy =
          profiles.length > 1 && profile === 'interactive' ? (structuredClone(report) as FileReport) : report;
        attachSimulation(copy, graphs, {
          profile,
          seed: c.index,
          timeBudgetMs: budgets.simulateMs,
          fileBudgetMs: budgets.simulateMs,
        });
        if (copy !== report) checkReport(copy, failures, `interactive simulation of ${report.path}`);
      } catch (e) {
        failures.push({ kind: 'exception', message: `simulate (${profile}) ${report.path}: ${message(e)}` });
      }
      const ms = Date.now() - s0;
      res.simulateMs += ms;
      // one budget for the file: models and what-if variants share it
      const allowSim = budgets.simulateMs * budgets.slackFactor + budgets.slackMs;
      if (ms > allowSim)
        failures.push({
          kind: 'over-budget',
          message: `${profile} simulation of ${report.path} took ${ms} ms (budget ${budgets.simulateMs} ms for the file, ${graphs.length} model(s))`,
        });
    }
  }
  const full: AnalysisReport = buildAnalysisReport(
    analysed.filter((r) => !r.notAModel || c.mode === 'single').map((r) => r.report),
    '0.0.0-fuzz',
  );
  for (const f of full.files) checkReport(f, failures, f.path);
  const errs = validateReport(full);
  if (errs.length) failures.push({ kind: 'invalid-report', message: errs.slice(0, 4).join('; ') });
  try {
    JSON.stringify(full);
  } catch (e) {
    failures.push({ kind: 'not-serializable', message: message(e) });
  }
  if (extra.formats) {
    try {
      formatText(full, { quiet: false });
      formatSarif(full, { uriOf: (p) => p, baseUri: 'file:///', helpBase: 'docs/rules/', version: '0.0.0' });
      renderHtmlReport(full, { script: '', title: 'fuzz' });
    } catch (e) {
      failures.push({ kind: 'exception', message: `format: ${message(e)}` });
    }
  }
  res.models = full.files.reduce((s, f) => s + f.models.length, 0);
  res.limits = [...new Set(full.files.flatMap(limitNames))];
  return res;
}

function checkReport(report: FileReport, failures: Failure[], what: string): void {
  for (const m of internalNotes(report)) failures.push({ kind: 'internal-error', message: `${what}: ${m}` });
  const bad = nonFinitePaths(report);
  if (bad.length) failures.push({ kind: 'non-finite', message: `${what}: ${bad.join(', ')}` });
}
