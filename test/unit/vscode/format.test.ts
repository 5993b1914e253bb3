import assert from 'node:assert/strict';
import type { FileReport, LayerReport, ModelReport } from '../../../src/core/report/types';
import type { SimulationResult } from '../../../src/core/simulate/types';
import {
  codeLensTitle,
  formatConfigValue,
  formatNumber,
  formatScale,
  layerHoverMarkdown,
  layersAt,
  simulationMessage,
  statusBarText,
  textReport,
  verdictSeverity,
} from '../../../src/vscode/format';

const span = (l0: number, c0: number, l1: number, c1: number) => ({ file: '/w/m.ts', start: { line: l0, character: c0 }, end: { line: l1, character: c1 } });

function sim(over: Partial<SimulationResult> = {}): SimulationResult {
  return {
    verdict: 'stable',
    forwardVerdict: 'stable',
    backwardVerdict: 'stable',
    borderline: false,
    reason: '',
    outputGain: 1.1,
    gradientGain: 0.9,
    weightGradImbalance: 1,
    float32Limit: null,
    seed: 42,
    width: 64,
    batch: 32,
    profile: 'interactive',
    ms: 12,
    partial: false,
    layers: {},
    series: { nodes: [], fwdRms: [], gradRms: [], sampleCosine: [], weightGradNorm: [] },
    notes: [],
    ...over,
  };
}

function layer(id: string, s = span(5, 4, 5, 40), extra: Partial<LayerReport> = {}): LayerReport {
  return {
    id,
    className: 'Dense',
    name: `dense_${id}`,
    config: { units: 64, activation: 'relu', kernelInitializer: { id: 'glorotNormal' }, useBias: true },
    span: s,
    inputs: [],
    kind: 'weighted',
    ...extra,
  };
}

function model(over: Partial<ModelReport> = {}): ModelReport {
  return {
    name: 'model',
    span: span(2, 0, 10, 2),
    api: 'sequential',
    layers: [layer('n1'), layer('n2', span(7, 4, 7, 30))],
    summary: { weightedLayers: 48, totalLayers: 60, depthWeighted: 48, maxPlainRun: 48, normalization: [], residual: false, residualBlocks: 0, assumptions: [] },
    findings: [],
    ...over,
  };
}

