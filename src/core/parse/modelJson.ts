/**
 * tfjs `model.json` (layers-model format, Keras-converted files, bare topologies) -> LayerGraph.
 *
 * Handles `Sequential`, `Model` and `Functional` topologies, the legacy list-form Sequential config, nested models
 * (flattened into the graph, nodes tagged `fromModel`), shared layers (one node per application, same weightKey),
 * `inbound_nodes` in the Keras 2 list form and the Keras 3 `{args, kwargs}` form with `keras_history`, and
 * snake_case configs (converted the way tfjs's convertPythonicToTs does). Spans point at each layer's entry in the
 * JSON text. Dangling references and cycles become notes; nothing here throws on user input.
 */
import type {
  Config,
  ConfigValue,
  CustomLayerInfo,
  LayerGraph,
  LayerNode,
  Note,
  Span,
  WeightSpec,
} from '../graph/types';
import { camelCaseKey, isKnownClass, resolveConfig } from '../graph/catalog';
import { layerKind } from '../graph/kinds';
import { resolveLimits } from '../limits';
import { LineIndex, isJsonObject, scanJson, type JsonObject, type JsonRange, type JsonValue } from './jsonScan';
import { inferShape, wholeDims } from './shapes';
import type { ParseOptions, ParseResult } from './types';
import { isKeras3Op, kerasHistoryRef, parseOpCall, refTriple, tfOpFunction, translateOp, type OpRef } from './tfOps';


const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
const MAX_NESTING = 32;

/** Message of the error returned for a JSON file that is not a tfjs layers model (the CLI skips those). */
export const NOT_A_MODEL = 'not a TensorFlow.js layers model';

/** An entry's layer name (in its config or beside it). */
function entryName(e: JsonObject): string | undefined {
  if (isJsonObject(e.config) && typeof e.config.name === 'string') return e.config.name;
  return typeof e.name === 'string' ? e.name : undefined;
}

function classNameOf(o: JsonObject): string | undefined {
  const c = o.class_name ?? o.className;
  return typeof c === 'string' ? c : undefined;
}

/** A `{class_name: 'Sequential'|'Model'|'Functional', config}` object. */
function isModelConfig(v: JsonValue | undefined): boolean {
  if (!isJsonObject(v)) return false;
  const c = classNameOf(v);
  return c !== undefined && MODEL_CLASSES.has(c) && (isJsonObject(v.config) || Array.isArray(v.config));
}

/** Finds the model topology in a model.json document: {class_name, config} or undefined. */
function findTopology(doc: JsonValue | undefined): { topology?: JsonObject; graphModel?: boolean } {
  if (!isJsonObject(doc)) return {};
  if (isModelConfig(doc)) return { topology: doc };
  if (isModelConfig(doc.model_config)) return { topology: doc.model_config as JsonObject };
  const mt = doc.modelTopology ?? doc.model_topology;
  if (isJsonObject(mt)) {
    if (isModelConfig(mt)) return { topology: mt };
    if (isModelConfig(mt.model_config)) return { topology: mt.model_config as JsonObject };
    if (isModelConfig(mt.config)) return { topology: mt.config as JsonObject };
    if (Array.isArray(mt.node) || doc.format === 'graph-model') return { graphModel: true };
  }
  if (doc.format === 'graph-model') return { graphModel: true };
  return {};
}

/**
 * Cheap check whether a .json text is worth parsing as a model (used to skip package.json, tsconfig.json ...
 * silently when scanning folders). False positives are fine: parseModelJson decides.
 */
export function looksLikeModelJson(text: string): boolean {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  return (
    /"(modelTopology|model_config|model_topology)"/.test(head) ||
    /"(class_name|className)"\s*:\s*"(Sequential|Model|Functional)"/.test(head)
  );
}

