/** unnormalized-residual-growth: residual adds with no normalization anywhere: variance grows exponentially. */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { disableModelFix, preLnEdits } from './fixes';
import { coverSpan, fmt, fmtPow, indexGraph, label, layerEnergyFactor, relatedFor } from './util';
import type { LayerNode } from '../graph/types';

export const unnormalizedResidualGrowth: Rule = {
  id: 'unnormalized-residual-growth',
  severity: 'warning',
  title: 'Residual stream without normalization',
  description: 'Residual adds with no normalization anywhere: each block multiplies the variance by (1 + branch gain), exponentially in depth.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['unnormalizedResidualGrowth.minBlocks'];
    if (ctx.structure.summary.normalization.length > 0) return [];
    const blocks = ctx.structure.blocks.filter((b) => b.additive && b.style === 'unnormalized');
    if (blocks.length < min) return [];
    const ix = indexGraph(ctx.graph);
    const n = blocks.length;
    // Branch gain: product of the branch layers' mean-square factors (when known), averaged over blocks in log space.
    const gains: number[] = [];
    for (const b of blocks) {
      const fs = b.branchWeighted.map((id) => layerEnergyFactor(ix, ix.byId.get(id) as LayerNode));
      if (fs.length && fs.every((f) => f !== undefined)) gains.push((fs as number[]).reduce((a, c) => a * c, 1));
    }
    const gain = gains.length === blocks.length ? Math.exp(gains.reduce((a, g) => a + Math.log(g), 0) / gains.length) : undefined;
    const merges = blocks.map((b) => ix.byId.get(b.merge) as LayerNode);
    const span = coverSpan(blocks.flatMap((b) => [...b.branch, b.merge]).map((id) => ix.byId.get(id) as LayerNode), ctx.graph.span);
    const growthText =
      gain !== undefined
        ? `each add multiplies the variance by about 1 + ${fmt(gain)} = ${fmt(1 + gain)}, ${fmtPow(1 + gain, n)}x over the ${n} blocks, and the gradients grow by the same factor`
        : 'each add multiplies the variance by (1 + the branch gain), so activations and gradients grow exponentially with the number of blocks';
    const message = `${n} residual adds and no normalization anywhere in the model: ${growthText}.`;
    const fixes: Fix[] = [];
    if (ctx.source && !ctx.isJson) {
      const edits = preLnEdits(ctx.graph, blocks, ctx.source, false);
      if (edits) fixes.push({ title: 'Normalize each residual branch input (Pre-LN blocks)', edits, isPreferred: true, whatIf: 'pre-ln-residual' });
      fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
    }
    const data: Finding['data'] = { blocks: n, threshold: min, whatIf: 'pre-ln-residual,residual-scaling' };
    if (gain !== undefined) {
      data.branchGain = gain;
      data.varianceGrowth = Math.pow(1 + gain, n);
    }
    return [
      {
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(merges, (x, i) => `residual add ${i + 1} of ${n}: ${label(x)}`),
        fixes,
        data,
        nodes: blocks.map((b) => b.merge),
      },
    ];
  },
};
