#!/usr/bin/env node
// `npm run test:ui`: drives the real workbench (code-server 4.100.3 in headless Chromium via playwright-core) the
// way a user does: Quick Open, the command palette by command title, the CodeLens, the hover, the Problems panel,
// the status bar, the report. Dark and light theme; screenshots in test/screenshots/ (ignored by git).
// Writes {passed, failed} to $STABILITY_LENS_RESULTS. STABILITY_LENS_VERBOSE=1 prints the workbench's log.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './setupCodeServer.mjs';
import { chromiumLaunchOptions } from './setupChromium.mjs';
import { makeDirs, removeDirs, startCodeServer, workbenchUrl, writeUserSettings } from '../tools/code-server/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const verbose = !!process.env.STABILITY_LENS_VERBOSE;
const shots = path.join(root, 'test', 'screenshots');
const results = { passed: 0, failed: 0 };
const t0 = Date.now();

/** Picked through Preferences: Color Theme, as a user does (labels as the picker shows them). */
const THEMES = [
  { name: 'dark', theme: 'Dark Modern' },
  { name: 'light', theme: 'Light Modern' },
];

function finish(extra) {
  if (extra) {
    console.error(extra);
    results.failed++;
  }
  if (process.env.STABILITY_LENS_RESULTS) fs.writeFileSync(process.env.STABILITY_LENS_RESULTS, JSON.stringify(results));
  console.log(`ui: ${results.passed} passed, ${results.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(results.failed ? 1 : 0);
}

/** Polls until `probe` returns something truthy; throws after timeoutMs. */
async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message ?? last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  ensureCodeServer();
} catch (e) {
  finish(`setting up code-server failed: ${e.message}`);
}
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) finish('build failed');
fs.mkdirSync(shots, { recursive: true });

const { chromium } = require('playwright-core');
const dirs = makeDirs('sl-ui-');
const workspace = path.join(dirs.base, 'workspace');
fs.cpSync(path.join(root, 'test', 'integration', 'fixtures'), workspace, { recursive: true });
writeUserSettings(dirs.userDataDir, { 'editor.fontSize': 13, 'workbench.editor.enablePreview': false });
for (const f of fs.readdirSync(shots)) if (/^(failed-)?(dark|light)-/.test(f)) fs.rmSync(path.join(shots, f));

let server;
let browser;
try {
  server = await startCodeServer({ dirs, maxSeconds: 600, log: verbose ? (l) => console.log(`[code-server] ${l}`) : () => {} });
  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  if (verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
  await page.goto(workbenchUrl(server.origin, { folder: workspace, extensionDevelopmentPath: root }));

  let theme = THEMES[0];
  const check = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.passed++;
      console.log(`  ✔ [${theme.name}] ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      results.failed++;
      console.log(`  ✖ [${theme.name}] ${name}: ${e.message}`);
      await page.screenshot({ path: path.join(shots, `failed-${theme.name}-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    }
  };
  const shot = (name) => page.screenshot({ path: path.join(shots, `${theme.name}-${name}.png`) });

  const escape = async () => {
    for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
  };
  const focusEditor = async () => {
    await escape();
    const lines = page.locator('.part.editor .monaco-editor .view-lines').first();
    if (await lines.count()) await lines.click({ position: { x: 400, y: 5 } });
  };
  const exactRow = (label) =>
    page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  /** Runs a command from the palette by its title, as a user does. */
  const runCommand = async (title) => {
    await focusEditor();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = exactRow(title);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
  };
  const paletteTitles = async (filter) => {
    await focusEditor();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${filter}`);
    await page.waitForTimeout(0);
    const rows = await until('palette rows', async () => {
      const t = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
      return t.length ? t : undefined;
    }, 10_000);
    await escape();
    return rows;
  };
  /** Opens a file from the Explorer (double click: a pinned editor). */
  const openFile = async (name) => {
    await escape();
    const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).first();
    await row.dblclick();
    await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 10_000 });
  };
  /** A clean window for each theme: no editors, no panel, the theme picked through its own picker. */
  const resetWindow = async (t) => {
    await runCommand('View: Close All Editor Groups');
    await until('no editors', async () => (await page.locator('.tabs-container .tab').count()) === 0, 10_000);
    await runCommand('View: Hide Panel').catch(() => {});
    await runCommand('Preferences: Color Theme');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(t.theme);
    const row = exactRow(t.theme);
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    const want = t.name === 'light' ? /\bvs\b(?!-)/ : /\bvs-dark\b/;
    await until(`the ${t.name} theme`, async () => want.test((await page.locator('.monaco-workbench').getAttribute('class')) ?? ''), 20_000);
  };
  const codeLens = () => page.locator('.codelens-decoration a', { hasText: 'Stability Lens:' }).first();

  await until('the workbench', () => page.locator('.monaco-workbench .part.editor').count(), 60_000);
  await until('the explorer', () => page.locator('.explorer-folders-view .monaco-list-row').count(), 60_000);

  for (const t of THEMES) {
    theme = t;
    await check('the theme and a clean window', () => resetWindow(t));

    await check('a tfjs file shows the CodeLens above the model', async () => {
      await openFile('exploding.ts');
      await openFile('deep_mlp.ts');
      const lens = await until('the CodeLens', async () => {
        const l = codeLens();
        return (await l.count()) && /weighted layers/.test(await l.textContent()) && /at output/.test(await l.textContent()) ? l : undefined;
      }, 60_000);
      const text = await lens.textContent();
      if (!/^Stability Lens: 12 weighted layers · activations ×\S+ at output/.test(text)) throw new Error(`CodeLens reads '${text}'`);
      await until('squiggles', () => page.locator('.part.editor .squiggly-warning, .part.editor .squiggly-info').count(), 20_000);
      await shot('editor');
    });

    await check('the status bar shows the verdict', async () => {
      const item = page.locator('.statusbar-item', { hasText: /finding/ }).first();
      await until('the status bar item', () => item.count(), 20_000);
      const label = (await item.getAttribute('aria-label')) ?? (await item.textContent());
      if (!/Stability Lens/.test(label ?? '') && !/finding/.test(label ?? '')) throw new Error(`status bar reads '${label}'`);
    });

    await check('hover on a layer call shows its config with tfjs defaults', async () => {
      // the output layer of post_ln.ts: outside any diagnostic (this workbench drops provider hovers over markers)
      await openFile('post_ln.ts');
      await until('the simulated CodeLens', async () => (await codeLens().count()) && /at output/.test(await codeLens().textContent()), 60_000);
      await focusEditor();
      const token = page.locator('.part.editor .view-line span', { hasText: /^dense$/ }).nth(2);
      await token.hover();
      const hover = page.locator('.monaco-hover-content', { hasText: 'kernelInitializer' }).first();
      await until('the hover', () => hover.isVisible(), 15_000);
      const text = await hover.textContent();
      if (!/Dense/.test(text) || !/kernelInitializer/.test(text) || !/forward RMS/.test(text)) throw new Error(`hover reads '${text.slice(0, 200)}'`);
      // the picture once the hover has faded in
      await until('the hover fully shown', () => hover.evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el.closest('.monaco-hover') ?? el).opacity === '1'), 5_000).catch(() => {});
      await shot('hover');
      await page.mouse.move(5, 400);
      await openFile('deep_mlp.ts');
    });

    await check('the command palette lists the commands by title, hiding what does not apply', async () => {
      const titles = await paletteTitles('Stability Lens:');
      for (const want of ['Analyze Current File', 'Analyze Workspace', 'Show Stability Report', 'Export Report as HTML...', 'Rerun Simulation with Seed...', 'Toggle Live Analysis']) {
        if (!titles.some((x) => x.includes(want))) throw new Error(`'${want}' missing from ${JSON.stringify(titles)}`);
      }
      for (const hidden of ['Apply Fix', 'Reveal Layer in Editor']) if (titles.some((x) => x.includes(hidden))) throw new Error(`'${hidden}' should be hidden`);
      await openFile('plain_helpers.ts');
      const plain = await paletteTitles('Stability Lens:');
      if (plain.some((x) => x.includes('Show Stability Report'))) throw new Error('Show Stability Report shown for a file without models');
      await openFile('deep_mlp.ts');
    });

    await check('Analyze Workspace from the palette fills the Problems panel', async () => {
      await runCommand('Stability Lens: Analyze Workspace');
      const panel = page.locator('.markers-panel');
      await until('the Problems panel', () => panel.isVisible(), 30_000);
      // the list is virtual: filter it to see files further down
      const filter = page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
      // post-ln-deep on post_ln.ts; our diagnostics on files that were never opened
      for (const [file, text] of [
        ['post_ln.ts', 'post-ln-deep'],
        ['loop_stack.ts', 'Stability Lens'],
        ['model.json', 'Stability Lens'],
        ['functional_chain.ts', 'Stability Lens'],
      ]) {
        await filter.fill(`**/${file}`);
        await until(`${text} on ${file} in Problems`, async () => {
          const rows = (await panel.locator('.monaco-list-row').allTextContents()).join('\n');
          return rows.includes(file) && rows.includes(text);
        }, 60_000);
      }
      await filter.fill('');
      await escape();
      await shot('problems');
    });

    await check('clicking the CodeLens opens the report', async () => {
      await openFile('post_ln.ts');
      const lens = await until('the CodeLens', async () => ((await codeLens().count()) ? codeLens() : undefined), 30_000);
      await lens.click();
      const frame = await until('the report webview', async () => {
        for (const f of page.frames()) {
          if (!/webview/.test(f.url()) || f === page.mainFrame()) continue;
          const n = await f.locator('body').textContent().catch(() => '');
          if (n && /post-ln-deep|Post-LN|buildPostLn/.test(n)) return f;
        }
        return undefined;
      }, 60_000);
      if (!frame) throw new Error('no report');
      await page.waitForTimeout(500); // let the plots finish their transition before the picture
      await shot('report');
    });
  }
} catch (e) {
  results.failed++;
  console.error(e.stack ?? String(e));
} finally {
  await browser?.close().catch(() => {});
  server?.stop();
  removeDirs(dirs);
}
finish();
