/** Builds LayerGraphs by hand for structure and rule tests (one fake source line per node). */
import { resolveConfig } from '../../../../src/core/graph/catalog';
import type { Config, CustomLayerInfo, LayerGraph, LayerNode } from '../../../../src/core/graph/types';

export class GraphBuilder {
  readonly nodes: LayerNode[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    readonly name = 'model',
    readonly api: LayerGraph['api'] = 'functional',
    readonly file = 'model.ts',
  ) {}

  input(shape: (number | null)[] = [null, 16], name?: string): string {
    return this.add('InputLayer', [], { batchInputShape: shape }, { name, outputShape: shape });
  }

  add(
    className: string,
    inputs: string | string[],
    written: Config = {},
    extra: { name?: string; custom?: CustomLayerInfo; weightKey?: string; outputShape?: (number | null)[] } = {},
  ): string {
    const id = `n${this.nodes.length}`;
    const k = (this.counts.get(className) ?? 0) + 1;
    this.counts.set(className, k);
    const line = this.nodes.length;
    const node: LayerNode = {
      id,
      className,
      name: extra.name ?? `${className.toLowerCase()}_${k}`,
      config: resolveConfig(className, written),
      written,
      inputs: Array.isArray(inputs) ? inputs : [inputs],
      span: { file: this.file, start: { line, character: 2 }, end: { line, character: 30 } },
    };
    if (extra.custom) node.custom = extra.custom;
    if (extra.weightKey) node.weightKey = extra.weightKey;
    if (extra.outputShape) node.outputShape = extra.outputShape;
    this.nodes.push(node);
    return id;
  }

  dense(x: string, units = 16, activation?: string, more: Config = {}): string {
    return this.add('Dense', x, { units, ...(activation ? { activation } : {}), ...more });
  }

  graph(outputs?: string[]): LayerGraph {
    const last = this.nodes[this.nodes.length - 1];
    return {
      name: this.name,
      span: { file: this.file, start: { line: 0, character: 0 }, end: { line: this.nodes.length, character: 0 } },
      api: this.api,
      nodes: this.nodes,
      inputs: this.nodes.filter((n) => n.className === 'InputLayer').map((n) => n.id),
      outputs: outputs ?? (last ? [last.id] : []),
      notes: [],
    };
  }
}

/** A plain MLP: input -> `depth` Dense(activation) layers, optionally with a layer after each Dense. */
export function plainMlp(depth: number, activation = 'relu', after?: string, more: Config = {}): LayerGraph {
  const b = new GraphBuilder('mlp', 'sequential');
  let x = b.input([null, 32]);
  for (let i = 0; i < depth; i++) {
    x = b.dense(x, 32, activation, more);
    if (after) x = b.add(after, x);
  }
  return b.graph();
}

/** Transformer-like blocks from dense/dot/softmax/add/layerNormalization. */
export function transformer(blocks: number, style: 'pre' | 'post' | 'none', finalNorm = style === 'pre'): LayerGraph {
  const b = new GraphBuilder('transformer');
  let x = b.input([null, 8, 32]);
  for (let k = 0; k < blocks; k++) {
    const h = style === 'pre' ? b.add('LayerNormalization', x) : x;
    const q = b.dense(h, 32);
    const key = b.dense(h, 32);
    const v = b.dense(h, 32);
    const s = b.add('Dot', [q, key], { axes: -1 });
    const p = b.add('Softmax', s);
    const a = b.add('Dot', [p, v], { axes: [2, 1] });
    const o = b.dense(a, 32);
    x = b.add('Add', [x, o]);
    if (style === 'post') x = b.add('LayerNormalization', x);
    const h2 = style === 'pre' ? b.add('LayerNormalization', x) : x;
    const f1 = b.dense(h2, 128, 'relu');
    const f2 = b.dense(f1, 32);
    x = b.add('Add', [x, f2]);
    if (style === 'post') x = b.add('LayerNormalization', x);
  }
  if (finalNorm) x = b.add('LayerNormalization', x);
  b.dense(x, 10, 'softmax');
  return b.graph();
}
