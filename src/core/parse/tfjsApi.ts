/**
 * What the tfjs API means to the static evaluator: `tf.sequential`, `tf.model`, `tf.input`, `tf.layers.*`
 * factories, `layer.apply`, `model.add`, initializers, custom-layer bases, and tensor ops inside a custom
 * layer's call() (traced into an inner graph). Layer classes and defaults come from graph/catalog.ts.
 */
import { isReduceOp, isUnaryOp } from '../graph/tensorOps';
import type * as TS from 'typescript';
import type { Config, ConfigValue } from '../graph/types';
import { classNameForFactory, isKnownClass, resolveConfig } from '../graph/catalog';
import type { Evaluator } from './evaluator';
import {
  ArrayVal,
  BuiltinVal,
  LayerVal,
  ModelVal,
  NoteScope,
  ObjectVal,
  OpaqueVal,
  TensorVal,
  TfRef,
  UnknownVal,
  WeightVal,
  asLayerOrModel,
  type AppNode,
  type ModuleInfo,
  type SeqEntry,
  type Value,
} from './values';
import { addCallSite, applyCallSite, creationSite, snippet, spanOf, textOf } from './sites';
import { normalizeInitializer } from '../graph/catalog';
import { dict } from '../dict';
import { declaredInputShape, inferShape, type Shape } from './shapes';

const b = (name: string, fn: BuiltinVal['fn']): BuiltinVal => new BuiltinVal(name, fn);

/** tf.<op> on tensors that map onto a merge layer. */
const MERGE_OPS: { [op: string]: string } = dict({
  add: 'Add',
  addN: 'Add',
  sub: 'Subtract',
  mul: 'Multiply',
  maximum: 'Maximum',
  minimum: 'Minimum',
  concat: 'Concatenate',
});
/** tf.<op> activations -> tfjs activation identifiers. */
const ACTIVATION_OPS: { [op: string]: string } = dict({
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  gelu: 'gelu',
});
const IDENTITY_OPS = new Set(['identity', 'clone', 'keep', 'cast', 'toFloat']);
/** tf.<op> names the evaluator treats as tensor ops (anything else on `tf` is unknown). */
const TENSOR_OPS = new Set([
  ...Object.keys(MERGE_OPS),
  ...Object.keys(ACTIVATION_OPS),
  ...IDENTITY_OPS,
  'leakyRelu',
  'prelu',
  'div',
  'matMul',
  'dot',
  'reshape',
  'transpose',
  'mean',
  'sum',
  'sqrt',
  'square',
  'exp',
  'log',
  'neg',
  'abs',
  'pow',
  'dropout',
  'batchNorm',
  'moments',
  'slice',
  'split',
  'stack',
  'unstack',
  'expandDims',
  'squeeze',
  'tile',
  'gather',
  'einsum',
  'conv1d',
  'conv2d',
  'softmaxCrossEntropy',
  'scalar',
  'rsqrt',
  'max',
  'min',
  'maxPool',
  'avgPool',
  'pad',
  'where',
  'greater',
  'less',
  'oneHot',
  'linalg',
  'logSoftmax',
  'erf',
  'reciprocal',
  'norm',
]);
/** Most tensors tf.unstack may return (one node each). */
const MAX_UNSTACK = 256;

/** `t.shape` inside a custom layer's call() when the shape is known: the entries, and whose shape it is. */
export class TensorShapeVal extends ArrayVal {
  constructor(
    items: Value[],
    readonly of: TensorVal,
  ) {
    super(items);
  }
}

/** A tensor method the tracing does not know (`x.cumsum`): calling it in a call() body makes the layer opaque. */
export class UnknownTensorMethod extends UnknownVal {
  constructor(readonly method: string) {
    super(`a tensor's ${method}`);
  }
}

/**
 * `x.apply` on an object the analysis cannot see (an unresolved import's layer class, a library's block, a loaded
 * model): applied to symbolic tensors, it becomes an opaque layer between them and what follows.
 */
export class UnknownApply extends UnknownVal {
  constructor(readonly receiver: UnknownVal) {
    super(`${receiver.label}.apply`);
  }
}

/** `t.shape` when the shape is not known: still says whose shape it is (tf.randomNormal(x.shape)). */
export class ShapeOfVal extends UnknownVal {
  constructor(readonly of: TensorVal) {
    super('a tensor shape');
  }
}

function intList(v: Value): number[] | undefined {
  if (typeof v === 'number') return [v];
  if (v instanceof ArrayVal && v.items.every((x) => typeof x === 'number')) return v.items as number[];
  return undefined;
}

/** Tensor methods besides the tf.<op> names (all opaque unless listed in the op tables). */
const TENSOR_METHODS = new Set([
  'flatten',
  'asType',
  'as1D',
  'as2D',
  'asScalar',
  'reshapeAs',
  'broadcastTo',
  'norm',
  'argMax',
  'clipByValue',
]);

/** Layer classes whose apply() returns [output, ...states] when returnState is set. */
const STATE_COUNT: { [className: string]: number } = dict({ LSTM: 2, GRU: 1, SimpleRNN: 1, RNN: 1, ConvLSTM2D: 2 });

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** For factories the catalog does not know: 'fooBar2d' -> 'FooBar2D'. */
function fallbackClassName(factory: string): string {
  return capitalize(factory).replace(/(\d)d(?=[A-Z]|$)/g, '$1D');
}

export class TfApi {
  private readonly nsCache = new WeakMap<ModuleInfo, string | null>();

  constructor(private readonly ev: Evaluator) {}

  // -------------------------------------------------------------------------------------------------------
  // Calls on the tf namespace

