// Test utilities: small LayerGraph builders (not via the parser). Configs are resolved with the tfjs
// defaults from the catalog, as the parser does.
import { resolveConfig } from '../../../../src/core/graph/catalog';
import type { Config, LayerGraph, LayerNode } from '../../../../src/core/graph/types';

const SPAN = { file: 'test.ts', start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export class GraphBuilder {
  readonly nodes: LayerNode[] = [];
  private n = 0;

  add(className: string, written: Config, inputs: string[], extra: Partial<LayerNode> = {}): string {
    const id = `n${this.n++}`;
    this.nodes.push({ id, className, name: `${className.toLowerCase()}_${id}`, config: resolveConfig(className, written), written, inputs, ...extra });
    return id;
  }

  input(shape: (number | null)[]): string {
    return this.add('InputLayer', { batchInputShape: shape }, [], { outputShape: shape });
  }

  dense(x: string, units: number, activation = 'linear', kernelInitializer?: string | Config, extra: Config = {}): string {
    const w: Config = { units, activation, ...extra };
    if (kernelInitializer) w.kernelInitializer = kernelInitializer;
    return this.add('Dense', w, [x]);
  }

  build(outputs: string[], name = 'model'): LayerGraph {
    return {
      name,
      span: SPAN,
      api: 'functional',
      nodes: this.nodes,
      inputs: this.nodes.filter((n) => n.className === 'InputLayer').map((n) => n.id),
      outputs,
      notes: [],
    };
  }
}

export interface MlpSpec {
  depth: number;
  width: number;
  activation?: string;
  init?: string | Config;
  norm?: 'ln' | 'bn';
  /** activation as a separate Activation layer after the norm (Dense -> norm -> act). */
  useBias?: boolean;
}

/** Plain stack of square Dense layers (zero bias), optionally Dense -> Norm -> Activation. */
export function mlp(s: MlpSpec): LayerGraph {
  const g = new GraphBuilder();
  let x = g.input([null, s.width]);
  for (let l = 0; l < s.depth; l++) {
    if (s.norm) {
      x = g.dense(x, s.width, 'linear', s.init, { useBias: s.useBias ?? false });
      x = g.add(s.norm === 'ln' ? 'LayerNormalization' : 'BatchNormalization', {}, [x]);
      x = g.add('Activation', { activation: s.activation ?? 'relu' }, [x]);
    } else {
      x = g.dense(x, s.width, s.activation ?? 'relu', s.init, { useBias: s.useBias ?? false });
    }
  }
  return g.build([x], `mlp${s.depth}`);
}

export type BlockStyle = 'none' | 'pre-ln' | 'post-ln' | 'deepnorm';

export interface ResidualSpec {
  blocks: number;
  width: number;
  /** hidden width of the branch (default width). */
  hidden?: number;
  init?: string | Config;
  style: BlockStyle;
  /** final LayerNormalization after the last block (Pre-LN convention). */
  finalLn?: boolean;
  /** scale the branch output by alpha (Rescaling layer). */
  branchScale?: number;
}

/** Residual MLP blocks: x + W2 relu(W1 f(x)) in the chosen normalization style. */
export function residualMlp(s: ResidualSpec): LayerGraph {
  const g = new GraphBuilder();
  let x = g.input([null, s.width]);
  const hidden = s.hidden ?? s.width;
  for (let b = 0; b < s.blocks; b++) {
    const inBranch = s.style === 'pre-ln' ? g.add('LayerNormalization', {}, [x]) : x;
    let h = g.dense(inBranch, hidden, 'relu', s.init, { useBias: false });
    h = g.dense(h, s.width, 'linear', s.init, { useBias: false });
    if (s.branchScale !== undefined) h = g.add('Rescaling', { scale: s.branchScale, offset: 0 }, [h]);
    x = g.add('Add', {}, [x, h]);
    if (s.style === 'post-ln') x = g.add('LayerNormalization', {}, [x]);
  }
  if (s.finalLn) x = g.add('LayerNormalization', {}, [x]);
  return g.build([x], `residual-${s.style}-${s.blocks}`);
}

export interface TransformerSpec {
  blocks: number;
  d: number;
  seq: number;
  ff?: number;
  style: 'pre-ln' | 'post-ln';
  finalLn?: boolean;
}

/** Transformer-like model from tfjs pieces: Dense q/k/v, Dot, Softmax, Dot, Dense out, Add, LN, FFN. */
export function transformer(s: TransformerSpec): LayerGraph {
  const g = new GraphBuilder();
  const ff = s.ff ?? 4 * s.d;
  let x = g.input([null, s.seq, s.d]);
  for (let b = 0; b < s.blocks; b++) {
    const a0 = s.style === 'pre-ln' ? g.add('LayerNormalization', {}, [x]) : x;
    const q = g.dense(a0, s.d);
    const k = g.dense(a0, s.d);
    const v = g.dense(a0, s.d);
    let sc = g.add('Dot', { axes: [2, 2] }, [q, k]);
    sc = g.add('Rescaling', { scale: 1 / Math.sqrt(s.d), offset: 0 }, [sc]);
    const p = g.add('Softmax', { axis: -1 }, [sc]);
    const att = g.add('Dot', { axes: [2, 1] }, [p, v]);
    const o = g.dense(att, s.d);
    x = g.add('Add', {}, [x, o]);
    if (s.style === 'post-ln') x = g.add('LayerNormalization', {}, [x]);
    const f0 = s.style === 'pre-ln' ? g.add('LayerNormalization', {}, [x]) : x;
    const h = g.dense(f0, ff, 'relu');
    const f = g.dense(h, s.d);
    x = g.add('Add', {}, [x, f]);
    if (s.style === 'post-ln') x = g.add('LayerNormalization', {}, [x]);
  }
  if (s.finalLn) x = g.add('LayerNormalization', {}, [x]);
  return g.build([x], `transformer-${s.style}-${s.blocks}`);
}

/** log10 of a positive number (null -> NaN). */
export function lg(v: number | null | undefined): number {
  return v === null || v === undefined ? NaN : Math.log10(v);
}
