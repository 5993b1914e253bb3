/**
 * What-if variants (../shared/THEORY.md §4): build the fixed LayerGraph for a fix and simulate it with the
 * same seed and settings, so before and after can be shown side by side.
 *
 * - 'he-uniform': every Dense/Conv kernel initialised with heUniform.
 * - 'insert-layernorm' / 'batchnorm': Dense(act) -> Dense(linear) -> LayerNormalization (BatchNormalization)
 *   -> Activation(act) for every weighted layer of a plain run (the output layer keeps its form).
 * - 'pre-ln-residual': existing residual blocks become Pre-LN (x + F(LN(x)), post-block LNs removed); a plain
 *   stack is regrouped into residual blocks of two weighted layers where widths allow; a final LN is added.
 * - 'deepnorm': Post-LN blocks LN(alpha x + G(x)) with alpha = (2N)^(1/4) and the branch's value/output/FFN
 *   kernels scaled by beta = (8N)^(-1/4) (query/key projections keep gain 1), N = number of blocks.
 * - 'residual-scaling': each residual branch scaled by 1/sqrt(N) (ReZero/SkipInit-style, at init).
 */
import { normalizeInitializer, resolveConfig } from '../graph/catalog';
import { unscaledAttention } from '../graph/attention';
import { dict } from '../dict';
import type { Config, ConfigValue, InitializerRef, LayerGraph, LayerNode } from '../graph/types';

function toConfigValue(r: InitializerRef): ConfigValue {
  return r.args ? { id: r.id, args: r.args } : { id: r.id };
}
import type { Finding } from '../rules/types';
import { simulate, type SimOptions } from './simulate';
import type { WhatIf, WhatIfKind } from './types';

export const WHAT_IF_KINDS: readonly WhatIfKind[] = ['insert-layernorm', 'pre-ln-residual', 'he-uniform', 'deepnorm', 'residual-scaling', 'batchnorm', 'scale-attention'];

export const WHAT_IF_LABELS: { [k in WhatIfKind]: string } = {
  'insert-layernorm': 'with LayerNormalization in the plain run',
  'pre-ln-residual': 'with Pre-LN residual blocks',
  'he-uniform': 'with heUniform initialization',
  deepnorm: 'with DeepNorm residual scaling',
  'residual-scaling': 'with residual branches scaled by 1/sqrt(N)',
  batchnorm: 'with BatchNormalization in the plain run',
  'scale-attention': 'with attention scores scaled by 1/sqrt(d_k)',
};

const WEIGHTED_LINEAR = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv2D', 'DepthwiseConv2D']);
const NORMS = new Set(['LayerNormalization', 'BatchNormalization', 'GroupNormalization']);

/**
 * Edits a copy of a graph in near-linear time: nodes by id, consumers by id, and insertions recorded beside the
 * node they follow or precede (the order is assembled once, in build()). Models of thousands of layers get
 * their variants in milliseconds, not the seconds a splice-and-scan editor needs.
 */
