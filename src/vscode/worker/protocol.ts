/**
 * Messages between the extension host and the analysis worker thread (plain, structured-clone data).
 * The worker never imports 'vscode'; the host never imports the parser or the simulator.
 */
import type { AnalysisReport, FileReport } from '../../core/report/types';
import type { Part, SplitInfo } from './parts';

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

/** The host took a 'part' of request `id`'s next result: the worker sends the next part (parts.ts). */
export interface AckRequest {
  type: 'ack';
  id: number;
}

export type HostToWorker = AnalyzeRequest | CancelRequest | RenderHtmlRequest | AckRequest;

/** Per model index, per node id: the config keys the user wrote (the rest are tfjs defaults). */
export type WrittenKeys = { [nodeId: string]: string[] }[];

export type WorkerToHost =
  | { type: 'ready' }
  /** Items of the big arrays and objects of the next result (parts.ts); its `split` says where they go. */
  | { type: 'part'; id: number; part: Part }
  | {
      type: 'structural';
      id: number;
      report: FileReport;
      written: WrittenKeys;
      ms: number;
      split?: SplitInfo;
    }
  | { type: 'simulation'; id: number; report: FileReport; ms: number; split?: SplitInfo }
  | { type: 'done'; id: number }
  | { type: 'cancelled'; id: number }
  | { type: 'html'; id: number; html: string }
  | { type: 'error'; id: number; message: string };
