#!/usr/bin/env node
/* global window, document, getComputedStyle */ // used inside page.evaluate (browser side)
// The HTML export in a real browser: exports the report fixtures (test/fixtures/report) with the built webview
// bundle, opens each file from file:// in Debian's headless Chromium (playwright-core), checks that the graph and
// the plots render, that hover/keyboard/clicks work, that hostile names stay text (no script runs from them), and
// that there are no console errors, CSP violations or network requests. Screenshots in light and dark at
// 1280x800 and 420x900 go to test/screenshots/ (git-ignored).
// Writes {passed, failed} to $STABILITY_LENS_RESULTS; ends with "N passed, N failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { chromiumLaunchOptions } from './setupChromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(root, 'test', 'screenshots');
const only = process.argv.slice(2);

if (!fs.existsSync(path.join(root, 'dist', 'webview.js'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const { renderHtmlReport } = await tsImport(pathToFileURL(path.join(root, 'src/core/report/html.ts')).href, import.meta.url);
const { fixtures, HOSTILE } = await tsImport(pathToFileURL(path.join(root, 'test/fixtures/report/fixtures.ts')).href, import.meta.url);
const script = fs.readFileSync(path.join(root, 'dist', 'webview.js'), 'utf8');
const css = fs.readFileSync(path.join(root, 'media', 'report.css'), 'utf8');

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stability-lens-html-'));
fs.mkdirSync(shots, { recursive: true });
/** The hostile fixture lives in a folder whose name is itself hostile (the path reaches the page too). */
function exportFixture(name, opts = {}, as = name) {
  const dir = name === 'hostile' ? path.join(outDir, HOSTILE.replace(/[/]/g, '_')) : outDir;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${as}.html`);
  fs.writeFileSync(file, renderHtmlReport(fixtures[name](), { script, css, ...opts }));
  return file;
}

let passed = 0;
let failed = 0;
const results = [];
async function test(name, fn) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    results.push(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    results.push(`  FAIL ${name}\n       ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n       ')}`);
  }
  console.log(results[results.length - 1]);
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const browser = await chromium.launch(chromiumLaunchOptions());

/** Opens an exported file with a fresh context; collects problems the page reports. */
async function open(file, { scheme = 'light', width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('dialog', async (d) => {
    problems.dialogs.push(d.message());
    await d.dismiss();
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    problems.requests.push(url);
    return route.abort();
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('main.report', { timeout: 10_000 });
  const finish = async () => {
    const csp = await page.evaluate(() => window.__csp);
    await context.close();
    const all = [...problems.console, ...problems.pageErrors.map((e) => `pageerror: ${e}`), ...problems.requests.map((r) => `request: ${r}`), ...problems.dialogs.map((d) => `dialog: ${d}`), ...csp.map((c) => `csp: ${c}`)];
    assert(all.length === 0, `page problems:\n${all.join('\n')}`);
  };
  return { page, finish };
}

const files = {};
for (const name of ['plainMlp', 'postLnTransformer', 'resnet', 'multiModel', 'float32Limit', 'hostile', 'all']) files[name] = exportFixture(name);
// With the source text, fixes show as diffs with context.
const mlpSource = Array.from({ length: 14 }, (_, i) =>
  i === 7 ? "    model.add(tf.layers.dense({units: 256, activation: 'relu'}));" : i === 5 ? '  for (let i = 0; i < depth; i++) {' : `  // line ${i + 1}`,
).join('\n');
files.plainMlpWithSource = exportFixture('plainMlp', { sources: { 'examples/deep_mlp.ts': mlpSource } }, 'plainMlpWithSource');

// Hostile names from a *source file* (not a hand-made report): analysed by the real analyzer, in a folder whose
// name is a payload, exported with the source (so the fixes' diffs carry the payloads too).
const { analyzeText } = await tsImport(pathToFileURL(path.join(root, 'src/core/analyze.ts')).href, import.meta.url);
const { buildAnalysisReport } = await tsImport(pathToFileURL(path.join(root, 'src/core/report/build.ts')).href, import.meta.url);
const SOURCE_PAYLOADS = [HOSTILE, '</script><script>alert(2)</script>', '<!-- <script>alert(3)</script>', 'sep\u2028line\u2029para</SCRIPT >', '" onmouseover="alert(4)', '<svg onload=alert(5)>'];
{
  const lit = (t) => `'${t.replace(/[\\']/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
  const src = [
    "import * as tf from '@tensorflow/tfjs';",
    'export const model = tf.sequential();',
    ...SOURCE_PAYLOADS.map((n, i) => `model.add(tf.layers.dense({ units: 16, ${i === 0 ? 'inputShape: [8], ' : ''}activation: 'relu', name: ${lit(n)} }));`),
    `for (let i = 0; i < 4; i++) model.add(tf.layers.dense({ units: 16, activation: 'relu', name: ${lit(HOSTILE)} + i }));`,
    '',
  ].join('\n');
  const dir = path.join(outDir, `src ${HOSTILE}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'model.ts');
  fs.writeFileSync(file, src);
  const result = analyzeText(file, src, {});
  files.hostileSource = path.join(dir, 'hostileSource.html');
  fs.writeFileSync(files.hostileSource, renderHtmlReport(buildAnalysisReport([result.report], 'test'), { script, css, sources: { [file]: src } }));
}

// ---------------------------------------------------------------------------------------------- screenshots
const SIZES = [
  { width: 1280, height: 800, tag: 'wide' },
  { width: 420, height: 900, tag: 'narrow' },
];
for (const name of ['postLnTransformer', 'plainMlp', 'float32Limit', 'multiModel', 'hostile']) {
  for (const scheme of ['light', 'dark']) {
    for (const size of SIZES) {
      await test(`${name}: renders in ${scheme} at ${size.width}x${size.height}`, async () => {
        const { page, finish } = await open(files[name], { scheme, ...size });
        await page.waitForSelector('svg.plot');
        assert((await page.locator('svg.plot').count()) === 3, 'three plots');
        assert((await page.locator('.graph button.row').count()) > 0, 'graph rows');
        // Theme applied: the background follows prefers-color-scheme.
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert(scheme === 'dark' ? bg === 'rgb(31, 31, 31)' : bg === 'rgb(255, 255, 255)', `background ${bg}`);
        // Nothing overflows the viewport sideways.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `horizontal overflow ${overflow}px`);
        if (name === 'postLnTransformer' && size.tag === 'wide') {
          // Show the interactive state in the screenshot: a layer selected, a plot hovered.
          await page.locator('button.group-row').first().click();
          await page.locator('button[data-node="n44"]').click();
          const box = await page.locator('.plot-wrap[data-plot="grad"] svg.plot').boundingBox();
          await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
        }
        await page.screenshot({ path: path.join(shots, `${name}-${scheme}-${size.tag}.png`) });
        await finish();
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------- behaviour
await test('plots: log axes, what-if overlay, hover shows the layer and values', async () => {
  const { page, finish } = await open(files.plainMlp);
  assert((await page.locator('.plot-fwd path.series').count()) === 3, 'model + two what-ifs');
  const ticks = await page.locator('.plot-wrap[data-plot="fwd"] .axis-y .tick').allTextContents();
  assert(ticks.includes('10⁻¹⁰') && ticks.includes('1'), `log ticks ${ticks}`);
  const box = await page.locator('.plot-wrap[data-plot="fwd"] svg.plot').boundingBox();
  await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
  const tip = page.locator('.plot-wrap[data-plot="fwd"] .tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  assert(/#4[0-9] dense_4[0-9] · Dense/.test(text) && text.includes('your model (vanishing)') && text.includes('with heUniform'), text);
  // The plot is sized to its cell (not a fixed 560 px).
  const w = await page.locator('.plot-wrap[data-plot="fwd"] svg.plot').evaluate((e) => e.getBoundingClientRect().width);
  const cell = await page.locator('[data-plot-cell="fwd"]').evaluate((e) => e.clientWidth);
  assert(Math.abs(w - cell) <= 2, `plot ${w} vs cell ${cell}`);
  await finish();
});

await test('keyboard: tab to a plot, arrows read values, Enter selects the layer', async () => {
  const { page, finish } = await open(files.plainMlp);
  await page.locator('.plot-wrap[data-plot="grad"]').focus();
  await page.keyboard.press('End');
  const live = await page.locator('.plot-wrap[data-plot="grad"] [aria-live]').textContent();
  assert(live.includes('#48 dense_47'), live);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await page.waitForSelector('button.row.selected[data-node="n47"], button.row.contains-selected');
  assert((await page.locator('.layer-detail strong').textContent()) === 'dense_46', 'detail shows the selected layer');
  await finish();
});

await test('graph: folded ×24 block expands, rows and skip arcs appear, selection shows', async () => {
  const { page, finish } = await open(files.postLnTransformer);
  const group = page.locator('button.group-row');
  assert((await group.textContent()).includes('×24'), 'folded');
  assert((await page.locator('button.layer-row').count()) === 3, 'three single rows');
  await group.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('button.group-row[aria-expanded="true"]');
  assert((await page.locator('button.layer-row').count()) === 171, 'all layers');
  assert((await page.locator('svg.graph-arcs path.arc-residual').count()) === 96, 'skip arcs');
  await page.locator('button[data-node="n5"]').click();
  assert((await page.locator('button.row.selected').getAttribute('data-node')) === 'n5', 'selected');
  await finish();
});

await test('several models: tabs switch the model; several files: the selector switches the file', async () => {
  const { page, finish } = await open(files.all);
  await page.selectOption('select.file-select', 'examples/gan.ts');
  await page.waitForSelector('[role=tab]');
  await page.locator('[role=tab]', { hasText: 'discriminator' }).click();
  assert((await page.locator('.model-name').textContent()) === 'discriminator', 'model switched');
  assert((await page.locator('.verdict').textContent()) === 'Vanishing', 'its verdict');
  await page.keyboard.press('ArrowRight');
  assert((await page.locator('.model-name').textContent()) === 'critic', 'arrow keys move between tabs');
  await finish();
});

await test('findings in the export: diffs with context, a citation, the explainer opens', async () => {
  const { page, finish } = await open(files.plainMlpWithSource);
  assert((await page.locator('button[data-apply]').count()) === 0, 'no apply buttons in a file');
  const add = await page.locator('.finding').first().locator('.diff-add').allTextContents();
  assert(add.some((t) => t.includes('model.add(tf.layers.layerNormalization());')), add.join('|'));
  assert((await page.locator('.finding').first().locator('.diff-context').count()) >= 2, 'context lines');
  assert((await page.locator('.finding cite').first().textContent()).length > 10, 'citation');
  await page.locator('.finding button', { hasText: 'Why does depth do this?' }).first().click();
  await page.waitForSelector('details.explainer[open] svg.explainer-diagram');
  await finish();
});

await test('float32 limit: marked in the forward plot and on the folded block', async () => {
  const { page, finish } = await open(files.float32Limit);
  assert((await page.locator('.plot-wrap[data-plot="fwd"] .f32-mark').count()) === 1, 'forward mark');
  assert((await page.locator('.plot-wrap[data-plot="grad"] .f32-mark').count()) === 0, 'no backward mark');
  assert((await page.locator('.graph .chip-error').textContent()).includes('float32'), 'graph chip');
  await finish();
});

await test('hostile names are text: no element injected, no script ran, no dialog', async () => {
  const { page, finish } = await open(files.hostile);
  assert((await page.locator('img').count()) === 0, 'no img element');
  assert((await page.locator('.model-name').textContent()) === HOSTILE, 'model name as text');
  assert((await page.locator('.file-path').textContent()).includes(HOSTILE), 'path as text');
  await page.locator('button.row', { hasText: HOSTILE }).click();
  assert((await page.locator('.layer-detail strong').textContent()) === HOSTILE, 'layer name as text');
  const scripts = await page.evaluate(() => document.scripts.length);
  assert(scripts === 2, `${scripts} script elements (data + bundle)`);
  assert((await page.title()).includes(HOSTILE), 'title shows the path as text');
  await finish(); // fails on any dialog (alert), CSP violation or console error
});

await test('hostile names from a source file are text: every layer selected, no script ran, no dialog', async () => {
  const { page, finish } = await open(files.hostileSource);
  assert((await page.locator('.file-path').textContent()).includes(`src ${HOSTILE}`), 'path as text');
  for (let i = 0; i < 10 && (await page.locator('button.row', { hasText: '▸' }).count()) > 0; i++) await page.locator('button.row', { hasText: '▸' }).first().click();
  const shown = [];
  const rows = page.locator('button.row:not(:has-text("▾"))');
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    await rows.nth(i).click();
    shown.push(await page.locator('.layer-detail strong').textContent());
  }
  for (const p of SOURCE_PAYLOADS) assert(shown.includes(p), `layer ${JSON.stringify(p)} shown as text: ${JSON.stringify(shown)}`);
  assert((await page.locator('img, iframe, object, embed').count()) === 0, 'no element from a name');
  assert((await page.evaluate(() => document.scripts.length)) === 2, 'data + bundle only');
  const handlers = await page.evaluate(() => Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => a.name)));
  assert(handlers.length === 0, `event-handler attributes: ${handlers.join(' ')}`);
  await finish(); // fails on any dialog (alert), CSP violation or console error
});

await browser.close();
fs.rmSync(outDir, { recursive: true, force: true });
if (process.env.STABILITY_LENS_RESULTS) fs.writeFileSync(process.env.STABILITY_LENS_RESULTS, JSON.stringify({ passed, failed }));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