class Editor {
  private readonly base: LayerNode[];
  private readonly byId = new Map<string, LayerNode>();
  private readonly consumers = new Map<string, Set<LayerNode>>();
  /** Nodes inserted right after an id (the latest first) / right before it (in call order). */
  private readonly after = new Map<string, LayerNode[]>();
  private readonly before = new Map<string, LayerNode[]>();
  private readonly removed = new Set<string>();
  private k = 0;
  outputs: string[];
  constructor(readonly g: LayerGraph) {
    this.base = g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], config: { ...n.config } }));
    for (const n of this.base) this.index(n);
    this.outputs = [...g.outputs];
  }
  private index(n: LayerNode): void {
    this.byId.set(n.id, n);
    for (const i of n.inputs) this.link(i, n);
  }
  private link(from: string, n: LayerNode): void {
    let s = this.consumers.get(from);
    if (!s) this.consumers.set(from, (s = new Set()));
    s.add(n);
  }
  /** The nodes in topological order (assembled: iterate it once, not per node). */
  get nodes(): LayerNode[] {
    const out: LayerNode[] = [];
    const emit = (n: LayerNode): void => {
      for (const b of this.before.get(n.id) ?? []) emit(b);
      if (!this.removed.has(n.id)) out.push(n);
      for (const a of this.after.get(n.id) ?? []) emit(a);
    };
    for (const n of this.base) emit(n);
    return out;
  }
  node(id: string): LayerNode | undefined {
    return this.removed.has(id) ? undefined : this.byId.get(id);
  }
  /** The nodes reading `id`. */
  consumersOf(id: string): LayerNode[] {
    return [...(this.consumers.get(id) ?? [])].filter((n) => !this.removed.has(n.id) && n.inputs.includes(id));
  }
  make(className: string, written: Config, inputs: string[], like: LayerNode, tag: string): LayerNode {
    const id = `${like.id}~${tag}${this.k++}`;
    const n: LayerNode = { id, className, name: `${like.name}/${tag}`, config: resolveConfig(className, written), written, inputs, fromModel: like.fromModel };
    this.index(n);
    return n;
  }
  /** insert `n` right after node `after` in topological order. */
  insertAfter(after: string, n: LayerNode): void {
    const list = this.after.get(after);
    if (list) list.unshift(n);
    else this.after.set(after, [n]);
  }
  insertBefore(before: string, n: LayerNode): void {
    const list = this.before.get(before);
    if (list) list.push(n);
    else this.before.set(before, [n]);
  }
  setInputs(n: LayerNode, inputs: string[]): void {
    n.inputs = inputs;
    for (const i of inputs) this.link(i, n);
  }
  remove(id: string): void {
    this.removed.add(id);
  }
  /** every consumer of `from` (except `except`) reads `to` instead; outputs too. */
  rewire(from: string, to: string, except: Set<string> = new Set()): void {
    for (const n of this.consumersOf(from)) if (!except.has(n.id) && n.id !== to) this.setInputs(n, n.inputs.map((i) => (i === from ? to : i)));
    this.outputs = this.outputs.map((o) => (o === from ? to : o));
  }
  build(): LayerGraph {
    return { ...this.g, nodes: this.nodes, outputs: this.outputs, name: this.g.name };
  }
}

interface Block {
  add: string;
  skip: string;
  branchOut: string;
  branch: string[];
  /** branch nodes that read the skip input directly. */
  entries: string[];
  /** the LayerNormalization right after the Add (Post-LN), if any. */
  postLn?: string;
}

/**
 * Residual blocks: Add nodes with two inputs where one input is an ancestor of the other. The branch is found
 * by walking back from the later input through the nodes between the two (topological order bounds the walk),
 * so a chain of blocks costs time linear in its length.
 */
