/**
 * The report webview's HTML page and the fix diffs it is sent: pure (no vscode import), so unit tests cover the
 * Content-Security-Policy and the diffs; reportPanel.ts supplies the webview's URIs and cspSource.
 */
import type { AnalysisReport } from '../core/report/types';
import { fixKey, fixToHunks } from '../core/report/diff';
import type { DiffMap } from '../protocol/messages';

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
  nonce: string;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function reportCsp(p: Pick<PageParts, 'cspSource' | 'nonce'>): string {
  return [`default-src 'none'`, `script-src 'nonce-${p.nonce}'`, `style-src ${p.cspSource} 'nonce-${p.nonce}'`, `img-src ${p.cspSource} data:`].join('; ');
}

/** The page: strict CSP with a nonce; the bundle and the stylesheet only (the report arrives by message). */
export function reportPageHtml(p: PageParts): string {
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
