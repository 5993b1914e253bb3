/**
 * Hostile names, end to end: a model *source file* and a model.json, in a folder whose name is itself hostile,
 * whose layer names, model name and layer class names are HTML / script / markdown / terminal payloads. They go
 * through the real analyzer (analyzeText, analyzePaths) into the report and out through every output:
 * - the HTML export (renderHtmlReport with the real webview bundle): the embedded JSON cannot close its
 *   <script> element or open a comment (no `<`, `>`, `&`, U+2028, U+2029 in it), it parses back to the same
 *   report, no payload appears raw anywhere in the page, and the page, run in happy-dom, renders the names as
 *   text (no element or handler injected, alert never called);
 * - the CLI's SARIF and JSON stay valid JSON with the names intact and percent-encoded artifact URIs;
 * - the CLI's text keeps one entry per line with no control character (no forged `file:line:col` lines, no
 *   terminal escapes);
 * - the VS Code hover's markdown keeps names inside their inline code (no markdown image or link from a name).
 * test/unit/webview/report.test.ts and scripts/browser.mjs cover the hand-made hostile report fixture in the DOM
 * renderer and in Chromium (with the CSP enforced); this file covers the way there from code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { Window } from 'happy-dom';
import { analyzeText } from '../../../src/core/analyze';
import { buildAnalysisReport } from '../../../src/core/report/build';
import { renderHtmlReport } from '../../../src/core/report/html';
import type { AnalysisReport } from '../../../src/core/report/types';
import { attachSimulation } from '../../../src/core/simulate/attach';
import { runCli } from '../../../src/cli/run';
import { printable } from '../../../src/cli/formatText';
import { layerHoverMarkdown } from '../../../src/vscode/format';

const root = path.join(__dirname, '../../..');

/** Payloads that would do something if they reached HTML, a script, markdown or a terminal unescaped. */
const P = {
  img: '<img src=x onerror=alert(1)>',
  script: '</script><script>alert(2)</script>',
  comment: '<!-- <script>alert(3)</script>',
  separators: 'line\u2028sep\u2029para</SCRIPT >',
  attr: '" onmouseover="alert(4)" x=\'',
  svg: '<svg onload=alert(5)>',
  forged: 'x\nmodel.ts:1:1 error forged-rule forged\u001b[31mRED\u001b]0;title\u0007',
  markdown: 'a\n\n![t](https://attacker.invalid/t.png)\n\n[click](command:workbench.action.terminal.new)',
  bidi: 'admin\u202e\u2066txt.exe',
};
const HOSTILE_DIR = P.img;

/** A JS string literal for any text (non-ASCII and control characters as escapes). */
const lit = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;

const SOURCE_NAMES = [P.img, P.script, P.comment, P.separators, P.attr, P.svg, P.forged, P.markdown, P.bidi];
/** A plain relu stack (so the rules fire and name it), every layer named with a payload. */
const source = [
  "import * as tf from '@tensorflow/tfjs';",
  `export const model = tf.sequential({ name: ${lit(P.script)} });`,
  ...SOURCE_NAMES.map((n, i) => `model.add(tf.layers.dense({ units: 32, ${i === 0 ? 'inputShape: [16], ' : ''}activation: 'relu', name: ${lit(n)} }));`),
  `for (let i = 0; i < 4; i++) model.add(tf.layers.dense({ units: 32, activation: 'relu', name: ${lit(P.img)} + i }));`,
  `model.add(tf.layers.dense({ units: 4, name: ${lit(P.svg + '_out')} }));`,
  '',
].join('\n');

/** A model.json whose model name, layer names and an unknown class name are payloads. */
const modelJson = JSON.stringify({
  format: 'layers-model',
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: P.script,
      layers: [
        { class_name: 'Dense', config: { units: 8, activation: 'relu', name: P.img, batch_input_shape: [null, 4] } },
        { class_name: `Evil${P.forged}${P.separators}${P.img}`, config: { name: `${P.comment}${P.bidi}` } },
        { class_name: 'Dense', config: { units: 2, name: P.markdown } },
      ],
    },
  },
});