/** tfjs convertPythonicToTs: snake_case keys to camelCase and string values too, except `name`. */
function pythonicToTs(v: JsonValue, key?: string): ConfigValue {
  if (v === null) return null;
  if (typeof v === 'string') return key === 'name' ? v : camelCaseKey(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => pythonicToTs(x, key));
  const out: { [k: string]: ConfigValue } = {};
  // Keras 3 wraps serialized objects (initializers, regularizers, dtype policies) as {module, class_name, config,
  // registered_name}: the module path and registered name are serialization bookkeeping, not configuration.
  const keras3Object = 'class_name' in v && 'config' in v && ('module' in v || 'registered_name' in v);
  for (const [k, x] of Object.entries(v)) {
    if (keras3Object && (k === 'module' || k === 'registered_name')) continue;
    if (k === 'name' && typeof x === 'string') {
      out.name = x;
      continue;
    }
    // Initializer / activation class names ('VarianceScaling') are not snake_case: camelCaseKey leaves them.
    const tk = camelCaseKey(k);
    out[tk] = pythonicToTs(x, tk);
  }
  return out;
}

/** A layer's config as tfjs reads it: camelCase keys and enumeration values; names verbatim. */
function convertConfig(raw: JsonValue | undefined): Config {
  if (!isJsonObject(raw)) return {};
  return pythonicToTs(raw) as Config;
}

/** Every keras_history reference inside a Keras 3 `{args, kwargs}` node, in argument order. */
function collectKerasHistory(v: JsonValue, out: OpRef[], depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(v)) {
    for (const x of v) collectKerasHistory(x, out, depth + 1);
    return;
  }
  if (!isJsonObject(v)) return;
  const r = kerasHistoryRef(v);
  if (r) {
    out.push(r);
    return;
  }
  for (const x of Object.values(v)) collectKerasHistory(x, out, depth + 1);
}

/** inbound_nodes -> one list of refs per application. */
function parseInboundNodes(v: JsonValue | undefined): OpRef[][] {
  if (!Array.isArray(v)) return [];
  const apps: OpRef[][] = [];
  for (const node of v) {
    const refs: OpRef[] = [];
    if (isJsonObject(node)) {
      // Keras 3: {args: [...], kwargs: {...}}
      if (node.args !== undefined) collectKerasHistory(node.args, refs);
      if (node.kwargs !== undefined) collectKerasHistory(node.kwargs, refs);
    } else if (Array.isArray(node)) {
      // Keras 2: [["name", nodeIdx, tensorIdx, {kwargs}], ...]; a single ref is sometimes written unwrapped.
      const single = refTriple(node);
      if (single && node.length <= 4 && (node.length < 4 || isJsonObject(node[3]) || node[3] === null))
        refs.push(single);
      else
        for (const r of node) {
          const ref = refTriple(r);
          if (ref) refs.push(ref);
          // kwargs can carry more tensors (e.g. MultiHeadAttention's `value`): ["layer", node, tensor] or keras_history.
          if (Array.isArray(r) && r.length > 3 && isJsonObject(r[3])) {
            for (const v of Object.values(r[3])) {
              const kref =
                Array.isArray(v) && v.length === 3 && typeof v[1] === 'number' && typeof v[2] === 'number'
                  ? refTriple(v)
                  : undefined;
              if (kref) refs.push(kref);
              else collectKerasHistory(v, refs);
            }
          }
        }
    }
    apps.push(refs);
  }
  return apps;
}

/** input_layers / output_layers: [[name, node, tensor], ...] or a single flat [name, node, tensor]. */
function parseIoRefs(v: JsonValue | undefined): OpRef[] {
  if (!Array.isArray(v)) return [];
  const single = refTriple(v);
  if (single) return [single];
  const out: OpRef[] = [];
  for (const x of v) {
    const r = refTriple(x);
    if (r) out.push(r);
    else if (isJsonObject(x)) collectKerasHistory(x, out);
  }
  return out;
}

interface RawNode {
  tmp: number;
  className: string;
  name: string;
  written: Config;
  span?: Span;
  inputs: number[];
  /** Inputs that could not be resolved yet: filled later (functional wiring). */
  refs?: OpRef[];
  refScope?: Scope;
  weightKey?: string;
  fromModel?: string;
  custom?: CustomLayerInfo;
  outputShape?: (number | null)[];
}

