/** Helpers shared by the rules: effective activations, variance factors, chains of layers, spans, numbers. */
import type { InitializerRef, LayerGraph, LayerNode, Span } from '../graph/types';
import { TRUNCATED_NORMAL_VARIANCE, initializerOf, normalizeActivation, varianceScalingForm } from '../graph/catalog';
import { isNormalization, layerKind } from '../graph/kinds';
import { isWeightedNode } from '../graph/structure';
import type { RelatedSpan } from './types';
import { dict } from '../dict';

export interface GraphIndex {
  byId: Map<string, LayerNode>;
  consumers: Map<string, LayerNode[]>;
  order: Map<string, number>;
}

export function indexGraph(g: LayerGraph): GraphIndex {
  const byId = new Map<string, LayerNode>();
  const order = new Map<string, number>();
  const consumers = new Map<string, LayerNode[]>();
  g.nodes.forEach((n, i) => {
    byId.set(n.id, n);
    order.set(n.id, i);
    consumers.set(n.id, []);
  });
  for (const n of g.nodes) for (const i of n.inputs) consumers.get(i)?.push(n);
  return { byId, consumers, order };
}

const ACTIVATION_LAYER: { [cls: string]: string } = dict({
  ReLU: 'relu',
  LeakyReLU: 'leakyRelu',
  PReLU: 'leakyRelu',
  ELU: 'elu',
  ThresholdedReLU: 'relu',
  Softmax: 'softmax',
});

/**
 * The activation a weighted layer's output actually goes through: its own `activation`, or, when that is linear,
 * an activation layer that is its only consumer (through dropout).
 */
export function effectiveActivation(ix: GraphIndex, node: LayerNode): string {
  const own = typeof node.config.activation === 'string' ? (normalizeActivation(node.config.activation) ?? 'linear') : 'linear';
  if (own !== 'linear') return own;
  let cur = node;
  for (let step = 0; step < 3; step++) {
    const cons = ix.consumers.get(cur.id) ?? [];
    if (cons.length !== 1) return own;
    const c = cons[0];
    if (ACTIVATION_LAYER[c.className]) return ACTIVATION_LAYER[c.className];
    if (c.className === 'Activation') return normalizeActivation(c.config.activation) ?? 'linear';
    if (layerKind(c) !== 'dropout') return own;
    cur = c;
  }
  return own;
}

/** Mean-square factor of an activation on a unit-variance Gaussian (E[phi(z)^2]), where it is a clean number. */
export function activationEnergy(act: string): number | undefined {
  switch (act) {
    case 'linear':
      return 1;
    case 'relu':
    case 'relu6':
      return 0.5;
    case 'leakyRelu':
      return 0.5 * (1 + 0.3 * 0.3);
    default:
      return undefined;
  }
}

/**
 * sigma_w^2 = fanIn * Var(W) for a square layer (fanIn = fanOut) under tfjs: VarianceScaling scale, times 0.774
 * for tfjs "normal" (truncated without correction). Undefined for initializers without a variance-scaling form.
 */
export function effectiveWeightScale(ref: InitializerRef | undefined): number | undefined {
  const vs = varianceScalingForm(ref);
  if (!vs) return undefined;
  return vs.scale * (vs.distribution === 'normal' ? TRUNCATED_NORMAL_VARIANCE : 1);
}

/** Per-layer signal mean-square factor (sigma_w^2 * E[phi^2]) when both parts are known. */
export function layerEnergyFactor(ix: GraphIndex, node: LayerNode): number | undefined {
  const s = effectiveWeightScale(initializerOf(node.config));
  const a = activationEnergy(effectiveActivation(ix, node));
  return s !== undefined && a !== undefined ? s * a : undefined;
}

/**
 * Longest chains of weighted layers that all satisfy `affected`, connected through pass-through layers
 * (activation, dropout, reshape, pooling); normalization layers and unaffected weighted layers break a chain.
 * Returns the chains longest first, without chains that mostly overlap a longer one.
 */
