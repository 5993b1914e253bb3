/**
 * The analysis service: the one owner of analysis results in the extension host. It decides what gets
 * analysed (language, include/exclude globs, a cheap text check), sends the work to the worker thread,
 * cancels stale runs, caches the latest result per document, and tells listeners (diagnostics, CodeLens,
 * hover, status bar, the report panel) through `onDidUpdate`.
 *
 * API for the report panel (and anything else that shows results):
 *   get(uri)                    latest AnalysisEntry (FileReport + how and when it was made), or undefined
 *   onDidUpdate                 fires {uri, entry} on every structural / simulation result, and {uri, undefined} when cleared
 *   onDidChangeBusy             fires when a document starts or stops being analysed; isBusy(uri)
 *   requestFull(uri, seed?)     re-analyse with the full simulation profile (what-if variants included)
 *   applyFix(uri, fixId)        apply a finding's fix (ids from fixes.ts: `<model>.<finding>.<fix>`)
 *   revealSpan(span)            open the span's file and select the span
 *   renderHtml(uri)             the standalone HTML report (core renderHtmlReport, run in the worker)
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_LIMITS } from '../core/limits';
import type { Note, Span } from '../core/graph/types';
import { REPORT_VERSION, type AnalysisReport, type FileReport } from '../core/report/types';
import { readSettings } from './config';
import { toRange, toWorkspaceEdit } from './convert';
import { findFix, sameFinding } from './fixes';
import { effectiveProfile, SETTINGS_SECTION, type LensSettings } from './settings';
import { isAnalysedLanguage, mentionsTfjs } from './textCheck';
import type { Profile, WrittenKeys } from './worker/protocol';
import { AnalysisWorkerClient, type Job } from './worker/workerClient';

export interface AnalysisEntry {
  readonly uri: vscode.Uri;
  /** The path the analyzer was given: spans in the report carry it as `file`. */
  readonly path: string;
  /** The document version analysed; undefined for a file read from disk (workspace analysis). */
  readonly version: number | undefined;
  readonly report: FileReport;
  /** Per model, per node id: the config keys the user wrote (the others are tfjs defaults). */
  readonly written: WrittenKeys;
  /** 'structural' until the simulation results arrive (or when simulation is off). */
  readonly phase: 'structural' | 'simulated';
  readonly simulationPending: boolean;
  readonly profile: Profile;
  readonly seed: number;
}

export interface AnalysisUpdate {
  readonly uri: vscode.Uri;
  readonly entry: AnalysisEntry | undefined;
}

export interface AnalyzeOptions {
  /** An explicit request (command, report): full profile unless the user pinned one. */
  explicit?: boolean;
  /** Simulation seed for this document from now on (Rerun Simulation with Seed...). */
  seed?: number;
}

