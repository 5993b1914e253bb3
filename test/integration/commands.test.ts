import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/vscode/commands';
import type { AnalyzeResult } from '../../src/vscode/commandHandlers';
import { analysed, api, closeAll, codeOf, fixtureUri, open, ours, waitFor } from './helpers';

describe('commands', () => {
  afterEach(closeAll);

  it('Analyze Current File analyses the active file with the full profile', async () => {
    const editor = await open('deep_mlp.ts');
    const r = await vscode.commands.executeCommand<AnalyzeResult>(COMMANDS.analyzeFile);
    assert.equal(r?.models, 1);
    assert.ok((r?.findings ?? 0) >= 3);
    const entry = (await api()).service.get(editor.document.uri);
    assert.equal(entry?.profile, 'full');
  });

  it('Analyze Workspace fills the Problems panel for files that are not open', async () => {
    const r = await vscode.commands.executeCommand<{ files: number; analysed: number; models: number; findings: number; cancelled: boolean }>(COMMANDS.analyzeWorkspace);
    assert.ok(r);
    assert.equal(r.cancelled, false);
    assert.ok(r.files >= 9, `files ${r.files}`);
    assert.ok(r.models >= 8, `models ${r.models}`);
    assert.ok(r.findings >= 10, `findings ${r.findings}`);
    assert.ok(ours(fixtureUri('loop_stack.ts')).some((d) => codeOf(d) === 'deep-plain-stack'));
    assert.ok(ours(fixtureUri('model.json')).length > 0);
    assert.equal(ours(fixtureUri('plain_helpers.ts')).length, 0);
  });

  it('Show Stability Report shows the report of the active file', async () => {
    await open('post_ln.ts');
    const shown = await vscode.commands.executeCommand<unknown>(COMMANDS.showReport);
    assert.ok(shown, 'the report was shown');
    if (typeof shown === 'string') {
      assert.match(shown, /Model 'buildPostLn'/);
      assert.match(shown, /post-ln-deep/);
    }
  });

  it('Export Report as HTML... writes a self-contained HTML file', async () => {
    const editor = await open('deep_mlp.ts');
    const target = vscode.Uri.joinPath(fixtureUri('.'), 'exported-report.html');
    const written = await vscode.commands.executeCommand<string>(COMMANDS.exportHtml, editor.document.uri, target);
    assert.equal(written, target.toString());
    const html = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(html, /<!doctype html>/i);
    assert.match(html, /deep-plain-stack/);
    assert.ok(!/<script[^>]+src=["']?https?:/i.test(html), 'nothing fetched from the network');
    await vscode.workspace.fs.delete(target);
  });

  it('Rerun Simulation with Seed... reruns with that seed', async () => {
    const editor = await open('add_chain.ts');
    await analysed(editor.document);
    const r = await vscode.commands.executeCommand<AnalyzeResult>(COMMANDS.rerunWithSeed, editor.document.uri, 7);
    assert.equal(r?.models, 1);
    const entry = (await api()).service.get(editor.document.uri);
    assert.equal(entry?.seed, 7);
    assert.equal(entry?.profile, 'full');
    const sim = entry?.report.models[0].simulation;
    if (sim) assert.equal(sim.seed, 7);
    // later live runs keep the seed for this document
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// seeded\n'));
    const again = await analysed(editor.document);
    assert.equal(again.seed, 7);
  });

  it('Toggle Live Analysis turns analysis while typing off and on', async () => {
    const { service } = await api();
    const editor = await open('functional_chain.ts');
    await analysed(editor.document);
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>(COMMANDS.toggleLiveAnalysis), false);
      assert.equal(service.settings.analysis.live, false);
      const before = service.analysesStarted;
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// typing\n'));
      assert.equal(service.isBusy(editor.document.uri), false, 'nothing scheduled while live analysis is off');
      assert.equal(service.analysesStarted, before);
      // saving still analyses
      await editor.document.save();
      await analysed(editor.document);
      assert.equal(service.analysesStarted, before + 1);
    } finally {
      assert.equal(await vscode.commands.executeCommand<boolean>(COMMANDS.toggleLiveAnalysis), true);
    }
    await editor.edit((b) => b.delete(new vscode.Range(0, 0, 1, 0)));
    await waitFor('live analysis again', () => service.isBusy(editor.document.uri));
    await editor.document.save();
  });

  it('Apply Fix (used by the report) applies a finding fix by id', async () => {
    const editor = await open('deep_mlp.ts');
    const entry = await analysed(editor.document);
    const fi = entry.report.models[0].findings.findIndex((f) => f.ruleId === 'init-activation-mismatch');
    assert.ok(fi >= 0);
    assert.equal(await vscode.commands.executeCommand<boolean>(COMMANDS.applyFix, editor.document.uri, `0.${fi}.0`), true);
    const after = await analysed(editor.document);
    assert.ok(!after.report.models[0].findings.some((f) => f.ruleId === 'init-activation-mismatch'));
  });

  it('Reveal Layer in Editor (used by the report) selects a layer span', async () => {
    const editor = await open('loop_stack.ts');
    const entry = await analysed(editor.document);
    const layer = entry.report.models[0].layers.find((l) => l.className === 'Dense' && l.span);
    assert.ok(layer?.span);
    await open('deep_mlp.ts');
    await vscode.commands.executeCommand(COMMANDS.revealSpan, layer.span);
    const active = vscode.window.activeTextEditor;
    assert.equal(active?.document.uri.toString(), editor.document.uri.toString());
    assert.deepEqual(
      [active!.selection.start.line, active!.selection.start.character, active!.selection.end.line, active!.selection.end.character],
      [layer.span.start.line, layer.span.start.character, layer.span.end.line, layer.span.end.character],
    );
  });
});
