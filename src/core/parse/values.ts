/**
 * The abstract values of the static evaluator (see evaluator.ts). JavaScript primitives stand for themselves;
 * everything else is one of the classes below. Nothing here runs user code: functions and classes are AST
 * nodes plus the environment they close over.
 */
import type * as TS from 'typescript';
import type { CodeSite, Config, CustomLayerInfo, Note, Span, WeightSpec } from '../graph/types';

export type Value = undefined | null | boolean | number | string | RefValue;
export type RefValue =
  | UnknownVal
  | ArrayVal
  | ObjectVal
  | FunctionVal
  | ClassVal
  | BuiltinVal
  | TfRef
  | LayerVal
  | TensorVal
  | ModelVal
  | WeightVal;

/**
 * Notes collected while something was evaluated. Layers, applications and models remember the scope they
 * were made in; a model's notes are the notes of the scopes of its parts and their parents (below the file).
 */
export class NoteScope {
  readonly notes: Note[] = [];
  constructor(readonly parent?: NoteScope) {}
}

/** A value the evaluator cannot know statically (UI state, data read at run time, a parameter nobody passes). */
export class UnknownVal {
  constructor(
    /** What it is, for notes: "parameter 'depth' of buildModel", "document.getElementById('n').value". */
    readonly label: string,
  ) {}
}

/**
 * An unknown value known not to be an array: a tf.data Dataset and what its methods return. `ds.map(fn)`,
 * `ds.filter(fn)`, `ds.forEachAsync(fn)` are lazy pipelines, not loops: they are not iterated an assumed number
 * of times (with notes about the model) as an unknown array would be.
 */
export class OpaqueVal extends UnknownVal {}

/**
 * A property whose value is assumed (an argparse default): reading it gives `value` and adds `note` where it is
 * read, so only the models built from it carry the assumption.
 */
export class AssumedProp extends UnknownVal {
  constructor(
    readonly value: Value,
    readonly note: string,
    /** Where the assumption comes from (the parseArgs() call), for the note's span. */
    readonly at?: { node: TS.Node; mod: ModuleInfo },
  ) {
    super(note);
  }
}

/**
 * An import binding of another file of the project, loaded on first use: files imported but never used on
 * the analysed paths are never parsed. Until then (and if it leaks) it behaves as an unknown value.
 */
export class LazyImport extends UnknownVal {
  private done = false;
  private value: Value;
  /** For imports of other files: where from (roots.ts asks whether that file can reach tfjs). */
  origin?: { from: string; spec: string };
  constructor(
    label: string,
    private readonly load: () => Value,
  ) {
    super(label);
  }
  /** The value; never a LazyImport (a chain of imports that leads back to itself is unknown). */
  get(): Value {
    if (!this.done) {
      this.done = true;
      let v = this.load();
      const seen = new Set<LazyImport>([this]);
      while (v instanceof LazyImport && !seen.has(v)) {
        seen.add(v);
        v = v.get();
      }
      this.value = v instanceof LazyImport ? new UnknownVal(`${this.label} (its import refers back to itself)`) : v;
    }
    return this.value;
  }
}

export class ArrayVal {
  constructor(public items: Value[]) {}
}

/** A plain object, an instance of a user class (`cls`), or the instance of a class extending a tfjs base. */
export class ObjectVal {
  readonly props = new Map<string, Value>();
  getters?: Map<string, FunctionVal>;
  setters?: Map<string, FunctionVal>;
  /** The user class this object is an instance of. */
  cls?: ClassVal;
  /** For instances of classes extending tf.layers.Layer / tf.Sequential / tf.LayersModel: the tfjs side. */
  native?: LayerVal | ModelVal;
  /** Module exports: `export * from './x'` sources, asked (and loaded) only for names not found here. */
  starSources?: (() => Value)[];
}

export interface ModuleInfo {
  path: string;
  sf: TS.SourceFile;
  text: string;
  env: Env;
  exports: ObjectVal;
  /** 'done' once its top level has been evaluated (imports of a module being evaluated see partial exports). */
  state: 'evaluating' | 'done';
  /** How this file reaches `tf.layers` ('tf.layers', 'layers', 'L'), computed on first need. */
  layersNs?: string | null;
  /** Spans and code sites of this file's nodes (sites.ts), per parse: plain maps, gone with the module. */
  spans?: Map<TS.Node, Span>;
  sites?: Map<TS.Node, { kind: string; ns: string | undefined; site: CodeSite | undefined }>;
}

export type FunctionDecl = TS.FunctionLikeDeclaration;

export class FunctionVal {
  /** Lexical `this` of an arrow function. */
  lexicalThis?: Value;
  /** Class whose method this is (for `super.x`). */
  homeClass?: ClassVal;
  /** The object a registry member belongs to (root analysis calls it with that `this`). */
  isStatic = false;
  constructor(
    readonly decl: FunctionDecl,
    readonly env: Env,
    readonly mod: ModuleInfo,
    public name: string,
  ) {}
}

export class ClassVal {
  readonly statics = new ObjectVal();
  readonly methods = new Map<string, FunctionVal>();
  readonly getters = new Map<string, FunctionVal>();
  readonly setters = new Map<string, FunctionVal>();
  ctor?: TS.ConstructorDeclaration;
  readonly instances: ObjectVal[] = [];
  constructor(
    readonly decl: TS.ClassLikeDeclaration,
    readonly env: Env,
    readonly mod: ModuleInfo,
    public name: string,
    readonly superVal: Value,
  ) {}

