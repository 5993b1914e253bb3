import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, SIMULATION_RULE_ID } from '../../src/vscode/convert';
import { analysed, api, closeAll, codeOf, fixtureUri, open, ours, waitFor } from './helpers';

/** Position of the n-th occurrence (0-based) of `needle` in the document. */
function positionOf(doc: vscode.TextDocument, needle: string, nth = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = doc.getText().indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' #${nth} not in ${doc.uri.path}`);
  }
  return doc.positionAt(at);
}

/** End of the call expression `tf.layers.dense({...})` starting at `start` (its closing parenthesis + 1). */
function endOfCall(doc: vscode.TextDocument, start: vscode.Position): vscode.Position {
  const text = doc.getText();
  let i = text.indexOf('(', doc.offsetAt(start));
  let depth = 0;
  for (; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) break;
  }
  return doc.positionAt(i + 1);
}

const docsBase = (): string => {
  const pkg = vscode.extensions.getExtension('stability-lens.stability-lens')!.packageJSON as { repository: { url: string } };
  return pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
};

describe('diagnostics', () => {
  afterEach(closeAll);

  it('appear on a deep plain MLP with the right ranges, codes, severities and related layers', async () => {
    const editor = await open('deep_mlp.ts');
    const doc = editor.document;
    const diags = await waitFor('three findings', () => {
      const d = ours(doc.uri);
      return d.filter((x) => codeOf(x) !== SIMULATION_RULE_ID).length >= 3 ? d : undefined;
    });
    const byCode = new Map(diags.map((d) => [codeOf(d), d]));
    const dps = byCode.get('deep-plain-stack');
    assert.ok(dps, `no deep-plain-stack in ${diags.map(codeOf).join(', ')}`);
    // the range covers the plain run: from the first dense call to the end of the last one
    const first = positionOf(doc, 'tf.layers.dense(', 0);
    const last = positionOf(doc, 'tf.layers.dense(', 11);
    assert.deepEqual([dps.range.start.line, dps.range.start.character], [first.line, first.character]);
    const end = endOfCall(doc, last);
    assert.deepEqual([dps.range.end.line, dps.range.end.character], [end.line, end.character]);
    assert.equal(dps.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(dps.source, DIAGNOSTIC_SOURCE);
    assert.ok(typeof dps.code === 'object');
    assert.equal(dps.code.target.toString(), vscode.Uri.parse(`${docsBase()}/blob/main/docs/rules/deep-plain-stack.md`).toString());
    assert.match(dps.message, /\d+/, 'the message carries the numbers');
    for (const r of dps.relatedInformation ?? []) {
      assert.equal(r.location.uri.toString(), doc.uri.toString());
      assert.ok(dps.range.contains(r.location.range), `related ${r.message} lies in the run`);
    }
    assert.equal(byCode.get('init-activation-mismatch')?.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(byCode.get('truncated-normal-variance')?.severity, vscode.DiagnosticSeverity.Information);
  });

  it('report the simulation verdict on the model when the worker returns: Error when float32 overflows', async function () {
    const editor = await open('exploding.ts');
    const entry = await analysed(editor.document);
    const sim = entry.report.models[0]?.simulation;
    if (!sim) this.skip(); // the simulator has not landed in this build
    const d = await waitFor('the simulation diagnostic', () => ours(editor.document.uri).find((x) => codeOf(x) === SIMULATION_RULE_ID));
    assert.equal(d.severity, sim.float32Limit ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    assert.ok(sim.float32Limit, `expected a float32 overflow, got ${sim.verdict} (${sim.reason})`);
    const modelSpan = entry.report.models[0].span;
    assert.equal(d.range.start.line, modelSpan.start.line);
    assert.match(d.message, /diverges|overflow/);
  });

  it('appear on a model.json topology', async () => {
    const editor = await open('model.json');
    const d = await waitFor('deep-plain-stack on model.json', () => ours(editor.document.uri).find((x) => codeOf(x) === 'deep-plain-stack'));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(d.range.start.line > 0);
  });

  it('show a finding once when two models of the file share it (one builder, two models)', async () => {
    const editor = await open('two_towers.ts');
    const entry = await analysed(editor.document);
    assert.deepEqual(
      entry.report.models.map((m) => m.name),
      ['online', 'target'],
    );
    assert.ok(entry.report.models.every((m) => m.findings.some((f) => f.ruleId === 'deep-plain-stack')));
    await waitFor('deep-plain-stack on two_towers.ts', () => ours(editor.document.uri).find((x) => codeOf(x) === 'deep-plain-stack'));
    assert.equal(ours(editor.document.uri).filter((x) => codeOf(x) === 'deep-plain-stack').length, 1);
  });

  it('honour the disable comments', async () => {
    const editor = await open('disabled.ts');
    const entry = await analysed(editor.document);
    assert.equal(entry.report.models.length, 1, 'the model is analysed');
    assert.ok(entry.report.models[0].summary.maxPlainRun >= 8, 'it is a deep plain stack');
    assert.ok(!ours(editor.document.uri).some((d) => codeOf(d) === 'deep-plain-stack'));
  });

  it('update when the file is edited, and come back on undo', async () => {
    const editor = await open('deep_mlp.ts');
    const doc = editor.document;
    await waitFor('deep-plain-stack', () => ours(doc.uri).some((d) => codeOf(d) === 'deep-plain-stack'));
    // keep two hidden layers: delete the 3rd..11th dense lines
    const from = positionOf(doc, 'tf.layers.dense(', 2);
    const to = positionOf(doc, 'tf.layers.dense(', 11);
    await editor.edit((b) => b.delete(new vscode.Range(from.line, 0, to.line, 0)));
    await waitFor('deep-plain-stack to go', () => !ours(doc.uri).some((d) => codeOf(d) === 'deep-plain-stack'));
    const entry = await analysed(doc);
    assert.equal(entry.report.models[0].summary.weightedLayers, 3);
    await vscode.commands.executeCommand('undo');
    await waitFor('deep-plain-stack to return', () => ours(doc.uri).some((d) => codeOf(d) === 'deep-plain-stack'));
    assert.equal(doc.isDirty, false);
  });

  it('say where a model was cut by a limit (an Information diagnostic on the loop)', async () => {
    const editor = await open('limit_hit.ts');
    const doc = editor.document;
    await analysed(doc);
    const limit = await waitFor('the limit diagnostic', () => ours(doc.uri).find((d) => codeOf(d) === 'analysis-limit'));
    assert.equal(limit.severity, vscode.DiagnosticSeverity.Information);
    assert.match(limit.message, /limit maxLoopIterations/);
    assert.match(limit.message, /everything before and after the loop is analysed/);
    assert.equal(limit.range.start.line, positionOf(doc, 'for (let i').line, 'on the loop');
  });

  it('are cleared when the document closes', async () => {
    const editor = await open('functional_chain.ts');
    const uri = editor.document.uri;
    await waitFor('diagnostics', () => ours(uri).length > 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('diagnostics to clear', () => ours(uri).length === 0);
    assert.equal((await api()).service.get(uri), undefined);
  });

  it('respect the include/exclude globs', async () => {
    const { service } = await api();
    const config = vscode.workspace.getConfiguration('stabilityLens');
    await config.update('analysis.exclude', ['**/add_chain.ts'], vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the setting', () => service.settings.analysis.exclude.includes('**/add_chain.ts'));
      const editor = await open('add_chain.ts');
      assert.equal(service.inScope(editor.document), false);
      const before = service.analysesStarted;
      assert.equal(await service.analyzeDocument(editor.document), undefined);
      assert.equal(service.analysesStarted, before);
      assert.equal(ours(editor.document.uri).length, 0);
    } finally {
      await config.update('analysis.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const doc = await vscode.workspace.openTextDocument(fixtureUri('add_chain.ts'));
    await waitFor('the setting reset', () => service.inScope(doc));
    await vscode.commands.executeCommand('stabilityLens.analyzeFile', doc.uri);
    await waitFor('diagnostics once included again', () => ours(doc.uri).length > 0);
  });
});
