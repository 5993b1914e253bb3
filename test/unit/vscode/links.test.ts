import assert from 'node:assert/strict';
import { FALLBACK_REPOSITORY, repositoryBase, ruleDocsUrl } from '../../../src/vscode/links';
import { fixId, findFix, findingKey, sameFinding } from '../../../src/vscode/fixes';
import type { FileReport } from '../../../src/core/report/types';
import type { Finding } from '../../../src/core/rules/types';

describe('rule docs links', () => {
  it('derives the repository base from package.json', () => {
    assert.equal(repositoryBase({ repository: { url: 'git+https://host.example/org/repo.git' } }), 'https://host.example/org/repo');
    assert.equal(repositoryBase({ repository: 'https://host.example/org/repo/' }), 'https://host.example/org/repo');
    assert.equal(repositoryBase({ homepage: 'https://h.example/x' }), 'https://h.example/x');
    assert.equal(repositoryBase({ repository: { url: 'git@host:org/repo.git' } }), FALLBACK_REPOSITORY);
    assert.equal(repositoryBase(undefined), FALLBACK_REPOSITORY);
  });
  it('points at docs/rules/<rule-id>.md', () => {
    assert.equal(ruleDocsUrl('https://h.example/r', 'deep-plain-stack'), 'https://h.example/r/blob/main/docs/rules/deep-plain-stack.md');
  });
});

describe('finding and fix ids', () => {
  const span = { file: 'a.ts', start: { line: 3, character: 0 }, end: { line: 9, character: 1 } };
  const finding: Finding = { ruleId: 'r', severity: 'warning', message: 'm', span, related: [], fixes: [{ title: 'fix it', edits: [] }] };
  const report = { path: 'a.ts', errors: [], notes: [], models: [{ findings: [finding] }] } as unknown as FileReport;
  it('round-trips', () => {
    assert.equal(findingKey(0, 0), '0.0');
    assert.equal(findFix(report, fixId(0, 0, 0))?.fix.title, 'fix it');
    assert.equal(findFix(report, fixId(0, 0, 1)), undefined);
    assert.equal(findFix(report, 'bogus'), undefined);
  });
  it('recognizes the same finding across analyses', () => {
    assert.ok(sameFinding(finding, { ...finding, fixes: [] }));
    assert.ok(!sameFinding(finding, { ...finding, span: { ...span, start: { line: 4, character: 0 } } }));
  });
});
