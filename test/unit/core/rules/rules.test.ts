import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../../../src/core/analyze';
import type { Finding } from '../../../../src/core/rules/types';
import { applyEdits } from '../../../../src/core/rules/fixes';
import { SourceText } from '../../../../src/core/rules/sourceText';
import { RULES } from '../../../../src/core/rules/registry';
import { DEFAULT_THRESHOLDS, THRESHOLD_DOCS, resolveThresholds } from '../../../../src/core/rules/thresholds';
import { deepNormConstants } from '../../../../src/core/rules/postLnDeep';

const dir = path.join(__dirname, '../../../fixtures/rules');
const load = (f: string) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') });

function analyze(file: string, text: string, thresholds?: { [k: string]: number }) {
  const r = analyzeText(file, text, { thresholds });
  assert.deepEqual(r.report.errors, []);
  assert.ok(r.report.models.length >= 1, `no model found in ${path.basename(file)}`);
  return r.report;
}
const findings = (file: string, text: string, thresholds?: { [k: string]: number }): Finding[] =>
  analyze(file, text, thresholds).models.flatMap((m) => m.findings);
const ids = (fs_: Finding[]) => [...new Set(fs_.map((f) => f.ruleId))].sort();

/** Applies a fix, re-parses and re-analyses: the code still parses and the finding is gone. */
function checkFix(fixture: string, ruleId: string, fixIndex = 0): string {
  const { file, text } = load(fixture);
  const f = findings(file, text).find((x) => x.ruleId === ruleId);
  assert.ok(f, `${ruleId} not found in ${fixture}`);
  const fix = f.fixes[fixIndex];
  assert.ok(fix, `${ruleId} has no fix #${fixIndex}`);
  assert.ok(fix.edits.length > 0);
  const out = applyEdits(new SourceText(text, file), fix.edits);
  assert.notEqual(out, text);
  const after = analyzeText(file, out);
  assert.deepEqual(after.report.notes.filter((n) => n.kind === 'syntax'), [], 'the edited code still parses');
  assert.ok(after.report.models.length >= 1, 'the model is still found');
  const remaining = after.report.models.flatMap((m) => m.findings).filter((x) => x.ruleId === ruleId);
  assert.deepEqual(remaining.map((x) => x.message), [], `${ruleId} is gone after "${fix.title}"`);
  return out;
}

