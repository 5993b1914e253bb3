/**
 * Entry of the report bundle (dist/webview.js). Two hosts:
 * - VS Code: `acquireVsCodeApi()` exists; state comes from getState(), reports arrive as messages after `ready`.
 * - The standalone HTML export: the report is embedded as JSON in <script type="application/json"
 *   id="stability-lens-data">, parsed and validated here; nothing is fetched.
 */
import { parseDiffMap, parseViewState, type ViewState, type WebviewMessage } from '../src/protocol/messages';
import { validateReport } from '../src/protocol/validate';
import type { AnalysisReport } from '../src/core/report/types';
import { App, type Host } from './app';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function boot(): void {
  const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    const host: Host = {
      kind: 'vscode',
      post: (msg: WebviewMessage) => api.postMessage(msg),
      saveState: (s: ViewState) => api.setState(s),
      log: (level, message) => api.postMessage({ type: 'log', level, message: message.slice(0, 2000) }),
    };
    const state = parseViewState(api.getState());
    const app = new App(document, root, host, state);
    window.addEventListener('message', (ev: MessageEvent) => app.handle(ev.data));
    app.start();
    return;
  }
  const host: Host = {
    kind: 'html',
    post: () => undefined,
    saveState: () => undefined,
    log: (level, message) => (level === 'error' ? console.error(message) : console.warn(message)),
  };
  const app = new App(document, root, host);
  const dataEl = document.getElementById('stability-lens-data');
  let payload: unknown;
  try {
    payload = JSON.parse(dataEl?.textContent ?? 'null');
  } catch {
    payload = null;
  }
  const p = payload as { report?: unknown; diffs?: unknown } | null;
  const errors = validateReport(p?.report);
  if (errors.length) {
    app.start();
    host.log('error', `the embedded report is malformed: ${errors.join('; ')}`);
    return;
  }
  app.setReport(p?.report as AnalysisReport, { canApplyFixes: false, diffs: parseDiffMap(p?.diffs) });
  app.start();
}

boot();