export function affectedChains(g: LayerGraph, affected: (n: LayerNode) => boolean): LayerNode[][] {
  const len = new Map<string, number>();
  const last = new Map<string, string | undefined>();
  const prev = new Map<string, string | undefined>();
  for (const n of g.nodes) {
    let best = 0;
    let bestLast: string | undefined;
    for (const i of n.inputs) {
      const l = len.get(i) ?? 0;
      if (l > best) {
        best = l;
        bestLast = last.get(i);
      }
    }
    if (isWeightedNode(n)) {
      if (affected(n)) {
        len.set(n.id, best + 1);
        last.set(n.id, n.id);
        prev.set(n.id, bestLast);
      } else len.set(n.id, 0);
    } else if (isNormalization(n.className) || layerKind(n) === 'input' || layerKind(n) === 'merge') {
      len.set(n.id, 0);
    } else {
      len.set(n.id, best);
      last.set(n.id, bestLast);
    }
  }
  const extended = new Set<string>();
  for (const [, p] of prev) if (p) extended.add(p);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const ends = g.nodes.filter((n) => prev.has(n.id) && !extended.has(n.id)).sort((a, b) => (len.get(b.id) ?? 0) - (len.get(a.id) ?? 0));
  const covered = new Set<string>();
  const chains: LayerNode[][] = [];
  for (const e of ends) {
    const seq: LayerNode[] = [];
    for (let id: string | undefined = e.id; id && seq.length <= g.nodes.length; id = prev.get(id)) seq.push(byId.get(id) as LayerNode);
    seq.reverse();
    if (seq.filter((n) => covered.has(n.id)).length * 2 > seq.length) continue;
    for (const n of seq) covered.add(n.id);
    chains.push(seq);
  }
  return chains;
}

/** The span covering every given node span in the model's file (first start to last end). */
export function coverSpan(nodes: LayerNode[], fallback: Span): Span {
  const spans = nodes.map((n) => n.applySpan && !n.span ? n.applySpan : n.span).filter((s): s is Span => !!s && s.file === fallback.file);
  if (spans.length === 0) return fallback;
  const cmp = (a: Span['start'], b: Span['start']) => a.line - b.line || a.character - b.character;
  let start = spans[0].start;
  let end = spans[0].end;
  for (const s of spans) {
    if (cmp(s.start, start) < 0) start = s.start;
    if (cmp(s.end, end) > 0) end = s.end;
  }
  return { file: fallback.file, start, end };
}

/** Related spans for nodes (distinct spans, at most `max`). */
export function relatedFor(nodes: LayerNode[], message: (n: LayerNode, i: number) => string, max = 24): RelatedSpan[] {
  const out: RelatedSpan[] = [];
  const seen = new Set<string>();
  nodes.forEach((n, i) => {
    if (!n.span || out.length >= max) return;
    const key = `${n.span.file}:${n.span.start.line}:${n.span.start.character}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ span: n.span, message: message(n, i) });
  });
  return out;
}

/** 0.000000257 -> '2.6e-7', 11.39 -> '11', 0.387 -> '0.39'. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.01 || a >= 1e5)) return x.toExponential(1).replace('e+', 'e');
  if (a >= 10) return String(Math.round(x));
  return String(Number(x.toPrecision(2)));
}

/**
 * base^n for a message: like fmt, and as a power of ten ("1e-1234") when the value leaves the double range
 * (thousands of layers compound factors past 1e308 or below 1e-323).
 */
export function fmtPow(base: number, n: number): string {
  return fmtLog10(n * Math.log10(base));
}

/** 10^l for a message: fmt of the value in the double range, else "1e<l>". */
export function fmtLog10(l: number): string {
  if (Number.isNaN(l)) return 'NaN';
  if (Math.abs(l) < 300) return fmt(10 ** l);
  return l === Infinity ? 'Infinity' : l === -Infinity ? '0' : `1e${Math.round(l)}`;
}

/** Human label of a layer: "dense_Dense3 (Dense)". */
export function label(n: LayerNode): string {
  return n.custom ? `${n.name} (${n.custom.userClass})` : `${n.name} (${n.className})`;
}

/** Display name of an initializer ref. */
export function initName(ref: InitializerRef | undefined): string {
  if (!ref) return 'an unknown initializer';
  if (ref.id !== 'varianceScaling') return ref.id;
  const vs = varianceScalingForm(ref);
  return vs ? `varianceScaling(scale ${vs.scale}, ${vs.mode}, ${vs.distribution})` : 'varianceScaling';
}