interface Scope {
  /** `${layer}#${node}` -> tmp ids per output tensor. */
  tensors: Map<string, number[]>;
  modelName: string;
}

class Builder {
  readonly nodes: RawNode[] = [];
  readonly notes: Note[] = [];
  private readonly lines: LineIndex;
  private readonly maxNodes: number;
  private truncated = false;
  private readonly weightsByLayer: Map<string, WeightSpec[]>;

  constructor(
    private readonly path: string,
    text: string,
    private readonly ranges: WeakMap<object, JsonRange>,
    weightsByLayer: Map<string, WeightSpec[]>,
    maxNodes: number,
  ) {
    this.lines = new LineIndex(text);
    this.maxNodes = maxNodes;
    this.weightsByLayer = weightsByLayer;
  }

  spanOf(v: JsonValue | undefined): Span | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    const r = this.ranges.get(v);
    if (!r) return undefined;
    return { file: this.path, start: this.lines.position(r.start), end: this.lines.position(r.end) };
  }

  note(kind: Note['kind'], message: string, at?: JsonValue): void {
    const span = this.spanOf(at);
    this.notes.push(span ? { kind, message, span } : { kind, message });
  }

  private canAdd(): boolean {
    if (this.nodes.length < this.maxNodes) return true;
    if (!this.truncated) {
      this.truncated = true;
      this.note(
        'limit',
        `the model has more than ${this.maxNodes} layer nodes (maxNodes); the rest was not analysed`,
      );
    }
    return false;
  }

  /** Adds a node for a layer entry (not a model). Returns its tmp id, or -1 when the node limit is hit. */
  addLayer(
    entry: JsonObject,
    inputs: number[],
    fromModel: string | undefined,
    weightKey?: string,
    as?: { className: string; written: Config },
  ): number {
    if (!this.canAdd()) return -1;
    const className = as?.className ?? classNameOf(entry) ?? 'Unknown';
    const rawName = entryName(entry);
    const written = as ? { ...as.written, ...(rawName !== undefined ? { name: rawName } : {}) } : convertConfig(entry.config);
    const name = rawName ?? `${className.toLowerCase()}_${this.nodes.length}`;
    const node: RawNode = {
      tmp: this.nodes.length,
      className,
      name,
      written,
      span: this.spanOf(entry),
      inputs,
    };
    if (fromModel) node.fromModel = fromModel;
    if (weightKey) node.weightKey = weightKey;
    const shape = inputShapeOf(written);
    if (className === 'InputLayer' && shape) node.outputShape = wholeDims(shape);
    if (!isKnownClass(className) && !MODEL_CLASSES.has(className)) {
      const weights = this.weightsByLayer.get(name) ?? [];
      node.custom = { userClass: className, weights, subLayers: [], residual: false, opaque: true };
      this.note(
        'assumption',
        `layer '${name}' has the class '${className}', which is not a built-in tfjs layer: treated as an opaque layer` +
          (weights.length
            ? ` with ${weights.length} weight${weights.length === 1 ? '' : 's'} from the weights manifest`
            : ' without weights'),
        entry,
      );
    }
    this.nodes.push(node);
    return node.tmp;
  }

  /** A synthetic InputLayer (a Sequential whose first layer carries the input shape). */
  addInput(
    name: string,
    shape: (number | null)[] | undefined,
    at: JsonValue | undefined,
    fromModel?: string,
  ): number {
    if (!this.canAdd()) return -1;
    const written: Config = shape ? { batchInputShape: shape } : {};
    const node: RawNode = {
      tmp: this.nodes.length,
      className: 'InputLayer',
      name,
      written,
      span: this.spanOf(at),
      inputs: [],
    };
    if (shape) node.outputShape = wholeDims(shape);
    if (fromModel) node.fromModel = fromModel;
    this.nodes.push(node);
    return node.tmp;
  }

  /**
   * Expands a model config. `bindings`: tmp ids feeding the model's inputs (a nested model), else the model makes
   * its own InputLayer nodes. Returns the tmp ids of the model's outputs.
   */
  expandModel(
    model: JsonObject,
    bindings: number[] | undefined,
    fromModel: string | undefined,
    depth: number,
    weightPrefix: string,
  ): number[] {
    const className = classNameOf(model) ?? 'Model';
    const cfg = model.config;
    const name = modelNameOf(model) ?? (className === 'Sequential' ? 'sequential' : 'model');
    if (depth > MAX_NESTING) {
      this.note(
        'limit',
        `model '${name}' is nested more than ${MAX_NESTING} levels deep: not expanded`,
        model,
      );
      return bindings ?? [];
    }
    const layerList = Array.isArray(cfg)
      ? cfg
      : isJsonObject(cfg) && Array.isArray(cfg.layers)
        ? cfg.layers
        : undefined;
    if (!layerList) {
      this.note('unsupported', `model '${name}' has no layer list in its config`, model);
      return bindings ?? [];
    }
    const isFunctional =
      className !== 'Sequential' &&
      isJsonObject(cfg) &&
      (cfg.input_layers !== undefined ||
        cfg.output_layers !== undefined ||
        layerList.some((l) => isJsonObject(l) && l.inbound_nodes !== undefined));
    return isFunctional
      ? this.expandFunctional(cfg as JsonObject, layerList, name, bindings, fromModel, depth, weightPrefix)
      : this.expandSequential(layerList, name, bindings, fromModel, depth, weightPrefix, model);
  }

  private expandSequential(
    layers: JsonValue[],
    modelName: string,
    bindings: number[] | undefined,
    fromModel: string | undefined,
    depth: number,
    weightPrefix: string,
    at: JsonValue,
  ): number[] {
    let prev: number | undefined = bindings && bindings.length ? bindings[0] : undefined;
    if (bindings && bindings.length > 1)
      this.note(
        'assumption',
        `sequential model '${modelName}' receives ${bindings.length} inputs; only the first is followed`,
        at,
      );
    let first = true;
    for (const entry of layers) {
      if (!isJsonObject(entry)) {
        this.note('unsupported', `an entry of model '${modelName}' is not a layer object: skipped`, entry);
        continue;
      }
      const cls = classNameOf(entry) ?? 'Unknown';
      if (cls === 'InputLayer') {
        if (prev === undefined) {
          const t = this.addLayer(entry, [], fromModel);
          if (t < 0) break;
          prev = t;
        }
        first = false;
        continue;
      }
      if (first && prev === undefined && !MODEL_CLASSES.has(cls)) {
        const written = convertConfig(entry.config);
        const shape = inputShapeOf(written) ?? builtInputShape(at, entry);
        const lname = typeof written.name === 'string' ? written.name : cls.toLowerCase();
        const t = this.addInput(`${lname}_input`, shape, entry, fromModel);
        if (t < 0) break;
        prev = t;
        if (!shape)
          this.note(
            'assumption',
            `the input shape of model '${modelName}' is not given (no batch_input_shape on its first layer)`,
            entry,
          );
      }
      first = false;
      if (MODEL_CLASSES.has(cls)) {
        const innerName = modelNameOf(entry) ?? cls.toLowerCase();
        const outs = this.expandModel(
          entry,
          prev === undefined ? undefined : [prev],
          innerName,
          depth + 1,
          `${weightPrefix}${innerName}/`,
        );
        if (outs.length) prev = outs[0];
        continue;
      }
      const t = this.addLayer(entry, prev === undefined ? [] : [prev], fromModel);
      if (t < 0) break;
      prev = t;
    }
    return prev === undefined ? [] : [prev];
  }

  private expandFunctional(
    cfg: JsonObject,
    layers: JsonValue[],
    modelName: string,
    bindings: number[] | undefined,
    fromModel: string | undefined,
    depth: number,
    weightPrefix: string,
  ): number[] {
    const scope: Scope = { tensors: new Map(), modelName };
    const entries: { entry: JsonObject; name: string; cls: string; apps: OpRef[][] }[] = [];
    const seen = new Set<string>();
    for (const e of layers) {
      if (!isJsonObject(e)) {
        this.note('unsupported', `an entry of model '${modelName}' is not a layer object: skipped`, e);
        continue;
      }
      const cls = classNameOf(e) ?? 'Unknown';
      const cfgName = isJsonObject(e.config) && typeof e.config.name === 'string' ? e.config.name : undefined;
      const name =
        typeof e.name === 'string' ? e.name : (cfgName ?? `${cls.toLowerCase()}_${entries.length}`);
      if (seen.has(name))
        this.note(
          'assumption',
          `two layers of model '${modelName}' are both named '${name}': the later one wins in references`,
          e,
        );
      seen.add(name);
      entries.push({ entry: e, name, cls, apps: parseInboundNodes(e.inbound_nodes) });
    }
    const inputRefs = parseIoRefs(cfg.input_layers);
    const outputRefs = parseIoRefs(cfg.output_layers);

    // Inputs: bound to the caller's tensors (nested model) or InputLayer nodes of their own.
    const inputNames = new Set(inputRefs.map((r) => r.layer));
    for (const { entry, name, cls } of entries) {
      if (cls !== 'InputLayer') continue;
      if (bindings) {
        const idx = inputRefs.findIndex((r) => r.layer === name);
        const b = idx >= 0 ? bindings[idx] : undefined;
        if (b !== undefined) scope.tensors.set(`${name}#0`, [b]);
        else
          this.note(
            'assumption',
            `input '${name}' of nested model '${modelName}' is not fed by the outer model`,
            entry,
          );
        continue;
      }
      const t = this.addLayer(entry, [], fromModel);
      if (t >= 0) scope.tensors.set(`${name}#0`, [t]);
    }

    // Ordinary layers: one node per application; inputs wired after all producers exist.
    const pendingModels: { entry: JsonObject; name: string; app: number; refs: OpRef[] }[] = [];
    for (const { entry, name, cls, apps } of entries) {
      if (cls === 'InputLayer') continue;
      if (MODEL_CLASSES.has(cls)) {
        apps.forEach((refs, app) => pendingModels.push({ entry, name, app, refs }));
        continue;
      }
      if (apps.length === 0) {
        if (!inputNames.has(name))
          this.note(
            'info',
            `layer '${name}' of model '${modelName}' is never applied: not part of the graph`,
            entry,
          );
        continue;
      }
      if (cls === 'TFOpLambda' || isKeras3Op(entry)) {
        if (!this.addOps(entry, name, cls, apps, scope, fromModel)) return [];
        continue;
      }
      const weightKey = apps.length > 1 ? `${weightPrefix}${name}` : undefined;
      for (let app = 0; app < apps.length; app++) {
        const t = this.addLayer(entry, [], fromModel, weightKey);
        if (t < 0) return [];
        const node = this.nodes[t];
        node.refs = apps[app];
        node.refScope = scope;
        scope.tensors.set(`${name}#${app}`, [t]);
      }
    }

    // Nested models: expand once their inputs resolve (they may feed each other); no progress -> dangling.
    let progress = true;
    while (pendingModels.length && progress) {
      progress = false;
      for (let k = 0; k < pendingModels.length; k++) {
        const p = pendingModels[k];
        const feeds = p.refs.map((r) => scope.tensors.get(`${r.layer}#${r.node}`)?.[r.tensor]);
        if (feeds.some((f) => f === undefined)) continue;
        const outs = this.expandModel(
          p.entry,
          feeds as number[],
          p.name,
          depth + 1,
          `${weightPrefix}${p.name}/`,
        );
        scope.tensors.set(`${p.name}#${p.app}`, outs);
        pendingModels.splice(k, 1);
        k--;
        progress = true;
      }
    }
    for (const p of pendingModels) {
      const missing = p.refs.filter((r) => !scope.tensors.get(`${r.layer}#${r.node}`)).map((r) => r.layer);
      this.note(
        'unsupported',
        `nested model '${p.name}' of '${modelName}' reads tensors that do not resolve (${[...new Set(missing)].join(', ')}): not expanded`,
        p.entry,
      );
    }

    const outs: number[] = [];
    for (const r of outputRefs) {
      const t = scope.tensors.get(`${r.layer}#${r.node}`);
      const id = t ? (t[r.tensor] ?? t[0]) : undefined;
      if (id === undefined)
        this.note(
          'unsupported',
          `output '${r.layer}' of model '${modelName}' does not name a layer application of the model`,
          cfg.output_layers,
        );
      else outs.push(id);
    }
    if (outputRefs.length === 0)
      this.note(
        'assumption',
        `model '${modelName}' lists no output_layers: its sinks are taken as outputs`,
        cfg,
      );
    return outs;
  }

  /**
   * A TFOpLambda (a tf.* call Keras recorded) or a Keras 3 op entry: each application becomes the node a tfjs
   * model would have for the same computation (parse/tfOps.ts), else a pass-through with a note. False when the
   * node limit is hit.
   */
  private addOps(
    entry: JsonObject,
    name: string,
    cls: string,
    apps: OpRef[][],
    scope: Scope,
    fromModel: string | undefined,
  ): boolean {
    const keras3 = cls !== 'TFOpLambda';
    const fn = keras3 ? cls : tfOpFunction(entry.config);
    const raw = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    for (let app = 0; app < apps.length; app++) {
      const call = parseOpCall(raw[app]);
      const tr =
        fn === undefined
          ? { unsupported: 'a TFOpLambda without a function name' }
          : call
            ? translateOp(fn, keras3, call, entry.config)
            : { unsupported: `${fn} with arguments in an unknown form` };
      let t: number;
      let refs: OpRef[];
      if ('unsupported' in tr) {
        if (app === 0)
          this.note(
            'unsupported',
            `layer '${name}': ${tr.unsupported}; it passes its first input through unchanged`,
            entry,
          );
        t = this.addLayer(entry, [], fromModel, undefined, {
          className: 'TFOpLambda',
          written: fn ? { function: fn } : {},
        });
        refs = apps[app].slice(0, 1);
      } else {
        t = this.addLayer(entry, [], fromModel, undefined, tr);
        refs = tr.refs;
      }
      if (t < 0) return false;
      this.nodes[t].refs = refs;
      this.nodes[t].refScope = scope;
      scope.tensors.set(`${name}#${app}`, [t]);
    }
    return true;
  }

  /** Resolves the deferred functional references into node inputs. */
  wire(): void {
    for (const node of this.nodes) {
      if (!node.refs || !node.refScope) continue;
      const scope = node.refScope;
      for (const r of node.refs) {
        const t = scope.tensors.get(`${r.layer}#${r.node}`);
        const id = t ? (t[r.tensor] ?? t[0]) : undefined;
        if (id === undefined) {
          this.notes.push({
            kind: 'unsupported',
            message: `layer '${node.name}' reads '${r.layer}' (node ${r.node}), which is not a layer application of model '${scope.modelName}': input dropped`,
            ...(node.span ? { span: node.span } : {}),
          });
        } else node.inputs.push(id);
      }
      delete node.refs;
      delete node.refScope;
    }
  }
}