describe('rules', () => {
  it('has one rule per id, each with docs and a threshold', () => {
    const all = RULES.map((r) => r.id);
    assert.equal(new Set(all).size, all.length);
    for (const id of all) {
      assert.match(id, /^[a-z]+(-[a-z0-9]+)+$/);
      assert.ok(fs.existsSync(path.join(__dirname, '../../../../docs/rules', `${id}.md`)), `docs/rules/${id}.md`);
      assert.ok(THRESHOLD_DOCS.some((t) => t.rule === id), `threshold for ${id}`);
    }
    assert.equal(resolveThresholds({ 'deepPlainStack.minRun': 4, bogus: 3, 'postLnDeep.minBlocks': -1 })['deepPlainStack.minRun'], 4);
    assert.equal(resolveThresholds({ 'postLnDeep.minBlocks': -1 })['postLnDeep.minBlocks'], DEFAULT_THRESHOLDS['postLnDeep.minBlocks']);
  });

  describe('deep-plain-stack', () => {
    it('flags a loop-built ReLU stack and reports the per-layer factor', () => {
      const { file, text } = load('deepLoop.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'deep-plain-stack');
      assert.ok(f);
      assert.equal(f.severity, 'warning');
      assert.equal(f.data?.runLength, 14);
      // glorotNormal (tfjs, truncated) on ReLU: 0.5 * 0.77374 per layer
      assert.ok(Math.abs((f.data?.perLayerFactor as number) - 0.387) < 0.001);
      assert.match(f.message, /^14 weighted layers in a row/);
      assert.equal(f.span.start.line, 4, 'the span starts at the first layer of the run');
      assert.ok(f.span.end.line >= 6);
      assert.ok(f.related.length >= 2);
      assert.equal(f.fixes[0].whatIf, 'insert-layernorm');
    });

    it('flags an explicit array and a functional chain; not a normalized stack', () => {
      for (const fx of ['deepArray.ts', 'functionalChain.ts']) {
        const { file, text } = load(fx);
        assert.ok(ids(findings(file, text)).includes('deep-plain-stack'), fx);
      }
      const { file, text } = load('normalizedLoop.ts');
      assert.deepEqual(findings(file, text), []);
    });

    it('respects its threshold', () => {
      const { file, text } = load('deepArray.ts');
      assert.ok(!ids(findings(file, text, { 'deepPlainStack.minRun': 10 })).includes('deep-plain-stack'));
      assert.ok(ids(findings(file, text, { 'deepPlainStack.minRun': 9 })).includes('deep-plain-stack'));
    });

    it('inserts layerNormalization once in the loop body', () => {
      const out = checkFix('deepLoop.ts', 'deep-plain-stack');
      assert.equal((out.match(/tf\.layers\.layerNormalization\(\)/g) ?? []).length, 2);
      assert.match(out, /\n {4}model\.add\(tf\.layers\.layerNormalization\(\)\);\n/);
    });

    it('inserts after array elements and apply statements in the user style', () => {
      const arr = checkFix('deepArray.ts', 'deep-plain-stack');
      assert.match(arr, /kernelInitializer: 'heUniform' \}\),\n {4}tf\.layers\.layerNormalization\(\),\n/);
      const fn = checkFix('functionalChain.ts', 'deep-plain-stack');
      assert.match(fn, /\n {2}x = tf\.layers\.layerNormalization\(\)\.apply\(x\) as tf\.SymbolicTensor;\n/);
      assert.match(fn, /const h1 = tf\.layers\.layerNormalization\(\)\.apply\(tf\.layers\.dense/);
    });

    it('can be silenced by the disable comment fix', () => {
      const out = checkFix('deepLoop.ts', 'deep-plain-stack', 1);
      assert.match(out, /\n {2}\/\/ stability-lens-disable-next-line deep-plain-stack\n {2}model\.add/);
    });
  });

  describe('post-ln-deep', () => {
    it('flags 8 Post-LN blocks with the DeepNorm constants', () => {
      const { file, text } = load('postLn.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'post-ln-deep');
      assert.ok(f);
      assert.equal(f.data?.blocks, 8);
      assert.ok(Math.abs((f.data?.deepNormAlpha as number) - 2) < 1e-9, '(2*8)^(1/4) = 2');
      assert.ok(Math.abs((f.data?.deepNormBeta as number) - Math.pow(64, -0.25)) < 1e-9);
      assert.match(f.message, /alpha = \(2N\)\^\(1\/4\) = 2 and beta = \(8N\)\^\(-1\/4\) = 0\.35 for N = 8/);
      const c = deepNormConstants(24);
      assert.ok(Math.abs(c.alpha - 2.63) < 0.01 && Math.abs(c.beta - 0.269) < 0.001, 'THEORY §4: 24 blocks');
    });

    it('does not flag Pre-LN blocks or shallow Post-LN stacks', () => {
      const { file, text } = load('preLn.ts');
      assert.ok(!ids(findings(file, text)).includes('post-ln-deep'));
      const post = load('postLn.ts');
      assert.ok(!ids(findings(post.file, post.text.replace('blocks = 8', 'blocks = 5'))).includes('post-ln-deep'));
    });

    it('converts the blocks to Pre-LN and keeps one final normalization', () => {
      const out = checkFix('postLn.ts', 'post-ln-deep');
      const { file } = load('postLn.ts');
      const m = analyzeText(file, out).report.models[0];
      assert.equal(m.summary.blockStyle, 'pre-ln');
      assert.equal((out.match(/layerNormalization\(\)/g) ?? []).length, 2, 'one in the loop, one final');
    });
  });

  describe('unnormalized-residual-growth', () => {
    it('flags residual adds with no normalization and quantifies the growth', () => {
      const { file, text } = load('residualNoNorm.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'unnormalized-residual-growth');
      assert.ok(f);
      assert.equal(f.data?.blocks, 6);
      // branch: relu Dense (0.5 * 0.774) then linear Dense (0.774): gain 0.2994
      assert.ok(Math.abs((f.data?.branchGain as number) - 0.5 * 0.77374 * 0.77374) < 1e-3);
      assert.ok(Math.abs((f.data?.varianceGrowth as number) - Math.pow(1.2993, 6)) < 0.01);
    });

    it('does not flag residual models with normalization', () => {
      const { file, text } = load('preLn.ts');
      assert.ok(!ids(findings(file, text)).includes('unnormalized-residual-growth'));
    });

    it('normalizes the branch input (Pre-LN)', () => {
      const out = checkFix('residualNoNorm.ts', 'unnormalized-residual-growth');
      assert.match(out, /const xNorm = tf\.layers\.layerNormalization\(\)\.apply\(x\) as tf\.SymbolicTensor;\n {4}const h = .*\.apply\(xNorm\)/);
    });
  });

  describe('bn-plain-stack', () => {
    it('flags a deep BatchNorm stack with the gradient growth', () => {
      const { file, text } = load('bnStack.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'bn-plain-stack');
      assert.ok(f);
      assert.equal(f.data?.batchNorms, 14);
      assert.ok(Math.abs((f.data?.gradientGrowth as number) - Math.pow(Math.PI / (Math.PI - 1), 7)) < 1e-6);
      assert.ok(!ids(findings(file, text)).includes('deep-plain-stack'), 'BatchNorm breaks plain runs');
    });

    it('does not flag short BatchNorm stacks', () => {
      const { file, text } = load('bnStack.ts');
      assert.ok(!ids(findings(file, text.replace('i < 14', 'i < 6'))).includes('bn-plain-stack'));
    });

    it('replaces batchNormalization by layerNormalization', () => {
      const out = checkFix('bnStack.ts', 'bn-plain-stack');
      assert.match(out, /model\.add\(tf\.layers\.layerNormalization\(\)\);/);
      assert.doesNotMatch(out, /momentum/);
    });
  });

  describe('init-activation-mismatch', () => {
    it('flags tanh layers with He init and fixes them with glorotUniform', () => {
      const { file, text } = load('tanhHe.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'init-activation-mismatch');
      assert.ok(f);
      assert.equal(f.data?.kind, 'saturating');
      assert.equal(f.data?.layers, 7);
      const out = checkFix('tanhHe.ts', 'init-activation-mismatch');
      assert.equal((out.match(/'glorotUniform'/g) ?? []).length, 2);
      assert.doesNotMatch(out, /heNormal/);
    });

    it('flags ReLU layers with the Glorot default and adds heUniform', () => {
      const { file, text } = load('deepLoop.ts');
      const f = findings(file, text).find((x) => x.ruleId === 'init-activation-mismatch');
      assert.ok(f);
      assert.ok(Math.abs((f.data?.perLayerFactor as number) - 0.5 * 0.77374) < 1e-3);
      const out = checkFix('deepLoop.ts', 'init-activation-mismatch');
      assert.match(out, /\{ units: 64, activation: 'relu', kernelInitializer: 'heUniform' \}/);
    });

    it('does not flag He-initialized ReLU stacks', () => {
      const { file, text } = load('deepArray.ts');
      assert.ok(!ids(findings(file, text)).includes('init-activation-mismatch'));
    });
  });

  describe('truncated-normal-variance', () => {
    it('flags heNormal ReLU layers (info) and fixes them with heUniform', () => {
      const { file, text } = load('heNormalShort.ts');
      const fs_ = findings(file, text);
      assert.deepEqual(ids(fs_), ['truncated-normal-variance']);
      const f = fs_[0];
      assert.equal(f.severity, 'info');
      assert.equal(f.data?.layers, 5);
      assert.ok(Math.abs((f.data?.energyAfterStack as number) - Math.pow(0.77374, 5)) < 1e-6);
      const out = checkFix('heNormalShort.ts', 'truncated-normal-variance');
      assert.equal((out.match(/'heUniform'/g) ?? []).length, 5);
    });

    it('does not flag uniform initializers or short stacks', () => {
      const { file, text } = load('deepArray.ts');
      assert.ok(!ids(findings(file, text)).includes('truncated-normal-variance'));
      const short = load('heNormalShort.ts');
      assert.deepEqual(findings(short.file, short.text, { 'truncatedNormalVariance.minLayers': 6 }), []);
    });
  });

  it('every fix of every finding in the fixtures keeps the code parsing and removes its finding', function () {
    this.timeout(120_000);
    let checked = 0;
    for (const fx of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const { file, text } = load(fx);
      const all = analyzeText(file, text).report.models.flatMap((m) => m.findings);
      for (const f of all) {
        for (const fix of f.fixes) {
          const out = applyEdits(new SourceText(text, file), fix.edits);
          const after = analyzeText(file, out);
          assert.deepEqual(after.report.notes.filter((n) => n.kind === 'syntax'), [], `${fx}: "${fix.title}" breaks the syntax`);
          const left = after.report.models.flatMap((m) => m.findings).filter((x) => x.ruleId === f.ruleId);
          assert.deepEqual(left.map((x) => x.message), [], `${fx}: ${f.ruleId} still reported after "${fix.title}"`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 15, `checked ${checked} fixes`);
  });

  describe('suppressions', () => {
    it('honours disable-next-line on the finding line and whole-file disable', () => {
      const { file, text } = load('deepLoop.ts');
      const lines = text.split('\n');
      lines.splice(4, 0, '  // stability-lens-disable-next-line deep-plain-stack init-activation-mismatch');
      const fs1 = findings(file, lines.join('\n'));
      assert.deepEqual(ids(fs1), ['truncated-normal-variance']);
      const fs2 = findings(file, `// stability-lens-disable\n${text}`);
      assert.deepEqual(fs2, []);
      const fs3 = findings(file, `// stability-lens-disable truncated-normal-variance\n${text}`);
      assert.deepEqual(ids(fs3), ['deep-plain-stack', 'init-activation-mismatch']);
    });
  });
});
