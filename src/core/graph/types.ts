/**
 * The layer graph: what the parsers (TypeScript/JavaScript source, model.json) produce and what the
 * structural analyses, the rules and the simulator consume. Plain serializable data: it crosses worker
 * and webview boundaries as JSON.
 */

/** 0-based line and UTF-16 character, as in LSP / VS Code. */
export interface Position {
  line: number;
  character: number;
}

/** A range in a file. `file` is the path the analyzer was given for that file. */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };
export type Config = { [key: string]: ConfigValue };

/**
 * A normalized initializer: `id` is the camelCase tfjs identifier ('glorotNormal', 'heUniform',
 * 'varianceScaling', 'zeros', 'ones', 'constant', 'randomNormal', 'randomUniform', 'truncatedNormal',
 * 'orthogonal', 'identity', 'leCunNormal', 'leCunUniform', 'glorotUniform', 'heNormal'), `args` its config
 * (camelCase: scale, mode ('fanIn' | 'fanOut' | 'fanAvg'), distribution ('normal' | 'uniform' |
 * 'truncatedNormal'), mean, stddev, minval, maxval, value, gain, seed). Stored in resolved configs under the
 * usual keys (kernelInitializer, biasInitializer, ...) as `{ id, args }` objects.
 */
export interface InitializerRef {
  id: string;
  args?: { [key: string]: ConfigValue };
}

/** How the code that made a layer is shaped, so fixes can edit it in the user's style. */
export interface CodeSite {
  /**
   * arrayElement: an element of a `layers: [...]` array (or an array later passed to tf.sequential);
   * addCall: a `model.add(...)` / `this.add(...)` statement;
   * applyCall: a statement `x = <layer>.apply(y)` / `const x = ...apply(y)` in a functional chain;
   * other: anything else (nested expressions, helper returns) where no automatic insertion is offered.
   */
  kind: 'arrayElement' | 'addCall' | 'applyCall' | 'other';
  /** The element / statement: insertion happens after (or before) this span. */
  span: Span;
  /** Leading whitespace of the line the element / statement starts on. */
  indent: string;
  /** True when the layer is made inside a loop body (the fix then edits the loop body once). */
  inLoop: boolean;
  /** How this code refers to the layers namespace: 'tf.layers', 'L', 'layers' (undefined: not known). */
  layersNamespace?: string;
  /** applyCall: the variable written (`x` in `x = ...apply(y)`), and whether it is a `const`/`let` declaration. */
  target?: string;
  declaration?: 'const' | 'let' | 'var' | 'assignment';
  /** applyCall: the source text of the argument passed to apply (`y`). */
  inputText?: string;
}

/** A weight a custom layer creates (addWeight in build) or holds through a sub-layer. */
export interface WeightSpec {
  name: string;
  shape?: (number | null)[];
  initializer?: InitializerRef;
  trainable: boolean;
}

export interface CustomLayerInfo {
  /** The class the user wrote (e.g. 'TransformerBlock'). */
  userClass: string;
  weights: WeightSpec[];
  /** Sub-layers held in fields, by field name -> node id inside `body` (when known). */
  subLayers: string[];
  /** A residual inside call(): tf.add(x, ...), x.add(...), tf.layers.add().apply([x, ...]). */
  residual: boolean;
  /** The body of call() could not be followed: the simulator treats the node as a mean-field stand-in. */
  opaque: boolean;
  /** When call() applies known layers statically: its inner graph (inputs: one InputLayer per call input). */
  body?: LayerGraph;
}

export interface LayerNode {
  /** Unique within its graph ('n0', 'n1', ...), stable for the same source. */
  id: string;
  /** tfjs class name: 'Dense', 'LayerNormalization', 'Add', 'InputLayer'; the user's class for custom layers. */
  className: string;
  /** The layer name: config.name if given, else tfjs-style auto name ('dense', 'dense_1', ...). */
  name: string;
  /** Resolved config: tfjs defaults applied, camelCase keys, initializers as InitializerRef. */
  config: Config;
  /** Exactly the keys the user wrote (values as evaluated; unknown values as the string '<unknown>'). */
  written: Config;
  /** The factory call (`tf.layers.dense({...})`) or the model.json layer entry. */
  span?: Span;
  /** Where it was applied or added (`.apply(x)`, `model.add(...)`), when different from span. */
  applySpan?: Span;
  /** Producer node ids, in argument order. */
  inputs: string[];
  /** Output shape with the batch dimension as null, when it can be inferred. */
  outputShape?: (number | null)[];
  /** Applications of one layer object share this key (shared weights); absent when used once. */
  weightKey?: string;
  /** Set for user-defined layers (class X extends tf.layers.Layer). */
  custom?: CustomLayerInfo;
  site?: CodeSite;
  /** The model this node came from when a sub-model was flattened into the graph. */
  fromModel?: string;
}

export type NoteKind = 'assumption' | 'limit' | 'syntax' | 'unsupported' | 'info';

/** Something the analysis could not resolve, assumed, or was cut short by. Never silent. */
export interface Note {
  kind: NoteKind;
  message: string;
  span?: Span;
}

export type ModelApi = 'sequential' | 'functional' | 'json';

export interface LayerGraph {
  /** The variable or property the model is bound to, else the enclosing function's name, else 'model'. */
  name: string;
  /** The enclosing function / method that builds the model, if any. */
  builder?: string;
  span: Span;
  api: ModelApi;
  /** Topological order: every node after its inputs. */
  nodes: LayerNode[];
  /** InputLayer node ids. */
  inputs: string[];
  /** Output node ids. */
  outputs: string[];
  /** Assumptions and limits specific to this model (unknown values, bounds hit). */
  notes: Note[];
}
