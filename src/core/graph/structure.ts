/**
 * Structural analysis of a LayerGraph: weighted layers, weighted depth, plain runs, skip connections, residual
 * blocks and their normalization style. Everything is linear or near-linear in the node count (each skip search
 * only walks the region between its fork and its merge), so 10k-node graphs take milliseconds.
 */
import type { LayerGraph, LayerNode, Note } from './types';
import type { ModelSummary } from '../report/types';
import { isNormalization, layerKind } from './kinds';

/** Merges that can close a skip connection (gating Multiply and attention Dot cannot). */
const SKIP_MERGES = new Set(['Add', 'Average', 'Subtract', 'Concatenate', 'Maximum', 'Minimum']);
/** Merges that add the skip to the branch (variance accumulates). */
const ADDITIVE_MERGES = new Set(['Add', 'Average', 'Subtract']);

export type BlockStyle = 'pre-ln' | 'post-ln' | 'unnormalized';

/** A merge that closes a skip connection, or a custom layer with a residual inside call(). */
export interface SkipBlock {
  /** The merge node (or the custom layer node). */
  merge: string;
  /** Where the skip forks off (the tensor that reaches the merge with no weighted layer in between). */
  fork?: string;
  /** The merge input that carries the skip. */
  skipInput?: string;
  /** The merge input at the end of the weighted branch. */
  branchInput?: string;
  /** Nodes on the branch between fork and merge (exclusive), in topological order. */
  branch: string[];
  /** Weighted nodes on the branch. */
  branchWeighted: string[];
  /** Additive merge (Add / Average / Subtract / custom residual): variance accumulates along the stream. */
  additive: boolean;
  /** Normalization style; undefined for concatenation skips and custom layers whose inside is unknown. */
  style?: BlockStyle;
  /** pre-ln: the first normalization inside the branch. */
  preNorm?: string;
  /** post-ln: the normalization right after the merge. */
  postNorm?: string;
  custom?: boolean;
}

/** Consecutive weighted layers along a path with no normalization and no skip bypassing them. */
export interface PlainRun {
  /** Weighted node ids in order. */
  nodes: string[];
  /** BatchNormalization nodes between them (bn runs only). */
  batchNorms: string[];
}

export interface StructureInfo {
  summary: ModelSummary;
  /** Maximal plain runs, longest first (runs that mostly overlap a longer one are left out). */
  runs: PlainRun[];
  /** Maximal runs where BatchNormalization does not break the run (for bn-plain-stack), longest first. */
  bnRuns: PlainRun[];
  blocks: SkipBlock[];
  /** Weighted depth per node id (weighted layers on the longest path from an input up to and including it). */
  depth: Map<string, number>;
  /** Weighted node ids (custom layers with weights included). */
  weighted: Set<string>;
}

/** Weighted for structure: layers with trainable kernels (attention layers and custom layers with weights too). */
export function isWeightedNode(n: Pick<LayerNode, 'className' | 'custom'>): boolean {
  const k = layerKind(n);
  return k === 'weighted' || k === 'attention';
}

/** A small max-heap of topological indices. */
class MaxHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] >= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] > a[m]) m = l;
        if (r < a.length && a[r] > a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
  peek(): number {
    return this.a[0];
  }
}

interface Indexed {
  nodes: LayerNode[];
  index: Map<string, number>;
  inputs: number[][];
  consumers: number[][];
  weighted: Uint8Array;
}

function indexGraph(g: LayerGraph): Indexed {
  const index = new Map<string, number>();
  g.nodes.forEach((n, i) => index.set(n.id, i));
  // Inputs that do not precede the node (not in topological order) are ignored: the graph stays acyclic here.
  const inputs: number[][] = g.nodes.map((n, i) => n.inputs.map((id) => index.get(id)).filter((x): x is number => x !== undefined && x < i));
  const consumers: number[][] = g.nodes.map(() => []);
  inputs.forEach((ins, i) => {
    for (const p of ins) consumers[p].push(i);
  });
  const weighted = new Uint8Array(g.nodes.length);
  g.nodes.forEach((n, i) => {
    if (isWeightedNode(n)) weighted[i] = 1;
  });
  return { nodes: g.nodes, index, inputs, consumers, weighted };
}

/** A 1x1 convolution or Dense layer: the projection on a ResNet-style shortcut. */
function isProjection(node: LayerNode): boolean {
  if (node.className === 'Dense') return true;
  if (!/^Conv[123]D$/.test(node.className)) return false;
  const k = node.config.kernelSize;
  return k === 1 || (Array.isArray(k) && k.length > 0 && k.every((x) => x === 1));
}

