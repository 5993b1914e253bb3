import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/vscode/commands';
import { analysed, api, closeAll, open, waitFor } from './helpers';

const text = (c: vscode.MarkdownString | vscode.MarkedString): string => (typeof c === 'string' ? c : c.value);

describe('CodeLens and hover', () => {
  afterEach(closeAll);

  it('a CodeLens above each model: weighted layers, output scale, Show report', async () => {
    const editor = await open('deep_mlp.ts');
    const entry = await analysed(editor.document);
    const lenses = await waitFor('a resolved CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      const mine = (l ?? []).filter((x) => x.command?.command === COMMANDS.showReport);
      return mine.length > 0 ? mine : undefined;
    });
    assert.equal(lenses.length, entry.report.models.length);
    const lens = lenses[0];
    assert.equal(lens.range.start.line, entry.report.models[0].span.start.line);
    assert.match(lens.command!.title, /^Stability Lens: 12 weighted layers · /);
    assert.match(lens.command!.title, / · Show report$/);
    if (entry.report.models[0].simulation) assert.match(lens.command!.title, /activations ×\S+ at output/);
  });

  it('the CodeLens setting turns it off', async () => {
    const editor = await open('deep_mlp.ts');
    await analysed(editor.document);
    const config = vscode.workspace.getConfiguration('stabilityLens');
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      const { service } = await api();
      await waitFor('the setting', () => !service.settings.codeLens.enabled);
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      assert.equal((l ?? []).filter((x) => x.command?.command === COMMANDS.showReport).length, 0);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('hover on a layer factory call shows its resolved config with tfjs defaults marked', async () => {
    const editor = await open('deep_mlp.ts');
    const entry = await analysed(editor.document);
    const at = editor.document.positionAt(editor.document.getText().indexOf("tf.layers.dense({ units: 256, activation: 'relu' })") + 12);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at);
    const md = (hovers ?? []).flatMap((h) => h.contents.map(text)).find((t) => t.includes('**Dense**'));
    assert.ok(md, 'our hover is there');
    assert.match(md, /\| units \| `256` \| {2}\|/);
    assert.match(md, /\| activation \| `'relu'` \| {2}\|/);
    assert.match(md, /\| kernelInitializer \| `glorotNormal` \| \*tfjs default\* \|/);
    if (entry.report.models[0].simulation) assert.match(md, /forward RMS \*\*[^*]+\*\* · gradient RMS \*\*[^*]+\*\*/);
    else assert.match(md, /Not simulated yet/);
  });

  it('no hover away from layer calls', async () => {
    const editor = await open('deep_mlp.ts');
    await analysed(editor.document);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 3));
    assert.ok(!(hovers ?? []).some((h) => h.contents.map(text).some((t) => t.includes('**Dense**'))));
  });
});