export function residualBlocks(g: LayerGraph): Block[] {
  const pos = new Map(g.nodes.map((n, i) => [n.id, i]));
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const consumers = new Map<string, LayerNode[]>();
  for (const n of g.nodes) {
    for (const i of new Set(n.inputs)) {
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  // Each block walks the nodes between its two inputs: bounded in total, for graphs where long skips overlap.
  let work = 20 * g.nodes.length + 1_000_000;
  /** Nodes between `skip` and `out` (inclusive of out) that descend from skip, in order; undefined when skip is not an ancestor. */
  const branchOf = (skip: string, out: string): string[] | undefined => {
    const lo = pos.get(skip);
    const hi = pos.get(out);
    if (lo === undefined || hi === undefined || lo >= hi) return undefined;
    // ancestors of out after skip
    const region = new Set<string>();
    const stack = [out];
    while (stack.length) {
      const id = stack.pop()!;
      if (region.has(id)) continue;
      if (--work < 0) return undefined;
      region.add(id);
      for (const i of byId.get(id)?.inputs ?? []) {
        const p = pos.get(i);
        if (p !== undefined && p > lo && !region.has(i)) stack.push(i);
      }
    }
    // of those, the ones that descend from skip
    const ordered = [...region].sort((a, b) => pos.get(a)! - pos.get(b)!);
    const fromSkip = new Set<string>();
    for (const id of ordered) if (byId.get(id)!.inputs.some((i) => i === skip || fromSkip.has(i))) fromSkip.add(id);
    return fromSkip.has(out) ? ordered.filter((id) => fromSkip.has(id)) : undefined;
  };
  const blocks: Block[] = [];
  for (const n of g.nodes) {
    if (work < 0) break;
    if (n.className !== 'Add' || n.inputs.length !== 2) continue;
    const [p, q] = n.inputs;
    let skip: string;
    let out: string;
    let branch = branchOf(p, q);
    if (branch) [skip, out] = [p, q];
    else if ((branch = branchOf(q, p))) [skip, out] = [q, p];
    else continue;
    const entries = branch.filter((id) => byId.get(id)!.inputs.includes(skip));
    const cons = consumers.get(n.id) ?? [];
    const postLn = cons.length === 1 && cons[0].className === 'LayerNormalization' ? cons[0].id : undefined;
    blocks.push({ add: n.id, skip, branchOut: out, branch, entries, postLn });
  }
  return blocks;
}

function heUniform(g: LayerGraph): LayerGraph {
  const e = new Editor(g);
  for (const n of e.nodes) if (WEIGHTED_LINEAR.has(n.className)) n.config.kernelInitializer = { id: 'heUniform' };
  return e.build();
}

function insertNorm(g: LayerGraph, norm: 'LayerNormalization' | 'BatchNormalization'): LayerGraph {
  const e = new Editor(g);
  const outputs = new Set(g.outputs);
  for (const n of [...e.nodes]) {
    if (!WEIGHTED_LINEAR.has(n.className) || outputs.has(n.id)) continue;
    if (e.consumersOf(n.id).some((c) => NORMS.has(c.className))) continue;
    const act = typeof n.config.activation === 'string' ? n.config.activation : 'linear';
    n.config.activation = 'linear';
    const ln = e.make(norm, {}, [n.id], n, norm === 'LayerNormalization' ? 'ln' : 'bn');
    e.insertAfter(n.id, ln);
    let last = ln;
    if (act !== 'linear') {
      const a = e.make('Activation', { activation: act }, [ln.id], n, 'act');
      e.insertAfter(ln.id, a);
      last = a;
    }
    e.rewire(n.id, last.id, new Set([ln.id]));
  }
  return e.build();
}

/** Plain stack -> residual blocks of two consecutive width-preserving weighted layers along the stream. */
function plainToBlocks(g: LayerGraph): { graph: LayerGraph; blocks: Block[] } {
  const e = new Editor(g);
  const outputs = new Set(g.outputs);
  const chain = e.nodes.filter((n) => WEIGHTED_LINEAR.has(n.className) && n.inputs.length === 1 && !outputs.has(n.id));
  const units = (n: LayerNode) => (typeof n.config.units === 'number' ? n.config.units : typeof n.config.filters === 'number' ? n.config.filters : undefined);
  const widthOf = (id: string): number | undefined => {
    for (let n = e.node(id), steps = 0; n && steps <= g.nodes.length; n = n.inputs.length ? e.node(n.inputs[0]) : undefined, steps++) {
      if (n.className === 'InputLayer') return n.outputShape?.[n.outputShape.length - 1] ?? undefined;
      const u = units(n);
      if (u !== undefined) return u;
    }
    return undefined;
  };
  const used = new Set<string>();
  for (let i = 0; i + 1 < chain.length; i++) {
    const a = chain[i];
    const b = chain[i + 1];
    if (used.has(a.id) || b.inputs[0] !== a.id) continue;
    const x = a.inputs[0];
    const w = widthOf(x);
    if (w === undefined || units(b) !== w) continue;
    // block output: b or the activation chain right after b
    let out = b.id;
    const after = e.consumersOf(b.id);
    if (after.length === 1 && ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Dropout'].includes(after[0].className)) out = after[0].id;
    const add = e.make('Add', {}, [x, out], b, 'add');
    e.insertAfter(out, add);
    e.rewire(out, add.id, new Set([add.id]));
    used.add(a.id);
    used.add(b.id);
  }
  const graph = e.build();
  return { graph, blocks: residualBlocks(graph) };
}

function preLn(g: LayerGraph): LayerGraph {
  let blocks = residualBlocks(g);
  let base = g;
  if (blocks.length === 0) ({ graph: base, blocks } = plainToBlocks(g));
  const e = new Editor(base);
  for (const b of blocks) {
    if (b.postLn) {
      e.rewire(b.postLn, b.add);
      e.remove(b.postLn);
    }
    const entryNodes = b.entries.map((id) => e.node(id)).filter((n): n is LayerNode => !!n);
    if (!entryNodes.length || entryNodes.some((n) => NORMS.has(n.className))) continue;
    const ln = e.make('LayerNormalization', {}, [b.skip], entryNodes[0], 'preln');
    e.insertBefore(entryNodes[0].id, ln);
    for (const n of entryNodes) e.setInputs(n, n.inputs.map((i) => (i === b.skip ? ln.id : i)));
  }
  const last = e.outputs[0];
  const lastNode = e.node(last);
  if (lastNode && lastNode.className !== 'LayerNormalization' && blocks.length) {
    // final LN after the last block (before a head layer, if the output is not the last block's Add)
    const lastAdd = blocks[blocks.length - 1].add;
    const fin = e.make('LayerNormalization', {}, [lastAdd], e.node(lastAdd)!, 'final_ln');
    e.insertAfter(lastAdd, fin);
    e.rewire(lastAdd, fin.id, new Set([fin.id]));
  }
  return e.build();
}

function scaledInit(ref: InitializerRef | undefined, beta: number): InitializerRef {
  const r = ref ?? { id: 'glorotNormal' };
  const named: { [id: string]: [number, string, string] } = dict({
    glorotNormal: [1, 'fanAvg', 'normal'],
    glorotUniform: [1, 'fanAvg', 'uniform'],
    heNormal: [2, 'fanIn', 'normal'],
    heUniform: [2, 'fanIn', 'uniform'],
    leCunNormal: [1, 'fanIn', 'normal'],
    leCunUniform: [1, 'fanIn', 'uniform'],
  });
  const f = named[r.id];
  if (f) return { id: 'varianceScaling', args: { scale: f[0] * beta * beta, mode: f[1], distribution: f[2] } };
  if (r.id === 'varianceScaling') return { id: 'varianceScaling', args: { ...(r.args ?? {}), scale: (typeof r.args?.scale === 'number' ? r.args.scale : 1) * beta * beta } };
  if (r.id === 'orthogonal' || r.id === 'identity') return { id: r.id, args: { ...(r.args ?? {}), gain: (typeof r.args?.gain === 'number' ? r.args.gain : 1) * beta } };
  return r;
}

function deepNorm(g: LayerGraph): LayerGraph {
  let blocks = residualBlocks(g);
  let base = g;
  if (blocks.length === 0) ({ graph: base, blocks } = plainToBlocks(g));
  const N = Math.max(1, blocks.length);
  const alpha = (2 * N) ** 0.25;
  const beta = (8 * N) ** -0.25;
  const e = new Editor(base);
  // query/key projections: Dense layers feeding a Dot that contracts features of both inputs.
  const qk = new Set<string>();
  for (const n of e.nodes) if (n.className === 'Dot') for (const i of n.inputs) if (e.node(i)?.className === 'Dense' && !e.consumersOf(i).some((v) => v.className === 'Softmax')) {
    const axes = n.config.axes;
    const contractsFeatures = Array.isArray(axes) ? axes.every((a) => a === 2 || a === -1) : axes === -1 || axes === 2;
    if (contractsFeatures) qk.add(i);
  }
  for (const b of blocks) {
    // Pre-LN blocks lose their branch-entry LN; every block gets its post-LN.
    for (const id of b.entries) {
      const n = e.node(id);
      if (n && n.className === 'LayerNormalization') {
        e.rewire(n.id, b.skip);
        e.remove(n.id);
      }
    }
    for (const id of b.branch) {
      const n = e.node(id);
      if (n && WEIGHTED_LINEAR.has(n.className) && !qk.has(n.id)) n.config.kernelInitializer = toConfigValue(scaledInit(normalizeInitializer(n.config.kernelInitializer), beta));
    }
    const addNode = e.node(b.add)!;
    const sc = e.make('Rescaling', { scale: alpha, offset: 0 }, [b.skip], addNode, 'alpha');
    e.insertBefore(b.add, sc);
    e.setInputs(addNode, addNode.inputs.map((i) => (i === b.skip ? sc.id : i)));
    if (!b.postLn) {
      const ln = e.make('LayerNormalization', {}, [b.add], addNode, 'postln');
      e.insertAfter(b.add, ln);
      e.rewire(b.add, ln.id, new Set([ln.id]));
    }
  }
  // a final LN of a Pre-LN model is redundant after a post-LN block; keep it (harmless).
  return e.build();
}

function residualScaling(g: LayerGraph): LayerGraph {
  let blocks = residualBlocks(g);
  let base = g;
  if (blocks.length === 0) ({ graph: base, blocks } = plainToBlocks(g));
  const N = Math.max(1, blocks.length);
  const e = new Editor(base);
  for (const b of blocks) {
    const addNode = e.node(b.add)!;
    const sc = e.make('Rescaling', { scale: 1 / Math.sqrt(N), offset: 0 }, [b.branchOut], addNode, 'rezero');
    e.insertBefore(b.add, sc);
    e.setInputs(addNode, addNode.inputs.map((i) => (i === b.branchOut ? sc.id : i)));
  }
  return e.build();
}

/** Scaled dot-product attention: a Rescaling(1/sqrt(d_k)) between each unscaled score Dot and its softmax. */
function scaleAttention(g: LayerGraph): LayerGraph {
  const e = new Editor(g);
  for (const a of unscaledAttention(g)) {
    const dot = e.node(a.dot.id);
    const softmax = e.node(a.softmax.id);
    if (!dot || !softmax) continue;
    const sc = e.make('Rescaling', { scale: 1 / Math.sqrt(a.keyDim), offset: 0 }, [dot.id], dot, 'scale');
    e.insertAfter(dot.id, sc);
    e.setInputs(softmax, softmax.inputs.map((i) => (i === dot.id ? sc.id : i)));
  }
  return e.build();
}

/** The fixed graph for a what-if kind (undefined when the fix does not apply to this graph). */
export function buildVariant(graph: LayerGraph, kind: WhatIfKind): LayerGraph | undefined {
  let v: LayerGraph;
  switch (kind) {
    case 'he-uniform':
      v = heUniform(graph);
      break;
    case 'insert-layernorm':
      v = insertNorm(graph, 'LayerNormalization');
      break;
    case 'batchnorm':
      v = insertNorm(graph, 'BatchNormalization');
      break;
    case 'pre-ln-residual':
      v = preLn(graph);
      break;
    case 'deepnorm':
      v = deepNorm(graph);
      break;
    case 'residual-scaling':
      v = residualScaling(graph);
      break;
    case 'scale-attention':
      v = scaleAttention(graph);
      break;
  }
  return v.nodes.length === graph.nodes.length && JSON.stringify(v.nodes) === JSON.stringify(graph.nodes) ? undefined : v;
}

function isKind(k: string | undefined): k is WhatIfKind {
  return k !== undefined && (WHAT_IF_KINDS as readonly string[]).includes(k);
}

/**
 * Simulate the given what-if kinds for a graph, same seed and settings as `opts`. `opts.timeBudgetMs` is shared
 * by all the variants: one that does not finish in what is left is left out, and named in `skipped` when given.
 */
export function whatIfsForGraph(graph: LayerGraph, kinds: readonly string[], opts: SimOptions = {}, skipped?: string[]): WhatIf[] {
  const out: WhatIf[] = [];
  const seen = new Set<string>();
  const deadline = opts.timeBudgetMs !== undefined ? Date.now() + opts.timeBudgetMs : Infinity;
  for (const k of kinds) {
    if (!isKind(k) || seen.has(k)) continue;
    seen.add(k);
    if (opts.cancel?.isCancellationRequested) break;
    if (Date.now() >= deadline) {
      skipped?.push(WHAT_IF_LABELS[k]);
      continue;
    }
    const variant = buildVariant(graph, k);
    if (!variant) continue;
    const left = deadline - Date.now();
    const r = simulate(variant, left === Infinity ? opts : { ...opts, timeBudgetMs: Math.max(1, left) });
    if (r.partial) {
      // a variant cut short would compare a half-run model with a whole one
      if (!opts.cancel?.isCancellationRequested) skipped?.push(WHAT_IF_LABELS[k]);
      continue;
    }
    out.push({
      fix: k,
      label: WHAT_IF_LABELS[k],
      verdict: r.verdict,
      borderline: r.borderline,
      outputGain: r.outputGain,
      gradientGain: r.gradientGain,
      float32Limit: r.float32Limit,
      series: r.series,
    });
  }
  return out;
}

/**
 * What-ifs for the findings: first the variants of their code fixes (Fix.whatIf), then the remedies a
 * rule names without a code edit (`data.whatIf`, comma-separated: DeepNorm, residual scaling, and every
 * remedy for model.json findings, which have no edits).
 */
export function whatIfsForFindings(graph: LayerGraph, findings: readonly Finding[], opts: SimOptions = {}, skipped?: string[]): WhatIf[] {
  const kinds: string[] = [];
  for (const f of findings) for (const fx of f.fixes) if (fx.whatIf) kinds.push(fx.whatIf);
  for (const f of findings) {
    const named = f.data?.whatIf;
    if (typeof named === 'string') kinds.push(...named.split(',').map((k) => k.trim()));
  }
  return whatIfsForGraph(graph, kinds, opts, skipped);
}
