import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/vscode/commands';
import { api, closeAll, EXTENSION_ID, open, waitFor } from './helpers';

describe('activation', () => {
  it('activates on a TypeScript file and registers every command', async () => {
    await open('plain_helpers.ts');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await waitFor('activation', () => ext.isActive);
    const all = await vscode.commands.getCommands(true);
    for (const id of Object.values(COMMANDS)) assert.ok(all.includes(id), id);
  });

  it('runs in Restricted Mode when the workspace is not trusted (it never executes workspace code)', async function () {
    if (process.env.STABILITY_LENS_EXPECT_UNTRUSTED !== '1') this.skip();
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok((await api()).service);
  });

  it('files that never mention tfjs cost a text check and nothing more', async () => {
    const { service } = await api();
    const editor = await open('plain_helpers.ts');
    const before = service.analysesStarted;
    assert.equal(service.isCandidate(editor.document), false);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// an edit\n'));
    await waitFor('the edit to be scheduled', () => service.isBusy(editor.document.uri));
    await waitFor('the debounce to pass', () => !service.isBusy(editor.document.uri));
    assert.equal(service.analysesStarted, before, 'no analysis may start');
    assert.equal(service.get(editor.document.uri), undefined);
    await closeAll();
  });
});
