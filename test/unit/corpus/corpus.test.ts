/**
 * Accuracy corpus: realistic model files written to imitate patterns found in public tfjs code
 * (test/corpus/*), with hand-counted expectations in test/corpus/expected.json. Independent of the
 * parser's own fixtures: it checks what a user sees (models found, names, weighted-layer counts, flags).
 */
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../../src/core/analyze';

interface ExpectedModel {
  name: string;
  weightedLayers?: number;
  residual?: boolean;
  maxPlainRun?: number;
  normalization?: string[];
  has?: string[];
  hasNot?: string[];
  assumptionMentions?: string;
}
interface ExpectedFile {
  exactModels?: boolean;
  models: ExpectedModel[];
}

const corpusDir = path.resolve(__dirname, '../../corpus');
const expected = JSON.parse(fs.readFileSync(path.join(corpusDir, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;
const host = {
  readFile(p: string): string | undefined {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
};

describe('accuracy corpus (test/corpus)', () => {
  for (const [file, exp] of Object.entries(expected)) {
    if (file.startsWith('$')) continue;
    it(file, () => {
      const abs = path.join(corpusDir, file);
      const { report } = analyzeText(abs, fs.readFileSync(abs, 'utf8'), { host });
      const found = report.models.map((m) => `${m.name}:${m.summary.weightedLayers}`).join(', ');
      if (exp.exactModels !== false) {
        assert.equal(report.models.length, exp.models.length, `models found: [${found}]`);
      }
      for (const em of exp.models) {
        const m = report.models.find((x) => x.name === em.name);
        assert.ok(m, `model '${em.name}' not found; found [${found}]`);
        const s = m.summary;
        if (em.weightedLayers !== undefined) assert.equal(s.weightedLayers, em.weightedLayers, `${em.name}: weighted layers`);
        if (em.residual !== undefined) assert.equal(s.residual, em.residual, `${em.name}: residual`);
        if (em.maxPlainRun !== undefined) assert.equal(s.maxPlainRun, em.maxPlainRun, `${em.name}: longest plain run`);
        if (em.normalization) assert.deepEqual([...s.normalization].sort(), [...em.normalization].sort(), `${em.name}: normalization`);
        const rules = new Set(m.findings.map((f) => f.ruleId));
        for (const r of em.has ?? []) assert.ok(rules.has(r), `${em.name}: expected finding ${r}; got [${[...rules]}]`);
        for (const r of em.hasNot ?? []) assert.ok(!rules.has(r), `${em.name}: unexpected finding ${r}`);
        if (em.assumptionMentions) {
          const notes = [...s.assumptions, ...report.notes].map((n) => n.message).join(' | ');
          assert.ok(notes.includes(em.assumptionMentions), `${em.name}: an assumption naming '${em.assumptionMentions}'; notes: ${notes}`);
        }
      }
    });
  }
});