function modelNameOf(model: JsonObject): string | undefined {
  if (isJsonObject(model.config) && typeof model.config.name === 'string') return model.config.name;
  if (typeof model.name === 'string') return model.name;
  return undefined;
}

/**
 * The input shape a built model recorded instead of an InputLayer / batch_input_shape: the Sequential config's
 * `build_input_shape` (tf.keras 2.x) or the first layer's `build_config.input_shape` (Keras 3).
 */
function builtInputShape(model: JsonValue, first: JsonObject): (number | null)[] | undefined {
  const shapeOf = (v: JsonValue | undefined): (number | null)[] | undefined =>
    Array.isArray(v) && v.length > 0 && v.every((x) => x === null || typeof x === 'number')
      ? [null, ...(v.slice(1) as (number | null)[])]
      : undefined;
  const cfg = isJsonObject(model) ? model.config : undefined;
  const fromModel = isJsonObject(cfg) ? shapeOf(cfg.build_input_shape) : undefined;
  if (fromModel) return fromModel;
  const bc = first.build_config;
  return isJsonObject(bc) ? shapeOf(bc.input_shape) : undefined;
}

/** The input shape a layer config declares (batch dimension null), if any. */
function inputShapeOf(written: Config): (number | null)[] | undefined {
  const b = written.batchInputShape ?? written.batchShape;
  if (Array.isArray(b) && b.every((x) => x === null || typeof x === 'number'))
    return [null, ...(b.slice(1) as (number | null)[])];
  const s = written.inputShape;
  if (Array.isArray(s) && s.every((x) => x === null || typeof x === 'number'))
    return [null, ...(s as (number | null)[])];
  const dim = written.inputDim;
  if (typeof dim === 'number' && written.units !== undefined) return [null, dim];
  return undefined;
}