describe('editor formatting', () => {
  it('formats scales compactly', () => {
    assert.equal(formatScale(1e6), '×1e6');
    assert.equal(formatScale(2.3e-8), '×1e-8');
    assert.equal(formatScale(0.52), '×0.52');
    assert.equal(formatScale(3.44), '×3.4');
    assert.equal(formatScale(42), '×42');
    assert.equal(formatScale(null), '×?');
    assert.equal(formatScale(0), '×0');
    assert.equal(formatNumber(123456), '1.23e5');
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(null), 'n/a');
  });

  it('CodeLens title as in the issue', () => {
    assert.equal(codeLensTitle(model({ simulation: sim({ outputGain: 1.2e6, verdict: 'exploding' }) }), false), 'Stability Lens: 48 weighted layers · activations ×1e6 at output · exploding · Show report');
    assert.equal(codeLensTitle(model({ simulation: sim() }), false), 'Stability Lens: 48 weighted layers · activations ×1.1 at output · Show report');
    assert.equal(codeLensTitle(model(), true), 'Stability Lens: 48 weighted layers · simulating… · Show report');
  });

  it('maps verdicts to severities (STYLE §5)', () => {
    assert.equal(verdictSeverity(sim({ verdict: 'exploding', float32Limit: { node: 'n9', direction: 'forward', kind: 'overflow' } })), 'error');
    assert.equal(verdictSeverity(sim({ verdict: 'exploding' })), 'warning');
    assert.equal(verdictSeverity(sim({ verdict: 'vanishing' })), 'warning');
    assert.equal(verdictSeverity(sim({ verdict: 'growing' })), 'info');
    assert.equal(verdictSeverity(sim({ borderline: true })), 'info');
    assert.equal(verdictSeverity(sim()), undefined);
  });

  it('simulation message names the verdict, the gains and the seed', () => {
    const m = simulationMessage(model(), sim({ verdict: 'exploding', outputGain: 3e7, gradientGain: 2e5, partial: true }));
    assert.match(m, /exploding/);
    assert.match(m, /×1e7/);
    assert.match(m, /×1e5/);
    assert.match(m, /seed 42/);
    assert.match(m, /partial/);
  });

  it('finds the innermost factory call at a position, grouping loop-made layers', () => {
    const loop = span(5, 4, 5, 40);
    const report: FileReport = { path: '/w/m.ts', errors: [], notes: [], models: [model({ layers: [layer('n1', loop), layer('n2', loop), layer('n3', span(7, 4, 7, 30))] })] };
    const hit = layersAt(report, '/w/m.ts', 5, 10);
    assert.deepEqual(hit?.layers.map((l) => l.id), ['n1', 'n2']);
    assert.equal(layersAt(report, '/w/m.ts', 6, 0), undefined);
    assert.equal(layersAt(report, '/w/other.ts', 5, 10), undefined);
    assert.deepEqual(layersAt(report, '/w/m.ts', 7, 30)?.layers.map((l) => l.id), ['n3']);
    // an InputLayer implied by inputShape shares the first layer's span: the layer itself is shown
    const withInput: FileReport = { ...report, models: [model({ layers: [layer('n0', loop, { className: 'InputLayer', kind: 'input' }), layer('n1', loop)] })] };
    assert.deepEqual(layersAt(withInput, '/w/m.ts', 5, 10)?.layers.map((l) => l.id), ['n1']);
  });

  it('hover marks tfjs defaults and shows simulated scales', () => {
    const l = layer('n1', span(5, 4, 5, 40), { sim: { fwdRms: 2.5e5, fwdMean: 0, maxAbs: 1, deadFraction: 0.5, gradRms: 1e-4, weightGradNorm: 1, sampleCosine: 0.2 } });
    const m = model({ layers: [l], simulation: sim() });
    const md = layerHoverMarkdown({ model: m, modelIndex: 0, layers: [l] }, ['units', 'activation']);
    assert.match(md, /\| units \| `64` \| {2}\|/);
    assert.match(md, /\| kernelInitializer \| `glorotNormal` \| \*tfjs default\* \|/);
    assert.match(md, /\| useBias \| `true` \| \*tfjs default\* \|/);
    assert.match(md, /forward RMS \*\*2\.50e5\*\*/);
    assert.match(md, /gradient RMS \*\*1\.00e-4\*\*/);
    assert.match(md, /dead units 50%/);
    assert.ok(md.indexOf('| units |') < md.indexOf('| kernelInitializer |'), 'written options come first');
    assert.match(layerHoverMarkdown({ model: model(), modelIndex: 0, layers: [layer('n1')] }, undefined), /Not simulated yet/);
  });

  it('formats config values, initializers included', () => {
    assert.equal(formatConfigValue({ id: 'varianceScaling', args: { scale: 2, mode: 'fanIn' } }), "varianceScaling(scale: 2, mode: 'fanIn')");
    assert.equal(formatConfigValue([null, 3]), '[null, 3]');
  });

  it('status bar shows the worst verdict and counts', () => {
    const report: FileReport = {
      path: '/w/m.ts',
      errors: [],
      notes: [],
      models: [model({ simulation: sim() }), model({ simulation: sim({ verdict: 'exploding' }), findings: [{ ruleId: 'r', severity: 'warning', message: 'm', span: span(0, 0, 0, 1), related: [], fixes: [] }] })],
    };
    assert.equal(statusBarText(report, false), '$(warning) exploding · 1 finding (2 models)');
    assert.equal(statusBarText(report, true), '$(sync~spin) exploding · 1 finding (2 models)');
    assert.equal(statusBarText(undefined, true), '$(sync~spin) Stability Lens');
    assert.equal(statusBarText(undefined, false), undefined);
    assert.equal(statusBarText({ ...report, models: [] }, false), undefined);
  });

  it('text report lists models, simulation, findings and layers', () => {
    const t = textReport({
      path: '/w/m.ts',
      errors: [],
      notes: [],
      models: [model({ simulation: sim({ verdict: 'vanishing', outputGain: 1e-9 }), findings: [{ ruleId: 'deep-plain-stack', severity: 'warning', message: '48 layers', span: span(4, 2, 9, 3), related: [], fixes: [{ title: 'Insert LN', edits: [] }] }] })],
    });
    assert.match(t, /Model 'model', sequential, at 3:1/);
    assert.match(t, /48 weighted layers/);
    assert.match(t, /vanishing/);
    assert.match(t, /warning +5:3 +deep-plain-stack: 48 layers/);
    assert.match(t, /fix: Insert LN/);
    assert.match(t, /n1 +Dense +dense_n1/);
  });
});
