/**
 * `stability-lens [paths...]`: analyse files and folders, print text / JSON / SARIF / HTML, exit 0 / 1 / 2.
 * Exit 1: a finding at or above --fail-on (default error). Exit 2: usage error, missing path, unreadable file or
 * unwritable output (takes precedence over 1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePaths } from '../core/analyze';
import { allFindings, SEVERITY_RANK } from '../core/report/build';
import { renderHtmlReport } from '../core/report/html';
import type { AnalysisReport } from '../core/report/types';
import { attachSimulation } from '../core/simulate/attach';
import { HELP, parseArgs, UsageError, type CliOptions } from './args';
import { formatSarif } from './formatSarif';
import { formatText } from './formatText';
import { nodeFsHost } from './nodeHost';
import pkg from '../../package.json';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Folder of the CLI bundle (dist/), to find dist/webview.js and media/report.css for --format html. */
  bundleDir?: string;
}

export const VERSION: string = pkg.version;

function repositoryBase(): string {
  const repo = (pkg as { repository?: { url?: string } }).repository?.url ?? '';
  const base = repo.replace(/^git\+/, '').replace(/\.git$/, '');
  return base ? `${base}/blob/main/docs/rules/` : 'docs/rules/';
}

/** A relative, '/'-separated, percent-encoded URI for SARIF (absolute file URI outside the base folder). */
export function artifactUri(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}

function readIfExists(candidates: string[]): string | undefined {
  for (const c of candidates) {
    try {
      return fs.readFileSync(c, 'utf8');
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function renderHtml(report: AnalysisReport, io: CliIo): string {
  const dir = io.bundleDir ?? __dirname;
  const roots = [dir, path.join(dir, '..'), path.join(dir, '..', '..')];
  const script = readIfExists(roots.flatMap((r) => [path.join(r, 'webview.js'), path.join(r, 'dist', 'webview.js')])) ?? '';
  const css = readIfExists(roots.map((r) => path.join(r, 'media', 'report.css')));
  return renderHtmlReport(report, { script, ...(css !== undefined ? { css } : {}), title: 'Stability Lens report' });
}

function exitFor(report: AnalysisReport, opts: CliOptions, ioError: boolean): number {
  if (ioError) return 2;
  if (opts.failOn === 'none') return 0;
  const min = SEVERITY_RANK[opts.failOn];
  return allFindings(report).some((f) => SEVERITY_RANK[f.finding.severity] >= min) ? 1 : 0;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`stability-lens: ${e.message}\nRun 'stability-lens --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    io.stdout(HELP);
    return 0;
  }
  if (opts.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const host = nodeFsHost(opts.maxFileBytes);
  const paths = opts.paths.length ? opts.paths : ['.'];
  const resolved = paths.map((p) => (path.isAbsolute(p) ? p : path.join(io.cwd, p)));
  let ioError = false;
  const { report, missing } = analyzePaths(resolved, {
    host,
    toolVersion: VERSION,
    thresholds: opts.thresholds,
    limits: opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : undefined,
    onFile: (result) => {
      if (!opts.simulate || result.graphs.length === 0) return;
      return attachSimulation(result.report, result.graphs, {
        profile: opts.profile,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.width !== undefined ? { width: opts.width } : {}),
        ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
      });
    },
  });
  if (missing.length) ioError = true;
  // Report paths relative to the working folder (as the user typed them).
  const rel = (p: string) => {
    const r = path.relative(io.cwd, p);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
  };
  const relSpan = (s: { file: string } | undefined) => {
    if (s) s.file = rel(s.file);
  };
  for (const f of report.files) {
    if (f.errors.some((e) => /^cannot read the file/.test(e.message))) ioError = true;
    f.path = rel(f.path);
    for (const n of [...f.errors, ...f.notes]) relSpan(n.span);
    for (const m of f.models) {
      relSpan(m.span);
      for (const l of m.layers) relSpan(l.span);
      for (const n of m.summary.assumptions) relSpan(n.span);
      for (const x of m.findings) {
        relSpan(x.span);
        for (const r of x.related) relSpan(r.span);
        for (const fx of x.fixes) for (const e of fx.edits) relSpan(e.span);
      }
    }
  }
  let text: string;
  switch (opts.format) {
    case 'json':
      text = JSON.stringify(report, null, 2) + '\n';
      break;
    case 'sarif':
      text = formatSarif(report, { uriOf: (p) => artifactUri(p, io.cwd), baseUri: pathToFileURL(io.cwd + path.sep).href, helpBase: repositoryBase(), version: VERSION });
      break;
    case 'html':
      text = renderHtml(report, io);
      break;
    default:
      text = formatText(report, { quiet: opts.quiet });
  }
  if (opts.output) {
    // Only this one file is written (created or replaced); its folder is not created: a mistyped folder is an
    // error (exit 2), not a new folder tree.
    const out = path.isAbsolute(opts.output) ? opts.output : path.join(io.cwd, opts.output);
    try {
      fs.writeFileSync(out, text);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const dir = path.dirname(opts.output);
      const why =
        err.code === 'ENOENT' && !fs.existsSync(path.dirname(out))
          ? `the folder ${dir} does not exist`
          : err.code === 'EISDIR'
            ? 'it is a folder'
            : err.message;
      io.stderr(`stability-lens: cannot write ${opts.output}: ${why}\n`);
      return 2;
    }
  } else io.stdout(text);
  for (const m of missing) io.stderr(`stability-lens: no such file or folder: ${rel(m)}\n`);
  return exitFor(report, opts, ioError);
}