/** weightsManifest -> layer name -> weights (names like 'dense_Dense1/kernel' or 'block/dense/kernel'). */
function weightsFromManifest(doc: JsonValue | undefined): Map<string, WeightSpec[]> {
  const map = new Map<string, WeightSpec[]>();
  if (!isJsonObject(doc)) return map;
  const manifest = doc.weightsManifest;
  if (!Array.isArray(manifest)) return map;
  for (const group of manifest) {
    if (!isJsonObject(group) || !Array.isArray(group.weights)) continue;
    for (const w of group.weights) {
      if (!isJsonObject(w) || typeof w.name !== 'string') continue;
      const slash = w.name.indexOf('/');
      if (slash <= 0) continue;
      const layer = w.name.slice(0, slash);
      const shape = Array.isArray(w.shape)
        ? (w.shape.filter((x) => typeof x === 'number' || x === null) as (number | null)[])
        : undefined;
      const spec: WeightSpec = { name: w.name.slice(slash + 1), trainable: true };
      if (shape) spec.shape = shape;
      const list = map.get(layer) ?? [];
      list.push(spec);
      map.set(layer, list);
    }
  }
  return map;
}

/** Kahn's algorithm; edges that close a cycle are dropped with a note. Returns tmp ids in topological order. */
function topoOrder(nodes: RawNode[], notes: Note[]): number[] {
  const n = nodes.length;
  const indeg = new Int32Array(n);
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const node of nodes) {
    for (const i of node.inputs) {
      indeg[node.tmp]++;
      out[i].push(node.tmp);
    }
  }
  const order: number[] = [];
  const done = new Uint8Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  let head = 0;
  let scanFrom = 0;
  while (order.length < n) {
    if (head === queue.length) {
      // Stalled: a cycle. Break it at the earliest remaining node by dropping its unfinished inputs.
      while (scanFrom < n && done[scanFrom]) scanFrom++;
      const v = nodes[scanFrom];
      const dropped = v.inputs.filter((i) => !done[i]);
      v.inputs = v.inputs.filter((i) => done[i]);
      for (const i of dropped) {
        const list = out[i];
        const pos = list.indexOf(v.tmp);
        if (pos >= 0) list.splice(pos, 1);
      }
      indeg[v.tmp] = 0;
      notes.push({
        kind: 'unsupported',
        message: `layer '${v.name}' is part of a cycle (it reads ${dropped.map((i) => `'${nodes[i].name}'`).join(', ')}, which depend on it): those inputs were dropped`,
        ...(v.span ? { span: v.span } : {}),
      });
      queue.push(v.tmp);
    }
    const v = queue[head++];
    if (done[v]) continue;
    done[v] = 1;
    order.push(v);
    for (const w of out[v]) {
      if (--indeg[w] === 0) queue.push(w);
    }
  }
  return order;
}

