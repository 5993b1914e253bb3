import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Finding } from '../../src/core/rules/types';
import type { AnalysisEntry } from '../../src/vscode/analysisService';
import { analysed, closeAll, codeOf, open, ours, waitFor } from './helpers';

/**
 * The quick fixes offered for a diagnostic that belong to its finding: the finding's data fixes and the
 * disable action. (vscode.executeCodeActionProvider does not return CodeAction.diagnostics: match by title.)
 */
async function fixesFor(doc: vscode.TextDocument, d: vscode.Diagnostic, finding: Finding): Promise<vscode.CodeAction[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  const titles = new Set([...finding.fixes.map((f) => f.title), `Disable ${finding.ruleId} for this line`]);
  return all.filter((a) => titles.has(a.title));
}

function findingOf(entry: AnalysisEntry, rule: string): Finding {
  const f = entry.report.models.flatMap((m) => m.findings).find((x) => x.ruleId === rule);
  assert.ok(f, `no ${rule} finding`);
  return f;
}

async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

const FIXTURES = ['deep_mlp.ts', 'add_chain.ts', 'functional_chain.ts', 'loop_stack.ts', 'post_ln.ts'];

describe('quick fixes', () => {
  after(closeAll);

  for (const file of FIXTURES) {
    it(`each fix in ${file} applies, keeps the code parsing, and clears its finding`, async function () {
      this.timeout(180_000);
      const editor = await open(file);
      const doc = editor.document;
      const original = doc.getText();
      const start = await analysed(doc);
      const modelCount = start.report.models.length;
      assert.ok(modelCount > 0);
      const rules = [...new Set(start.report.models.flatMap((m) => m.findings.map((f) => f.ruleId)))];
      assert.ok(rules.length > 0, `${file} has findings`);
      let applied = 0;
      for (const rule of rules) {
        const diag = await waitFor(`${rule} diagnostic`, () => ours(doc.uri).find((d) => codeOf(d) === rule));
        const finding = findingOf(start, rule);
        const actions = await fixesFor(doc, diag, finding);
        const titles = actions.map((a) => a.title);
        assert.ok(actions.length >= 2, `${rule}: expected a fix and a disable action, got ${titles.join(' | ')}`);
        assert.ok(titles.some((t) => t.startsWith(`Disable ${rule} for this`)), titles.join(' | '));
        assert.ok(titles.some((t) => !t.startsWith('Disable')), `a real fix: ${titles.join(' | ')}`);
        for (const title of titles) {
          // re-read the actions: each is applied to the original text
          const d = await waitFor(`${rule} diagnostic`, () => ours(doc.uri).find((x) => codeOf(x) === rule));
          const action = (await fixesFor(doc, d, findingOf(await analysed(doc), rule))).find((a) => a.title === title);
          assert.ok(action?.edit, `${title} has an edit`);
          assert.ok(await vscode.workspace.applyEdit(action.edit), `${title} applies`);
          const after = await analysed(doc);
          assert.equal(after.report.models.length, modelCount, `${title}: the code still parses into ${modelCount} model(s)`);
          assert.ok(!after.report.notes.some((n) => n.kind === 'syntax'), `${title}: no syntax errors`);
          const remaining = after.report.models.flatMap((m) => m.findings).filter((f) => f.ruleId === rule);
          assert.deepEqual(remaining.map((f) => f.message), [], `${title}: ${rule} is gone`);
          await waitFor(`${rule} diagnostic to clear after '${title}'`, () => !ours(doc.uri).some((x) => codeOf(x) === rule));
          applied++;
          await setText(doc, original);
          await analysed(doc);
        }
      }
      assert.ok(applied >= rules.length * 2);
      });
  }

  it('model.json findings offer no comment-based actions', async () => {
    const editor = await open('model.json');
    const d = await waitFor('deep-plain-stack', () => ours(editor.document.uri).find((x) => codeOf(x) === 'deep-plain-stack'));
    const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    assert.ok(!all.some((a) => a.title.startsWith('Disable')), all.map((a) => a.title).join(' | '));
  });
});

describe('quick fix metadata', () => {
  after(closeAll);
  it('at most one preferred action per request, and the data fix first', async () => {
    const editor = await open('deep_mlp.ts');
    await analysed(editor.document);
    const d = await waitFor('diagnostics', () => ours(editor.document.uri).find((x) => codeOf(x) === 'deep-plain-stack'));
    const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    assert.ok(all.length >= 4, all.map((a) => a.title).join(' | '));
    assert.equal(all.filter((a) => a.isPreferred).length, 1);
    assert.ok(!all.find((a) => a.isPreferred)!.title.startsWith('Disable'));
  });
});