/**
 * For merge input `a` (skip candidate) and `b` (branch candidate): the nearest fork s such that s reaches `a` with
 * no weighted layer in between and reaches `b` through at least one weighted layer. With `projection` (additive
 * merges), the skip may also hold one projection layer (1x1 conv / Dense) when the branch holds at least two
 * weighted layers: a ResNet projection shortcut. Returns s and the branch.
 */
function findSkip(ix: Indexed, a: number, b: number, projection: boolean): { fork: number; branch: number[] } | undefined {
  if (a === b) return undefined;
  // Z: nodes whose output reaches `a` through no weighted layer (flag 0) or one projection (flag 1),
  // explored in decreasing index order (every consumer of a node is settled before the node).
  const zHeap = new MaxHeap();
  const zFlag = new Map<number, number>([[a, 0]]);
  zHeap.push(a);
  // f-search from b: fState(v) = weighted layers (capped at 2) between v's output and b's output.
  const fHeap = new MaxHeap();
  const fState = new Map<number, number>([[b, 0]]);
  fHeap.push(b);
  const fSettled = new Set<number>();
  while (zHeap.size) {
    const c = zHeap.pop();
    const flag = zFlag.get(c) ?? 0;
    // Settle the f-search down to index c.
    while (fHeap.size && fHeap.peek() >= c) {
      const v = fHeap.pop();
      if (fSettled.has(v)) continue;
      fSettled.add(v);
      const pass = Math.min(2, (fState.get(v) ?? 0) + ix.weighted[v]);
      for (const u of ix.inputs[v]) {
        const prev = fState.get(u);
        if (prev === undefined) {
          fState.set(u, pass);
          fHeap.push(u);
        } else if (pass > prev) fState.set(u, pass);
      }
    }
    if (fSettled.has(c) && (fState.get(c) ?? 0) >= 1 + flag) {
      // Branch: settled f-nodes above c that c reaches going forward.
      const branch: number[] = [];
      const reach = new Set<number>([c]);
      const cand = [...fSettled].filter((v) => v > c).sort((x, y) => x - y);
      for (const v of cand) {
        if (ix.inputs[v].some((u) => reach.has(u))) {
          reach.add(v);
          branch.push(v);
        }
      }
      return { fork: c, branch };
    }
    // Going past a weighted node puts it on the skip: only a single projection is allowed.
    let next = flag;
    if (ix.weighted[c]) {
      if (!projection || flag === 1 || !isProjection(ix.nodes[c])) continue;
      next = 1;
    }
    for (const u of ix.inputs[c]) {
      const prev = zFlag.get(u);
      if (prev === undefined) {
        zFlag.set(u, next);
        zHeap.push(u);
      } else if (next < prev) zFlag.set(u, next);
    }
  }
  return undefined;
}

/** The normalization right after a merge on the residual stream (only through dropout), if the merge feeds only it. */
function postNormOf(ix: Indexed, m: number): number | undefined {
  let cur = m;
  for (let step = 0; step < 4; step++) {
    const cons = ix.consumers[cur];
    if (cons.length !== 1) return undefined;
    const c = cons[0];
    const node = ix.nodes[c];
    if (isNormalization(node.className)) return c;
    const k = layerKind(node);
    if (k !== 'dropout') return undefined;
    cur = c;
  }
  return undefined;
}

function customBlockStyle(node: LayerNode, depthLeft: number): { style?: BlockStyle; norms: string[] } {
  const body = node.custom?.body;
  if (!body || depthLeft <= 0) {
    // call() could not be traced: normalization shows only in the weights it creates (gamma/beta).
    const normish = (node.custom?.weights ?? []).some((w) => /gamma|beta|norm/i.test(w.name));
    return { style: normish ? 'pre-ln' : 'unnormalized', norms: [] };
  }
  const norms = body.nodes.filter((n) => isNormalization(n.className)).map((n) => n.className);
  const inner = analyzeStructure(body, depthLeft - 1);
  const additive = inner.blocks.filter((b) => b.additive && b.style);
  if (additive.length) {
    const styles = new Set(additive.map((b) => b.style));
    return { style: styles.size === 1 ? additive[0].style : 'pre-ln', norms };
  }
  if (norms.length === 0) return { style: 'unnormalized', norms };
  const outs = body.outputs.map((id) => body.nodes.find((n) => n.id === id));
  if (outs.some((n) => n && isNormalization(n.className))) return { style: 'post-ln', norms };
  return { style: 'pre-ln', norms };
}

