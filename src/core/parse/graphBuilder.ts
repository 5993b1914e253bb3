/**
 * Turns the models the evaluator recorded into LayerGraphs: nodes in topological order with stable ids,
 * sub-models flattened (fromModel), shared layers (weightKey), names, output shapes, code sites, and the
 * notes of every scope the model's parts were made in.
 */
import type { CustomLayerInfo, LayerGraph, LayerNode, Note } from '../graph/types';
import { resolveConfig } from '../graph/catalog';
import type { Config, ConfigValue, Span } from '../graph/types';
import { LayerVal, ModelVal, NoteScope, TensorVal, type AppNode, type SeqEntry } from './values';
import { declaredInputShape, inferShape, type Shape } from './shapes';

/** Auto names as tfjs makes them (catalog AutoNamer format), with the snake-case prefix computed once per class. */

/** Notes listed per model graph (scope and top-level ones); the rest are counted in one note. */
export const MAX_MODEL_NOTES = 50;
export interface Namer {
  next(className: string): string;
}

export interface BuildContext {
  namer: Namer;
  maxNodes: number;
  /** Nodes emitted by every graph of the file so far, and the cap on them (maxFileNodes). */
  fileNodes?: { used: number; max: number };
  fileScope: NoteScope;
  /** Notes made at the top level of the file, with the uid counter at the time: they concern later parts. */
  fileNotes: Map<Note, number>;
  /** Analyses a custom layer (build + call) the first time a graph meets it. */
  customInfo(layer: LayerVal, inputShapes: (Shape | undefined)[]): CustomLayerInfo;
}

interface EmitInfo {
  applySpan?: Span;
  site?: LayerNode['site'];
  scope?: NoteScope;
  fromModel?: string;
}

function cloneConfig(c: Config): Config {
  const out: Config = {};
  for (const [k, v] of Object.entries(c)) out[k] = cloneValue(v);
  return out;
}

function cloneValue(v: ConfigValue): ConfigValue {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v && typeof v === 'object') {
    const o: { [k: string]: ConfigValue } = {};
    for (const [k, x] of Object.entries(v)) o[k] = cloneValue(x);
    return o;
  }
  return v;
}

/** The name the user gave the layer, when it is a known string. */
function writtenName(layer: LayerVal): string | undefined {
  const n = layer.written.name;
  return typeof n === 'string' && n !== '<unknown>' && n !== '' ? n : undefined;
}

