/**
 * Messages between the extension host and the analysis worker thread (plain, structured-clone data).
 * The worker never imports 'vscode'; the host never imports the parser or the simulator.
 */
import type { AnalysisReport, FileReport } from '../../core/report/types';

export type Profile = 'full' | 'interactive';

/** Simulation settings sent with every request (0 / undefined = the profile's default). */
export interface SimSettings {
  enabled: boolean;
  profile: Profile;
  seed: number;
  width?: number;
  batch?: number;
  timeBudgetMs: number;
  whatIf: boolean;
}

export interface AnalyzeRequest {
  type: 'analyze';
  id: number;
  /** File system path (or the URI string for non-file documents); spans in the results use it. */
  path: string;
  text: string;
  /** Texts of other open, unsaved documents, by path: relative imports read these before the disk. */
  overlays: { [path: string]: string };
  /** One Int32 slot: the host stores 1 to cancel; the core's CancellationLike reads it between steps. */
  cancelFlag: SharedArrayBuffer;
  sim: SimSettings;
  /** Rule thresholds (keys as in core/rules/thresholds), only those the user set. */
  thresholds: { [key: string]: number };
  parseTimeMs: number;
}

export interface CancelRequest {
  type: 'cancel';
  id: number;
}

export interface RenderHtmlRequest {
  type: 'renderHtml';
  id: number;
  report: AnalysisReport;
  script: string;
  css?: string;
  title?: string;
}

export type HostToWorker = AnalyzeRequest | CancelRequest | RenderHtmlRequest;

/** Per model index, per node id: the config keys the user wrote (the rest are tfjs defaults). */
export type WrittenKeys = { [nodeId: string]: string[] }[];

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'structural'; id: number; report: FileReport; written: WrittenKeys; ms: number }
  | { type: 'simulation'; id: number; report: FileReport; ms: number }
  | { type: 'done'; id: number }
  | { type: 'cancelled'; id: number }
  | { type: 'html'; id: number; html: string }
  | { type: 'error'; id: number; message: string };