/** Plain-run DP. `passNorm`: normalization classes that do not break the run (BatchNormalization for bn runs). */
function computeRuns(ix: Indexed, resetAt: Uint8Array, entryEdges: Set<string>, passNorm: boolean): PlainRun[] {
  const n = ix.nodes.length;
  const len = new Int32Array(n);
  const bn = new Int32Array(n);
  const last = new Int32Array(n).fill(-1);
  const prevW = new Int32Array(n).fill(-1);
  const bnAt: number[][] = ix.nodes.map(() => []);
  for (let i = 0; i < n; i++) {
    const node = ix.nodes[i];
    let bestLen = 0;
    let bestBn = 0;
    let bestLast = -1;
    let bestP = -1;
    for (const p of ix.inputs[i]) {
      if (entryEdges.has(`${p}>${i}`)) continue;
      if (len[p] > bestLen || (len[p] === bestLen && bestLast < 0 && last[p] >= 0)) {
        bestLen = len[p];
        bestBn = bn[p];
        bestLast = last[p];
        bestP = p;
      }
    }
    if (resetAt[i]) {
      len[i] = 0;
      continue;
    }
    if (ix.weighted[i]) {
      const custom = node.custom;
      if (custom && ((custom.residual && ix.inputs[i].length <= 1) || (custom.body && custom.body.nodes.some((x) => isNormalization(x.className))))) {
        len[i] = 0; // a self-normalized or residual custom block ends any run
        continue;
      }
      len[i] = bestLen + 1;
      bn[i] = bestBn;
      last[i] = i;
      prevW[i] = bestLast;
      continue;
    }
    if (isNormalization(node.className)) {
      if (passNorm && node.className === 'BatchNormalization' && bestLen > 0) {
        len[i] = bestLen;
        bn[i] = bestBn + 1;
        last[i] = bestLast;
        if (bestLast >= 0) bnAt[bestLast].push(i);
      }
      continue;
    }
    if (layerKind(node) === 'input') continue;
    len[i] = bestLen;
    bn[i] = bestBn;
    last[i] = bestLast;
    void bestP;
  }
  // Run ends: weighted nodes that no later weighted node extends.
  const extended = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (ix.weighted[i] && prevW[i] >= 0) extended[prevW[i]] = 1;
  const ends: number[] = [];
  for (let i = 0; i < n; i++) if (ix.weighted[i] && len[i] > 0 && !extended[i]) ends.push(i);
  ends.sort((x, y) => len[y] - len[x] || x - y);
  const covered = new Set<number>();
  const runs: PlainRun[] = [];
  for (const e of ends) {
    const seq: number[] = [];
    for (let v = e; v >= 0 && seq.length < n; v = prevW[v]) seq.push(v);
    seq.reverse();
    const overlap = seq.filter((v) => covered.has(v)).length;
    if (overlap * 2 > seq.length) continue;
    for (const v of seq) covered.add(v);
    const bns: string[] = [];
    for (const v of seq.slice(0, -1)) for (const b of bnAt[v]) bns.push(ix.nodes[b].id);
    runs.push({ nodes: seq.map((v) => ix.nodes[v].id), batchNorms: bns });
  }
  return runs;
}

/**
 * Structural summary and the details behind it. `depthLeft` bounds the recursion into custom-layer bodies.
 */
