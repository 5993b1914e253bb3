/**
 * init-activation-mismatch: ReLU-family activations with Glorot/LeCun initialization (half the signal energy lost
 * per layer), or saturating activations (tanh, sigmoid) with He initialization (driven into saturation).
 */
import type { Rule, RuleContext } from './rule';
import type { Finding, Fix } from './types';
import type { LayerNode } from '../graph/types';
import { initializerOf, isReluFamily, isSaturating, varianceScalingForm } from '../graph/catalog';
import { disableModelFix, setInitializer } from './fixes';
import { affectedChains, coverSpan, effectiveActivation, effectiveWeightScale, fmt, fmtPow, indexGraph, initName, label, relatedFor } from './util';

export const initActivationMismatch: Rule = {
  id: 'init-activation-mismatch',
  severity: 'warning',
  title: 'Initializer does not match the activation',
  description: 'Glorot/LeCun init under ReLU halves the signal energy per layer; He init under tanh/sigmoid saturates them.',
  run(ctx: RuleContext): Finding[] {
    const min = ctx.thresholds['initActivationMismatch.minLayers'];
    const ix = indexGraph(ctx.graph);
    const scaleOf = (n: LayerNode) => varianceScalingForm(initializerOf(n.config))?.scale;
    const reluLow = (n: LayerNode) => {
      const s = scaleOf(n);
      return isReluFamily(effectiveActivation(ix, n)) && s !== undefined && s <= 1.05;
    };
    const saturatingHigh = (n: LayerNode) => {
      const s = scaleOf(n);
      return isSaturating(effectiveActivation(ix, n)) && s !== undefined && s >= 1.95;
    };
    const findings: Finding[] = [];
    for (const [kind, pred] of [
      ['relu', reluLow],
      ['saturating', saturatingHigh],
    ] as const) {
      for (const chain of affectedChains(ctx.graph, pred)) {
        if (chain.length < min) continue;
        const n = chain.length;
        const acts = [...new Set(chain.map((x) => effectiveActivation(ix, x)))].join('/');
        const inits = [...new Set(chain.map((x) => initName(initializerOf(x.config))))].join(', ');
        const span = coverSpan(chain, ctx.graph.span);
        let message: string;
        const data: Finding['data'] = { layers: n, threshold: min, kind };
        const target = kind === 'relu' ? 'heUniform' : 'glorotUniform';
        if (kind === 'relu') {
          const scales = chain.map((x) => effectiveWeightScale(initializerOf(x.config)) ?? 1);
          const perLayer = Math.exp(scales.reduce((a, s) => a + Math.log(0.5 * s), 0) / n);
          const total = Math.pow(perLayer, n);
          message =
            `${n} ${acts} layers in a row use ${inits}, scaled for linear/tanh units: each layer keeps about ${fmt(perLayer)} of the ` +
            `signal's mean square (He init keeps 1), ${fmtPow(perLayer, n)} after ${n} layers; use heUniform.`;
          data.perLayerFactor = perLayer;
          data.energyAfterStack = total;
          data.whatIf = 'he-uniform';
        } else {
          message =
            `${n} ${acts} layers in a row use ${inits}, which doubles the pre-activation variance meant for ReLU and pushes ${acts} ` +
            `units into saturation, where gradients vanish; use glorotUniform.`;
        }
        const fixes: Fix[] = [];
        if (ctx.source && !ctx.isJson) {
          const edits = setInitializer(chain, ctx.source, target);
          if (edits) {
            const fix: Fix = { title: `Use kernelInitializer '${target}' in these ${n} layers`, edits, isPreferred: true };
            if (kind === 'relu') fix.whatIf = 'he-uniform';
            fixes.push(fix);
          }
          fixes.push(disableModelFix(ctx.source, span.start.line, this.id));
        }
        findings.push({
          ruleId: this.id,
          severity: this.severity,
          message,
          span,
          related: relatedFor(chain, (x) => `${label(x)}: ${effectiveActivation(ix, x)} with ${initName(initializerOf(x.config))}`),
          fixes,
          data,
          nodes: chain.map((x) => x.id),
        });
      }
    }
    return findings;
  },
};
