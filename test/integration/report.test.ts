/** The report webview in a real VS Code: it opens, receives the report, and a click on a layer reveals its code. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/vscode/commands';
import { analysed, api, open, waitFor } from './helpers';

describe('report panel', function () {
  this.timeout(90_000);

  it('opens beside the editor, says ready, and receives the report of the active file', async () => {
    const editor = await open('deep_mlp.ts');
    const { reportPanel } = await api();
    const shown = await vscode.commands.executeCommand<{ uri?: string; panel?: boolean }>(COMMANDS.showReport, editor.document.uri);
    assert.equal(shown?.panel, true);
    await waitFor('the webview handshake', () => reportPanel.isReady && reportPanel.received.some((m) => m.type === 'ready'));
    await analysed(editor.document);
    await waitFor('a report posted to the webview', () => reportPanel.posted.includes('report'));
    assert.equal(reportPanel.documentUri?.toString(), editor.document.uri.toString());
    assert.ok(reportPanel.visible, 'the panel is visible');
  });

  it('a click on a layer row posts revealSpan and the editor selects that layer’s code', async () => {
    const editor = await open('deep_mlp.ts');
    const { reportPanel } = await api();
    await vscode.commands.executeCommand(COMMANDS.showReport, editor.document.uri);
    const entry = await analysed(editor.document);
    await waitFor('the webview ready', () => reportPanel.isReady);
    const model = entry.report.models[0];
    const layer = model.layers.filter((l) => l.kind === 'weighted' && l.span)[5];
    assert.ok(layer?.span, 'a Dense layer with a source span');
    // Move the cursor away first, so the check below sees the reveal.
    const ed = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    ed.selection = new vscode.Selection(0, 0, 0, 0);
    const before = reportPanel.received.filter((m) => m.type === 'revealSpan').length;
    // The webview clicks the row itself (its real click handler), as a user would.
    await reportPanel.post({ type: 'selectLayer', model: model.name, nodeId: layer.id, activate: true });
    const msg = await waitFor('revealSpan from the webview', () => reportPanel.received.filter((m) => m.type === 'revealSpan')[before]);
    assert.deepEqual(msg.type === 'revealSpan' ? msg.span : undefined, layer.span);
    const span = layer.span;
    await waitFor('the editor selection on the layer', () => {
      const active = vscode.window.activeTextEditor;
      if (!active || active.document.uri.toString() !== editor.document.uri.toString()) return false;
      const s = active.selection;
      return s.start.line === span.start.line && s.start.character === span.start.character && s.end.line === span.end.line && s.end.character === span.end.character;
    });
  });

  it('follows the active editor to another file', async () => {
    const { reportPanel } = await api();
    const n = reportPanel.posted.length;
    const other = await open('post_ln.ts');
    await analysed(other.document);
    await waitFor('the panel on post_ln.ts', () => reportPanel.documentUri?.toString() === other.document.uri.toString());
    await waitFor('its report posted', () => reportPanel.posted.slice(n).includes('report'));
  });
});
