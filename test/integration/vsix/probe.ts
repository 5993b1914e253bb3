/**
 * A tiny test extension for run 2 of scripts/integration.mjs: the packaged .vsix was installed into code-server
 * with --install-extension; this checks that it is there (not the development copy), activates on a tfjs file
 * and analyses it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { prefixConsole } from '../index';
import * as vscode from 'vscode';

const ID = 'stability-lens.stability-lens';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tests(): void {
  describe('the installed .vsix', () => {
    it('is installed from the extensions folder and contains only what it needs', () => {
      const ext = vscode.extensions.getExtension(ID);
      assert.ok(ext, 'not installed');
      assert.ok(!ext.extensionPath.startsWith(path.resolve(__dirname, '..', '..', '..')), `expected the installed copy, got ${ext.extensionPath}`);
      // vsce stores README/CHANGELOG/LICENSE as readme.md, changelog.md, LICENSE.txt
      for (const f of ['package.json', 'dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'media/icon.png', 'docs/rules/deep-plain-stack.md', 'readme.md', 'LICENSE.txt']) {
        assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `missing ${f}`);
      }
      for (const f of fs.readdirSync(path.join(ext.extensionPath, 'dist'))) assert.ok(!f.endsWith('.map') && f !== 'cli.js', `dist/${f} does not belong in the package`);
      for (const f of ['src', 'test', 'node_modules', 'tools', 'scripts']) assert.ok(!fs.existsSync(path.join(ext.extensionPath, f)), `should not contain ${f}`);
    });

    it('activates on a TensorFlow.js file and publishes diagnostics', async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'deep_mlp.ts'));
      await vscode.window.showTextDocument(doc);
      const ext = vscode.extensions.getExtension(ID)!;
      await waitFor('activation', () => ext.isActive);
      const diags = await waitFor('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'Stability Lens');
        return d.length > 0 ? d : undefined;
      });
      assert.ok(diags.some((d) => typeof d.code === 'object' && d.code.value === 'deep-plain-stack'));
    });

    it('runs its commands', async () => {
      const r = (await vscode.commands.executeCommand('stabilityLens.analyzeFile')) as { models: number } | undefined;
      assert.ok(r && r.models >= 1, JSON.stringify(r));
    });
  });
}

export async function run(): Promise<void> {
  prefixConsole();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'probe', mocha);
  tests();
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.STABILITY_LENS_RUN_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify({ passed: runner.stats?.passes ?? 0, failed: failures, pending: runner.stats?.pending ?? 0 }));
      if (failures) reject(new Error(`${failures} failed`));
      else resolve();
    });
  });
}
