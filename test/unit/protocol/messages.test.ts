import assert from 'node:assert/strict';
import { fixtures, type FixtureName } from '../../fixtures/report/fixtures';
import { parseHostMessage, parseViewState, parseWebviewMessage, parseDiffMap, defaultViewState } from '../../../src/protocol/messages';
import { validateReport } from '../../../src/protocol/validate';

const span = { file: 'a.ts', start: { line: 1, character: 2 }, end: { line: 1, character: 9 } };

describe('protocol messages', () => {
  it('every report fixture is a valid report and a valid report message', () => {
    for (const name of Object.keys(fixtures) as FixtureName[]) {
      const report = fixtures[name]();
      assert.deepEqual(validateReport(report), [], name);
      const parsed = parseHostMessage({ type: 'report', report, uri: 'file:///a.ts', canApplyFixes: true });
      assert.equal(parsed.ok, true, name);
    }
  });

  it('rejects reports of the wrong shape with a readable path', () => {
    const r = fixtures.plainMlp() as unknown as { files: { models: { layers: { name: unknown }[]; simulation: { verdict: unknown } }[] }[] };
    r.files[0].models[0].layers[5].name = 42;
    r.files[0].models[0].simulation.verdict = 'fine';
    const errs = validateReport(r);
    assert.ok(errs.some((e) => e.includes('report.files[0].models[0].layers[5].name: expected a string')), errs.join('\n'));
    assert.ok(errs.some((e) => e.includes('simulation.verdict: expected one of')), errs.join('\n'));
    const parsed = parseHostMessage({ type: 'report', report: r });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /malformed host message/);
  });

  it('host messages: unknown types, missing fields and bad enums are refused', () => {
    assert.equal(parseHostMessage({ type: 'empty', reason: 'nothing here' }).ok, true);
    assert.equal(parseHostMessage({ type: 'status', state: 'analyzing' }).ok, true);
    assert.equal(parseHostMessage({ type: 'selectLayer', model: 'm', nodeId: 'n1' }).ok, true);
    for (const bad of [null, 'report', 42, [], {}, { type: 7 }, { type: 'launch' }, { type: 'empty' }, { type: 'status', state: 'busy' }, { type: 'selectLayer', model: 'm' }, { type: 'report' }, { type: 'empty', reason: 'x'.repeat(20_000) }]) {
      assert.equal(parseHostMessage(bad).ok, false, JSON.stringify(bad)?.slice(0, 80));
    }
    // __proto__ / inherited names are not message types.
    assert.equal(parseHostMessage({ type: 'toString' }).ok, false);
    assert.equal(parseHostMessage(JSON.parse('{"type":"__proto__"}')).ok, false);
  });

  it('webview messages: each type validated', () => {
    const good = [
      { type: 'ready', protocol: 1 },
      { type: 'revealSpan', span },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: 0, fixIndex: 1, ruleId: 'deep-plain-stack', title: 'Insert' },
      { type: 'requestAnalysis', profile: 'full' },
      { type: 'log', level: 'warn', message: 'x' },
    ];
    for (const g of good) assert.equal(parseWebviewMessage(g).ok, true, g.type);
    const bad = [
      { type: 'ready' },
      { type: 'revealSpan', span: { file: 'a.ts', start: { line: -1, character: 0 }, end: { line: 0, character: 0 } } },
      { type: 'revealSpan', span: { file: 3, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      { type: 'revealSpan' },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: -1, fixIndex: 0, ruleId: 'r', title: 't' },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: 0.5, fixIndex: 0, ruleId: 'r', title: 't' },
      { type: 'applyFix', path: 'a.ts', model: 'm', findingIndex: 0, fixIndex: 0, ruleId: 'r' },
      { type: 'requestAnalysis', profile: 'everything' },
      { type: 'log', level: 'fatal', message: 'x' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
    ];
    for (const b of bad) assert.equal(parseWebviewMessage(b).ok, false, JSON.stringify(b));
  });

  it('view state: a saved state round-trips; garbage gives the default', () => {
    const s = { ...defaultViewState(), uri: 'file:///a.ts', model: 'encoder', selected: 'n3', toggled: ['encoder::n2'], hidden: ['deepnorm'], activeFinding: 1, scrollY: 120 };
    assert.deepEqual(parseViewState(JSON.parse(JSON.stringify(s))), s);
    assert.deepEqual(parseViewState(undefined), defaultViewState());
    assert.deepEqual(parseViewState({ toggled: 'x' }), defaultViewState());
    assert.deepEqual(parseViewState({ ...s, scrollY: '12' }), defaultViewState());
  });

  it('diff maps are validated too', () => {
    const ok = { '0/0/0/0': [{ oldStart: 3, lines: [{ kind: 'add', line: 3, text: 'x' }] }] };
    assert.deepEqual(parseDiffMap(ok), ok);
    assert.deepEqual(parseDiffMap({ '0/0/0/0': [{ oldStart: 3, lines: [{ kind: 'script', line: 3, text: 'x' }] }] }), {});
    assert.deepEqual(parseDiffMap(undefined), {});
  });
});