/** Parses a tfjs model.json text. */
export function parseModelJson(path: string, text: string, opts: ParseOptions = {}): ParseResult {
  const limits = resolveLimits(opts.limits);
  const result: ParseResult = { graphs: [], notes: [], errors: [], suppressions: [] };
  const scan = scanJson(text);
  const lines = new LineIndex(text);
  if (scan.error) {
    const pos = lines.position(scan.error.offset);
    const looks = looksLikeModelJson(text);
    result.errors.push({
      kind: 'syntax',
      message: `Malformed JSON at line ${pos.line + 1}, column ${pos.character + 1}: ${scan.error.message}`,
      span: { file: path, start: pos, end: { line: pos.line, character: pos.character + 1 } },
    });
    if (!looks) result.notAModel = true;
    return result;
  }
  const doc = scan.value;
  const { topology, graphModel } = findTopology(doc);
  if (graphModel) {
    result.errors.push({
      kind: 'unsupported',
      message:
        'a TensorFlow.js graph model (format "graph-model") holds a TensorFlow op graph, not a layer topology: not analysed',
    });
    return result;
  }
  if (!topology) {
    // A weights-only model.json (`"modelTopology": null` beside a weightsManifest) names no layers to analyse.
    const weightsOnly =
      isJsonObject(doc) &&
      Array.isArray(doc.weightsManifest) &&
      (doc.modelTopology === null || doc.modelTopology === undefined) &&
      doc.model_topology === undefined;
    const message = weightsOnly
      ? `${path}: ${NOT_A_MODEL} (its modelTopology is ${doc.modelTopology === null ? 'null' : 'missing'}: weights only, no layers to analyse)`
      : `${path}: ${NOT_A_MODEL}`;
    result.errors.push({ kind: 'unsupported', message });
    result.notAModel = true;
    return result;
  }
  const builder = new Builder(path, text, scan.ranges, weightsFromManifest(doc), limits.maxNodes);
  const topName = modelNameOf(topology) ?? 'model';
  const outputs = builder.expandModel(topology, undefined, undefined, 0, '');
  builder.wire();
  const graph = finishGraph(builder, topology, topName, outputs, path);
  result.graphs.push(graph);
  return result;
}