  /** The tfjs base class path this class extends (['layers','Layer'], ['Sequential'], ...), if any. */
  tfBase(): readonly string[] | undefined {
    let c: Value = this.superVal;
    for (let guard = 0; guard < 64; guard++) {
      if (c instanceof TfRef) return c.path;
      if (c instanceof ClassVal) c = c.superVal;
      else return undefined;
    }
    return undefined;
  }
}

export type CallNode = TS.CallExpression | TS.NewExpression | TS.Decorator | TS.TaggedTemplateExpression;

export type BuiltinFn = (thisVal: Value, args: Value[], node: TS.Node | undefined) => Value;

/** A function implemented by the evaluator (Math.max, Array.prototype.map bound to its receiver, model.add ...). */
export class BuiltinVal {
  constructor(
    readonly name: string,
    readonly fn: BuiltinFn,
  ) {}
}

/** `tf`, `tf.layers`, `tf.layers.dense`, `tf.initializers.heUniform`: a path into the tfjs API. */
export class TfRef {
  private kids?: Map<string, TfRef>;
  constructor(readonly path: readonly string[]) {}
  child(key: string): TfRef {
    const kids = (this.kids ??= new Map());
    let k = kids.get(key);
    if (!k) {
      k = new TfRef([...this.path, key]);
      kids.set(key, k);
    }
    return k;
  }
}

/** What a user class extending tf.layers.Layer adds to its LayerVal. */
export interface CustomLayerState {
  instance: ObjectVal;
  cls: ClassVal;
  /** addWeight calls seen so far (constructor or build). */
  weights: WeightSpec[];
  /** Computed on first assembly (build + call evaluated once). */
  info?: CustomLayerInfo;
  analysing?: boolean;
  /** What the class's computeOutputShape returns for the first application's input shapes (when numeric). */
  outputShape?: (number | null)[];
}

/** A layer object: the result of `tf.layers.dense({...})`, or the tfjs side of a custom layer instance. */
export class LayerVal {
  /** Auto or config name, fixed the first time a graph names it (one name per layer object per file). */
  name?: string;
  custom?: CustomLayerState;
  /** Wrapped layer of Bidirectional / TimeDistributed (its config is serialized into `written.layer`). */
  constructor(
    readonly uid: number,
    readonly className: string,
    readonly written: Config,
    readonly config: Config,
    readonly span: Span | undefined,
    readonly creationSite: CodeSite | undefined,
    readonly scope: NoteScope,
    readonly layersNs: string | undefined,
  ) {}
}

/** One application of a layer (or sub-model) to symbolic tensors; InputLayer applications have no inputs. */
export interface AppNode {
  seq: number;
  layer: LayerVal | ModelVal;
  inputs: TensorVal[];
  applySpan?: Span;
  site?: CodeSite;
  scope: NoteScope;
}

export class TensorVal {
  constructor(
    readonly app: AppNode,
    readonly index: number,
  ) {}
}

export interface SeqEntry {
  layer: LayerVal | ModelVal;
  addSpan?: Span;
  site?: CodeSite;
  scope: NoteScope;
}

export class ModelVal {
  readonly entries: SeqEntry[] = [];
  inputs: TensorVal[] = [];
  outputs: TensorVal[] = [];
  /** Variable / property it is bound to, and the call depth of that binding (the shallowest wins). */
  bindName?: string;
  bindDepth = Infinity;
  /** Final, file-unique name (set before graphs are assembled). */
  finalName?: string;
  /** Reported as a model of the analysed file (false for models made while importing another file). */
  reported = true;
  constructor(
    readonly uid: number,
    readonly api: 'sequential' | 'functional',
    readonly span: Span,
    readonly builder: string | undefined,
    readonly scope: NoteScope,
  ) {}

  get displayName(): string {
    return this.finalName ?? this.bindName ?? this.builder ?? 'model';
  }
}

/** A weight made by `this.addWeight(...)` in a custom layer. */
export class WeightVal {
  constructor(readonly spec: WeightSpec) {}
}

export interface Binding {
  value: Value;
  mutable: boolean;
}

export class Env {
  readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent: Env | undefined,
    /** Function (or module) scope: where `var` declarations land. */
    readonly functionScope = false,
  ) {}

  lookup(name: string): Binding | undefined {
    const own = this.vars.get(name);
    if (own) return own;
    for (let e = this.parent; e; e = e.parent) {
      const b = e.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }

  declare(name: string, value: Value, mutable = true): void {
    this.vars.set(name, { value, mutable });
  }

  nearestFunctionScope(): Env {
    if (this.functionScope || !this.parent) return this;
    let e: Env = this.parent;
    while (!e.functionScope && e.parent) e = e.parent;
    return e;
  }
}

export function isLayerLike(v: Value): boolean {
  return v instanceof LayerVal || (v instanceof ObjectVal && v.native instanceof LayerVal);
}

/** The LayerVal / ModelVal behind a value used as a layer (layer objects, custom-layer instances, models). */
export function asLayerOrModel(v: Value): LayerVal | ModelVal | undefined {
  if (v instanceof LayerVal || v instanceof ModelVal) return v;
  if (v instanceof ObjectVal && v.native) return v.native;
  return undefined;
}

export function asModel(v: Value): ModelVal | undefined {
  if (v instanceof ModelVal) return v;
  if (v instanceof ObjectVal && v.native instanceof ModelVal) return v.native;
  return undefined;
}

/** true / false, or undefined when the value is unknown. */
export function truthy(v: Value): boolean | undefined {
  if (v instanceof UnknownVal) return undefined;
  if (
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (typeof v === 'number' && Number.isNaN(v))
  )
    return false;
  return true;
}
