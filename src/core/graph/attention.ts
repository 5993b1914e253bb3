/**
 * Dot-product attention written from tfjs pieces: a `Dot` of queries and keys whose scores go straight into
 * a softmax. Without the 1/sqrt(d_k) of scaled dot-product attention (Vaswani et al. 2017) the scores'
 * standard deviation grows like sqrt(d_k), so at initialization the softmax is nearly one-hot and passes
 * back almost no gradient.
 */
import type { LayerGraph, LayerNode } from './types';

export interface UnscaledAttention {
  /** The Dot producing the attention scores. */
  dot: LayerNode;
  /** The softmax reading them (a Softmax layer or an Activation 'softmax'). */
  softmax: LayerNode;
  /** The contraction size d_k (the key/query width). */
  keyDim: number;
}

const SCALERS = new Set(['Rescaling', 'Lambda']);

/** Layers that only move or drop values: the operand's scale is that of the layer before them. */
const PASS_THROUGH = new Set(['Reshape', 'Permute', 'Dropout', 'SpatialDropout1D', 'GaussianDropout', 'AlphaDropout', 'Flatten', 'RepeatVector']);
/** Recurrent layers: their outputs are tanh-bounded (h = o * tanh(c) for an LSTM). */
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'Bidirectional', 'ConvLSTM2D']);
const BOUNDED = new Set(['tanh', 'sigmoid', 'hardSigmoid', 'softsign', 'softmax']);

/**
 * Whether the operand's values are bounded well below unit scale at initialization: recurrent outputs and
 * tanh/sigmoid-like activations. q·k over such vectors (Luong-style attention between LSTM states) has a spread of
 * about sqrt(d_k) times their mean square, which stays small, so the missing 1/sqrt(d_k) is not the risk there.
 */
function boundedOperand(n: LayerNode, byId: Map<string, LayerNode>): boolean {
  let cur: LayerNode | undefined = n;
  for (let hops = 0; cur && PASS_THROUGH.has(cur.className) && cur.inputs.length === 1 && hops < 16; hops++) cur = byId.get(cur.inputs[0]);
  if (!cur) return false;
  if (RECURRENT.has(cur.className)) return true;
  const act = cur.config.activation;
  return typeof act === 'string' && BOUNDED.has(act);
}

function isSoftmax(n: LayerNode): boolean {
  return n.className === 'Softmax' || (n.className === 'Activation' && n.config.activation === 'softmax');
}

/** The width of a tensor: its inferred last dimension, else the units of the Dense that made it. */
function lastDim(n: LayerNode | undefined): number | undefined {
  if (!n) return undefined;
  const d = n.outputShape?.[n.outputShape.length - 1];
  if (typeof d === 'number' && d > 0) return d;
  const units = n.config.units;
  return typeof units === 'number' && units > 0 ? units : undefined;
}

/** Score Dots that feed a softmax directly, with neither the scores nor the queries/keys rescaled. */
export function unscaledAttention(graph: LayerGraph): UnscaledAttention[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const consumers = new Map<string, LayerNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(n);
  const out: UnscaledAttention[] = [];
  for (const dot of graph.nodes) {
    if (dot.className !== 'Dot' || dot.inputs.length !== 2 || dot.config.normalize === true) continue;
    const softmax = (consumers.get(dot.id) ?? []).find(isSoftmax);
    if (!softmax) continue;
    const operands = dot.inputs.map((i) => byId.get(i));
    if (operands.some((o) => !o || SCALERS.has(o.className) || boundedOperand(o, byId))) continue;
    const keyDim = lastDim(operands[0]) ?? lastDim(operands[1]);
    if (keyDim === undefined) continue;
    out.push({ dot, softmax, keyDim });
  }
  return out;
}