function sameSpan(a: Span | undefined, b: Span | undefined): boolean {
  if (a === b) return true;
  return (
    !!a &&
    !!b &&
    a.file === b.file &&
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export class GraphAssembler {
  readonly nodes: LayerNode[] = [];
  private readonly shapes = new Map<string, Shape | undefined>();
  private readonly uses = new Map<LayerVal, LayerNode[]>();
  private readonly scopes = new Set<NoteScope>();
  private readonly extraNotes: Note[] = [];
  private readonly stack: ModelVal[] = [];
  private truncatedAt: Span | undefined;
  private truncated: false | 'maxNodes' | 'maxFileNodes' = false;
  /** Largest uid among the parts of the graph (layers, models): top-level notes made before it apply. */
  private maxUid = -1;

  constructor(private readonly ctx: BuildContext) {}

  /** The graph of a model recorded by the evaluator. */
  build(model: ModelVal): LayerGraph {
    this.scopes.add(model.scope);
    this.maxUid = Math.max(this.maxUid, model.uid);
    this.stack.push(model);
    let outputs: string[];
    if (model.api === 'sequential') outputs = this.sequential(model, undefined, undefined);
    else outputs = this.functional(model.inputs, model.outputs, undefined, undefined);
    this.stack.pop();
    return this.finish(model.displayName, model.builder, model.span, model.api, outputs);
  }

  /** The inner graph of a custom layer's call(). */
  buildBody(inputs: TensorVal[], outputs: TensorVal[], name: string, span: Span): LayerGraph {
    const out = this.functional(inputs, outputs, undefined, undefined);
    return this.finish(name, undefined, span, 'functional', out);
  }

  private finish(
    name: string,
    builder: string | undefined,
    span: Span,
    api: LayerGraph['api'],
    outputs: string[],
  ): LayerGraph {
    const weightKeys = new Map<string, number>();
    for (const [layer, nodes] of this.uses) {
      if (nodes.length < 2) continue;
      let key = nodes[0].name;
      const n = weightKeys.get(key) ?? 0;
      weightKeys.set(key, n + 1);
      if (n > 0) key = `${key}#${layer.uid}`;
      for (const node of nodes) node.weightKey = key;
    }
    if (this.nodes.length === 0) {
      this.extraNotes.push({
        kind: 'info',
        message: `No layers of ${name} could be followed statically (they are added or loaded in code the analysis does not see).`,
        span,
      });
    }
    if (this.truncated) {
      const what =
        this.truncated === 'maxNodes'
          ? `This model has more than ${this.ctx.maxNodes} layer nodes (limit maxNodes)`
          : `The models of this file have more than ${this.ctx.fileNodes?.max} layer nodes together (limit maxFileNodes)`;
      this.extraNotes.push({
        kind: 'limit',
        message: `${what}: the graph stops there; the nodes kept are complete and correctly wired.`,
        ...(this.truncatedAt ? { span: this.truncatedAt } : {}),
      });
    }
    const graph: LayerGraph = {
      name,
      span,
      api,
      nodes: this.nodes,
      inputs: this.nodes.filter((n) => n.className === 'InputLayer').map((n) => n.id),
      outputs: [...new Set(outputs.filter((o) => o !== ''))],
      notes: this.collectNotes(),
    };
    if (builder) graph.builder = builder;
    return graph;
  }

  private collectNotes(): Note[] {
    const out: Note[] = [];
    const seenScopes = new Set<NoteScope>();
    const keys = new Set<string>();
    // A broken file can make thousands of notes in one scope, and every model made there would carry all of them:
    // quadratic time and unreadable reports. Past MAX_MODEL_NOTES, notes are counted, not listed.
    let left = 0;
    const push = (n: Note, capped = true): void => {
      if (capped && out.length >= MAX_MODEL_NOTES) {
        left++;
        return;
      }
      const k = `${n.kind}|${n.message}|${n.span ? `${n.span.file}:${n.span.start.line}:${n.span.start.character}` : ''}`;
      if (keys.has(k)) return;
      keys.add(k);
      out.push(n);
    };
    for (const s of this.scopes) {
      for (
        let p: NoteScope | undefined = s;
        p && p !== this.ctx.fileScope && !seenScopes.has(p);
        p = p.parent
      ) {
        seenScopes.add(p);
        for (const n of p.notes) push(n);
      }
    }
    // top-level assumptions made before this model
    for (const [n, uid] of this.ctx.fileNotes) if (uid < this.maxUid && n.kind === 'assumption') push(n);
    // this graph's own notes (limits hit while assembling it, no layers followed) are always listed
    for (const n of this.extraNotes) push(n, false);
    if (left > 0) {
      out.push({
        kind: 'limit',
        message: `Up to ${left} more note${left === 1 ? '' : 's'} about this model ${left === 1 ? 'was' : 'were'} left out (at most ${MAX_MODEL_NOTES} are listed per model)`,
      });
    }
    return out;
  }

  private shapeOf(id: string): Shape | undefined {
    return this.shapes.get(id);
  }

  /** Emits one node; returns its id ('' once maxNodes is reached). */
  private emit(layer: LayerVal, inputs: string[], info: EmitInfo): string {
    const fileNodes = this.ctx.fileNodes;
    if (this.nodes.length >= this.ctx.maxNodes || (fileNodes && fileNodes.used >= fileNodes.max)) {
      if (!this.truncated) {
        this.truncated = this.nodes.length >= this.ctx.maxNodes ? 'maxNodes' : 'maxFileNodes';
        this.truncatedAt = info.applySpan ?? layer.span;
      }
      return '';
    }
    if (fileNodes) fileNodes.used++;
    const id = `n${this.nodes.length}`;
    const name = (layer.name ??= writtenName(layer) ?? this.ctx.namer.next(layer.className));
    const u = this.uses.get(layer);
    const node: LayerNode = {
      id,
      className: layer.className,
      name,
      // A layer object's configs are shared by nothing else: only repeated uses need their own copies.
      config: u ? cloneConfig(layer.config) : layer.config,
      written: u ? cloneConfig(layer.written) : layer.written,
      inputs: inputs.includes('') ? inputs.filter((i) => i !== '') : inputs,
    };
    if (layer.span) node.span = layer.span;
    if (info.applySpan && !sameSpan(info.applySpan, layer.span)) node.applySpan = info.applySpan;
    const site = info.site ?? layer.creationSite;
    if (site) node.site = site;
    if (info.fromModel) node.fromModel = info.fromModel;
    const inShapes = node.inputs.map((i) => this.shapeOf(i));
    let shape: Shape | undefined;
    if (layer.custom) {
      const custom = this.ctx.customInfo(layer, inShapes);
      node.custom = custom;
      if (custom.body) {
        const outId = custom.body.outputs[0];
        shape = custom.body.nodes.find((n) => n.id === outId)?.outputShape;
      }
      shape ??= layer.custom.outputShape;
      if (!shape && !custom.opaque && !custom.body && inShapes[0]) shape = inShapes[0];
    } else shape = inferShape(layer.className, layer.config, inShapes);
    if (shape) node.outputShape = shape.slice();
    this.shapes.set(id, shape);
    this.nodes.push(node);
    if (u) u.push(node);
    else this.uses.set(layer, [node]);
    this.scopes.add(layer.scope);
    if (info.scope) this.scopes.add(info.scope);
    if (layer.uid > this.maxUid) this.maxUid = layer.uid;
    return id;
  }

  /** The first leaf layer of a sequential (descending into sequential sub-models). */
  private firstLeaf(model: ModelVal, depth = 0): LayerVal | ModelVal | undefined {
    const first = model.entries[0]?.layer;
    if (first instanceof ModelVal && first.api === 'sequential' && depth < 16)
      return this.firstLeaf(first, depth + 1) ?? first;
    return first;
  }

  private implicitInput(model: ModelVal): string {
    const leaf = this.firstLeaf(model);
    if (leaf instanceof ModelVal) {
      // A functional model first: its own inputs define the input.
      const app = leaf.inputs[0]?.app;
      if (app && app.layer instanceof LayerVal) return this.emit(app.layer, [], { scope: app.scope });
    }
    // Dimensions the analysis does not know are null in the derived input shape (as the batch dimension is).
    const batchInputShape = leaf instanceof LayerVal ? declaredInputShape(leaf.className, leaf.written) : undefined;
    const cfg: Config = {};
    if (batchInputShape !== undefined) cfg.batchInputShape = batchInputShape;
    if (leaf instanceof LayerVal) {
      const leafName = (leaf.name ??= writtenName(leaf) ?? this.ctx.namer.next(leaf.className));
      cfg.name = `${leafName}_input`;
    }
    // The implicit input has no code of its own: it points at the first layer, which declares its shape.
    const span = leaf instanceof LayerVal ? leaf.span : model.span;
    const input = new LayerVal(
      -1,
      'InputLayer',
      {},
      resolveConfig('InputLayer', cfg),
      span,
      undefined,
      model.scope,
      undefined,
    );
    if (typeof cfg.name === 'string') input.name = cfg.name;
    return this.emit(input, [], {});
  }

  /** Emits a sequential model's layers after `inputs` (undefined: the model's own InputLayer first). */
  private sequential(model: ModelVal, inputs: string[] | undefined, fromModel: string | undefined): string[] {
    const entries = model.entries;
    let cur: string[];
    let start = 0;
    if (inputs) cur = inputs;
    else {
      if (entries.length === 0) return [];
      const first = entries[0];
      if (first.layer instanceof LayerVal && first.layer.className === 'InputLayer') {
        cur = [this.emit(first.layer, [], this.entryInfo(first, fromModel))];
        start = 1;
      } else cur = [this.implicitInput(model)];
    }
    for (let i = start; i < entries.length; i++) {
      const e = entries[i];
      if (e.layer instanceof ModelVal) {
        cur = this.inline(e.layer, cur, e.scope);
        continue;
      }
      if (e.layer.className === 'InputLayer') continue;
      cur = [this.emit(e.layer, cur, this.entryInfo(e, fromModel))];
    }
    return cur;
  }

  private entryInfo(e: SeqEntry, fromModel: string | undefined): EmitInfo {
    const info: EmitInfo = { scope: e.scope };
    if (e.addSpan) info.applySpan = e.addSpan;
    // A layer written as an element of a layers array is edited there, even when a generic loop adds it.
    const made = e.layer instanceof LayerVal ? e.layer.creationSite : undefined;
    if (e.site && made?.kind !== 'arrayElement') info.site = e.site;
    if (fromModel) info.fromModel = fromModel;
    return info;
  }

  /** Flattens a sub-model applied to / added after `inputs`; returns its output ids. */
  private inline(sub: ModelVal, inputs: string[], scope: NoteScope | undefined): string[] {
    if (this.stack.includes(sub)) {
      this.extraNotes.push({
        kind: 'unsupported',
        message: `Model ${sub.displayName} contains itself; the inner use is left out.`,
        span: sub.span,
      });
      return inputs;
    }
    if (scope) this.scopes.add(scope);
    this.scopes.add(sub.scope);
    this.stack.push(sub);
    try {
      if (sub.api === 'sequential') return this.sequential(sub, inputs, sub.displayName);
      return this.functional(sub.inputs, sub.outputs, inputs, sub.displayName);
    } finally {
      this.stack.pop();
    }
  }

  /**
   * Emits the applications between `modelInputs` and `modelOutputs`. With `given`, the model inputs are mapped
   * onto those ids (a flattened sub-model); otherwise they become InputLayer nodes.
   */
  private functional(
    modelInputs: TensorVal[],
    modelOutputs: TensorVal[],
    given: string[] | undefined,
    fromModel: string | undefined,
  ): string[] {
    const ids = new Map<AppNode, string[]>();
    const inputApps = new Set<AppNode>();
    modelInputs.forEach((t, i) => {
      if (inputApps.has(t.app)) return;
      inputApps.add(t.app);
      if (given) ids.set(t.app, [given[Math.min(i, given.length - 1)] ?? '']);
    });
    // Reachable applications, walking back from the outputs (iteratively: chains can be thousands long).
    const reach = new Set<AppNode>();
    const stack = modelOutputs.map((t) => t.app);
    while (stack.length) {
      const a = stack.pop() as AppNode;
      if (reach.has(a)) continue;
      reach.add(a);
      if (inputApps.has(a)) continue;
      for (const t of a.inputs) if (!reach.has(t.app)) stack.push(t.app);
    }
    if (!given) {
      for (const t of modelInputs) {
        const a = t.app;
        if (ids.has(a)) continue;
        ids.set(a, [this.emitApp(a, [], fromModel)]);
      }
    }
    const order = [...reach].filter((a) => !ids.has(a)).sort((x, y) => x.seq - y.seq);
    for (const a of order) {
      const ins = a.inputs.map((t) => this.idOf(t, ids));
      if (a.layer instanceof ModelVal) ids.set(a, this.inline(a.layer, ins, a.scope));
      else ids.set(a, [this.emitApp(a, ins, fromModel)]);
    }
    return modelOutputs.map((t) => this.idOf(t, ids));
  }

  private emitApp(a: AppNode, ins: string[], fromModel: string | undefined): string {
    const layer = a.layer as LayerVal;
    const info: EmitInfo = { scope: a.scope };
    if (a.applySpan) info.applySpan = a.applySpan;
    if (a.site) info.site = a.site;
    if (fromModel) info.fromModel = fromModel;
    return this.emit(layer, ins, info);
  }

  private idOf(t: TensorVal, ids: Map<AppNode, string[]>): string {
    const list = ids.get(t.app);
    if (!list || list.length === 0) return '';
    return list[Math.min(t.index, list.length - 1)];
  }
}
