/**
 * The analysis pipeline for one file and for folders: parse (TypeScript/JavaScript source or model.json) ->
 * structure -> rules -> suppressions -> FileReport. Pure: file-system access only through the injected host.
 */
import type { CancellationLike } from './cancel';
import type { LayerGraph, Note } from './graph/types';
import { analyzeStructure } from './graph/structure';
import { resolveLimits, type Limits } from './limits';
import { parseModelJson } from './parse/modelJson';
import { parseSource } from './parse/source';
import type { ParseResult, SourceHost } from './parse/types';
import { buildAnalysisReport, buildFileReport, buildModelReport } from './report/build';
import type { AnalysisReport, FileReport, ModelReport } from './report/types';
import { runRules } from './rules/registry';
import { SourceText } from './rules/sourceText';
import { applySuppressions } from './rules/suppress';
import { resolveThresholds } from './rules/thresholds';

export interface AnalyzeOptions {
  host?: SourceHost;
  cancel?: CancellationLike;
  limits?: Partial<Limits>;
  /** Rule thresholds by key (core/rules/thresholds); unknown keys ignored. */
  thresholds?: { [key: string]: number };
}

export interface AnalyzeResult {
  report: FileReport;
  /** The graphs behind report.models, in the same order (for the simulator). */
  graphs: LayerGraph[];
  /** True for a .json file that is not a tfjs model (folder scans skip those silently). */
  notAModel?: boolean;
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

export function isJsonPath(path: string): boolean {
  return /\.json$/i.test(path);
}

export function isSourcePath(path: string): boolean {
  return SOURCE_EXT.test(path) && !/\.d\.[mc]?ts$/i.test(path);
}

/** UTF-8 byte length without allocating. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** NUL characters (or many control characters) in the first 8 KB: not a text file. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  if (head.includes('\u0000')) return true;
  let ctrl = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) ctrl++;
  }
  return head.length > 0 && ctrl / head.length > 0.1;
}

function errorReport(path: string, message: string, kind: Note['kind'] = 'limit'): AnalyzeResult {
  return { report: buildFileReport(path, [], [], [{ kind, message }]), graphs: [] };
}

/** Analyses one file's text. Never throws for problems in the user's file; internal bugs become notes. */
export function analyzeText(path: string, text: string, opts: AnalyzeOptions = {}): AnalyzeResult {
  const limits = resolveLimits(opts.limits);
  if (text.length > limits.maxFileBytes || (text.length * 3 > limits.maxFileBytes && utf8Length(text) > limits.maxFileBytes)) {
    return errorReport(path, `file is larger than ${limits.maxFileBytes} bytes (maxFileBytes): not analysed`);
  }
  if (looksBinary(text)) return errorReport(path, 'binary file: not analysed', 'unsupported');
  const json = isJsonPath(path);
  let parsed: ParseResult;
  try {
    parsed = json
      ? parseModelJson(path, text, { limits: opts.limits, cancel: opts.cancel, host: opts.host })
      : parseSource(path, text, { limits: opts.limits, cancel: opts.cancel, host: opts.host });
  } catch (e) {
    return errorReport(path, `internal error while parsing: ${(e as Error)?.message ?? String(e)}`, 'info');
  }
  const thresholds = resolveThresholds(opts.thresholds);
  const source = json ? undefined : new SourceText(text, path);
  const notes: Note[] = [...parsed.notes];
  const models: ModelReport[] = [];
  const graphs: LayerGraph[] = [];
  for (const graph of parsed.graphs) {
    if (opts.cancel?.isCancellationRequested) break;
    let model: ModelReport;
    try {
      const structure = analyzeStructure(graph);
      const findings = applySuppressions(runRules(graph, { thresholds, source, isJson: json, structure }), parsed.suppressions, graph.span.start.line);
      model = buildModelReport(graph, structure, findings);
    } catch (e) {
      notes.push({ kind: 'info', message: `internal error while analysing model '${graph.name}': ${(e as Error)?.message ?? String(e)}`, span: graph.span });
      continue;
    }
    models.push(model);
    graphs.push(graph);
  }
  const result: AnalyzeResult = { report: buildFileReport(path, models, notes, parsed.errors), graphs };
  if (parsed.notAModel) result.notAModel = true;
  return result;
}

// ------------------------------------------------------------------------------------------------
// Folders

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
}