  call(path: readonly string[], args: Value[], node: TS.Node | undefined, thisVal: Value): Value {
    void thisVal;
    const [head, second] = path;
    if (path.length === 1) {
      switch (head) {
        case 'sequential':
          return this.makeSequential(args[0], node);
        case 'model':
          return this.makeFunctional(args[0], node);
        case 'input':
          return this.makeInput(args[0], node);
        case 'tidy': {
          const fn = args[args.length - 1];
          return this.ev.callValue(fn, undefined, [], node);
        }
        case 'scalar':
          return typeof args[0] === 'number' ? args[0] : new UnknownVal('tf.scalar(…)');
        case 'randomNormal':
        case 'randomStandardNormal':
        case 'truncatedNormal':
        case 'randomUniform':
          return this.randomOp(head, args, node);
        case 'loadLayersModel':
        case 'loadGraphModel':
          return new UnknownVal(`a model loaded at run time (tf.${head})`);
        default:
          if (TENSOR_OPS.has(head)) return this.tensorOp(head, args, node, undefined);
          // An op the tracing does not know, on a tensor of a custom layer's call(): the layer is opaque.
          if (this.ev.body && head !== 'print' && head !== 'dispose' && tensorsOf(new ArrayVal(args)).length > 0)
            return this.opaqueTensor(`tf.${head}`, node);
          return new UnknownVal(`tf.${head}(…)`);
      }
    }
    if (path.length === 2 && head === 'layers' && /^[a-z]/.test(second))
      return this.makeLayer(second, args[0], node);
    if (path.length === 2 && head === 'initializers') return this.initializer(second, args[0]);
    if (path.length === 2 && (head === 'regularizers' || head === 'constraints')) {
      const o = new ObjectVal();
      o.props.set('className', capitalize(second));
      o.props.set('config', args[0] instanceof ObjectVal ? args[0] : new ObjectVal());
      return o;
    }
    if (head === 'serialization' && second === 'registerClass') return undefined;
    if (head === 'data') return new OpaqueVal(`tf.${path.join('.')}(…)`);
    if (head === 'util' || head === 'train' || head === 'losses' || head === 'metrics')
      return new UnknownVal(`tf.${path.join('.')}(…)`);
    return new UnknownVal(`tf.${path.join('.')}(…)`);
  }

  construct(path: readonly string[], args: Value[], node: TS.Node | undefined): Value {
    const key = path.join('.');
    if (key === 'Sequential') return this.makeSequential(args[0], node);
    if (key === 'LayersModel' || key === 'Model' || key === 'Functional')
      return this.makeFunctional(args[0], node);
    if (path.length === 2 && path[0] === 'initializers')
      return this.initializer(path[1].charAt(0).toLowerCase() + path[1].slice(1), args[0]);
    return new UnknownVal(`new tf.${key}(…)`);
  }

  private initializer(name: string, cfg: Value): ObjectVal {
    const o = new ObjectVal();
    o.props.set('className', capitalize(name));
    o.props.set('config', cfg instanceof ObjectVal ? cfg : new ObjectVal());
    return o;
  }

  // -------------------------------------------------------------------------------------------------------
  // Config values

  /** Value -> ConfigValue; unknown parts become '<unknown>' and are listed in `unknowns`. */
  toConfig(v: Value, unknowns: string[], path: string, depth = 0): ConfigValue | undefined {
    if (v === undefined) return undefined;
    // Infinity and NaN are kept by name, as model.json configs have them: JSON output has no such numbers.
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (depth > 16) return '<unknown>';
    if (v instanceof UnknownVal) {
      unknowns.push(`${path} (${v.label})`);
      return '<unknown>';
    }
    if (v instanceof ArrayVal)
      return v.items.map((x, i) => this.toConfig(x, unknowns, `${path}[${i}]`, depth + 1) ?? null);
    if (v instanceof LayerVal) return { className: v.className, config: { ...v.written } };
    if (v instanceof ObjectVal && v.native instanceof LayerVal)
      return { className: v.native.className, config: { ...v.native.written } };
    if (v instanceof ObjectVal && !v.cls) {
      const o: { [k: string]: ConfigValue } = {};
      for (const [k, x] of v.props) {
        const c = this.toConfig(x, unknowns, path ? `${path}.${k}` : k, depth + 1);
        if (c !== undefined) o[k] = c;
      }
      return o;
    }
    unknowns.push(`${path} (a value the analysis does not model)`);
    return '<unknown>';
  }

