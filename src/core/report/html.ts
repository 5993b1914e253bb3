// STUB (owned by the report work): a self-contained HTML report (no network; works from file://).
import type { AnalysisReport } from './types';

export interface HtmlOptions {
  /** The built webview bundle's JavaScript (dist/webview.js), inlined into the page. */
  script: string;
  /** The report stylesheet (media/report.css), inlined. */
  css?: string;
  title?: string;
}

export function renderHtmlReport(report: AnalysisReport, opts: HtmlOptions): string {
  void opts;
  return `<!doctype html><meta charset="utf-8"><title>Stability Lens report</title><pre>${JSON.stringify(report).replace(/</g, '\\u003c')}</pre>`;
}
