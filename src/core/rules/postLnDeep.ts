/** post-ln-deep: many Post-LN residual blocks (normalization after the add): warm-up needed (Xiong et al. 2020). */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { disableModelFix, preLnEdits } from './fixes';
import { coverSpan, fmt, indexGraph, label, relatedFor } from './util';
import type { LayerNode } from '../graph/types';

/** DeepNorm constants for N residual blocks (Wang et al. 2022): alpha = (2N)^(1/4), beta = (8N)^(-1/4). */
export function deepNormConstants(n: number): { alpha: number; beta: number } {
  return { alpha: Math.pow(2 * n, 0.25), beta: Math.pow(8 * n, -0.25) };
}

export const postLnDeep: Rule = {
  id: 'post-ln-deep',
  severity: 'warning',
  title: 'Deep Post-LN residual stack',
  description: 'Post-LN blocks (normalization after the residual add) keep large last-layer gradients at any depth and need learning-rate warm-up.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['postLnDeep.minBlocks'];
    const blocks = ctx.structure.blocks.filter((b) => b.additive && b.style === 'post-ln');
    if (blocks.length < min) return [];
    const ix = indexGraph(ctx.graph);
    const n = blocks.length;
    const { alpha, beta } = deepNormConstants(n);
    const norms = blocks.map((b) => ix.byId.get((b.postNorm ?? b.merge) as string) as LayerNode);
    const inner = blocks.flatMap((b) => [...b.branch, b.merge, ...(b.postNorm ? [b.postNorm] : [])]).map((id) => ix.byId.get(id) as LayerNode);
    const span = coverSpan(inner, ctx.graph.span);
    const message =
      `${n} Post-LN residual blocks (normalization after each add): the last layers' gradients do not shrink with depth, so training ` +
      `needs learning-rate warm-up; use Pre-LN blocks, or DeepNorm with alpha = (2N)^(1/4) = ${fmt(alpha)} and beta = (8N)^(-1/4) = ${fmt(beta)} for N = ${n}.`;
    const fixes: Fix[] = [];
    if (ctx.source && !ctx.isJson) {
      const edits = preLnEdits(ctx.graph, blocks, ctx.source, true);
      if (edits) fixes.push({ title: 'Convert to Pre-LN residual blocks (normalize the branch input, keep one final normalization)', edits, isPreferred: true, whatIf: 'pre-ln-residual' });
      fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
    }
    return [
      {
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(norms, (x, i) => `block ${i + 1} of ${n}: ${label(x)} after the add`),
        fixes,
        data: { blocks: n, threshold: min, deepNormAlpha: alpha, deepNormBeta: beta, whatIf: 'pre-ln-residual,deepnorm' },
        nodes: blocks.map((b) => b.merge).concat(blocks.flatMap((b) => (b.postNorm ? [b.postNorm] : []))),
      },
    ];
  },
};