  /**
   * The written config of a layer. Notes about its unknown parts go to a scope of their own (`scope.s`, made on
   * first need), so they reach exactly the models that contain the layer.
   */
  private configOf(cfg: Value, what: string, node: TS.Node | undefined, scope: { s: NoteScope }): Config {
    const ev = this.ev;
    const own = () => (scope.s === ev.scope ? (scope.s = new NoteScope(ev.scope)) : scope.s);
    if (cfg === undefined || cfg === null) return {};
    if (cfg instanceof UnknownVal) {
      ev.note(
        'assumption',
        `The config of ${what} is ${cfg.label}, not known statically: tfjs defaults assumed.`,
        node,
        ev.mod,
        own(),
      );
      return {};
    }
    if (!(cfg instanceof ObjectVal)) {
      // `tf.layers.activation('relu')`: tfjs reads its settings from an object, so a string, number or array
      // sets nothing (the layer runs with its defaults: Activation is then linear). Almost always a mistake.
      if (typeof cfg === 'string' || typeof cfg === 'number' || typeof cfg === 'boolean' || cfg instanceof ArrayVal) {
        const shown = typeof cfg === 'string' ? `'${cfg}'` : cfg instanceof ArrayVal ? 'an array' : String(cfg);
        const merge = /^tf\.layers\.(add|average|concatenate|maximum|minimum|multiply|subtract|dot)$/.test(what);
        const hint =
          what === 'tf.layers.activation' && typeof cfg === 'string'
            ? `: the layer is linear (tfjs reads \`activation\` from a config object; write ${what}({activation: '${cfg}'}))`
            : merge && cfg instanceof ArrayVal
              ? `: it makes a layer and does not apply it to those tensors (write ${what}().apply([...]))`
              : ': tfjs reads a layer\'s settings from a config object, so every setting keeps its default';
        const message = `${what} is given ${shown} instead of a config object${hint}.`;
        // A merge layer made from tensors is in no graph (what follows it breaks): the note goes to the enclosing
        // scope (the file, or the builder's models) so it is not lost with the layer.
        if (merge && cfg instanceof ArrayVal) ev.note('info', message, node);
        else ev.note('assumption', message, node, ev.mod, own());
      }
      return {};
    }
    const unknowns: string[] = [];
    const c = this.toConfig(cfg, unknowns, '');
    if (unknowns.length) {
      ev.note(
        'assumption',
        `${what}: ${unknowns.join('; ')} not known statically (kept as '<unknown>').`,
        node,
        ev.mod,
        own(),
      );
    }
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Config) : {};
  }

  // -------------------------------------------------------------------------------------------------------
  // Layers, inputs, models

  /** How the current file reaches tf.layers ('tf.layers', 'layers', 'L'), for code sites. */
  moduleLayersNs(mod: ModuleInfo): string | undefined {
    const cached = this.nsCache.get(mod);
    if (cached !== undefined) return cached ?? undefined;
    let ns: string | null = null;
    let tfName: string | undefined;
    for (const [name, bnd] of mod.env.vars) {
      const v = bnd.value;
      if (v instanceof TfRef) {
        if (v.path.length === 1 && v.path[0] === 'layers') {
          ns = name;
          break;
        }
        if (v.path.length === 0) tfName ??= name;
      }
    }
    if (ns === null) ns = tfName ? `${tfName}.layers` : 'tf.layers';
    this.nsCache.set(mod, ns);
    return ns;
  }

  private nsText(node: TS.Node | undefined): string | undefined {
    const ts = this.ev.ts;
    const mod = this.ev.mod;
    if (node && ts.isCallExpression(node)) {
      const callee = node.expression;
      if (
        (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) &&
        callee.expression.end - callee.expression.pos < 80
      ) {
        return textOf(mod, callee.expression);
      }
    }
    return this.moduleLayersNs(mod);
  }

  makeLayer(factory: string, cfg: Value, node: TS.Node | undefined): Value {
    const ev = this.ev;
    const mod = ev.mod;
    let className = classNameForFactory(factory);
    const scope = { s: ev.scope };
    if (!className) {
      className = fallbackClassName(factory);
      scope.s = new NoteScope(ev.scope);
      ev.note(
        'unsupported',
        `tf.layers.${factory} is not a tfjs layer factory the analyser knows: kept as a layer of class ${className} whose output shape is unknown; the simulation treats it as the identity.`,
        node,
        mod,
        scope.s,
      );
    }
    const written = this.configOf(cfg, `tf.layers.${factory}`, node, scope);
    let config: Config;
    if (className === 'InputLayer') {
      // tf.layers.inputLayer({inputShape}) holds batchInputShape = [batchSize ?? null, ...inputShape].
      const shape = written.inputShape;
      const derived: Config = { ...written };
      if (!Array.isArray(written.batchInputShape) && Array.isArray(shape)) {
        derived.batchInputShape = [
          typeof written.batchSize === 'number' ? written.batchSize : null,
          ...shape.map((d) => (typeof d === 'number' ? d : null)),
        ];
        delete derived.inputShape;
        delete derived.batchSize;
      }
      config = resolveConfig(className, derived);
    } else config = resolveConfig(className, written);
    const ns = this.nsText(node);
    return new LayerVal(
      ++ev.uid,
      className,
      written,
      config,
      node ? spanOf(mod, node) : undefined,
      node ? creationSite(mod, node, ns) : undefined,
      scope.s,
      ns,
    );
  }

  private newModel(api: 'sequential' | 'functional', node: TS.Node | undefined): ModelVal {
    const ev = this.ev;
    const mod = ev.mod;
    const span = node
      ? spanOf(mod, node)
      : { file: mod.path, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const m = new ModelVal(++ev.uid, api, span, ev.frame.fnName, ev.scope);
    m.reported = ev.importDepth === 0 && ev.suppressModels === 0;
    ev.models.push(m);
    return m;
  }

  makeSequential(cfg: Value, node: TS.Node | undefined): ModelVal {
    const m = this.newModel('sequential', node);
    if (cfg instanceof ObjectVal) {
      const layers = cfg.props.get('layers');
      if (layers instanceof ArrayVal) {
        for (const item of layers.items) this.addEntry(m, item, undefined, node);
      } else if (layers instanceof UnknownVal) {
        this.ev.note(
          'assumption',
          `The layers of this tf.sequential are ${layers.label}, not known statically: they are not in the graph.`,
          node,
        );
      }
    } else if (cfg instanceof UnknownVal) {
      this.ev.note(
        'assumption',
        `The config of this tf.sequential is ${cfg.label}, not known statically.`,
        node,
      );
    }
    return m;
  }

  private addEntry(m: ModelVal, item: Value, addNode: TS.Node | undefined, where: TS.Node | undefined): void {
    const ev = this.ev;
    let l = asLayerOrModel(item);
    if (!l && item instanceof UnknownVal) {
      // An object the analysis cannot see (an unresolved import's layer class): an opaque layer in the sequence.
      const arg = addNode && ev.ts.isCallExpression(addNode) ? addNode.arguments[0] : undefined;
      l = this.opaqueLayer(`A layer added to the model is ${item.label}, not known statically`, arg, addNode ?? where);
    }
    if (!l) {
      ev.note('assumption', 'A value added to the model is not a layer: it is not in the graph.', addNode ?? where);
      return;
    }
    if (l === m) return;
    const entry: SeqEntry = { layer: l, scope: ev.scope };
    if (addNode) {
      const mod = ev.mod;
      entry.addSpan = spanOf(mod, addNode);
      const site = addCallSite(mod, addNode, l instanceof LayerVal ? l.layersNs : this.moduleLayersNs(mod));
      if (site) entry.site = site;
    }
    m.entries.push(entry);
  }

  makeFunctional(cfg: Value, node: TS.Node | undefined): ModelVal {
    const m = this.newModel('functional', node);
    if (cfg instanceof ObjectVal) {
      m.inputs = tensorsOf(cfg.props.get('inputs'));
      m.outputs = tensorsOf(cfg.props.get('outputs'));
    }
    if (m.outputs.length === 0) {
      const o = cfg instanceof ObjectVal ? cfg.props.get('outputs') : cfg;
      this.ev.note(
        'assumption',
        `The outputs of this tf.model are ${o instanceof UnknownVal ? o.label : 'not symbolic tensors the analysis can follow'}: the graph is empty.`,
        node,
      );
    }
    return m;
  }

  makeInput(cfg: Value, node: TS.Node | undefined): TensorVal {
    const ev = this.ev;
    const mod = ev.mod;
    const scope = { s: ev.scope };
    const written = this.configOf(cfg, 'tf.input', node, scope);
    const layer = inputLayerFor(ev, written, node ? spanOf(mod, node) : undefined, scope.s);
    const app: AppNode = { seq: ++ev.seq, layer, inputs: [], scope: ev.scope };
    return new TensorVal(app, 0);
  }

  /** `layer.apply(x)` / `model.apply(x)` on symbolic tensors. */
  apply(l: LayerVal | ModelVal, x: Value, node: TS.Node | undefined, kwargs?: Value): Value {
    const ev = this.ev;
    let tensors = tensorsOf(x);
    // `rnn.apply(x, {initialState: [h, c]})`: tfjs feeds the states in as further inputs ([x, h, c]), as it
    // does for `rnn.apply([x, h, c])` (an encoder's last state starting a decoder).
    if (tensors.length && kwargs instanceof ObjectVal && l instanceof LayerVal && l.className in STATE_COUNT) {
      const init = kwargs.props.get('initialState');
      if (init !== undefined) tensors = [...tensors, ...tensorsOf(init)];
    }
    if (tensors.length === 0) {
      // A tensor the analysis cannot see (a loaded model's layer output, a helper from a library): outside a
      // custom layer's call(), it becomes an input of the graph, so the layers after it are still found.
      if (
        x instanceof UnknownVal &&
        !ev.body &&
        node &&
        ev.ts.isCallExpression(node) &&
        node.arguments.length
      ) {
        tensors = [this.unknownInput(x, node.arguments[0])];
      } else {
        return x instanceof UnknownVal
          ? new UnknownVal(`the output of a layer applied to ${x.label}`)
          : new UnknownVal('a layer applied to a concrete tensor');
      }
    }
    const mod = ev.mod;
    const app: AppNode = { seq: ++ev.seq, layer: l, inputs: tensors, scope: ev.scope };
    if (node) {
      app.applySpan = spanOf(mod, node);
      if (ev.ts.isCallExpression(node)) {
        const site = applyCallSite(mod, node, l instanceof LayerVal ? l.layersNs : this.moduleLayersNs(mod));
        if (site) app.site = site;
      }
    }
    if (ev.body && l instanceof LayerVal && l.className === 'Add' && tensors.length >= 2)
      ev.body.residual = true;
    let outs = 1;
    if (l instanceof ModelVal && l.api === 'functional') outs = Math.max(1, l.outputs.length);
    else if (l instanceof LayerVal && l.config.returnState === true)
      outs = 1 + (STATE_COUNT[l.className] ?? 1);
    if (outs === 1) return new TensorVal(app, 0);
    return new ArrayVal(Array.from({ length: outs }, (_, i) => new TensorVal(app, i)));
  }

  /**
   * `obj.apply(tensors)` where obj is not known statically: an opaque layer on those tensors (the simulation passes
   * its first input through; its output shape is unknown), so the layers before it stay connected to what follows.
   * Undefined when no symbolic tensor is given (then the call stays unknown) or inside a custom layer's call().
   */
  unknownApply(fn: UnknownApply, args: Value[], node: TS.Node | undefined): Value | undefined {
    const ev = this.ev;
    if (ev.body || tensorsOf(args[0]).length === 0) return undefined;
    const ts = ev.ts;
    const callee = node && ts.isCallExpression(node) ? node.expression : undefined;
    const target = callee && ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    const shown = target ? `\`${snippet(ev.mod, target, 50)}\`` : fn.receiver.label;
    const layer = this.opaqueLayer(
      `${shown} is applied to symbolic tensors but is not known statically${shown === fn.receiver.label ? '' : ` (${fn.receiver.label})`}`,
      target,
      node,
    );
    return this.apply(layer, args[0], node, args[1]);
  }

  /**
   * A layer object the analysis cannot see, kept as an opaque layer with a note. Its class is the one named in
   * `new X(…)` when X is not a tfjs class, else UnknownLayer.
   */
  opaqueLayer(what: string, expr: TS.Node | undefined, at: TS.Node | undefined): LayerVal {
    const ev = this.ev;
    const ts = ev.ts;
    let className = 'UnknownLayer';
    let e = expr;
    while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e))) e = e.expression;
    if (e && ts.isNewExpression(e) && ts.isIdentifier(e.expression) && !isKnownClass(e.expression.text))
      className = e.expression.text;
    const scope = new NoteScope(ev.scope);
    ev.note(
      'assumption',
      `${what}: kept as an opaque layer of class ${className}; the simulation passes its input through and its output shape is unknown.`,
      at ?? expr,
      ev.mod,
      scope,
    );
    const layer = new LayerVal(
      ++ev.uid,
      className,
      {},
      resolveConfig(className, {}),
      spanOf(ev.mod, (expr ?? at) as TS.Node),
      undefined,
      scope,
      undefined,
    );
    return layer;
  }

  /** An InputLayer standing for a tensor that is not known statically (with a note naming it). */
  private unknownInput(x: UnknownVal, arg: TS.Node): TensorVal {
    const ev = this.ev;
    const scope = new NoteScope(ev.scope);
    ev.note(
      'assumption',
      `A layer is applied to ${x.label}, which is not known statically: it is treated as an input of the model.`,
      arg,
      ev.mod,
      scope,
    );
    const layer = new LayerVal(
      ++ev.uid,
      'InputLayer',
      {},
      resolveConfig('InputLayer', {}),
      spanOf(ev.mod, arg),
      undefined,
      scope,
      undefined,
    );
    return new TensorVal({ seq: ++ev.seq, layer, inputs: [], scope }, 0);
  }

  // -------------------------------------------------------------------------------------------------------
  // Custom layer / model bases

  /** `super(config)` reaching a tfjs base class: the instance gets its tfjs side (a layer or a model). */
  initNativeBase(path: readonly string[], inst: ObjectVal, args: Value[], node: TS.Node | undefined): void {
    const ev = this.ev;
    const key = path.join('.');
    if (inst.native) return;
    if (key === 'Sequential') {
      inst.native = this.makeSequential(args[0], node);
      return;
    }
    if (key === 'LayersModel' || key === 'Model' || key === 'Functional') {
      inst.native = this.makeFunctional(args[0], node);
      return;
    }
    if (path[0] === 'layers' && path.length === 2 && /^[A-Z]/.test(path[1])) {
      const cls = inst.cls;
      if (!cls) return;
      const top = ev.newStack[ev.newStack.length - 1];
      const mod = top?.mod ?? ev.mod;
      const where = top?.node ?? node;
      const scope = { s: new NoteScope(ev.scope) };
      const written = this.configOf(args[0], `new ${cls.name}`, where, scope);
      const ns = this.moduleLayersNs(mod);
      const layer = new LayerVal(
        ++ev.uid,
        cls.name || 'CustomLayer',
        written,
        resolveConfig(cls.name, written),
        where ? spanOf(mod, where) : undefined,
        where ? creationSite(mod, where, ns) : undefined,
        scope.s,
        ns,
      );
      layer.custom = { instance: inst, cls, weights: [] };
      inst.native = layer;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Properties of tfjs objects

  layerProp(layer: LayerVal, key: string, receiver: Value, viaSuper = false): Value {
    const ev = this.ev;
    void receiver;
    switch (key) {
      case 'apply':
        return b('apply', (_t, args, node) => this.apply(layer, args[0], node, args[1]));
      case 'addWeight':
        return b('addWeight', (_t, args, node) => this.addWeight(layer, args, node));
      case 'build':
      case 'setCallHook':
      case 'clearCallHook':
      case 'resetStates':
      case 'dispose':
      case 'setWeights':
      case 'addLoss':
        return b(key, () => undefined);
      case 'call':
        return viaSuper ? b('call', (_t, args) => args[0]) : undefined;
      case 'computeOutputShape':
        return b(key, (_t, args) => args[0]);
      case 'getConfig':
        return b('getConfig', () => {
          const o = new ObjectVal();
          for (const [k, v] of Object.entries(layer.written))
            if (typeof v !== 'object' || v === null) o.props.set(k, v);
          return o;
        });
      case 'getClassName':
        return b(key, () => layer.className);
      case 'name':
        return typeof layer.written.name === 'string' ? layer.written.name : new UnknownVal('a layer name');
      case 'built':
        return false;
      case 'trainable':
        return layer.written.trainable === false ? false : true;
      case 'supportsMasking':
        return false;
      case 'then':
        return b('then', (_t, args, node) =>
          args[0] ? ev.callValue(args[0], undefined, [layer], node) : layer,
        );
      default:
        return undefined;
    }
  }

  private addWeight(layer: LayerVal, args: Value[], node: TS.Node | undefined): Value {
    const ev = this.ev;
    const [name, shape, , init, , trainable] = args;
    const unknowns: string[] = [];
    const shapeCfg = this.toConfig(shape, unknowns, 'shape');
    const initCfg = this.toConfig(init, unknowns, 'initializer');
    const spec = {
      name: typeof name === 'string' ? name : 'weight',
      shape: Array.isArray(shapeCfg) ? shapeCfg.map((d) => (typeof d === 'number' ? d : null)) : undefined,
      initializer: normalizeInitializer(initCfg),
      trainable: trainable === false ? false : true,
    };
    if (!spec.shape) delete spec.shape;
    if (!spec.initializer) delete spec.initializer;
    layer.custom?.weights.push(spec);
    void node;
    void ev;
    return new WeightVal(spec);
  }

  modelProp(model: ModelVal, key: string, receiver: Value): Value {
    const ev = this.ev;
    switch (key) {
      case 'add':
        return b('add', (_t, args, node) => {
          if (model.api !== 'sequential') return undefined;
          this.addEntry(model, args[0], node, node);
          return undefined;
        });
      case 'pop':
        return b('pop', () => {
          model.entries.pop();
          return undefined;
        });
      case 'apply':
        return b('apply', (_t, args, node) => this.apply(model, args[0], node));
      case 'layers':
        if (model.api === 'sequential') return new ArrayVal(model.entries.map((e) => e.layer));
        return new UnknownVal('the layers of a functional model');
      case 'inputs':
        return new ArrayVal(model.inputs.slice());
      case 'outputs':
        return new ArrayVal(model.outputs.slice());
      case 'outputShape':
        return this.shapeValue(this.modelShape(model, 'output'), `the output shape of model ${model.displayName}`);
      case 'inputShape':
        return this.shapeValue(this.modelShape(model, 'input'), `the input shape of model ${model.displayName}`);
      case 'input':
        return model.inputs[0] ?? new UnknownVal('the input of a model');
      case 'output':
        return model.outputs[0] ?? new UnknownVal('the output of a model');
      case 'then':
        return b('then', (_t, args, node) =>
          args[0] ? ev.callValue(args[0], undefined, [receiver], node) : receiver,
        );
      case 'catch':
      case 'finally':
        return b(key, () => receiver);
      case 'compile':
      case 'summary':
      case 'dispose':
      case 'setWeights':
      case 'resetStates':
        return b(key, () => undefined);
      case 'fit':
      case 'fitDataset':
      case 'evaluate':
      case 'evaluateDataset':
      case 'predict':
      case 'predictOnBatch':
      case 'trainOnBatch':
      case 'execute':
      case 'save':
      case 'getWeights':
      case 'countParams':
      case 'getLayer':
      case 'toJSON':
        return b(key, () => new UnknownVal(`model.${key}(…)`));
      case 'name':
        return model.bindName ?? new UnknownVal('a model name');
      default:
        return undefined;
    }
  }

  tensorProp(t: TensorVal, key: string): Value {
    switch (key) {
      case 'shape': {
        // A symbolic tensor of a functional model: its inferred shape, `[null, 64]` (`x.shape[1]` sizes the next
        // layer); unknown dimensions stay unknown.
        if (!this.ev.body) return this.shapeValue(this.shapeOf(t), 'a tensor shape');
        // Inside a custom layer's call(): the shape where it can be inferred (the batch size stays unknown).
        const sh = this.shapeOf(t);
        if (!sh) return new ShapeOfVal(t);
        return new TensorShapeVal(
          sh.map((d, i) => (d === null ? new UnknownVal(i === 0 ? 'the batch size' : 'a tensor dimension') : d)),
          t,
        );
      }
      case 'rank':
        return new UnknownVal('a tensor rank');
      case 'dtype':
        return 'float32';
      case '0':
        // `inputs[0]` in a custom layer's call(): written for an array of inputs, applied to one tensor.
        return t;
      case 'print':
      case 'dispose':
        return b(key, () => undefined);
      case 'then':
        return b('then', (_t, args, node) =>
          args[0] ? this.ev.callValue(args[0], undefined, [t], node) : t,
        );
      default:
        if (TENSOR_OPS.has(key) || TENSOR_METHODS.has(key))
          return b(key, (_t, args, node) => this.tensorOp(key, args, node, t));
        return new UnknownTensorMethod(key);
    }
  }

  weightProp(w: WeightVal, key: string): Value {
    // `w.read()` stands for the weight's value; the ops below decide what using it means.
    if (key === 'read' || key === 'val') return b(key, () => w);
    if (key === 'name') return w.spec.name;
    if (key === 'shape')
      return w.spec.shape ? new ArrayVal(w.spec.shape.slice()) : new UnknownVal('a weight shape');
    return undefined;
  }

  /** A call of an unknown tensor method (`x.cumsum(1)`): in a call() body, the layer is opaque. */
  unknownMethod(m: UnknownTensorMethod, node: TS.Node | undefined): Value | undefined {
    if (!this.ev.body) return undefined;
    return this.opaqueTensor(`tensor method ${m.method}()`, node);
  }

  private opaqueTensor(reason: string, node: TS.Node | undefined): Value {
    const ev = this.ev;
    if (ev.body) {
      ev.body.opaque = true;
      ev.body.reasons.push(node ? `${reason} (${snippet(ev.mod, node, 40)})` : reason);
    }
    return new UnknownVal(reason);
  }

  // -------------------------------------------------------------------------------------------------------
  // Tensor ops (custom layer call() bodies)

  tensorOp(op: string, args: Value[], node: TS.Node | undefined, receiver: TensorVal | undefined): Value {
    const ev = this.ev;
    const operands: Value[] = receiver ? [receiver, ...args] : args.slice();
    const stackAxis = op === 'stack' ? (args[1] === undefined ? 0 : args[1]) : undefined;
    if (op === 'concat' || op === 'addN' || op === 'stack') {
      const list = receiver
        ? [receiver, ...(args[0] instanceof ArrayVal ? args[0].items : [args[0]])]
        : args[0] instanceof ArrayVal
          ? args[0].items
          : [];
      operands.splice(0, operands.length, ...list);
    }
    const tensors = operands.filter((x): x is TensorVal => x instanceof TensorVal);
    if (tensors.length === 0) {
      const u = operands.find((x) => x instanceof UnknownVal) as UnknownVal | undefined;
      if (u && ev.body) return this.opaqueTensor(`tf.${op} on ${u.label}`, node);
      return new UnknownVal(`tf.${op}(…)`);
    }
    if (!ev.body && node && !IDENTITY_OPS.has(op)) {
      // tfjs ops need concrete tensors: on a model's symbolic tensors they throw at run time.
      const merge = MERGE_OPS[op];
      const instead = merge ? `tf.layers.${merge[0].toLowerCase()}${merge.slice(1)}().apply([...])` : 'a layer';
      ev.note(
        'info',
        `tf.${op} is applied to symbolic tensors of a model, which tfjs rejects at run time (its ops need concrete ` +
          `tensors; use ${instead}): analysed as the layer it stands for.`,
        node,
      );
    }
    if (IDENTITY_OPS.has(op)) return tensors[0];
    // A tensor and a weight made by addWeight (custom layers with raw weights).
    if (
      tensors.length === 1 &&
      operands.length >= 2 &&
      operands[0] === tensors[0] &&
      operands[1] instanceof WeightVal
    ) {
      const r = this.weightOp(op, tensors[0], operands[1], operands, node);
      if (r) return r;
    }
    // A tensor and a known number: an elementwise scale / shift, which tfjs has as the Rescaling layer.
    if (
      tensors.length === 1 &&
      operands.length === 2 &&
      operands[0] === tensors[0] &&
      typeof operands[1] === 'number'
    ) {
      const c = operands[1];
      const rescale = (scale: number, offset: number) =>
        this.opNode('Rescaling', { scale, offset }, tensors, node);
      if (op === 'mul') return rescale(c, 0);
      if (op === 'div' && c !== 0) return rescale(1 / c, 0);
      if (op === 'add') return rescale(1, c);
      if (op === 'sub') return rescale(1, -c);
    }
    if (op === 'neg' && tensors.length === 1)
      return this.opNode('Rescaling', { scale: -1, offset: 0 }, tensors, node);
    // TensorOp nodes only in custom layers' call() (tfjs ops do not apply to symbolic tensors of models).
    if (ev.body) {
      if (op === 'stack' && tensors.length === operands.length && typeof stackAxis === 'number' && stackAxis !== 0)
        return this.opNode('TensorOp', { op: 'stack', axis: stackAxis }, tensors, node);
      const traced = this.tracedOp(op, operands, tensors, node);
      if (traced !== undefined) return traced;
    }
    if (
      (op === 'matMul' || op === 'dot') &&
      tensors.length === 2 &&
      operands[0] === tensors[0] &&
      operands[1] === tensors[1]
    ) {
      // matMul(a, b, transposeA, transposeB): contract a's last (or, transposed, second-last) axis with b's.
      const ta = operands[2] === true;
      const tb = operands[3] === true;
      return this.opNode('Dot', { axes: [ta ? -2 : -1, tb ? -1 : -2] }, tensors, node);
    }
    if (op === 'dropout' && tensors.length === 1) {
      const rate = operands[1];
      return this.opNode('Dropout', typeof rate === 'number' ? { rate } : {}, tensors, node);
    }
    const merge = MERGE_OPS[op];
    if (merge) {
      const all = operands.length >= 2 && tensors.length === operands.length;
      if (!all) {
        this.opaqueTensor(`tf.${op} with an operand that is not a tensor or a known number`, node);
        if (!ev.body && node)
          ev.note(
            'unsupported',
            `tf.${op} on a symbolic tensor and a constant is not followed: treated as identity.`,
            node,
          );
        return tensors[0];
      }
      const written: Config = {};
      if (op === 'concat') {
        const axis = args[1];
        if (typeof axis === 'number') written.axis = axis;
      }
      if (ev.body && merge === 'Add') ev.body.residual = true;
      return this.opNode(merge, written, tensors, node);
    }
    const act = ACTIVATION_OPS[op];
    if (act && tensors.length === 1) return this.opNode('Activation', { activation: act }, tensors, node);
    if (op === 'leakyRelu' && tensors.length === 1) {
      const alpha = receiver ? args[0] : args[1];
      return this.opNode('LeakyReLU', typeof alpha === 'number' ? { alpha } : {}, tensors, node);
    }
    this.opaqueTensor(`tf.${op}`, node);
    if (!ev.body && node)
      ev.note('unsupported', `tf.${op} on a symbolic tensor is not followed: treated as identity.`, node);
    return tensors[0];
  }

  /** The shape of a traced tensor where it can be inferred (body inputs, then each op's shape rule). */
  shapeOf(t: TensorVal, depth = 0): Shape | undefined {
    const app = t.app;
    if (this.shapes.has(app)) return this.shapes.get(app) ?? undefined;
    let sh: Shape | undefined;
    const l = app.layer;
    if (l instanceof LayerVal && !l.custom && t.index === 0 && depth < 200) {
      if (l.className === 'InputLayer') sh = inferShape('InputLayer', l.config, []);
      else sh = inferShape(l.className, l.config, app.inputs.map((x) => this.shapeOf(x, depth + 1)));
    }
    this.shapes.set(app, sh ?? null);
    return sh;
  }

  private readonly shapes = new WeakMap<AppNode, Shape | null>();

  /** A shape as a value: `[null, 64]`; a dimension not known is unknown (the batch stays null, as in tfjs). */
  private shapeValue(sh: Shape | undefined, label: string): Value {
    if (!sh) return new UnknownVal(label);
    return new ArrayVal(sh.map((d, i) => (d === null && i > 0 ? new UnknownVal(`dimension ${i} of ${label}`) : d)));
  }

  /**
   * A model's input or output shape where it can be inferred: functional models from their tensors, Sequential
   * models through their layers from the first one's input shape (a nested model inside: not inferred).
   */
  private modelShape(model: ModelVal, which: 'input' | 'output'): Shape | undefined {
    if (model.api === 'functional') {
      const t = which === 'input' ? model.inputs[0] : model.outputs[0];
      return model.inputs.length && t ? this.shapeOf(t) : undefined;
    }
    const first = model.entries[0]?.layer;
    if (!(first instanceof LayerVal)) return undefined;
    let sh = declaredInputShape(first.className, first.written);
    if (which === 'input' || !sh) return sh;
    for (const { layer: l } of model.entries) {
      if (l instanceof LayerVal && l.className === 'InputLayer') continue;
      if (!(l instanceof LayerVal) || l.custom) return undefined;
      sh = inferShape(l.className, l.config, [sh]);
      if (!sh) return undefined;
    }
    return sh;
  }

  /** tf.randomNormal(shape) & co.: a TensorOp drawing N(0,1) / uniform values of a tensor's shape. */
  private randomOp(op: string, args: Value[], node: TS.Node | undefined): Value {
    const ev = this.ev;
    const shapeArg = args[0];
    const opts: Config = { op: op === 'randomUniform' ? 'randomUniform' : 'randomNormal' };
    const nums = (i: number, d: number): number | undefined => {
      const v = args[i];
      return v === undefined ? d : typeof v === 'number' ? v : undefined;
    };
    if (opts.op === 'randomUniform') {
      const lo = nums(1, 0);
      const hi = nums(2, 1);
      if (lo === undefined || hi === undefined) return this.opaqueTensor(`tf.${op} with bounds not known statically`, node);
      opts.minval = lo;
      opts.maxval = hi;
    } else {
      const mean = nums(1, 0);
      const std = op === 'randomStandardNormal' ? 1 : nums(2, 1);
      if (mean === undefined || std === undefined)
        return this.opaqueTensor(`tf.${op} with a mean or stdDev not known statically`, node);
      opts.mean = mean;
      opts.stdDev = std;
      if (op === 'truncatedNormal') opts.truncated = true;
    }
    // The draw takes the shape of a tensor of the body: `x.shape`, or a literal shape [batch, ...dims].
    let ref: TensorVal | undefined;
    if (shapeArg instanceof TensorShapeVal || shapeArg instanceof ShapeOfVal) ref = shapeArg.of;
    else if (shapeArg instanceof ArrayVal && ev.body) {
      const dims = shapeArg.items.slice(1);
      if (dims.every((d) => typeof d === 'number')) {
        opts.shape = [null, ...(dims as number[])];
        ref = ev.body.inputs?.[0];
      }
    }
    if (!ref) {
      if (!ev.body) return new UnknownVal(`tf.${op}(…)`);
      return this.opaqueTensor(`tf.${op} of a shape the analysis cannot follow`, node);
    }
    return this.opNode('TensorOp', opts, [ref], node);
  }

  /**
   * Tensor ops with a TensorOp node the simulator runs (element-wise functions, division, reductions, layout
   * ops, selections along an axis), a Reshape, or Rescaling for constants on the left. Undefined: not handled.
   */
  private tracedOp(op: string, operands: Value[], tensors: TensorVal[], node: TS.Node | undefined): Value | undefined {
    const x = tensors[0];
    const first = operands[0];
    const t = (cfg: Config, ins: TensorVal[] = [x]) => this.opNode('TensorOp', cfg, ins, node);
    // A known number on the left: c + x, c - x, c * x, c / x.
    if (typeof first === 'number' && operands.length === 2 && operands[1] === x) {
      if (op === 'add') return this.opNode('Rescaling', { scale: 1, offset: first }, [x], node);
      if (op === 'sub') return this.opNode('Rescaling', { scale: -1, offset: first }, [x], node);
      if (op === 'mul') return this.opNode('Rescaling', { scale: first, offset: 0 }, [x], node);
      if (op === 'div') {
        const r = t({ op: 'reciprocal' });
        return first === 1 ? r : this.opNode('Rescaling', { scale: first, offset: 0 }, [r], node);
      }
    }
    if (operands[0] !== x) return undefined;
    if (isUnaryOp(op) && operands.length === 1) return t({ op });
    if (op === 'pow' && operands.length === 2 && typeof operands[1] === 'number') {
      const e = operands[1];
      if (e === 1) return x;
      if (e === 2) return t({ op: 'square' });
      if (e === 0.5) return t({ op: 'sqrt' });
      if (e === -1) return t({ op: 'reciprocal' });
      if (e === -0.5) return t({ op: 'rsqrt' });
      return undefined;
    }
    if (op === 'moments' && tensors.length === 1) {
      // {mean, variance} over one axis: mean(x), mean(square(x - mean(x))).
      const axis = intList(operands[1]);
      if (!axis || axis.length !== 1) return undefined;
      const keepDims = operands[2] === true;
      const m1 = t({ op: 'mean', axis: axis[0], keepDims: true });
      const centred = this.opNode('Subtract', {}, [x, m1], node);
      const sq = this.opNode('TensorOp', { op: 'square' }, [centred], node);
      const o = new ObjectVal();
      o.props.set('mean', keepDims ? m1 : t({ op: 'mean', axis: axis[0], keepDims: false }));
      o.props.set('variance', this.opNode('TensorOp', { op: 'mean', axis: axis[0], keepDims }, [sq], node));
      return o;
    }
    if (op === 'maximum' && operands.length === 2 && operands[1] === 0)
      return this.opNode('Activation', { activation: 'relu' }, [x], node);
    if (op === 'norm' && tensors.length === 1) {
      // norm(x, ord, axis, keepDims): the euclidean norm as sqrt(sum(square)), ord 1 as sum(abs).
      const ord = operands[1];
      const axis = intList(operands[2]);
      if (!axis || axis.length !== 1) return undefined;
      const red = { axis: axis[0], keepDims: operands[3] === true };
      if (ord === undefined || ord === 'euclidean' || ord === 2) {
        const sq = t({ op: 'square' });
        return this.opNode('TensorOp', { op: 'sqrt' }, [this.opNode('TensorOp', { op: 'sum', ...red }, [sq], node)], node);
      }
      if (ord === 1) return this.opNode('TensorOp', { op: 'sum', ...red }, [t({ op: 'abs' })], node);
      return undefined;
    }
    if (op === 'div' && tensors.length === 2 && operands.length === 2 && operands[1] === tensors[1])
      return t({ op: 'div' }, tensors);
    if (isReduceOp(op) && tensors.length === 1) {
      const axis = intList(operands[1]);
      if (!axis || axis.length !== 1) return undefined;
      return t({ op, axis: axis[0], keepDims: operands[2] === true });
    }
    if (op === 'reshape' && tensors.length === 1 && operands[1] instanceof ArrayVal) {
      const dims = operands[1].items.slice(1);
      if (operands[1].items.length < 2 || !dims.every((d) => typeof d === 'number')) return undefined;
      return this.opNode('Reshape', { targetShape: dims as number[] }, [x], node);
    }
    if (op === 'expandDims' && tensors.length === 1) {
      const axis = operands[1] === undefined ? 0 : operands[1];
      return typeof axis === 'number' ? t({ op, axis }) : undefined;
    }
    if (op === 'squeeze' && tensors.length === 1) {
      const axis = operands[1] === undefined ? undefined : intList(operands[1]);
      if (operands[1] !== undefined && !axis) return undefined;
      return t(axis ? { op, axis } : { op });
    }
    if (op === 'transpose' && tensors.length === 1) {
      const perm = operands[1] === undefined ? undefined : intList(operands[1]);
      if (operands[1] !== undefined && !perm) return undefined;
      return t(perm ? { op, perm } : { op });
    }
    if (op === 'gather' && tensors.length === 1) {
      const idx = operands[1];
      const axis = operands[2] === undefined ? 0 : operands[2];
      const list = intList(idx);
      if (!list || list.length !== 1 || typeof axis !== 'number') return undefined;
      return t({ op, axis, index: list[0], keep: idx instanceof ArrayVal });
    }
    if (op === 'slice' && tensors.length === 1) {
      const begin = intList(operands[1]);
      const size = operands[2] === undefined ? [] : intList(operands[2]);
      if (!begin || !size) return undefined;
      return t({ op, begin, size });
    }
    if (op === 'split' && tensors.length === 1) {
      // split(x, n | sizes, axis): one slice per part (needs the input's shape).
      const sh = this.shapeOf(x);
      const axisV = operands[2] === undefined ? 0 : operands[2];
      if (!sh || typeof axisV !== 'number') return undefined;
      const a = axisV < 0 ? axisV + sh.length : axisV;
      const dim = sh[a];
      if (a <= 0 || a >= sh.length || typeof dim !== 'number') return undefined;
      const spec = operands[1];
      let sizes: number[] | undefined;
      if (typeof spec === 'number' && spec > 0 && dim % spec === 0) sizes = Array<number>(spec).fill(dim / spec);
      else if (spec instanceof ArrayVal) sizes = intList(spec);
      if (!sizes || sizes.length > MAX_UNSTACK) return undefined;
      const neg = sizes.indexOf(-1);
      if (neg >= 0) sizes[neg] = dim - sizes.reduce((acc, z, i) => (i === neg ? acc : acc + z), 0);
      if (sizes.some((z) => z < 0) || sizes.reduce((acc, z) => acc + z, 0) !== dim) return undefined;
      let at = 0;
      const parts: Value[] = [];
      for (const z of sizes) {
        const begin = sh.map((_, i) => (i === a ? at : 0));
        const size = sh.map((_, i) => (i === a ? z : -1));
        parts.push(t({ op: 'slice', begin, size }));
        at += z;
      }
      return new ArrayVal(parts);
    }
    if (op === 'unstack' && tensors.length === 1) {
      const axis = operands[1] === undefined ? 0 : operands[1];
      if (typeof axis !== 'number') return undefined;
      const sh = this.shapeOf(x);
      const a = sh && axis < 0 ? axis + sh.length : axis;
      const n = sh?.[a];
      if (typeof n !== 'number' || n > MAX_UNSTACK || a === 0) return undefined;
      return new ArrayVal(Array.from({ length: n }, (_, i) => t({ op: 'gather', axis: a, index: i, keep: false })));
    }
    return undefined;
  }

  /**
   * `matMul(x, W)` is a bias-free Dense with W's initializer; adding a bias or multiplying by a gain that starts
   * as zeros / ones / a constant is the identity (or a Rescaling) at initialization. Anything else: undefined.
   */
  private weightOp(
    op: string,
    x: TensorVal,
    w: WeightVal,
    operands: Value[],
    node: TS.Node | undefined,
  ): Value | undefined {
    const spec = w.spec;
    const init = spec.initializer;
    const constant =
      init?.id === 'zeros'
        ? 0
        : init?.id === 'ones'
          ? 1
          : init?.id === 'constant' && typeof init.args?.value === 'number'
            ? init.args.value
            : undefined;
    const scalarShape = !spec.shape || spec.shape.length <= 1;
    if (op === 'matMul' && operands[2] !== true && operands[3] !== true && spec.shape?.length === 2) {
      const units = spec.shape[1];
      const written: Config = {
        units: typeof units === 'number' ? units : '<unknown>',
        useBias: false,
        activation: 'linear',
      };
      if (init) written.kernelInitializer = init.args ? { id: init.id, args: init.args } : { id: init.id };
      return this.opNode('Dense', written, [x], node);
    }
    if ((op === 'add' || op === 'sub') && constant !== undefined && scalarShape) {
      return constant === 0
        ? x
        : this.opNode('Rescaling', { scale: 1, offset: op === 'add' ? constant : -constant }, [x], node);
    }
    if ((op === 'mul' || op === 'div') && constant !== undefined && constant !== 0 && scalarShape) {
      const scale = op === 'mul' ? constant : 1 / constant;
      return scale === 1 ? x : this.opNode('Rescaling', { scale, offset: 0 }, [x], node);
    }
    return undefined;
  }

  private opNode(
    className: string,
    written: Config,
    inputs: TensorVal[],
    node: TS.Node | undefined,
  ): TensorVal {
    const ev = this.ev;
    const mod = ev.mod;
    const layer = new LayerVal(
      ++ev.uid,
      className,
      written,
      resolveConfig(className, written),
      node ? spanOf(mod, node) : undefined,
      undefined,
      ev.scope,
      undefined,
    );
    const app: AppNode = { seq: ++ev.seq, layer, inputs, scope: ev.scope };
    return new TensorVal(app, 0);
  }
}

/** The symbolic tensors in a value: a tensor, an array of tensors, or the values of an object of tensors. */
export function tensorsOf(v: Value, out: TensorVal[] = [], depth = 0): TensorVal[] {
  if (v instanceof TensorVal) out.push(v);
  else if (v instanceof ArrayVal && depth < 4) for (const x of v.items) tensorsOf(x, out, depth + 1);
  else if (v instanceof ObjectVal && !v.cls && !v.native && depth === 0)
    for (const x of v.props.values()) if (x instanceof TensorVal) out.push(x);
  return out;
}

/** An InputLayer for `tf.input({shape})` / a custom layer body input (batchInputShape = [null, ...shape]). */
export function inputLayerFor(
  ev: Evaluator,
  written: Config,
  span: LayerVal['span'],
  scope: NoteScope,
): LayerVal {
  const shape = written.shape;
  const batchShape = written.batchShape ?? written.batchInputShape;
  const cfg: Config = {};
  if (Array.isArray(batchShape)) cfg.batchInputShape = batchShape;
  else if (Array.isArray(shape)) cfg.batchInputShape = [null, ...shape];
  for (const k of ['dtype', 'name', 'sparse'] as const) if (written[k] !== undefined) cfg[k] = written[k];
  return new LayerVal(
    ++ev.uid,
    'InputLayer',
    written,
    resolveConfig('InputLayer', cfg),
    span,
    undefined,
    scope,
    undefined,
  );
}
