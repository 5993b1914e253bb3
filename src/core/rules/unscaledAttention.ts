/** unscaled-attention: q·k scores go into the softmax without the 1/sqrt(d_k) of scaled dot-product attention. */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { disableModelFix, insertLayerAfter } from './fixes';
import { coverSpan, fmt, label, relatedFor } from './util';
import { unscaledAttention } from '../graph/attention';

export const unscaledAttentionRule: Rule = {
  id: 'unscaled-attention',
  severity: 'warning',
  title: 'Unscaled dot-product attention',
  description: 'Attention scores q·k reach the softmax without the 1/sqrt(d_k) scaling: the softmax saturates at initialization and passes back little gradient.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['unscaledAttention.minKeyDim'];
    const found = unscaledAttention(ctx.graph).filter((a) => a.keyDim >= min);
    if (found.length === 0) return [];
    const dims = [...new Set(found.map((a) => a.keyDim))];
    const d = Math.max(...dims);
    const n = found.length;
    const span = coverSpan(
      found.map((a) => a.dot),
      ctx.graph.span,
    );
    const message =
      `${n} attention score${n === 1 ? '' : 's'} (q·k over d_k = ${dims.join(', ')}) go${n === 1 ? 'es' : ''} into the softmax without the 1/sqrt(d_k) ` +
      `scaling: the scores' spread grows like sqrt(d_k) (about ${fmt(Math.sqrt(d))}x too wide), so at initialization the softmax is ` +
      `nearly one-hot and passes back little gradient; scale the scores by 1/sqrt(d_k) = ${fmt(1 / Math.sqrt(d))}.`;
    const fixes: Fix[] = [];
    if (ctx.source && !ctx.isJson) {
      const edits = insertLayerAfter(
        found.map((a) => a.dot),
        ctx.source,
        'rescaling',
        (node) => `{ scale: 1 / Math.sqrt(${found.find((a) => a.dot === node)?.keyDim ?? d}) }`,
      );
      if (edits) fixes.push({ title: 'Scale the attention scores by 1/sqrt(d_k) (tf.layers.rescaling)', edits: edits.edits, isPreferred: true, whatIf: 'scale-attention' });
      fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
    }
    return [
      {
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(
          found.map((a) => a.dot),
          (x) => `${label(x)}: scores over d_k = ${found.find((a) => a.dot === x)?.keyDim} straight into ${label(found.find((a) => a.dot === x)!.softmax)}`,
        ),
        fixes,
        data: { scores: n, keyDim: d, scale: 1 / Math.sqrt(d), threshold: min, whatIf: 'scale-attention' },
        nodes: found.flatMap((a) => [a.dot.id, a.softmax.id]),
      },
    ];
  },
};