/** File-system access for analyzePaths (the CLI passes node:fs; tests pass an in-memory host). */
export interface FsHost extends SourceHost {
  stat(path: string): FileStat | undefined;
  /** Entry names of a directory. */
  readDir(path: string): string[];
  /** The file's text, or an Error describing why it cannot be read. */
  readText(path: string): string | Error;
  join(dir: string, name: string): string;
  /** Canonical path (symlinks resolved) to avoid visiting a folder twice; identity when not available. */
  realPath?(path: string): string;
}

export interface AnalyzePathsOptions extends AnalyzeOptions {
  host: FsHost;
  toolVersion?: string;
  /** Called once per file analysed (the CLI's simulation hook): may return a replacement report (e.g. simulated). */
  onFile?(result: AnalyzeResult): FileReport | void;
}

const MAX_DIR_DEPTH = 64;

/** Files to analyse under the given paths: files as given, folders recursively (node_modules and dot-folders skipped). */
export function collectFiles(paths: string[], host: FsHost): { files: string[]; explicit: Set<string>; missing: string[] } {
  const files: string[] = [];
  const explicit = new Set<string>();
  const missing: string[] = [];
  const seenDirs = new Set<string>();
  const walk = (dir: string, depth: number) => {
    const real = host.realPath ? host.realPath(dir) : dir;
    if (seenDirs.has(real) || depth > MAX_DIR_DEPTH) return;
    seenDirs.add(real);
    let names: string[];
    try {
      names = host.readDir(dir);
    } catch {
      return;
    }
    for (const name of [...names].sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = host.join(dir, name);
      const st = host.stat(p);
      if (!st) continue;
      if (st.isDirectory) walk(p, depth + 1);
      else if (st.isFile && (isSourcePath(p) || isJsonPath(p))) files.push(p);
    }
  };
  for (const p of paths) {
    const st = host.stat(p);
    if (!st) {
      missing.push(p);
      continue;
    }
    if (st.isDirectory) walk(p, 0);
    else {
      files.push(p);
      explicit.add(p);
    }
  }
  return { files: [...new Set(files)], explicit, missing };
}

/**
 * Analyses files and folders. One file's error never stops the run: unreadable, binary and oversized files get an
 * error entry; .json files found in folders that are not tfjs models are skipped silently.
 */
export function analyzePaths(paths: string[], opts: AnalyzePathsOptions): { report: AnalysisReport; graphs: Map<string, LayerGraph[]>; missing: string[] } {
  const { host } = opts;
  const limits = resolveLimits(opts.limits);
  const { files, explicit, missing } = collectFiles(paths, host);
  const reports: FileReport[] = [];
  const graphs = new Map<string, LayerGraph[]>();
  for (const m of missing) reports.push(buildFileReport(m, [], [], [{ kind: 'unsupported', message: `no such file or folder: ${m}` }]));
  for (const file of files) {
    if (opts.cancel?.isCancellationRequested) break;
    const st = host.stat(file);
    if (st && st.size > limits.maxFileBytes) {
      reports.push(buildFileReport(file, [], [], [{ kind: 'limit', message: `file is larger than ${limits.maxFileBytes} bytes (maxFileBytes): not analysed` }]));
      continue;
    }
    const text = host.readText(file);
    if (text instanceof Error) {
      reports.push(buildFileReport(file, [], [], [{ kind: 'unsupported', message: `cannot read the file: ${text.message}` }]));
      continue;
    }
    const result = analyzeText(file, text, opts);
    if (result.notAModel && !explicit.has(file)) continue;
    graphs.set(file, result.graphs);
    reports.push(opts.onFile?.(result) ?? result.report);
  }
  return { report: buildAnalysisReport(reports, opts.toolVersion ?? '0.0.0'), graphs, missing };
}
