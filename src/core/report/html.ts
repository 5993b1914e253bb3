/**
 * The standalone HTML report: one self-contained file (inline script and CSS pinned by sha256 hashes in a
 * Content-Security-Policy, the report embedded as inert JSON data) that works from file:// with no network.
 * Used by the CLI (`--format html`) and the Export command. The page runs the same renderer as the webview.
 */
import { createHash } from 'node:crypto';
import type { AnalysisReport } from './types';
import { fixKey, fixToHunks, type DiffHunk } from './diff';

export interface HtmlOptions {
  /** The built webview bundle's JavaScript (dist/webview.js), inlined into the page. */
  script: string;
  /** The report stylesheet (media/report.css), inlined. */
  css?: string;
  title?: string;
  /**
   * Source text per FileReport.path, when the caller has it: fixes are then shown as real diffs with context.
   * Without it, each edit shows the text it inserts and where.
   */
  sources?: { [path: string]: string };
}

/**
 * The --vscode-* variables media/report.css reads, for a light and a dark look (prefers-color-scheme), close to
 * VS Code's default Light Modern / Dark Modern themes.
 */
export const EXPORT_THEME_CSS = `
:root {
  color-scheme: light dark;
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, "Noto Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  --vscode-foreground: #3b3b3b;
  --vscode-descriptionForeground: #5f5f5f;
  --vscode-editor-background: #ffffff;
  --vscode-editorWidget-background: #f8f8f8;
  --vscode-textCodeBlock-background: #f0f0f0;
  --vscode-widget-border: #e0e0e0;
  --vscode-panel-border: #e5e5e5;
  --vscode-focusBorder: #005fb8;
  --vscode-textLink-foreground: #005fb8;
  --vscode-textLink-activeForeground: #004a8f;
  --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #0258a8;
  --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-button-secondaryHoverBackground: #cccccc;
  --vscode-badge-background: #cccccc;
  --vscode-badge-foreground: #3b3b3b;
  --vscode-dropdown-background: #ffffff;
  --vscode-dropdown-foreground: #3b3b3b;
  --vscode-dropdown-border: #cecece;
  --vscode-list-hoverBackground: #f2f2f2;
  --vscode-list-activeSelectionBackground: #e8e8e8;
  --vscode-list-activeSelectionForeground: #000000;
  --vscode-list-focusOutline: #005fb8;
  --vscode-errorForeground: #f85149;
  --vscode-editorError-foreground: #e51400;
  --vscode-editorWarning-foreground: #bf8803;
  --vscode-editorInfo-foreground: #1a85ff;
  --vscode-testing-iconPassed: #388a34;
  --vscode-charts-foreground: #616161;
  --vscode-charts-lines: #61616180;
  --vscode-charts-red: #e51400;
  --vscode-charts-blue: #1a85ff;
  --vscode-charts-yellow: #bf8803;
  --vscode-charts-orange: #d18616;
  --vscode-charts-green: #388a34;
  --vscode-charts-purple: #652d90;
  --vscode-editorHoverWidget-background: #f8f8f8;
  --vscode-editorHoverWidget-foreground: #3b3b3b;
  --vscode-editorHoverWidget-border: #c8c8c8;
  --vscode-editorLineNumber-foreground: #6e7681;
  --vscode-diffEditor-insertedLineBackground: #9bb95533;
  --vscode-diffEditor-removedLineBackground: #ff000033;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc;
    --vscode-descriptionForeground: #9d9d9d;
    --vscode-editor-background: #1f1f1f;
    --vscode-editorWidget-background: #202020;
    --vscode-textCodeBlock-background: #2b2b2b;
    --vscode-widget-border: #313131;
    --vscode-panel-border: #2b2b2b;
    --vscode-focusBorder: #0078d4;
    --vscode-textLink-foreground: #4daafc;
    --vscode-textLink-activeForeground: #4daafc;
    --vscode-button-background: #0078d4;
    --vscode-button-foreground: #ffffff;
    --vscode-button-hoverBackground: #026ec1;
    --vscode-button-secondaryBackground: #313131;
    --vscode-button-secondaryForeground: #cccccc;
    --vscode-button-secondaryHoverBackground: #3c3c3c;
    --vscode-badge-background: #616161;
    --vscode-badge-foreground: #f8f8f8;
    --vscode-dropdown-background: #313131;
    --vscode-dropdown-foreground: #cccccc;
    --vscode-dropdown-border: #3c3c3c;
    --vscode-list-hoverBackground: #2a2d2e;
    --vscode-list-activeSelectionBackground: #04395e;
    --vscode-list-activeSelectionForeground: #ffffff;
    --vscode-list-focusOutline: #0078d4;
    --vscode-errorForeground: #f85149;
    --vscode-editorError-foreground: #f14c4c;
    --vscode-editorWarning-foreground: #cca700;
    --vscode-editorInfo-foreground: #3794ff;
    --vscode-testing-iconPassed: #73c991;
    --vscode-charts-foreground: #cccccc;
    --vscode-charts-lines: #cccccc80;
    --vscode-charts-red: #f14c4c;
    --vscode-charts-blue: #3794ff;
    --vscode-charts-yellow: #cca700;
    --vscode-charts-orange: #d18616;
    --vscode-charts-green: #89d185;
    --vscode-charts-purple: #b180d7;
    --vscode-editorHoverWidget-background: #202020;
    --vscode-editorHoverWidget-foreground: #cccccc;
    --vscode-editorHoverWidget-border: #454545;
    --vscode-editorLineNumber-foreground: #6e7681;
    --vscode-diffEditor-insertedLineBackground: #9bb95526;
    --vscode-diffEditor-removedLineBackground: #ff000026;
  }
}
`;

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * JSON that is safe inside <script type="application/json">: no `<`, `>` or `&` (so neither `</script>` nor
 * `<!--` can appear) and no U+2028/U+2029. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** Diff hunks for every fix of the report, from the sources the caller has. */
export function reportDiffs(report: AnalysisReport, sources: { [path: string]: string }): { [key: string]: DiffHunk[] } {
  const out: { [key: string]: DiffHunk[] } = {};
  report.files.forEach((file, fi) => {
    const src = sources[file.path];
    if (src === undefined) return;
    file.models.forEach((m, mi) =>
      m.findings.forEach((f, ki) =>
        f.fixes.forEach((fix, xi) => {
          if (fix.edits.length && fix.edits.every((e) => e.span.file === file.path || e.span.file === '')) out[fixKey(fi, mi, ki, xi)] = fixToHunks(fix, src);
        }),
      ),
    );
  });
  return out;
}

export function renderHtmlReport(report: AnalysisReport, opts: HtmlOptions): string {
  const title = opts.title ?? (report.files.length === 1 ? `Stability report: ${report.files[0].path}` : 'Stability report');
  // Inline content must not close its own element early.
  const script = opts.script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  const css = (EXPORT_THEME_CSS + '\n' + (opts.css ?? '')).replace(/<\//g, '<\\/');
  const data = jsonForScript({ report, diffs: opts.sources ? reportDiffs(report, opts.sources) : {} });
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script)}'`,
    `style-src 'sha256-${sha256(css)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<meta name="generator" content="${escapeHtml(`${report.tool.name} ${report.tool.version}`)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<div id="root"><noscript>This report needs JavaScript to draw its plots and layer graph.</noscript></div>',
    `<script type="application/json" id="stability-lens-data">${data}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
