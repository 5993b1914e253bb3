/** Shared helpers for the integration tests: the extension's API, fixtures, polling with timeouts. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StabilityLensApi } from '../../src/extension';

export const EXTENSION_ID = 'stability-lens.stability-lens';
export const SOURCE = 'Stability Lens';

export async function api(): Promise<StabilityLensApi> {
  const ext = vscode.extensions.getExtension<StabilityLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixtures folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Waits until the service holds a finished analysis of the document's current version. */
export async function analysed(doc: vscode.TextDocument, timeoutMs = 30_000) {
  const { service } = await api();
  return waitFor(`analysis of ${doc.uri.path}@${doc.version}`, () => {
    const e = service.getCurrent(doc);
    return e && !e.simulationPending && !service.isBusy(doc.uri) ? e : undefined;
  }, timeoutMs);
}

/** Puts every modified document back to its text on disk (saved), then closes all editors. */
export async function closeAll(): Promise<void> {
  await revertAll();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Reverts every dirty document to its saved text, deterministically (a full-text edit, then save). */
export async function revertAll(): Promise<void> {
  for (const d of vscode.workspace.textDocuments) {
    if (!d.isDirty || d.uri.scheme !== 'file') continue;
    const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(d.uri));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(d.uri, new vscode.Range(0, 0, d.lineCount, 0), disk);
    await vscode.workspace.applyEdit(edit);
    await d.save();
  }
}
