/**
 * truncated-normal-variance: tfjs draws glorotNormal / heNormal / leCunNormal (and varianceScaling 'normal',
 * including the Dense/Conv default) from a normal truncated at +-2 sigma WITHOUT Keras's correction, so every
 * layer gets 0.774 of the intended variance (tensorflow/tfjs#8594). Matters in ReLU-family stacks.
 */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import { TRUNCATED_NORMAL_VARIANCE, initializerOf, isReluFamily, isUncorrectedTruncatedNormal } from '../graph/catalog';
import { disableModelFix, setInitializer } from './fixes';
import { affectedChains, coverSpan, effectiveActivation, fmtPow, indexGraph, initName, label, relatedFor } from './util';

export const truncatedNormalVariance: Rule = {
  id: 'truncated-normal-variance',
  severity: 'info',
  title: 'tfjs truncated-normal initializer loses variance',
  description: 'tfjs "normal" initializers are truncated at 2 sigma without correction: 0.774 of the nominal variance per layer.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['truncatedNormalVariance.minLayers'];
    const ix = indexGraph(ctx.graph);
    const chains = affectedChains(ctx.graph, (n) => isReluFamily(effectiveActivation(ix, n)) && isUncorrectedTruncatedNormal(initializerOf(n.config)));
    const findings: Finding[] = [];
    for (const chain of chains) {
      if (chain.length < min) continue;
      const n = chain.length;
      const inits = [...new Set(chain.map((x) => initName(initializerOf(x.config))))];
      const defaulted = chain.filter((x) => x.written.kernelInitializer === undefined).length;
      const loss = Math.pow(TRUNCATED_NORMAL_VARIANCE, n);
      const which = defaulted === n ? `the tfjs default ${inits.join(', ')}` : inits.join(', ');
      const message =
        `${n} ReLU-family layers in a row use ${which}, which tfjs draws from a normal truncated at 2 sigma without correction: ` +
        `each layer gets ${TRUNCATED_NORMAL_VARIANCE} of the intended variance, ${fmtPow(TRUNCATED_NORMAL_VARIANCE, n)} of the signal energy after ${n} layers.`;
      // Span: the initializer argument when there is one written, else the layers.
      const span = coverSpan(chain, ctx.graph.span);
      const fixes: Fix[] = [];
      if (ctx.source && !ctx.isJson) {
        const edits = setInitializer(chain, ctx.source, 'heUniform');
        if (edits) fixes.push({ title: `Use kernelInitializer 'heUniform' (exact variance) in these ${n} layers`, edits, isPreferred: true, whatIf: 'he-uniform' });
        fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
      }
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message,
        span,
        related: relatedFor(chain, (x) => `${label(x)}: ${initName(initializerOf(x.config))}${x.written.kernelInitializer === undefined ? ' (tfjs default)' : ''}`),
        fixes,
        data: { layers: n, threshold: min, varianceKept: TRUNCATED_NORMAL_VARIANCE, energyAfterStack: loss, whatIf: 'he-uniform' },
        nodes: chain.map((x) => x.id),
      });
    }
    return findings;
  },
};