export function analyzeStructure(graph: LayerGraph, depthLeft = 4): StructureInfo {
  const ix = indexGraph(graph);
  const n = ix.nodes.length;

  // Weighted depth.
  const depthArr = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (const p of ix.inputs[i]) if (depthArr[p] > d) d = depthArr[p];
    depthArr[i] = d + ix.weighted[i];
  }
  const outIdx = graph.outputs.map((id) => ix.index.get(id)).filter((x): x is number => x !== undefined);
  let depthWeighted = 0;
  for (const i of outIdx.length ? outIdx : [...Array(n).keys()]) depthWeighted = Math.max(depthWeighted, depthArr[i]);

  // Skips.
  const blocks: SkipBlock[] = [];
  const resetAt = new Uint8Array(n);
  const entryEdges = new Set<string>();
  for (let m = 0; m < n; m++) {
    const node = ix.nodes[m];
    // A custom layer adding its input to a function of it; with several inputs the add combines streams (e.g. a VAE sampling layer).
    if (node.custom?.residual && ix.inputs[m].length <= 1) {
      const { style } = customBlockStyle(node, depthLeft);
      blocks.push({ merge: node.id, branch: [], branchWeighted: [], additive: true, ...(style ? { style } : {}), custom: true });
      continue;
    }
    if (!SKIP_MERGES.has(node.className)) continue;
    const ins = [...new Set(ix.inputs[m])];
    if (ins.length < 2) continue;
    // The nearest fork over all ordered input pairs (merges have few inputs).
    let found = undefined as { fork: number; branch: number[]; a: number; b: number } | undefined;
    for (let x = 0; x < ins.length; x++) {
      for (let y = 0; y < ins.length; y++) {
        if (x === y) continue;
        const s = findSkip(ix, ins[x], ins[y], ADDITIVE_MERGES.has(node.className));
        if (s && (!found || s.fork > found.fork)) found = { ...s, a: ins[x], b: ins[y] };
      }
    }
    if (!found) continue;
    const additive = ADDITIVE_MERGES.has(node.className);
    const branchSet = new Set(found.branch);
    const block: SkipBlock = {
      merge: node.id,
      fork: ix.nodes[found.fork].id,
      skipInput: ix.nodes[found.a].id,
      branchInput: ix.nodes[found.b].id,
      branch: found.branch.map((i) => ix.nodes[i].id),
      branchWeighted: found.branch.filter((i) => ix.weighted[i]).map((i) => ix.nodes[i].id),
      additive,
    };
    if (additive) {
      const pre = found.branch.find((i) => isNormalization(ix.nodes[i].className));
      const post = postNormOf(ix, m);
      if (pre !== undefined) {
        block.style = 'pre-ln';
        block.preNorm = ix.nodes[pre].id;
      } else if (post !== undefined) {
        block.style = 'post-ln';
        block.postNorm = ix.nodes[post].id;
      } else block.style = 'unnormalized';
    }
    blocks.push(block);
    resetAt[m] = 1;
    for (const c of ix.consumers[found.fork]) if (branchSet.has(c)) entryEdges.add(`${found.fork}>${c}`);
  }

  const runs = computeRuns(ix, resetAt, entryEdges, false);
  const bnRuns = computeRuns(ix, resetAt, entryEdges, true).filter((r) => r.batchNorms.length > 0);

  // Counts (a layer object applied several times counts once).
  const seen = new Set<string>();
  let totalLayers = 0;
  let weightedLayers = 0;
  const norms = new Set<string>();
  for (let i = 0; i < n; i++) {
    const node = ix.nodes[i];
    if (layerKind(node) === 'input') continue;
    const key = node.weightKey ?? node.id;
    if (isNormalization(node.className)) norms.add(node.className);
    if (node.custom) for (const c of customBlockStyle(node, depthLeft).norms) norms.add(c);
    if (seen.has(key)) continue;
    seen.add(key);
    totalLayers++;
    if (ix.weighted[i]) weightedLayers++;
  }

  const styled = blocks.filter((b) => b.additive && b.style);
  let blockStyle: ModelSummary['blockStyle'] = 'none';
  if (styled.length) {
    const styles = new Set(styled.map((b) => b.style));
    blockStyle = styles.size === 1 ? (styled[0].style as BlockStyle) : 'mixed';
  }
  // Everything the graph rests on: assumed values, limits hit, unknown layer classes and opaque custom layers.
  const assumptions: Note[] = graph.notes.filter((x) => x.kind !== 'syntax');
  const depth = new Map<string, number>();
  ix.nodes.forEach((node, i) => depth.set(node.id, depthArr[i]));
  const weighted = new Set<string>();
  ix.nodes.forEach((node, i) => {
    if (ix.weighted[i]) weighted.add(node.id);
  });
  return {
    summary: {
      weightedLayers,
      totalLayers,
      depthWeighted,
      maxPlainRun: runs.length ? Math.max(...runs.map((r) => r.nodes.length)) : 0,
      normalization: [...norms].sort(),
      residual: blocks.length > 0,
      residualBlocks: blocks.length,
      blockStyle,
      assumptions,
    },
    runs,
    bnRuns,
    blocks,
    depth,
    weighted,
  };
}

/** The ModelSummary only. */
export function summarizeModel(graph: LayerGraph): ModelSummary {
  return analyzeStructure(graph).summary;
}