function hostileProject(): { dir: string; sourcePath: string; jsonPath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-hostile-'));
  const sub = path.join(dir, HOSTILE_DIR);
  fs.mkdirSync(sub);
  const sourcePath = path.join(sub, 'model.ts');
  const jsonPath = path.join(sub, 'model.json');
  fs.writeFileSync(sourcePath, source);
  fs.writeFileSync(jsonPath, modelJson);
  return { dir, sourcePath, jsonPath };
}

async function webviewBundle(): Promise<string> {
  // The options of scripts/build.mjs for dist/webview.js (built here so the test never reads a stale dist/).
  const r = await esbuild.build({ entryPoints: [path.join(root, 'webview/main.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, legalComments: 'none', write: false, logLevel: 'silent' });
  return r.outputFiles[0].text;
}

const between = (html: string, open: string, close: string): string => {
  const start = html.indexOf(open);
  assert.ok(start >= 0, `no ${open}`);
  return html.slice(start + open.length, html.indexOf(close, start + open.length));
};

const PAYLOADS_WITH_MARKUP = Object.values(P).filter((p) => /[<>]/.test(p));

describe('hostile names from the code, end to end', function () {
  this.timeout(60_000);
  let project: ReturnType<typeof hostileProject>;
  let script: string;
  before(async () => {
    project = hostileProject();
    script = await webviewBundle();
  });
  after(() => fs.rmSync(project.dir, { recursive: true, force: true }));

  /** analyzeText on the source, simulated, as an AnalysisReport (what the extension's export renders). */
  async function sourceReport(): Promise<AnalysisReport> {
    const r = analyzeText(project.sourcePath, source, {});
    await attachSimulation(r.report, r.graphs, { profile: 'interactive', seed: 1 });
    return buildAnalysisReport([r.report], '0.0.0-test');
  }

  it('the payloads reach the report unchanged (so the checks below are not vacuous)', async () => {
    const report = await sourceReport();
    const m = report.files[0].models[0];
    const names = m.layers.map((l) => l.name);
    for (const n of SOURCE_NAMES) assert.ok(names.includes(n), `layer named ${JSON.stringify(n)}`);
    assert.ok(report.files[0].path.includes(HOSTILE_DIR));
    assert.ok(m.findings.length >= 2, 'rules fired');
    assert.ok(m.simulation, 'simulated');
    const json = analyzeText(project.jsonPath, modelJson, {});
    const jm = json.report.models[0];
    assert.equal(jm.name, P.script);
    assert.ok(jm.layers.some((l) => l.className.includes(P.forged)));
    assert.ok(jm.summary.assumptions.some((a) => a.message.includes(P.forged)), 'the unknown class name reaches a message');
  });

  it('HTML export: the embedded JSON cannot end its <script> or open a comment, and parses back unchanged', async () => {
    const report = await sourceReport();
    const json = analyzeText(project.jsonPath, modelJson, {});
    report.files.push(json.report);
    const html = renderHtmlReport(report, { script, css: fs.readFileSync(path.join(root, 'media/report.css'), 'utf8'), sources: { [project.sourcePath]: source } });
    const data = between(html, '<script type="application/json" id="stability-lens-data">', '</script>');
    assert.doesNotMatch(data, /[<>&\u2028\u2029]/, 'no character that can end the element, start a comment or break a line');
    const parsed = JSON.parse(data) as { report: AnalysisReport; diffs: { [k: string]: unknown } };
    assert.deepEqual(parsed.report, report);
    assert.ok(Object.keys(parsed.diffs).length > 0, 'the fixes were diffed against the source (its text reaches the data too)');
    // The whole page: exactly our two script elements and one style element; no comment opener, no payload raw.
    assert.equal((html.match(/<script/gi) ?? []).length, 2);
    assert.equal((html.match(/<\/script/gi) ?? []).length, 2);
    assert.equal((html.match(/<style/gi) ?? []).length, 1);
    assert.equal((html.match(/<\/style/gi) ?? []).length, 1);
    assert.equal(html.includes('<!--'), false);
    for (const p of PAYLOADS_WITH_MARKUP) assert.equal(html.includes(p), false, `raw ${JSON.stringify(p)}`);
    // The default title names the path of a one-file report: escaped text.
    const single = renderHtmlReport(await sourceReport(), { script: '' });
    const title = between(single, '<title>', '</title>');
    assert.equal(title.includes('<'), false, title);
    assert.ok(title.includes('&lt;img src=x onerror=alert(1)&gt;'), title);
  });

  it('HTML export, rendered: every name is text; no element, handler or script from the names; alert never runs', async () => {
    const report = await sourceReport();
    report.files.push(analyzeText(project.jsonPath, modelJson, {}).report);
    const html = renderHtmlReport(report, { script });
    // happy-dom runs the page's own two scripts (the inert data and our bundle) so the renderer draws the report.
    const window = new Window({ url: 'file:///report.html', settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true } });
    const alerts: unknown[] = [];
    Object.assign(window, { alert: (m: unknown) => alerts.push(m), confirm: (m: unknown) => alerts.push(m), prompt: (m: unknown) => alerts.push(m) });
    try {
      const document = window.document;
      document.write(html);
      await window.happyDOM.waitUntilComplete();
      assert.ok(document.querySelector('main.report'), `the renderer ran: ${document.body.textContent?.slice(0, 200)}`);
      const expectRendered = () => {
        assert.equal(document.querySelectorAll('img, iframe, object, embed, link, meta[http-equiv="refresh"]').length, 0, 'no element from a name');
        assert.equal(document.querySelectorAll('script').length, 2, 'the data and the bundle only');
        const handlers = Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`));
        assert.deepEqual(handlers, [], 'no event-handler attribute');
        const hrefs = Array.from(document.querySelectorAll('[href], [src], [xlink\\:href]')).map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? '');
        assert.deepEqual(hrefs.filter((h) => /^(javascript|https?|data|command):/i.test(h)), [], 'no link from a name');
        assert.deepEqual(alerts, []);
      };
      expectRendered();
      const text = document.body.textContent ?? '';
      assert.ok(text.includes(HOSTILE_DIR), 'the path is shown as text');
      assert.ok(text.includes(P.script), 'the model.json model name is shown as text');
      // Every folded block expanded and every layer row clicked: the detail panel shows each name as text.
      type Row = { click(): void; textContent: string | null };
      const rows = () => Array.from(document.querySelectorAll('button.row')) as unknown as Row[];
      for (let guard = 0; guard < 10; guard++) {
        const folded = rows().find((r) => (r.textContent ?? '').startsWith('▸'));
        if (!folded) break;
        folded.click();
        await window.happyDOM.waitUntilComplete();
      }
      const layerRows = rows().filter((r) => !/^[▸▾]/.test(r.textContent ?? ''));
      assert.ok(layerRows.length >= SOURCE_NAMES.length, `${layerRows.length} layer rows`);
      const details: string[] = [];
      for (let i = 0; i < layerRows.length; i++) {
        rows().filter((r) => !/^[▸▾]/.test(r.textContent ?? ''))[i].click();
        await window.happyDOM.waitUntilComplete();
        details.push(document.querySelector('.detail-title strong')?.textContent ?? '');
        expectRendered();
      }
      for (const n of SOURCE_NAMES) assert.ok(details.includes(n), `the detail panel shows ${JSON.stringify(n)} as text: ${JSON.stringify(details)}`);
      // Other models (the model.json one): a tab or file selector switches; still only text.
      const select = document.querySelector('select.file-select') as unknown as { value: string; options: { value: string }[]; dispatchEvent(e: unknown): void } | null;
      assert.ok(select, 'a file selector for the two files');
      select.value = select.options[1].value;
      select.dispatchEvent(new window.Event('change'));
      await window.happyDOM.waitUntilComplete();
      expectRendered();
      assert.ok((document.body.textContent ?? '').includes(P.img), 'the model.json layer named with a payload');
    } finally {
      await window.happyDOM.close();
    }
  });

  async function cli(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: project.dir, bundleDir: path.join(root, 'dist') });
    return { code, stdout, stderr };
  }

  it('CLI SARIF and JSON: valid JSON, names intact, artifact URIs percent-encoded', async () => {
    const s = await cli(['--format', 'sarif', '--profile', 'interactive', '--fail-on', 'none']);
    assert.equal(s.code, 0, s.stderr);
    const sarif = JSON.parse(s.stdout);
    assert.equal(sarif.version, '2.1.0');
    const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.length > 0);
    for (const u of uris) assert.equal(u, `${encodeURIComponent(HOSTILE_DIR)}/model.ts`);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    assert.doesNotMatch(s.stdout, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'control characters in names are JSON escapes');
    const j = await cli(['--format', 'json', '--no-simulate', '--fail-on', 'none']);
    const rep = JSON.parse(j.stdout) as AnalysisReport;
    const layers = rep.files.flatMap((f) => f.models.flatMap((m) => m.layers.map((l) => l.name)));
    for (const n of SOURCE_NAMES) assert.ok(layers.includes(n), JSON.stringify(n));
    assert.ok(rep.files.some((f) => f.models.some((m) => m.name === P.script)));
  });

  it('CLI text: one entry per line, no control characters, no forged finding lines', async () => {
    for (const argv of [['--no-simulate'], ['--profile', 'interactive'], ['-q', '--no-simulate']]) {
      const t = await cli([...argv, '--fail-on', 'none']);
      assert.equal(t.code, 0, t.stderr);
      // eslint-disable-next-line no-control-regex -- control characters are what must not be there
      assert.doesNotMatch(t.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, `${argv.join(' ')}: a control character reached the terminal`);
      const findingLines = t.stdout.split('\n').filter((l) => /^\S.*:\d+:\d+ (error|warning|info|hint) /.test(l));
      assert.ok(findingLines.length >= 2, t.stdout);
      for (const l of findingLines) assert.ok(l.startsWith(`${HOSTILE_DIR}/model.ts:`), `a finding line for another file: ${l}`);
      assert.equal(t.stdout.includes('forged-rule'), argv.includes('-q') ? false : true, 'the forged text is shown, escaped, inside its own line');
      if (!argv.includes('-q')) assert.ok(t.stdout.includes('x\\nmodel.ts:1:1 error forged-rule forged\\u001b[31mRED'), t.stdout);
    }
    assert.equal(printable('a\nb\r\tc\u001b[0m\u2028\u202e'), 'a\\nb\\r\\tc\\u001b[0m\\u2028\\u202e');
    assert.equal(printable('plain ünïcode <tags> "quotes"'), 'plain ünïcode <tags> "quotes"');
  });

  it('VS Code hover: names and values stay inside their inline code (no markdown from a name)', async () => {
    const report = await sourceReport();
    const model = report.files[0].models[0];
    for (const layer of model.layers.filter((l) => SOURCE_NAMES.includes(l.name))) {
      const benign = layerHoverMarkdown({ model, modelIndex: 0, layers: [{ ...layer, name: 'dense_1' }] }, ['units', 'activation', 'name']);
      const md = layerHoverMarkdown({ model, modelIndex: 0, layers: [layer] }, ['units', 'activation', 'name']);
      assert.equal(md.split('\n').length, benign.split('\n').length, `${JSON.stringify(layer.name)}: the same lines as a plain name`);
      const head = md.split('\n')[0];
      const spans = head.match(/`[^`]*`/g) ?? [];
      assert.equal(spans.length, 2, head);
      assert.equal(head.replace(/`[^`]*`/g, '').includes('!['), false, head);
      assert.doesNotMatch(md, /^\s*!\[|^\s*\[click\]/m, 'no markdown image or link at a line start');
    }
  });
});
