/**
 * Messages between the extension host (src/vscode/reportPanel.ts) and the report webview (webview/).
 * Plain serializable data. The webview starts with `ready`; the host answers with the current report.
 * Every incoming message is validated in both directions (parseHostMessage / parseWebviewMessage); a message
 * of the wrong shape is ignored and logged.
 */
import type { AnalysisReport } from '../core/report/types';
import type { Span } from '../core/graph/types';
import type { DiffHunk } from '../core/report/diff';
import { analysisReport, arr, bool, int, isPlainObject, num, obj, oneOf, opt, record, span, str, validate, type Check } from './validate';

export const PROTOCOL_VERSION = 1;

// ------------------------------------------------------------------------------------------- host -> webview

/** Diff hunks per fix, keyed by fixKey(fileIndex, modelIndex, findingIndex, fixIndex). */
export type DiffMap = { [fixKey: string]: DiffHunk[] };

export interface ReportMessage {
  type: 'report';
  report: AnalysisReport;
  /** The document the report belongs to (a string URI), when it comes from an editor. */
  uri?: string;
  /** True while a newer analysis is running (the report shown may be a version behind). */
  stale?: boolean;
  /** Whether fixes can be applied (the document is open and its version matches). */
  canApplyFixes?: boolean;
  diffs?: DiffMap;
}

export interface EmptyMessage {
  type: 'empty';
  /** Why there is nothing to show, in user words. */
  reason: string;
}

export interface StatusMessage {
  type: 'status';
  state: 'analyzing' | 'idle' | 'error';
  message?: string;
}

/** Asks the webview to select a layer (e.g. the editor cursor moved onto it). */
export interface SelectLayerMessage {
  type: 'selectLayer';
  model: string;
  nodeId: string;
  /** Act as if the user clicked the layer's row: select it and reveal its code (a `revealSpan` comes back). */
  activate?: boolean;
}

export type HostMessage = ReportMessage | EmptyMessage | StatusMessage | SelectLayerMessage;

// ------------------------------------------------------------------------------------------- webview -> host

export interface ReadyMessage {
  type: 'ready';
  protocol: number;
}

export interface RevealSpanMessage {
  type: 'revealSpan';
  span: Span;
}

/** Identifies a fix in the report the webview was given; the host re-checks it against its latest report. */
export interface ApplyFixMessage {
  type: 'applyFix';
  path: string;
  model: string;
  findingIndex: number;
  fixIndex: number;
  ruleId: string;
  title: string;
}

export interface RequestAnalysisMessage {
  type: 'requestAnalysis';
  profile: 'full' | 'interactive';
}

export interface LogMessage {
  type: 'log';
  level: 'error' | 'warn' | 'info';
  message: string;
}

export type WebviewMessage = ReadyMessage | RevealSpanMessage | ApplyFixMessage | RequestAnalysisMessage | LogMessage;

// ------------------------------------------------------------------------------------------- state

/** What the webview keeps across reloads and VS Code restarts (vscode.setState / the panel serializer). */
export interface ViewState {
  /** The document shown, so the serializer can reattach after a restart. */
  uri?: string;
  /** The file (FileReport.path) and model (ModelReport.name) selected. */
  file?: string;
  model?: string;
  /** The selected layer's node id. */
  selected?: string;
  /** Repeated blocks the user expanded or collapsed (keys: model + first node id), against the default. */
  toggled: string[];
  /** Plot series hidden through the legend ('model' or a WhatIf fix kind). */
  hidden: string[];
  /** Index (in display order) of the finding whose layers are highlighted. */
  activeFinding?: number;
  explainerOpen: boolean;
  scrollY: number;
}

export function defaultViewState(): ViewState {
  return { toggled: [], hidden: [], explainerOpen: false, scrollY: 0 };
}

// ------------------------------------------------------------------------------------------- validation

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

const MAX_TEXT = 10_000;
const shortStr: Check = (v, at, e) => {
  str(v, at, e);
  if (typeof v === 'string' && v.length > MAX_TEXT && e.length < 8) e.push(`${at}: longer than ${MAX_TEXT} characters`);
};

const diffLine = obj({ kind: oneOf('context', 'add', 'del'), line: int, text: str });
const diffMap = record(arr(obj({ oldStart: int, lines: arr(diffLine), note: opt(str) })));

const hostChecks: { [K in HostMessage['type']]: Check } = {
  report: obj({ type: str, report: analysisReport, uri: opt(str), stale: opt(bool), canApplyFixes: opt(bool), diffs: opt(diffMap) }),
  empty: obj({ type: str, reason: shortStr }),
  status: obj({ type: str, state: oneOf('analyzing', 'idle', 'error'), message: opt(shortStr) }),
  selectLayer: obj({ type: str, model: shortStr, nodeId: shortStr, activate: opt(bool) }),
};

const webviewChecks: { [K in WebviewMessage['type']]: Check } = {
  ready: obj({ type: str, protocol: num }),
  revealSpan: obj({ type: str, span }),
  applyFix: obj({ type: str, path: shortStr, model: shortStr, findingIndex: int, fixIndex: int, ruleId: shortStr, title: shortStr }),
  requestAnalysis: obj({ type: str, profile: oneOf('full', 'interactive') }),
  log: obj({ type: str, level: oneOf('error', 'warn', 'info'), message: shortStr }),
};

function parseWith<T extends { type: string }>(checks: { [k: string]: Check }, v: unknown, side: string): Parsed<T> {
  if (!isPlainObject(v) || typeof v.type !== 'string') return { ok: false, error: `${side} message without a string "type"` };
  if (!Object.prototype.hasOwnProperty.call(checks, v.type)) return { ok: false, error: `unknown ${side} message type "${v.type.slice(0, 40)}"` };
  const errs = validate(checks[v.type], v, v.type);
  if (errs.length) return { ok: false, error: `malformed ${side} message: ${errs.join('; ')}` };
  return { ok: true, message: v as T };
}

/** Validates a message the webview received from the extension host. */
export function parseHostMessage(v: unknown): Parsed<HostMessage> {
  return parseWith<HostMessage>(hostChecks, v, 'host');
}

/** Validates a message the extension host received from the webview. */
export function parseWebviewMessage(v: unknown): Parsed<WebviewMessage> {
  return parseWith<WebviewMessage>(webviewChecks, v, 'webview');
}

const viewStateCheck = obj({
  uri: opt(str),
  file: opt(str),
  model: opt(str),
  selected: opt(str),
  toggled: arr(str, 10_000),
  hidden: arr(str, 100),
  activeFinding: opt(int),
  explainerOpen: bool,
  scrollY: num,
});

/** A saved view state (from getState or the serializer), or the default when it is missing or malformed. */
export function parseViewState(v: unknown): ViewState {
  if (validate(viewStateCheck, v).length === 0) return v as ViewState;
  return defaultViewState();
}

/** A diff map (from the HTML export's embedded data), or none when malformed. */
export function parseDiffMap(v: unknown): DiffMap {
  return v !== undefined && validate(diffMap, v).length === 0 ? (v as DiffMap) : {};
}

/** Exhaustiveness helper for `switch (msg.type)`. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
