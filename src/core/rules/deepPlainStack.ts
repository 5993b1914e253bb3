/** deep-plain-stack: a long run of weighted layers with no normalization and no residual path. */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { disableModelFix, insertLayerAfter } from './fixes';
import { coverSpan, fmt, fmtLog10, indexGraph, label, layerEnergyFactor, relatedFor } from './util';
import type { LayerNode } from '../graph/types';

const CONV = /^(Conv|SeparableConv|DepthwiseConv)/;

export const deepPlainStack: Rule = {
  id: 'deep-plain-stack',
  severity: 'warning',
  title: 'Deep plain stack',
  description: 'A long run of weighted layers with no normalization and no residual path: signals shrink or grow geometrically with depth.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['deepPlainStack.minRun'];
    const ix = indexGraph(ctx.graph);
    const findings: Finding[] = [];
    for (const run of ctx.structure.runs) {
      if (run.nodes.length < min) continue;
      const nodes = run.nodes.map((id) => ix.byId.get(id) as LayerNode);
      const n = nodes.length;
      const conv = nodes.filter((x) => CONV.test(x.className)).length * 2 > n;
      const factors = nodes.slice(0, -1).map((x) => layerEnergyFactor(ix, x));
      const known = factors.every((f) => f !== undefined) && factors.length > 0;
      // in log space: thousands of layers compound past the double range
      const logProduct = known ? (factors as number[]).reduce((a, b) => a + Math.log10(b), 0) : undefined;
      const product = logProduct !== undefined ? 10 ** logProduct : undefined;
      const perLayer = logProduct !== undefined ? 10 ** (logProduct / factors.length) : undefined;
      let why =
        product !== undefined
          ? `the initialization keeps the signal's scale only on average, and nothing corrects the drift that training and fluctuations compound over ${n} layers`
          : 'nothing keeps the signal scale in check, so activations and gradients shrink or grow geometrically with depth';
      if (logProduct !== undefined && perLayer !== undefined && Math.abs(logProduct) >= 0.3) {
        why = `at initialization the signal's mean square changes by about ${fmt(perLayer)}x per layer, ${fmtLog10(logProduct)}x over the stack`;
      }
      const message = `${n} weighted layers in a row with no normalization and no residual path: ${why}.`;
      const fixes: Fix[] = [];
      const factory = conv ? 'batchNormalization' : 'layerNormalization';
      const whatIf = conv ? 'batchnorm' : 'insert-layernorm';
      if (ctx.source && !ctx.isJson) {
        const ins = insertLayerAfter(nodes.slice(0, -1), ctx.source, factory);
        if (ins && coversRun(nodes, min)) {
          fixes.push({
            title: ins.sites === 1 && nodes[0].site?.inLoop ? `Add ${factory}() in the loop body` : `Add ${factory}() after each hidden layer (${ins.sites} place${ins.sites === 1 ? '' : 's'})`,
            edits: ins.edits,
            isPreferred: true,
            whatIf,
          });
        }
      }
      const span = coverSpan(nodes, ctx.graph.span);
      if (ctx.source && !ctx.isJson) {
        fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
      }
      const data: Finding['data'] = { runLength: n, threshold: min, whatIf: `${whatIf},pre-ln-residual` };
      if (product !== undefined) data.energyFactor = product;
      if (perLayer !== undefined) data.perLayerFactor = perLayer;
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(nodes, (x, i) => `layer ${i + 1} of ${n}: ${label(x)}`),
        fixes,
        data,
        nodes: run.nodes,
      });
    }
    return findings;
  },
};

/** Inserting after every node but the last splits the run into single layers (sites missing would have aborted). */
function coversRun(nodes: LayerNode[], min: number): boolean {
  return nodes.length >= 2 && min >= 2;
}
