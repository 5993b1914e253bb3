import assert from 'node:assert/strict';
import { citationFor, formatNumber, mainRisk, sortFindings, verdictTone } from '../../../../src/core/report/words';
import { fixtures } from '../../../fixtures/report/fixtures';

describe('report words', () => {
  it('formats numbers compactly', () => {
    assert.equal(formatNumber(48), '48');
    assert.equal(formatNumber(0.6221), '0.62');
    assert.equal(formatNumber(1.335e-10), '1.3e-10');
    assert.equal(formatNumber(5.216e21), '5.2e21');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(0), '0');
  });

  it('names the main risk from the simulation', () => {
    assert.match(mainRisk(fixtures.plainMlp().files[0].models[0]), /first layers receive only 1\.2e-10/);
    assert.match(mainRisk(fixtures.float32Limit().files[0].models[0]), /overflow to Infinity at layer “add_112”/);
    assert.match(mainRisk(fixtures.resnet().files[0].models[0]), /keep their scale/);
    assert.match(mainRisk(fixtures.multiModel().files[0].models[1]), /fades slowly/);
    // Not simulated: the structure's word.
    assert.match(mainRisk(fixtures.multiModel().files[0].models[3]), /Not simulated/);
  });

  it('tones and order', () => {
    assert.equal(verdictTone('stable'), 'ok');
    assert.equal(verdictTone('growing'), 'warn');
    assert.equal(verdictTone('exploding'), 'bad');
    assert.equal(verdictTone('exploding', true), 'warn');
    const m = fixtures.float32Limit().files[0].models[0];
    assert.deepEqual(sortFindings([...m.findings].reverse()).map((f) => f.severity), ['error', 'warning']);
  });

  it('citations: the finding\'s own, else by fix, else by rule', () => {
    const t = fixtures.postLnTransformer().files[0].models[0];
    assert.match(citationFor(t.findings[0]) ?? '', /Xiong et al\. 2020/);
    assert.match(citationFor({ ...t.findings[0], data: {} }) ?? '', /DeepNet/);
    assert.match(citationFor(t.findings[1]) ?? '', /Dong/);
    assert.equal(citationFor({ ...t.findings[1], ruleId: 'something-else' }), undefined);
  });
});