function finishGraph(
  builder: Builder,
  topology: JsonObject,
  name: string,
  outputs: number[],
  path: string,
): LayerGraph {
  const notes = builder.notes;
  const raw = builder.nodes;
  const order = topoOrder(raw, notes);
  const idOf = new Map<number, string>();
  order.forEach((tmp, k) => idOf.set(tmp, `n${k}`));
  const shapes = new Map<string, (number | null)[]>();
  const nodes: LayerNode[] = order.map((tmp) => {
    const r = raw[tmp];
    const node: LayerNode = {
      id: idOf.get(tmp) as string,
      className: r.className,
      name: r.name,
      config: resolveConfig(r.className, r.written),
      written: r.written,
      inputs: r.inputs.map((i) => idOf.get(i) as string),
    };
    if (r.span) node.span = r.span;
    if (r.outputShape) node.outputShape = r.outputShape;
    else {
      // Shapes from the inputs' shapes (the same inference the source parser uses).
      const ins = node.inputs.map((id) => shapes.get(id));
      try {
        const shape = inferShape(node.className, node.config, ins);
        if (shape) node.outputShape = shape;
      } catch {
        // no shape
      }
    }
    if (node.outputShape) shapes.set(node.id, node.outputShape);
    if (r.weightKey) node.weightKey = r.weightKey;
    if (r.custom) node.custom = r.custom;
    if (r.fromModel) node.fromModel = r.fromModel;
    return node;
  });
  let outIds = [...new Set(outputs)].map((t) => idOf.get(t) as string).filter(Boolean);
  if (outIds.length === 0) {
    const consumed = new Set<string>();
    for (const n of nodes) for (const i of n.inputs) consumed.add(i);
    outIds = nodes.filter((n) => !consumed.has(n.id) && layerKind(n) !== 'input').map((n) => n.id);
  }
  const span = builder.spanOf(topology) ?? {
    file: path,
    start: { line: 0, character: 0 },
    end: { line: 0, character: 0 },
  };
  return {
    name,
    span,
    api: 'json',
    nodes,
    inputs: nodes.filter((n) => n.className === 'InputLayer').map((n) => n.id),
    outputs: outIds,
    notes,
  };
}