export class AnalysisService implements vscode.Disposable {
  private readonly entries = new Map<string, AnalysisEntry>();
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly seeds = new Map<string, number>();
  /** span file (analyzer path) -> URI, for every file analysed. */
  private readonly uris = new Map<string, vscode.Uri>();
  private client: AnalysisWorkerClient | undefined;
  private settingsCache: LensSettings | undefined;
  private readonly updateEmitter = new vscode.EventEmitter<AnalysisUpdate>();
  private readonly busyEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidUpdate = this.updateEmitter.event;
  readonly onDidChangeBusy = this.busyEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly log: vscode.LogOutputChannel,
    /** Base URL of the repository (rule docs live under docs/rules/). */
    readonly docsBase: string,
    /** The extension's version, for the report's `tool` field. */
    readonly toolVersion: string,
  ) {
    // registered before every feature's own listener, so they all read the new settings
    this.configSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_SECTION)) this.settingsCache = undefined;
    });
  }

  private readonly configSub: vscode.Disposable;

  get settings(): LensSettings {
    return (this.settingsCache ??= readSettings());
  }

  /** Call when the configuration changed. */
  reloadSettings(): void {
    this.settingsCache = undefined;
  }

  get(uri: vscode.Uri): AnalysisEntry | undefined {
    return this.entries.get(uri.toString());
  }

  /** The entry, only when it was made from exactly this document version (what code actions and hovers need). */
  getCurrent(document: vscode.TextDocument): AnalysisEntry | undefined {
    const e = this.get(document.uri);
    return e && e.version === document.version ? e : undefined;
  }

  entriesAll(): AnalysisEntry[] {
    return [...this.entries.values()];
  }

  isBusy(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return this.jobs.has(key) || this.timers.has(key);
  }

  /** Analyses sent to the worker so far (for tests and diagnostics). */
  analysesStarted = 0;

  /** Worker restarts after a crash or hang (for tests and diagnostics). */
  get workerRestarts(): number {
    return this.client?.restarts ?? 0;
  }

  /** The path given to the analyzer for a URI (spans carry it). */
  pathFor(uri: vscode.Uri): string {
    return uri.scheme === 'file' ? uri.fsPath : uri.toString();
  }

  /** Maps a span's file back to a URI. */
  readonly uriFor = (file: string): vscode.Uri => {
    const known = this.uris.get(file);
    if (known) return known;
    return path.isAbsolute(file) ? vscode.Uri.file(file) : vscode.Uri.parse(file);
  };

  /** Language, include/exclude globs: is this document one the user wants analysed? */
  inScope(document: vscode.TextDocument): boolean {
    if (!isAnalysedLanguage(document.languageId)) return false;
    if (document.uri.scheme === 'untitled') return true;
    const { include, exclude } = this.settings.analysis;
    const matches = (glob: string): boolean => vscode.languages.match({ pattern: glob }, document) > 0;
    return include.some(matches) && !exclude.some(matches);
  }

  /** The cheap check: in scope and the text mentions tfjs or a layers API. */
  isCandidate(document: vscode.TextDocument): boolean {
    return this.inScope(document) && mentionsTfjs(document.getText(), document.languageId);
  }

  /** Debounced analysis while the user types: a run in flight for an older version is cancelled at once. */
  schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.cancel(document.uri);
    if (!this.inScope(document)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.analyzeDocument(document);
    }, this.settings.analysis.debounceMs);
    this.timers.set(key, timer);
    this.busyEmitter.fire(document.uri);
  }

  /** Analyses a document now. Resolves with the final entry (after the simulation), or undefined when the
   * document is not a candidate, or the run was cancelled by a newer one or failed. */
  analyzeDocument(document: vscode.TextDocument, opts: AnalyzeOptions = {}): Promise<AnalysisEntry | undefined> {
    if (document.isClosed) return Promise.resolve(undefined);
    const text = document.getText(); // once: on a 100,000-line file each call joins all the lines
    if (!this.inScope(document) || !mentionsTfjs(text, document.languageId)) {
      this.forget(document.uri);
      return Promise.resolve(undefined);
    }
    return this.run(document.uri, document.version, text, opts);
  }

  /** Analyses a file that may not be open (workspace analysis): an open document is analysed as such. */
  async analyzeUri(uri: vscode.Uri, opts: AnalyzeOptions = {}, token?: vscode.CancellationToken): Promise<AnalysisEntry | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.analyzeDocument(open, opts);
    let text: string;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength > DEFAULT_LIMITS.maxFileBytes) return undefined;
      text = new TextDecoder().decode(bytes);
    } catch (e) {
      this.log.warn(`cannot read ${uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const languageId = uri.path.endsWith('.json') ? 'json' : 'typescript';
    if (token?.isCancellationRequested || !mentionsTfjs(text, languageId)) return undefined;
    const job = this.run(uri, undefined, text, opts);
    token?.onCancellationRequested(() => this.cancel(uri));
    return job;
  }

  /** Re-analyse with the full profile (the report's run). */
  requestFull(uri: vscode.Uri, seed?: number): Promise<AnalysisEntry | undefined> {
    return this.analyzeUri(uri, { explicit: true, seed });
  }

  /** Cancels a pending or running analysis of this URI (results stay). */
  cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
    const job = this.jobs.get(key);
    if (job) {
      job.cancel();
      this.jobs.delete(key);
    }
    if (t || job) this.busyEmitter.fire(uri);
  }

  /** Drops everything about a URI (document closed, no longer in scope): listeners clear their views. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.cancel(uri);
    this.seeds.delete(key);
    if (this.entries.delete(key)) this.updateEmitter.fire({ uri, entry: undefined });
  }

  /** Applies a fix by id (`<model>.<finding>.<fix>`) from the latest analysis; re-analyses first when stale. */
  async applyFix(uri: vscode.Uri, id: string): Promise<boolean> {
    let entry = this.get(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!entry) return false;
    const wanted = findFix(entry.report, id);
    if (!wanted) return false;
    let fix = wanted.fix;
    if (doc && entry.version !== doc.version) {
      entry = await this.analyzeDocument(doc);
      const again = entry?.report.models.flatMap((m) => m.findings).find((f) => sameFinding(f, wanted.finding));
      const f = again?.fixes.find((x) => x.title === wanted.fix.title);
      if (!f) return false;
      fix = f;
    }
    return vscode.workspace.applyEdit(toWorkspaceEdit(fix.edits, this.uriFor));
  }

  /** Opens the span's file and selects the span (in the editor column already showing it, if any). */
  async revealSpan(span: Span): Promise<void> {
    const uri = this.uriFor(span.file);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = toRange(span);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** The latest report of a file as the versioned AnalysisReport contract. */
  analysisReport(uri: vscode.Uri): AnalysisReport | undefined {
    const e = this.get(uri);
    if (!e) return undefined;
    return { version: REPORT_VERSION, tool: { name: 'stability-lens', version: this.toolVersion }, files: [e.report] };
  }

  /** The standalone HTML report for a file's latest analysis (dist/webview.js and media/report.css inlined). */
  async renderHtml(uri: vscode.Uri): Promise<string | undefined> {
    const report = this.analysisReport(uri);
    if (!report) return undefined;
    const read = async (rel: string): Promise<string | undefined> => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, rel)));
      } catch {
        return undefined;
      }
    };
    const [script, css] = await Promise.all([read('dist/webview.js'), read('media/report.css')]);
    return this.worker().renderHtml(report, script ?? '', css, `Stability Lens: ${path.basename(this.get(uri)!.path)}`);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const j of this.jobs.values()) j.cancel();
    this.jobs.clear();
    this.client?.dispose();
    this.client = undefined;
    this.configSub.dispose();
    this.updateEmitter.dispose();
    this.busyEmitter.dispose();
  }

  private worker(): AnalysisWorkerClient {
    return (this.client ??= new AnalysisWorkerClient(vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath, this.log));
  }

  /** Texts of unsaved open documents (relative imports read these before the disk). */
  private overlays(except: string): { [path: string]: string } {
    const out: { [path: string]: string } = {};
    for (const d of vscode.workspace.textDocuments) {
      if (d.isDirty && d.uri.toString() !== except && isAnalysedLanguage(d.languageId)) out[this.pathFor(d.uri)] = d.getText();
    }
    return out;
  }

  private isStale(key: string, version: number | undefined): boolean {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    // a file read from disk: an open document of it is analysed as such instead
    if (version === undefined) return doc !== undefined;
    return !doc || doc.isClosed || doc.version !== version;
  }

  /**
   * A run that failed (the worker crashed, ran out of memory or did not finish in time): the structural results, when
   * they came, stand with a note that the simulation did not; otherwise the file shows why it has no results.
   */
  private reportFailure(
    uri: vscode.Uri,
    key: string,
    filePath: string,
    version: number | undefined,
    latest: AnalysisEntry | undefined,
    failure: string | undefined,
    how: { profile: Profile; seed: number },
  ): void {
    const why = `the analysis worker ${failure ?? 'failed'}`;
    let entry: AnalysisEntry;
    if (latest && this.entries.get(key) === latest) {
      if (!latest.simulationPending) return;
      const note: Note = { kind: 'limit', message: `Simulation stopped: ${why}. The structural findings stand.` };
      entry = { ...latest, report: { ...latest.report, notes: [...latest.report.notes, note] }, simulationPending: false };
    } else {
      const error: Note = { kind: 'limit', message: `${why}; this version of the file has no results. Other files are unaffected.` };
      entry = { uri, path: filePath, version, report: { path: filePath, errors: [error], notes: [], models: [] }, written: [], phase: 'structural', simulationPending: false, ...how };
    }
    this.entries.set(key, entry);
    this.updateEmitter.fire({ uri, entry });
  }

  private run(uri: vscode.Uri, version: number | undefined, text: string, opts: AnalyzeOptions): Promise<AnalysisEntry | undefined> {
    const key = uri.toString();
    this.cancel(uri);
    if (opts.seed !== undefined) this.seeds.set(key, opts.seed);
    const s = this.settings;
    const profile = effectiveProfile(s, opts.explicit === true);
    const seed = this.seeds.get(key) ?? s.simulation.seed;
    const filePath = this.pathFor(uri);
    this.uris.set(filePath, uri);
    let latest: AnalysisEntry | undefined;
    const started = Date.now();
    this.analysesStarted++;
    const job = this.worker().analyze(
      key,
      {
        path: filePath,
        text,
        overlays: this.overlays(key),
        sim: {
          enabled: s.simulation.enabled,
          profile,
          seed,
          width: s.simulation.width || undefined,
          batch: s.simulation.batch || undefined,
          timeBudgetMs: s.simulation.timeBudgetMs,
          whatIf: profile === 'full',
        },
        thresholds: s.thresholds,
        parseTimeMs: DEFAULT_LIMITS.parseTimeMs,
      },
      {
        onStructural: (report, written, ms) => {
          if (this.isStale(key, version)) return;
          const pending = s.simulation.enabled && report.models.length > 0;
          latest = { uri, path: filePath, version, report, written, phase: 'structural', simulationPending: pending, profile, seed };
          this.entries.set(key, latest);
          this.log.debug(`${filePath}: ${report.models.length} model(s), structural results in ${ms} ms`);
          this.updateEmitter.fire({ uri, entry: latest });
        },
        onSimulation: (report, ms) => {
          if (!latest || this.isStale(key, version)) return;
          latest = { ...latest, report, phase: 'simulated', simulationPending: false };
          this.entries.set(key, latest);
          this.log.debug(`${filePath}: simulation (${profile}, seed ${seed}) in ${ms} ms`);
          this.updateEmitter.fire({ uri, entry: latest });
        },
      },
    );
    this.jobs.set(key, job);
    this.busyEmitter.fire(uri);
    return job.outcome.then((outcome) => {
      if (this.jobs.get(key) === job) {
        this.jobs.delete(key);
        this.busyEmitter.fire(uri);
      }
      if (outcome === 'done') {
        this.log.trace(`${filePath}: analysed in ${Date.now() - started} ms`);
        return latest;
      }
      if (outcome === 'failed' && !this.isStale(key, version)) this.reportFailure(uri, key, filePath, version, latest, job.failure, { profile, seed });
      return undefined;
    });
  }
}
