/**
 * The report webview's HTML page, the fix diffs it is sent and the handling of its messages: pure (no vscode
 * import), so unit tests cover the Content-Security-Policy, the diffs and the message validation;
 * reportPanel.ts supplies the webview's URIs and cspSource and the handlers.
 */
import type { AnalysisReport, FileReport } from '../core/report/types';
import type { Span } from '../core/graph/types';
import { fixKey, fixToHunks } from '../core/report/diff';
import { assertNever, parseWebviewMessage, type ApplyFixMessage, type DiffMap, type WebviewMessage } from '../protocol/messages';

/** 32 characters from [A-Za-z0-9], from a cryptographic source when there is one. */
export function makeNonce(random: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => chars[b % chars.length]).join('');
}

export interface PageParts {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview.js) and (media/report.css), as strings. */
  scriptUri: string;
  cssUri: string;
  /** A fresh one per page when not given (tests pass a fixed one). */
  nonce?: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function reportCsp(p: { cspSource: string; nonce: string }): string {
  return [`default-src 'none'`, `script-src 'nonce-${p.nonce}'`, `style-src ${p.cspSource} 'nonce-${p.nonce}'`, `img-src ${p.cspSource} data:`].join('; ');
}

/** The page: strict CSP with a nonce; the bundle and the stylesheet only (the report arrives by message). */
export function reportPageHtml(parts: PageParts): string {
  const p = { ...parts, nonce: parts.nonce ?? makeNonce() };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(reportCsp(p))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${attr(p.nonce)}" href="${attr(p.cssUri)}">
<title>Stability Report</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>`;
}

/** The diff of every fix against the document text (file index 0: the panel shows one file). */
export function documentDiffs(report: AnalysisReport, text: string): DiffMap {
  const out: DiffMap = {};
  const file = report.files[0];
  if (!file) return out;
  file.models.forEach((m, mi) =>
    m.findings.forEach((f, fi) =>
      f.fixes.forEach((fix, xi) => {
        if (fix.edits.length && fix.edits.every((e) => e.span.file === file.path)) out[fixKey(0, mi, fi, xi)] = fixToHunks(fix, text);
      }),
    ),
  );
  return out;
}

/** What the panel does with each valid message from the webview. */
export interface WebviewMessageHandlers {
  /** Every valid message, before its own handler. */
  accepted(msg: WebviewMessage): void;
  ready(): void;
  revealSpan(span: Span): void;
  applyFix(msg: ApplyFixMessage): void;
  requestAnalysis(): void;
  log(level: 'error' | 'warn' | 'info', message: string): void;
}

/**
 * Validates a message from the webview and hands it to its handler. A message of the wrong shape reaches no
 * handler: it is ignored and logged as a warning (the result is then undefined).
 */
export function receiveWebviewMessage(raw: unknown, warn: (message: string) => void, on: WebviewMessageHandlers): WebviewMessage | undefined {
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    warn(`report panel: ignored a message from the webview: ${parsed.error}`);
    return undefined;
  }
  const msg = parsed.message;
  on.accepted(msg);
  switch (msg.type) {
    case 'ready':
      on.ready();
      break;
    case 'revealSpan':
      on.revealSpan(msg.span);
      break;
    case 'applyFix':
      on.applyFix(msg);
      break;
    case 'requestAnalysis':
      on.requestAnalysis();
      break;
    case 'log':
      on.log(msg.level, msg.message);
      break;
    default:
      assertNever(msg);
  }
  return msg;
}

/** Whether the webview may reveal a span: only in the report's own file or a file its layers come from. */
export function isRevealable(entry: { path: string; report: FileReport }, span: Span): boolean {
  const known = new Set<string>([entry.path]);
  for (const m of entry.report.models) for (const l of m.layers) if (l.span) known.add(l.span.file);
  return known.has(span.file);
}
