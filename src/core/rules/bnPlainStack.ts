/** bn-plain-stack: deep plain BatchNorm stacks without residual paths (Yang et al. 2019). */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { disableModelFix, replaceFactory } from './fixes';
import { coverSpan, fmt, fmtPow, indexGraph, label, relatedFor } from './util';
import type { LayerNode } from '../graph/types';

/** Gradient RMS growth per BatchNorm layer at init: sqrt(pi / (pi - 1)). */
export const BN_GRADIENT_RMS_FACTOR = Math.sqrt(Math.PI / (Math.PI - 1));

export const bnPlainStack: Rule = {
  id: 'bn-plain-stack',
  severity: 'warning',
  title: 'Deep BatchNorm stack without residual paths',
  description: 'BatchNorm pins the forward pass but makes gradients grow about 1.21x per layer at initialization in plain stacks.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['bnPlainStack.minRun'];
    const ix = indexGraph(ctx.graph);
    const findings: Finding[] = [];
    for (const run of ctx.structure.bnRuns) {
      if (run.nodes.length < min) continue;
      const nodes = run.nodes.map((id) => ix.byId.get(id) as LayerNode);
      const bns = run.batchNorms.map((id) => ix.byId.get(id) as LayerNode);
      const growth = Math.pow(BN_GRADIENT_RMS_FACTOR, bns.length);
      const n = nodes.length;
      const message =
        `${n} weighted layers with ${bns.length} BatchNormalization layers between them and no residual path: at initialization ` +
        `BatchNorm makes gradients grow about ${fmt(BN_GRADIENT_RMS_FACTOR)}x per layer, about ${fmtPow(BN_GRADIENT_RMS_FACTOR, bns.length)}x from the last layer back to the first.`;
      const span = coverSpan(nodes, ctx.graph.span);
      const fixes: Fix[] = [];
      if (ctx.source && !ctx.isJson) {
        const edits = replaceFactory(bns, ctx.source, 'batchNormalization', 'layerNormalization');
        if (edits) fixes.push({ title: 'Use layerNormalization instead of batchNormalization in this stack', edits, isPreferred: true, whatIf: 'insert-layernorm' });
        fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
      }
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(bns, (x, i) => `BatchNormalization ${i + 1} of ${bns.length}: ${label(x)}`),
        fixes,
        data: { runLength: n, batchNorms: bns.length, gradientGrowth: growth, threshold: min, whatIf: 'pre-ln-residual,insert-layernorm' },
        nodes: [...run.nodes, ...run.batchNorms],
      });
    }
    return findings;
  },
};
