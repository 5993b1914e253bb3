import { strict as assert } from 'node:assert';
import { parseSource } from '../../../../src/core/parse/source';
import { lineOf, parseFixture } from './sourceHelpers';

describe('parse/suppressions', () => {
  it('reads file-wide and next-line directives from real comments only', () => {
    const { result, text } = parseFixture('suppressed.ts');
    assert.deepEqual(result.suppressions, [
      { line: -1, rules: ['deep-plain-stack'] },
      {
        line: lineOf(text, '// stability-lens-disable-next-line tfjs') + 1,
        rules: ['tfjs-normal-init', 'missing-normalization'],
      },
      { line: lineOf(text, '/* stability-lens-disable-next-line */') + 1, rules: [] },
    ]);
    // The directives inside the string and the template literal are not suppressions.
    assert.ok(
      !result.suppressions.some((s) => s.rules.includes('not-a-comment') || s.rules.includes('fake')),
    );
  });

  it('handles trailing comments, descriptions after --, and same-line directives', () => {
    const src = [
      'const a = 1; // stability-lens-disable-next-line rule-x -- reason: legacy model',
      'const b = 2;',
      'const c = 3; // stability-lens-disable-line rule-y',
      "const d = 'http://x'; // stability-lens-disable rule-z",
      '// stability-lens-disabled-thing not-a-directive',
    ].join('\n');
    const r = parseSource('/x/s.ts', src);
    assert.deepEqual(r.suppressions, [
      { line: 1, rules: ['rule-x'] },
      { line: 2, rules: ['rule-y'] },
      { line: -1, rules: ['rule-z'] },
    ]);
  });
});
