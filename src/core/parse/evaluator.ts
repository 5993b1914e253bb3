/**
 * The static evaluator: an abstract interpreter over the TypeScript AST. It never runs the user's code (no
 * eval, Function or vm): it walks statements and expressions with abstract values (values.ts), follows
 * helpers, classes, loops and relative imports, and lets tfjsApi.ts record the layers and models the code
 * builds. Values it cannot know become UnknownVal; each assumption made about one is a Note. Every evaluation
 * is bounded by Limits (steps, loop iterations, call depth, wall-clock time).
 */
import type * as TS from 'typescript';
import type { Note, NoteKind } from '../graph/types';
import type { Limits } from '../limits';
import type { CancellationLike } from '../cancel';
import type { SourceHost } from './types';
import {
  ArrayVal,
  AssumedProp,
  BuiltinVal,
  ClassVal,
  Env,
  FunctionVal,
  LayerVal,
  LazyImport,
  ModelVal,
  NoteScope,
  ObjectVal,
  OpaqueVal,
  TensorVal,
  TfRef,
  UnknownVal,
  WeightVal,
  asModel,
  truthy,
  type ModuleInfo,
  type Value,
} from './values';
import { getTs } from './tsLoader';
import { snippet, spanOf } from './sites';
import {
  installGlobals,
  arrayProp,
  primitiveProp,
  functionProp,
  genericProp,
  iterableItems,
  builtinStatic,
  globalObjectProp,
  arrayRoom,
  setRequireMain,
} from './builtins';
import { TfApi, UnknownApply, UnknownTensorMethod } from './tfjsApi';
import { knownPackage } from './packages';
import { resolveImport, isTfjsModule } from './modules';

/** Array methods that iterate a callback: on an unknown receiver they run an assumed number of times. */
const UNKNOWN_ARRAY_METHODS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'reduce',
  'some',
  'every',
  'find',
]);

/** Longest string the evaluator builds (names and keys are short; a doubling loop must not eat memory). */

/** Iterations assumed for a loop whose bound cannot be known statically (documented in the notes it makes). */
export const ASSUMED_LOOP_ITERATIONS = 4;

/** A bound of Limits was hit: unwinds the whole analysis (steps, time) after recording a note. */
export class LimitHit extends Error {
  constructor(
    readonly limit: string,
    readonly note: Note,
  ) {
    super(note.message);
  }
}

/** The step budget of one uncalled builder (roots.ts) ran out: that builder stops, the others still run. */
export class RootBudgetHit extends Error {
  constructor(readonly note: Note) {
    super(note.message);
  }
}

export class Cancelled extends Error {}

/** A `throw` in the analysed code (caught by the analysed code's try/catch, or by a top-level statement). */
export class UserThrow {
  constructor(readonly value: Value) {}
}

type Completion =
  | undefined
  | { kind: 'break' | 'continue'; label?: string }
  | { kind: 'return'; value: Value };
const BREAK = { kind: 'break' as const };
const CONTINUE = { kind: 'continue' as const };

interface Frame {
  mod: ModuleInfo;
  thisVal: Value;
  /** Name of the innermost named user function (builder of the models it makes). */
  fnName: string | undefined;
  depth: number;
  homeClass?: ClassVal;
}

/** State of a custom layer's call() being traced into an inner graph. */
export interface BodyTrace {
  opaque: boolean;
  reasons: string[];
  residual: boolean;
  /** The body's input tensors (a literal-shape tf.randomNormal takes its batch from the first). */
  inputs?: TensorVal[];
}

type ExprHandler = (n: TS.Node) => Value;
type StmtHandler = (n: TS.Node) => Completion;

export interface EvaluatorOptions {
  limits: Limits;
  cancel?: CancellationLike;
  host?: SourceHost;
}

export class Evaluator {
  readonly ts = getTs();
  readonly K = this.ts.SyntaxKind;
  readonly limits: Limits;
  readonly tf: TfApi;
  readonly fileScope = new NoteScope();
  scope: NoteScope = this.fileScope;
  env: Env;
  frame: Frame;
  readonly globalEnv = new Env(undefined, true);
  readonly modules = new Map<string, ModuleInfo | null>();
  readonly models: ModelVal[] = [];
  readonly calledDecls = new Set<TS.Node>();
  /**
   * Per function and parameter index, the values its parameters were bound to: strings as they are, '' for a
   * value not known statically, '\0' for anything else. roots.ts analyses the other variants of a builder that
   * picks its architecture from a string parameter.
   */
  readonly stringArgs = new Map<TS.Node, Map<number, Set<string>>>();
  /** `x === 'lit'` conditions and `case 'lit':` clauses taken on an assumption (their value was not known). */
  readonly assumedTaken = new Set<TS.Node>();

  /** Records the value parameter i of decl was bound to (a string, '' for an unknown value, '\0' otherwise). */
  private recordParam(decl: TS.Node, i: number, v: Value): void {
    let per = this.stringArgs.get(decl);
    if (!per) {
      per = new Map();
      this.stringArgs.set(decl, per);
    }
    let set = per.get(i);
    if (!set) {
      set = new Set();
      per.set(i, set);
    }
    if (set.size < 64) set.add(typeof v === 'string' ? v : v instanceof UnknownVal ? '' : '\0');
  }

  /** For notes made at the top level of the file: the value of `uid` when they were made. */
  readonly fileNoteUid = new Map<Note, number>();
  /** Limit notes recorded anywhere (attached to models through scopes, or reported file-level). */
  readonly limitNotes: Note[] = [];
  /** Notes for the whole file regardless of scope (steps/time limits, internal errors). */
  readonly globalNotes: Note[] = [];
  /** `new X(...)` expressions being evaluated (custom layer spans point at them). */
  readonly newStack: { node: TS.Node; mod: ModuleInfo }[] = [];
  importDepth = 0;
  /** Set while a custom layer's call() is traced. */
  body: BodyTrace | undefined;
  /** Models made while this is > 0 are not reported (custom-layer tracing). */
  suppressModels = 0;
  seq = 0;
  uid = 0;
  steps = 0;
  private readonly deadline: number;
  private readonly cancel?: CancellationLike;
  private readonly host?: SourceHost;
  private readonly exprH: ExprHandler[] = [];
  private readonly stmtH: StmtHandler[] = [];
  private readonly blockNeedsScope = new WeakMap<TS.Node, boolean>();
  private readonly reportedDepthLimit = new Set<TS.Node>();
  /** The maxCallDepth note of each scope, which later stops in the same scope are counted into. */
  private readonly depthNotes = new Map<NoteScope, { note: Note; base: string; others: Set<string>; count: number }>();
  private readonly fileText = new Map<string, string | undefined>();

  readonly main: ModuleInfo;

  constructor(path: string, sf: TS.SourceFile, text: string, opts: EvaluatorOptions) {
    this.limits = opts.limits;
    this.cancel = opts.cancel;
    this.host = opts.host;
    this.deadline = now() + opts.limits.parseTimeMs;
    this.tf = new TfApi(this);
    installGlobals(this, this.globalEnv);
    this.main = makeModule(path, sf, text, this.globalEnv);
    setRequireMain(this.globalEnv, this.main.env.vars.get('module')?.value);
    this.modules.set(path, this.main);
    this.env = this.globalEnv;
    this.frame = { mod: this.main, thisVal: undefined, fnName: undefined, depth: 0 };
    this.installHandlers();
  }

  // -------------------------------------------------------------------------------------------------------
  // Notes and budgets

  get mod(): ModuleInfo {
    return this.frame.mod;
  }

  note(
    kind: NoteKind,
    message: string,
    node?: TS.Node,
    mod: ModuleInfo = this.frame.mod,
    scope: NoteScope = this.scope,
  ): Note {
    const n: Note = { kind, message };
    if (node) n.span = spanOf(mod, node);
    const key = `${kind}|${message}|${n.span ? `${n.span.file}:${n.span.start.line}:${n.span.start.character}` : ''}`;
    const keyed = scope as NoteScope & { keys?: Set<string> };
    keyed.keys ??= new Set();
    if (keyed.keys.has(key)) return n;
    keyed.keys.add(key);
    scope.notes.push(n);
    if (scope === this.fileScope) this.fileNoteUid.set(n, this.uid);
    if (kind === 'limit') this.limitNotes.push(n);
    return n;
  }

  snippet(node: TS.Node, max = 80): string {
    return snippet(this.frame.mod, node, max);
  }

  /** Step count at which the builder being analysed on its own (roots.ts) stops. */
  stepCap = Infinity;

  /**
   * Charges bulk work done in one step (copying or scanning `n` array elements) to the step budget, so a loop
   * that copies a large array each iteration is stopped by maxEvalSteps / parseTimeMs like any other.
   */
  charge(n: number, node: TS.Node | undefined): void {
    if (n < 64 || !node) return;
    const before = this.steps;
    this.steps += n >> 4;
    // Crossing a multiple of 1024 runs the periodic checks (time, cancellation) in tick.
    if (this.steps >> 10 !== before >> 10) this.steps = (this.steps | 1023) - 1;
    this.tick(node);
  }

  /** The file-wide stop (maxEvalSteps / parseTimeMs), once hit: every later evaluation stops at once, silently. */
  private halted: LimitHit | undefined;

  private tick(node: TS.Node): void {
    if (this.halted) throw this.halted;
    const s = ++this.steps;
    if (s > this.limits.maxEvalSteps)
      this.stop('maxEvalSteps', `after ${this.limits.maxEvalSteps} evaluation steps`, node);
    if (s > this.stepCap) {
      const n: Note = {
        kind: 'limit',
        message:
          `This builder used its share of the evaluation budget (limit maxEvalSteps, shared between the builders ` +
          `nobody calls in the file) and was stopped here: models it made are partial; other models are unaffected.`,
        span: spanOf(this.frame.mod, node),
      };
      this.limitNotes.push(n);
      throw new RootBudgetHit(n);
    }
    if ((s & 1023) === 0) {
      if (this.cancel?.isCancellationRequested) throw new Cancelled('cancelled');
      if (now() > this.deadline) this.stop('parseTimeMs', `after ${this.limits.parseTimeMs} ms`, node);
    }
  }

  private stop(limit: string, what: string, node: TS.Node): never {
    if (this.halted) throw this.halted;
    const n: Note = {
      kind: 'limit',
      message:
        `Static evaluation stopped ${what} (limit ${limit}) here: models and layers found before this point are ` +
        `kept and valid; code after it was not analysed.`,
      span: spanOf(this.frame.mod, node),
    };
    this.limitNotes.push(n);
    this.globalNotes.push(n);
    // custom layers analysed while the graphs are assembled, uncalled builders: none of them runs any more
    throw (this.halted = new LimitHit(limit, n));
  }

  /** Counts one loop iteration; false (with a limit note) once maxLoopIterations is reached. */
  loopAllowed(iter: number, node: TS.Node): boolean {
    if (iter < this.limits.maxLoopIterations) return true;
    this.note(
      'limit',
      `Loop stopped after ${this.limits.maxLoopIterations} iterations (limit maxLoopIterations): layers from later ` +
        `iterations are missing; everything before and after the loop is analysed.`,
      node,
    );
    return false;
  }

  /** Loops whose iteration count is assumed, currently running (nested ones run once: no 4^depth blow-up). */
  assumedDepth = 0;

  /**
   * How many times to run something whose count is unknown: ASSUMED_LOOP_ITERATIONS, or once when already
   * inside such a loop (recursion through assumed loops would otherwise grow exponentially). With a note.
   */
  assumedCount(what: string, v: Value, node: TS.Node): number {
    const label = v instanceof UnknownVal ? v.label : String(v);
    const n = this.assumedDepth > 0 ? 1 : ASSUMED_LOOP_ITERATIONS;
    const why = this.assumedDepth > 0 ? ' (once: it runs inside another loop whose count is assumed)' : '';
    this.note(
      'assumption',
      `${what} depends on ${label}, which is not known statically: assumed ${n} iteration${n === 1 ? '' : 's'}${why}.`,
      node,
    );
    return n;
  }

  /**
   * The condition of a for/while loop, checked before each iteration. A condition that is not known statically
   * holds for an assumed number of iterations from the first time it is unknown (one assumption note); loops
   * nested inside such a loop then run once. `done()` when the loop ends.
   */
  private loopCondition(part: 'bound' | 'condition', expr: TS.Expression): { holds(iter: number): boolean; done(): void } {
    let assumedUntil = -1;
    return {
      holds: (iter) => {
        const c = this.ev(expr);
        const t = truthy(c);
        if (t !== undefined) return t;
        if (assumedUntil < 0) {
          assumedUntil = iter + this.assumedCount(`The ${part} of loop \`${this.snippet(expr, 50)}\``, c, expr);
          this.assumedDepth++;
        }
        return iter < assumedUntil;
      },
      done: () => {
        if (assumedUntil >= 0) this.assumedDepth--;
      },
    };
  }

  unknownOf(node: TS.Node): UnknownVal {
    return new UnknownVal(`\`${this.snippet(node, 60)}\``);
  }

  // -------------------------------------------------------------------------------------------------------
  // Modules

  readHost(path: string): string | undefined {
    if (this.fileText.has(path)) return this.fileText.get(path);
    let text: string | undefined;
    try {
      text = this.host?.readFile(path);
    } catch {
      text = undefined;
    }
    this.fileText.set(path, text);
    return text;
  }

  /** The exports of a module specifier seen from the current file. */
  importModule(spec: string, node: TS.Node, from: ModuleInfo = this.mod): Value {
    if (isTfjsModule(spec)) return new TfRef([]);
    const pkg = knownPackage(this, spec);
    if (pkg !== undefined) return pkg;
    if (!spec.startsWith('.') && !spec.startsWith('/')) return new UnknownVal(`module '${spec}'`);
    if (!this.host) {
      this.note(
        'info',
        `Import '${spec}' not followed (no access to other files): its values are unknown.`,
        node,
        from,
        this.fileScope,
      );
      return new UnknownVal(`module '${spec}'`);
    }
    const resolved = resolveImport(from.path, spec, (p) => this.readHost(p));
    if (!resolved) {
      this.note(
        'info',
        `Import '${spec}' could not be resolved: its values are unknown.`,
        node,
        from,
        this.fileScope,
      );
      return new UnknownVal(`module '${spec}'`);
    }
    const loaded = this.loadModule(resolved.path, resolved.text);
    if (!loaded) {
      this.note(
        'info',
        `Import '${spec}' could not be parsed (nested too deeply): its values are unknown.`,
        node,
        from,
        this.fileScope,
      );
      return new UnknownVal(`module '${spec}'`);
    }
    return this.moduleExports(loaded);
  }

  /** A module's exports, loaded on first use (tfjs and package imports are immediate: they cost nothing). */
  private lazyModule(spec: string, node: TS.Node): Value {
    if (isTfjsModule(spec) || (!spec.startsWith('.') && !spec.startsWith('/')))
      return this.importModule(spec, node);
    const from = this.mod;
    const lazy = new LazyImport(`module '${spec}'`, () =>
      this.inModule(from, () => this.importModule(spec, node, from)),
    );
    lazy.origin = { from: from.path, spec };
    return lazy;
  }

  /** Runs `f` with `mod` as the current file (imports resolve relative to it). */
  private inModule<T>(mod: ModuleInfo, f: () => T): T {
    const saved = this.saveState();
    this.frame = { mod, thisVal: undefined, fnName: undefined, depth: saved.frame.depth };
    this.env = mod.env;
    try {
      return f();
    } finally {
      this.restoreState(saved);
    }
  }

  /** A named binding of a (lazy) module. */
  private lazyMember(m: Value, key: string, node: TS.Node): Value {
    if (m instanceof LazyImport) {
      const member = new LazyImport(`'${key}' of ${m.label}`, () => this.getProp(m.get(), key, node));
      member.origin = m.origin;
      return member;
    }
    return this.getProp(m, key, node);
  }

  moduleExports(mod: ModuleInfo): Value {
    const m = mod.env.vars.get('module')?.value;
    if (m instanceof ObjectVal) {
      const e = m.props.get('exports');
      if (e !== undefined && e !== mod.exports) return e;
    }
    return mod.exports;
  }

  private loadModule(path: string, text: string): ModuleInfo | undefined {
    const cached = this.modules.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const ts = this.ts;
    let sf: TS.SourceFile;
    try {
      sf = ts.createSourceFile(path, text, sourceFileOptions(), false, scriptKindFor(path));
    } catch {
      // The TypeScript parser itself overflows the stack on pathologically nested code.
      this.modules.set(path, null);
      return undefined;
    }
    const mod = makeModule(path, sf, text, this.globalEnv);
    this.modules.set(path, mod);
    this.importDepth++;
    try {
      this.runModule(mod, true);
    } finally {
      this.importDepth--;
    }
    return mod;
  }

  /**
   * Evaluates a module's top level. The analysed file runs statement by statement; an imported file (`lazy`)
   * only declares: its variables, classes and enums are evaluated when first read, export assignments and
   * method calls on module-level names (registries) run, and other statements (a `main()`, a training loop,
   * UI setup) are skipped: they cannot change what the importer sees.
   */
  runModule(mod: ModuleInfo, lazy = false): void {
    const saved = this.saveState();
    this.env = mod.env;
    this.frame = { mod, thisVal: undefined, fnName: undefined, depth: 0 };
    this.scope = this.fileScope;
    const exportedLocals: [string, string][] = [];
    const deferred: TS.ExportDeclaration[] = [];
    try {
      this.hoist(mod.sf.statements, mod.env, mod, exportedLocals);
      for (const stmt of mod.sf.statements) {
        try {
          if (lazy && this.declareLazily(stmt, mod, exportedLocals)) continue;
          this.execTop(stmt, mod, exportedLocals, deferred);
        } catch (e) {
          if (e instanceof LimitHit || e instanceof Cancelled || e instanceof RootBudgetHit) throw e;
          if (e instanceof UserThrow) {
            this.note(
              'info',
              `This statement throws for the values the analysis assumed; it was skipped.`,
              stmt,
              mod,
              this.fileScope,
            );
            continue;
          }
          this.internalError(e, stmt, mod);
        }
      }
    } finally {
      for (const [exp, local] of exportedLocals) {
        const b = mod.env.vars.get(local);
        if (b) mod.exports.props.set(exp, b.value);
      }
      for (const d of deferred) this.reexport(d, mod);
      mod.state = 'done';
      this.restoreState(saved);
    }
  }

  /** Lazy top level of an imported file (see runModule); true when the statement was handled here. */
  private declareLazily(stmt: TS.Statement, mod: ModuleInfo, exportedLocals: [string, string][]): boolean {
    const ts = this.ts;
    const exported =
      ts.canHaveModifiers(stmt) && !!ts.getModifiers(stmt)?.some((m) => m.kind === this.K.ExportKeyword);
    const isDefault =
      exported && !!ts.getModifiers(stmt as TS.HasModifiers)?.some((m) => m.kind === this.K.DefaultKeyword);
    let names: string[] | undefined;
    if (ts.isVariableStatement(stmt)) {
      if (ts.getModifiers(stmt)?.some((m) => m.kind === this.K.DeclareKeyword)) return true;
      names = stmt.declarationList.declarations.flatMap((d) => boundNames(ts, d.name));
    } else if ((ts.isClassDeclaration(stmt) || ts.isEnumDeclaration(stmt)) && stmt.name) {
      names = [stmt.name.text];
    } else if (ts.isExportAssignment(stmt) && !stmt.isExportEquals) {
      mod.exports.props.set(
        'default',
        this.lazyStatement(mod, `the default export of ${mod.path}`, () => this.ev(stmt.expression)),
      );
      return true;
    } else if (ts.isExpressionStatement(stmt)) {
      return !this.eagerTopLevel(stmt.expression);
    } else if (
      ts.isIfStatement(stmt) ||
      ts.isForStatement(stmt) ||
      ts.isForOfStatement(stmt) ||
      ts.isForInStatement(stmt) ||
      ts.isWhileStatement(stmt) ||
      ts.isDoStatement(stmt) ||
      ts.isTryStatement(stmt) ||
      ts.isBlock(stmt) ||
      ts.isSwitchStatement(stmt) ||
      ts.isLabeledStatement(stmt)
    ) {
      return true;
    }
    if (!names) return false;
    let done = false;
    const run = () => {
      if (!done) {
        done = true;
        this.exec(stmt);
      }
    };
    for (const name of names) {
      mod.env.declare(
        name,
        this.lazyStatement(mod, `'${name}' of ${mod.path}`, () => (run(), mod.env.vars.get(name)?.value)),
      );
      if (exported) {
        if (isDefault)
          mod.exports.props.set(
            'default',
            this.lazyStatement(
              mod,
              `the default export of ${mod.path}`,
              () => (run(), mod.env.vars.get(name)?.value),
            ),
          );
        else exportedLocals.push([name, name]);
      }
    }
    return true;
  }

  /** A value computed on first read, in its module, with user throws and internal errors contained. */
  private lazyStatement(mod: ModuleInfo, label: string, f: () => Value): LazyImport {
    return new LazyImport(label, () =>
      this.inModule(mod, () => {
        // Part of the other file's top level: models made here are that file's, not reported in this one.
        this.importDepth++;
        try {
          return f();
        } catch (e) {
          if (e instanceof LimitHit || e instanceof Cancelled || e instanceof RootBudgetHit) throw e;
          if (!(e instanceof UserThrow)) this.internalError(e, mod.sf, mod);
          return new UnknownVal(label);
        } finally {
          this.importDepth--;
        }
      }),
    );
  }

  /** Top-level expressions of an imported file that still run: assignments and method calls on module names. */
  private eagerTopLevel(e: TS.Expression): boolean {
    const ts = this.ts;
    while (ts.isParenthesizedExpression(e) || ts.isVoidExpression(e)) e = e.expression;
    if (ts.isBinaryExpression(e))
      return e.operatorToken.kind >= this.K.FirstAssignment && e.operatorToken.kind <= this.K.LastAssignment;
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      let base: TS.Expression = e.expression.expression;
      while (ts.isPropertyAccessExpression(base)) base = base.expression;
      return ts.isIdentifier(base);
    }
    return false;
  }

  internalError(e: unknown, node: TS.Node, mod: ModuleInfo): void {
    const msg = e instanceof Error ? e.message : String(e);
    const n: Note = {
      kind: 'unsupported',
      message: `Internal analyser error here (${msg}); this code was skipped.`,
    };
    n.span = spanOf(mod, node);
    this.globalNotes.push(n);
  }

  private execTop(
    stmt: TS.Statement,
    mod: ModuleInfo,
    exportedLocals: [string, string][],
    deferred: TS.ExportDeclaration[],
  ): void {
    const ts = this.ts;
    if (ts.isExportDeclaration(stmt)) {
      if (!stmt.isTypeOnly) deferred.push(stmt);
      return;
    }
    if (ts.isExportAssignment(stmt)) {
      const v = this.ev(stmt.expression);
      if (v instanceof FunctionVal && !v.name) v.name = 'default';
      if (stmt.isExportEquals) {
        const m = mod.env.vars.get('module')?.value;
        if (m instanceof ObjectVal) m.props.set('exports', v);
      } else mod.exports.props.set('default', v);
      return;
    }
    this.exec(stmt);
    const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined;
    if (!mods?.some((m) => m.kind === this.K.ExportKeyword)) return;
    const isDefault = mods.some((m) => m.kind === this.K.DefaultKeyword);
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        for (const name of boundNames(ts, d.name)) {
          exportedLocals.push([name, name]);
          const b = mod.env.vars.get(name);
          if (b) mod.exports.props.set(name, b.value);
        }
      }
    } else if (
      (ts.isClassDeclaration(stmt) || ts.isFunctionDeclaration(stmt) || ts.isEnumDeclaration(stmt)) &&
      stmt.name
    ) {
      const name = stmt.name.text;
      const b = mod.env.vars.get(name);
      if (b) mod.exports.props.set(isDefault ? 'default' : name, b.value);
    } else if (ts.isClassDeclaration(stmt) && isDefault) {
      const b = mod.env.vars.get('*default*');
      if (b) mod.exports.props.set('default', b.value);
    }
  }

  private reexport(d: TS.ExportDeclaration, mod: ModuleInfo): void {
    const ts = this.ts;
    const saved = this.saveState();
    this.frame = { mod, thisVal: undefined, fnName: undefined, depth: 0 };
    this.env = mod.env;
    try {
      let source: Value;
      if (d.moduleSpecifier && ts.isStringLiteral(d.moduleSpecifier))
        source = this.lazyModule(d.moduleSpecifier.text, d);
      if (!d.exportClause) {
        // `export * from`: looked up (and loaded) only for names this module does not define.
        const src = source;
        (mod.exports.starSources ??= []).push(() => (src instanceof LazyImport ? src.get() : src));
        return;
      }
      if (ts.isNamespaceExport(d.exportClause)) {
        mod.exports.props.set(d.exportClause.name.text, source);
        return;
      }
      for (const el of d.exportClause.elements) {
        if (el.isTypeOnly) continue;
        const local = (el.propertyName ?? el.name).text;
        const exported = el.name.text;
        const v = d.moduleSpecifier ? this.lazyMember(source, local, el) : mod.env.lookup(local)?.value;
        mod.exports.props.set(exported, v);
      }
    } finally {
      this.restoreState(saved);
    }
  }

  saveState(): { env: Env; frame: Frame; scope: NoteScope } {
    return { env: this.env, frame: this.frame, scope: this.scope };
  }

  restoreState(s: { env: Env; frame: Frame; scope: NoteScope }): void {
    this.env = s.env;
    this.frame = s.frame;
    this.scope = s.scope;
  }

  // -------------------------------------------------------------------------------------------------------
  // Statements

  private hoist(
    statements: readonly TS.Statement[],
    env: Env,
    mod: ModuleInfo,
    exportedLocals?: [string, string][],
  ): void {
    const ts = this.ts;
    for (const s of statements) {
      if (ts.isFunctionDeclaration(s) && s.body) {
        const name = s.name?.text ?? '';
        const fn = new FunctionVal(s, env, mod, name || 'default');
        fn.lexicalThis = undefined;
        if (name) env.declare(name, fn);
        const mods = ts.getModifiers(s);
        if (mods?.some((m) => m.kind === this.K.ExportKeyword)) {
          const isDefault = mods.some((m) => m.kind === this.K.DefaultKeyword);
          mod.exports.props.set(isDefault ? 'default' : name, fn);
          if (!isDefault && exportedLocals) exportedLocals.push([name, name]);
        }
      }
    }
  }

  private execStatements(statements: readonly TS.Statement[]): Completion {
    for (const s of statements) {
      const c = this.exec(s);
      if (c) return c;
    }
    return undefined;
  }

  exec(s: TS.Node): Completion {
    this.tick(s);
    const h = this.stmtH[s.kind];
    if (h) return h(s);
    // Type-only and unsupported statements are skipped.
    return undefined;
  }

  private needsScope(block: TS.Node, statements: readonly TS.Statement[]): boolean {
    let v = this.blockNeedsScope.get(block);
    if (v === undefined) {
      const ts = this.ts;
      v = statements.some(
        (s) =>
          ts.isFunctionDeclaration(s) ||
          ts.isClassDeclaration(s) ||
          (ts.isVariableStatement(s) &&
            (s.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== 0),
      );
      this.blockNeedsScope.set(block, v);
    }
    return v;
  }

  execBlock(block: TS.Node, statements: readonly TS.Statement[]): Completion {
    if (!this.needsScope(block, statements)) return this.execStatements(statements);
    const saved = this.env;
    this.env = new Env(saved);
    try {
      this.hoist(statements, this.env, this.mod);
      return this.execStatements(statements);
    } finally {
      this.env = saved;
    }
  }

  private installHandlers(): void {
    const K = this.K;
    const ts = this.ts;
    const S = this.stmtH;
    S[K.Block] = (n) => this.execBlock(n, (n as TS.Block).statements);
    S[K.ExpressionStatement] = (n) => {
      const e = (n as TS.ExpressionStatement).expression;
      // `cond && model.add(...)` as a statement is an `if`: an unknown condition is assumed true, as for `if`.
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.AmpersandAmpersandToken) {
        const c = this.ev(e.left);
        const t = truthy(c);
        if (t === undefined) {
          this.note(
            'assumption',
            `Condition \`${this.snippet(e.left, 60)}\` depends on ${(c as UnknownVal).label}, not known statically: assumed true.`,
            e.left,
          );
        }
        if (t !== false) this.ev(e.right);
        return undefined;
      }
      this.ev(e);
      return undefined;
    };
    S[K.VariableStatement] = (n) => {
      const vs = n as TS.VariableStatement;
      if (ts.getModifiers(vs)?.some((m) => m.kind === K.DeclareKeyword)) return undefined;
      this.declareList(vs.declarationList);
      return undefined;
    };
    S[K.IfStatement] = (n) => this.execIf(n as TS.IfStatement);
    S[K.ForStatement] = (n) => this.execFor(n as TS.ForStatement);
    S[K.ForOfStatement] = (n) => this.execForOf(n as TS.ForOfStatement);
    S[K.ForInStatement] = (n) => this.execForIn(n as TS.ForInStatement);
    S[K.WhileStatement] = (n) => this.execWhile(n as TS.WhileStatement, false);
    S[K.DoStatement] = (n) => this.execWhile(n as TS.DoStatement, true);
    S[K.ReturnStatement] = (n) => {
      const e = (n as TS.ReturnStatement).expression;
      return { kind: 'return', value: e ? this.ev(e) : undefined };
    };
    S[K.BreakStatement] = (n) => {
      const l = (n as TS.BreakStatement).label;
      return l ? { kind: 'break', label: l.text } : BREAK;
    };
    S[K.ContinueStatement] = (n) => {
      const l = (n as TS.ContinueStatement).label;
      return l ? { kind: 'continue', label: l.text } : CONTINUE;
    };
    S[K.ThrowStatement] = (n) => {
      throw new UserThrow(this.ev((n as TS.ThrowStatement).expression));
    };
    S[K.TryStatement] = (n) => this.execTry(n as TS.TryStatement);
    S[K.SwitchStatement] = (n) => this.execSwitch(n as TS.SwitchStatement);
    S[K.LabeledStatement] = (n) => {
      const ls = n as TS.LabeledStatement;
      const c = this.execLabeled(ls.statement, ls.label.text);
      if (c && c.kind === 'break' && c.label === ls.label.text) return undefined;
      return c;
    };
    S[K.FunctionDeclaration] = () => undefined; // hoisted
    S[K.ClassDeclaration] = (n) => {
      const cd = n as TS.ClassDeclaration;
      if (ts.getModifiers(cd)?.some((m) => m.kind === K.DeclareKeyword)) return undefined;
      const cls = this.defineClass(cd);
      this.env.declare(cd.name ? cd.name.text : '*default*', cls);
      return undefined;
    };
    S[K.EnumDeclaration] = (n) => {
      this.defineEnum(n as TS.EnumDeclaration);
      return undefined;
    };
    S[K.ModuleDeclaration] = (n) => {
      this.defineNamespace(n as TS.ModuleDeclaration);
      return undefined;
    };
    S[K.ImportDeclaration] = (n) => {
      this.execImport(n as TS.ImportDeclaration);
      return undefined;
    };
    S[K.ImportEqualsDeclaration] = (n) => {
      const d = n as TS.ImportEqualsDeclaration;
      if (d.isTypeOnly) return undefined;
      const ref = d.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        this.env.declare(d.name.text, this.importModule(ref.expression.text, d), false);
      } else if (!ts.isExternalModuleReference(ref)) {
        this.env.declare(d.name.text, this.ev(ref as unknown as TS.Expression), false);
      }
      return undefined;
    };

    const E = this.exprH;
    E[K.NumericLiteral] = (n) => Number((n as TS.NumericLiteral).text);
    E[K.BigIntLiteral] = (n) => this.unknownOf(n);
    E[K.StringLiteral] = (n) => (n as TS.StringLiteral).text;
    E[K.NoSubstitutionTemplateLiteral] = (n) => (n as TS.NoSubstitutionTemplateLiteral).text;
    E[K.TrueKeyword] = () => true;
    E[K.FalseKeyword] = () => false;
    E[K.NullKeyword] = () => null;
    E[K.UndefinedKeyword] = () => undefined;
    E[K.ThisKeyword] = () => this.frame.thisVal;
    E[K.Identifier] = (n) => this.evalIdentifier(n as TS.Identifier);
    E[K.ParenthesizedExpression] = (n) => this.ev((n as TS.ParenthesizedExpression).expression);
    E[K.AsExpression] = (n) => this.ev((n as TS.AsExpression).expression);
    E[K.SatisfiesExpression] = (n) => this.ev((n as TS.SatisfiesExpression).expression);
    E[K.NonNullExpression] = (n) => this.ev((n as TS.NonNullExpression).expression);
    E[K.TypeAssertionExpression] = (n) => this.ev((n as TS.TypeAssertion).expression);
    E[K.AwaitExpression] = (n) => this.ev((n as TS.AwaitExpression).expression);
    E[K.PropertyAccessExpression] = (n) => this.evalPropertyAccess(n as TS.PropertyAccessExpression);
    E[K.ElementAccessExpression] = (n) => this.evalElementAccess(n as TS.ElementAccessExpression);
    E[K.CallExpression] = (n) => this.evalCall(n as TS.CallExpression);
    E[K.NewExpression] = (n) => this.evalNew(n as TS.NewExpression);
    E[K.BinaryExpression] = (n) => this.evalBinary(n as TS.BinaryExpression);
    E[K.PrefixUnaryExpression] = (n) => this.evalPrefix(n as TS.PrefixUnaryExpression);
    E[K.PostfixUnaryExpression] = (n) => this.evalPostfix(n as TS.PostfixUnaryExpression);
    E[K.ConditionalExpression] = (n) => this.evalConditional(n as TS.ConditionalExpression);
    E[K.TemplateExpression] = (n) => this.evalTemplate(n as TS.TemplateExpression);
    E[K.ArrayLiteralExpression] = (n) => this.evalArrayLiteral(n as TS.ArrayLiteralExpression);
    E[K.ObjectLiteralExpression] = (n) => this.evalObjectLiteral(n as TS.ObjectLiteralExpression);
    E[K.ArrowFunction] = (n) => this.makeFunction(n as TS.ArrowFunction, '');
    E[K.FunctionExpression] = (n) =>
      this.makeFunction(n as TS.FunctionExpression, (n as TS.FunctionExpression).name?.text ?? '');
    E[K.ClassExpression] = (n) => this.defineClass(n as TS.ClassExpression);
    E[K.TypeOfExpression] = (n) => typeOf(this.ev((n as TS.TypeOfExpression).expression));
    E[K.VoidExpression] = (n) => {
      this.ev((n as TS.VoidExpression).expression);
      return undefined;
    };
    E[K.DeleteExpression] = (n) => {
      const t = (n as TS.DeleteExpression).expression;
      if (ts.isPropertyAccessExpression(t)) {
        const o = this.ev(t.expression);
        if (o instanceof ObjectVal) o.props.delete(t.name.text);
      }
      return true;
    };
    E[K.SpreadElement] = (n) => this.ev((n as TS.SpreadElement).expression);
    E[K.OmittedExpression] = () => undefined;
    E[K.RegularExpressionLiteral] = (n) => this.unknownOf(n);
    E[K.TaggedTemplateExpression] = (n) => this.unknownOf(n);
    E[K.YieldExpression] = (n) => this.evalYield(n as TS.YieldExpression);
    E[K.JsxElement] = (n) => this.unknownOf(n);
    E[K.JsxSelfClosingElement] = (n) => this.unknownOf(n);
    E[K.JsxFragment] = (n) => this.unknownOf(n);
    E[K.MetaProperty] = (n) => this.unknownOf(n);
    E[K.SuperKeyword] = () => undefined;
  }

  private declareList(list: TS.VariableDeclarationList): void {
    const ts = this.ts;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
    const target = isVar ? this.env.nearestFunctionScope() : this.env;
    for (const d of list.declarations) {
      let v: Value = undefined;
      if (d.initializer) {
        v = this.ev(d.initializer);
        if (ts.isIdentifier(d.name)) this.nameValue(v, d.name.text);
      }
      this.bindPattern(d.name, v, target, !isConst);
    }
  }

  /** Gives anonymous functions/classes the name of what they are bound to, and models their variable name. */
  nameValue(v: Value, name: string): void {
    if (v instanceof FunctionVal && !v.name) v.name = name;
    else if (v instanceof ClassVal && !v.name) v.name = name;
    const m = asModel(v);
    if (m) this.bindModel(m, name);
  }

  bindModel(m: ModelVal, name: string): void {
    const depth = this.frame.depth;
    if (m.bindName === undefined || depth < m.bindDepth) {
      m.bindName = name;
      m.bindDepth = depth;
    }
  }

  /** Binds a declaration name / binding pattern to a value (destructuring with defaults). */
  bindPattern(name: TS.BindingName, v: Value, env: Env, mutable: boolean): void {
    const ts = this.ts;
    if (ts.isIdentifier(name)) {
      env.declare(name.text, v, mutable);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      const used: string[] = [];
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          const rest = new ObjectVal();
          if (v instanceof ObjectVal)
            for (const [k, x] of v.props) if (!used.includes(k)) rest.props.set(k, x);
          this.bindPattern(el.name, v instanceof UnknownVal ? v : rest, env, mutable);
          continue;
        }
        const keyNode = el.propertyName ?? el.name;
        const key = this.propertyKey(keyNode as TS.PropertyName);
        if (key === undefined) {
          this.bindPattern(el.name, this.unknownOf(keyNode), env, mutable);
          continue;
        }
        used.push(key);
        let x = this.getProp(v, key, el);
        x = this.applyDefault(x, el.initializer, key, el);
        if (ts.isIdentifier(el.name)) this.nameValue(x, el.name.text);
        this.bindPattern(el.name, x, env, mutable);
      }
      return;
    }
    // array binding pattern
    const items = v instanceof ArrayVal ? v.items : undefined;
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        this.bindPattern(
          el.name,
          items ? new ArrayVal(items.slice(i)) : v instanceof UnknownVal ? v : new ArrayVal([]),
          env,
          mutable,
        );
        return;
      }
      let x: Value = items ? items[i] : this.getProp(v, String(i), el);
      x = this.applyDefault(x, el.initializer, `[${i}]`, el);
      if (ts.isIdentifier(el.name)) this.nameValue(x, el.name.text);
      this.bindPattern(el.name, x, env, mutable);
    });
  }

  /** `x = default`: undefined takes the default; an unknown value takes it too, with an assumption note. */
  private applyDefault(x: Value, init: TS.Expression | undefined, what: string, node: TS.Node): Value {
    if (!init) return x;
    if (x === undefined) return this.ev(init);
    if (x instanceof UnknownVal) {
      const d = this.ev(init);
      this.note(
        'assumption',
        `${what} comes from ${x.label}, which is not known statically: assumed its default ${this.snippet(init, 40)}.`,
        node,
      );
      return d;
    }
    return x;
  }

  private execIf(s: TS.IfStatement): Completion {
    const c = this.ev(s.expression);
    const t = truthy(c);
    if (t === true) return this.exec(s.thenStatement);
    if (t === false) return s.elseStatement ? this.exec(s.elseStatement) : undefined;
    // Unknown condition: take the branch that does not just throw or bail out (a validation guard that reports
    // and returns), the `then` branch otherwise. The note goes to the enclosing scope: the choice affects
    // everything after the `if`, not only the branch.
    const take = !this.onlyBailsOut(s.thenStatement);
    this.note(
      'assumption',
      `Condition \`${this.snippet(s.expression, 60)}\` depends on ${(c as UnknownVal).label}, not known statically: assumed ${take}.`,
      s.expression,
    );
    if (take) {
      this.assumedTaken.add(s.expression);
      return this.exec(s.thenStatement);
    }
    return s.elseStatement ? this.exec(s.elseStatement) : undefined;
  }

  private onlyThrows(s: TS.Statement): boolean {
    const ts = this.ts;
    if (ts.isThrowStatement(s)) return true;
    if (ts.isBlock(s)) return this.statementsOnlyThrow(s.statements);
    return false;
  }

  /** Expression statements (logging, a status message) and a `throw`. */
  private statementsOnlyThrow(list: readonly TS.Statement[]): boolean {
    const ts = this.ts;
    return (
      list.length > 0 &&
      list.every((x) => ts.isThrowStatement(x) || ts.isExpressionStatement(x)) &&
      list.some((x) => ts.isThrowStatement(x))
    );
  }

  /**
   * Only throws, or only reports and leaves: expression statements then a `return` of nothing or of something
   * already there (`return;`, `return null;`, `return this.model;`: a guard or a cache hit, not a variant that
   * builds a model, which would call or construct something).
   */
  private onlyBailsOut(s: TS.Statement): boolean {
    const ts = this.ts;
    if (this.onlyThrows(s)) return true;
    const list = ts.isBlock(s) ? s.statements : [s];
    if (!list.length) return false;
    const last = list[list.length - 1];
    return (
      ts.isReturnStatement(last) &&
      (!last.expression || this.isPure(last.expression)) &&
      list.slice(0, -1).every((x) => ts.isExpressionStatement(x))
    );
  }

  private execLabeled(s: TS.Statement, label: string): Completion {
    const ts = this.ts;
    if (ts.isForStatement(s)) return this.execFor(s, label);
    if (ts.isForOfStatement(s)) return this.execForOf(s, label);
    if (ts.isForInStatement(s)) return this.execForIn(s, label);
    if (ts.isWhileStatement(s)) return this.execWhile(s, false, label);
    if (ts.isDoStatement(s)) return this.execWhile(s, true, label);
    return this.exec(s);
  }

  /** Loop-body completion: 'stop' ends the loop, a Completion propagates, undefined continues. */
  private loopBody(body: TS.Statement, label?: string): Completion | 'stop' {
    const c = this.exec(body);
    if (!c) return undefined;
    if (c.kind === 'break') return !c.label || c.label === label ? 'stop' : c;
    if (c.kind === 'continue') return !c.label || c.label === label ? undefined : c;
    return c;
  }

  private withLoopScope<T>(f: () => T): T {
    const saved = this.scope;
    this.scope = new NoteScope(saved);
    try {
      return f();
    } finally {
      this.scope = saved;
    }
  }

  private execFor(s: TS.ForStatement, label?: string): Completion {
    const ts = this.ts;
    const savedEnv = this.env;
    let loopEnv = new Env(savedEnv);
    this.env = loopEnv;
    let perIteration: string[] = [];
    try {
      return this.withLoopScope(() => {
        if (s.initializer) {
          if (ts.isVariableDeclarationList(s.initializer)) {
            this.declareList(s.initializer);
            if (s.initializer.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))
              perIteration = [...loopEnv.vars.keys()];
          } else this.ev(s.initializer);
        }
        let iter = 0;
        const cond = s.condition && this.loopCondition('bound', s.condition);
        try {
          for (;;) {
            if (cond && !cond.holds(iter)) break;
            if (!this.loopAllowed(iter, s)) break;
            iter++;
            const r = this.loopBody(s.statement, label);
            if (r === 'stop') break;
            if (r) return r;
            if (perIteration.length) {
              // Fresh bindings per iteration (closures made in the body keep their own `i`).
              const next = new Env(savedEnv);
              for (const k of perIteration) {
                const b = loopEnv.vars.get(k);
                if (b) next.vars.set(k, { value: b.value, mutable: b.mutable });
              }
              loopEnv = next;
              this.env = loopEnv;
            }
            if (s.incrementor) this.ev(s.incrementor);
          }
        } finally {
          cond?.done();
        }
        return undefined;
      });
    } finally {
      this.env = savedEnv;
    }
  }

  private execWhile(s: TS.WhileStatement | TS.DoStatement, isDo: boolean, label?: string): Completion {
    return this.withLoopScope(() => {
      let iter = 0;
      const cond = this.loopCondition('condition', s.expression);
      try {
        for (;;) {
          if ((!isDo || iter > 0) && !cond.holds(iter)) break;
          if (!this.loopAllowed(iter, s)) break;
          iter++;
          const r = this.loopBody(s.statement, label);
          if (r === 'stop') break;
          if (r) return r;
        }
      } finally {
        cond.done();
      }
      return undefined;
    });
  }

  private execForOf(s: TS.ForOfStatement, label?: string): Completion {
    const iterable = this.ev(s.expression);
    let items = iterableItems(this, iterable);
    return this.withLoopScope(() => {
      if (!items) {
        const n = this.assumedCount(
          `The loop over \`${this.snippet(s.expression, 50)}\``,
          iterable,
          s.expression,
        );
        const label0 = iterable instanceof UnknownVal ? iterable.label : this.snippet(s.expression, 40);
        items = Array.from({ length: n }, () => new UnknownVal(`an element of ${label0}`));
        this.assumedDepth++;
        try {
          return this.iterateItems(s, items, label);
        } finally {
          this.assumedDepth--;
        }
      }
      return this.iterateItems(s, items, label);
    });
  }

  private execForIn(s: TS.ForInStatement, label?: string): Completion {
    const o = this.ev(s.expression);
    let keys: Value[] | undefined;
    if (o instanceof ObjectVal) keys = [...o.props.keys()];
    else if (o instanceof ArrayVal) keys = o.items.map((_, i) => String(i));
    return this.withLoopScope(() => {
      if (!keys) {
        const n = this.assumedCount(
          `The loop over the keys of \`${this.snippet(s.expression, 50)}\``,
          o,
          s.expression,
        );
        keys = Array.from({ length: n }, () => new UnknownVal(`a key of ${this.snippet(s.expression, 40)}`));
        this.assumedDepth++;
        try {
          return this.iterateItems(s, keys, label);
        } finally {
          this.assumedDepth--;
        }
      }
      return this.iterateItems(s, keys, label);
    });
  }

  private iterateItems(s: TS.ForOfStatement | TS.ForInStatement, items: Value[], label?: string): Completion {
    const ts = this.ts;
    const savedEnv = this.env;
    try {
      for (let i = 0; i < items.length; i++) {
        if (!this.loopAllowed(i, s)) break;
        this.env = new Env(savedEnv);
        const init = s.initializer;
        if (ts.isVariableDeclarationList(init)) {
          const d = init.declarations[0];
          if (d) {
            const mutable = (init.flags & ts.NodeFlags.Const) === 0;
            if (ts.isIdentifier(d.name)) this.nameValue(items[i], d.name.text);
            this.bindPattern(d.name, items[i], this.env, mutable);
          }
        } else this.assignTo(init, items[i]);
        const r = this.loopBody(s.statement, label);
        if (r === 'stop') break;
        if (r) return r;
      }
      return undefined;
    } finally {
      this.env = savedEnv;
    }
  }

  private execTry(s: TS.TryStatement): Completion {
    let c: Completion;
    try {
      c = this.exec(s.tryBlock);
    } catch (e) {
      if (!(e instanceof UserThrow) || !s.catchClause) {
        if (s.finallyBlock && e instanceof UserThrow) this.exec(s.finallyBlock);
        throw e;
      }
      const saved = this.env;
      this.env = new Env(saved);
      try {
        if (s.catchClause.variableDeclaration)
          this.bindPattern(s.catchClause.variableDeclaration.name, e.value, this.env, true);
        c = this.exec(s.catchClause.block);
      } finally {
        this.env = saved;
      }
    }
    if (s.finallyBlock) {
      const f = this.exec(s.finallyBlock);
      if (f) return f;
    }
    return c;
  }

  private execSwitch(s: TS.SwitchStatement): Completion {
    const ts = this.ts;
    const d = this.ev(s.expression);
    const clauses = s.caseBlock.clauses;
    let start = -1;
    if (d instanceof UnknownVal) {
      // The default case, unless it only throws (`default: throw new Error('unsupported ...')`): then the first
      // case that does not.
      const throwsOnly = (c: TS.CaseOrDefaultClause) =>
        this.statementsOnlyThrow(c.statements);
      start = clauses.findIndex((c) => ts.isDefaultClause(c) && !throwsOnly(c));
      if (start < 0) start = clauses.findIndex((c) => ts.isCaseClause(c) && !throwsOnly(c));
      if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
      if (start < 0) start = 0;
      if (clauses.length) {
        const chosen = clauses[start];
        this.assumedTaken.add(chosen);
        this.note(
          'assumption',
          `\`switch (${this.snippet(s.expression, 40)})\` depends on ${d.label}, not known statically: assumed ${
            ts.isDefaultClause(chosen) ? 'the default case' : `case ${this.snippet(chosen.expression, 30)}`
          }.`,
          s.expression,
        );
      }
    } else {
      for (let i = 0; i < clauses.length && start < 0; i++) {
        const c = clauses[i];
        if (ts.isCaseClause(c)) {
          const v = this.ev(c.expression);
          if (strictEquals(v, d) === true) start = i;
        }
      }
      if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
    }
    if (start < 0) return undefined;
    const saved = this.env;
    this.env = new Env(saved);
    try {
      for (let i = start; i < clauses.length; i++) {
        const c = this.execStatements(clauses[i].statements);
        if (c) {
          if (c.kind === 'break' && !c.label) return undefined;
          return c;
        }
      }
      return undefined;
    } finally {
      this.env = saved;
    }
  }

  private execImport(d: TS.ImportDeclaration): void {
    const ts = this.ts;
    const clause = d.importClause;
    if (!ts.isStringLiteral(d.moduleSpecifier)) return;
    if (clause?.isTypeOnly) return;
    const spec = d.moduleSpecifier.text;
    if (!clause) return; // a side-effect import
    const m = this.lazyModule(spec, d);
    const tfjs = m instanceof TfRef;
    if (clause.name) {
      const pickDefault = (x: Value): Value =>
        x instanceof ObjectVal && x.props.has('default') ? x.props.get('default') : x;
      let def: Value;
      if (tfjs) def = m;
      else if (m instanceof LazyImport) {
        const lazy = new LazyImport(`the default export of ${m.label}`, () => pickDefault(m.get()));
        lazy.origin = m.origin;
        def = lazy;
      } else def = pickDefault(m);
      this.env.declare(clause.name.text, def, false);
    }
    const nb = clause.namedBindings;
    if (!nb) return;
    if (ts.isNamespaceImport(nb)) {
      this.env.declare(nb.name.text, m, false);
      return;
    }
    for (const el of nb.elements) {
      if (el.isTypeOnly) continue;
      const imported = (el.propertyName ?? el.name).text;
      this.env.declare(el.name.text, this.lazyMember(m, imported, el), false);
    }
  }

  /** `namespace A { export function f() {} }` (and `namespace A.B`): an object of the exported members. */
  private defineNamespace(d: TS.ModuleDeclaration): void {
    const ts = this.ts;
    if (!ts.isIdentifier(d.name) || ts.getModifiers(d)?.some((m) => m.kind === this.K.DeclareKeyword)) return;
    const existing = this.env.lookup(d.name.text)?.value;
    const ns = existing instanceof ObjectVal && !existing.cls ? existing : new ObjectVal();
    this.env.declare(d.name.text, ns);
    const body = d.body;
    if (!body) return;
    const saved = this.env;
    this.env = new Env(saved, true);
    try {
      if (ts.isModuleDeclaration(body)) {
        this.defineNamespace(body);
        const inner = this.env.vars.get(body.name.text);
        if (inner) ns.props.set(body.name.text, inner.value);
        return;
      }
      if (!ts.isModuleBlock(body)) return;
      this.hoist(body.statements, this.env, this.mod);
      for (const st of body.statements) {
        this.exec(st);
        const exported =
          ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === this.K.ExportKeyword);
        if (!exported) continue;
        const names = ts.isVariableStatement(st)
          ? st.declarationList.declarations.flatMap((x) => boundNames(ts, x.name))
          : (ts.isFunctionDeclaration(st) ||
                ts.isClassDeclaration(st) ||
                ts.isEnumDeclaration(st) ||
                ts.isModuleDeclaration(st)) &&
              st.name &&
              ts.isIdentifier(st.name)
            ? [st.name.text]
            : [];
        for (const n of names) {
          const b = this.env.vars.get(n);
          if (b) ns.props.set(n, b.value);
        }
      }
    } finally {
      this.env = saved;
    }
  }

  private defineEnum(d: TS.EnumDeclaration): void {
    const o = new ObjectVal();
    let next = 0;
    for (const m of d.members) {
      const key = this.propertyKey(m.name);
      if (key === undefined) continue;
      let v: Value = next;
      if (m.initializer) v = this.ev(m.initializer);
      o.props.set(key, v);
      if (typeof v === 'number') {
        o.props.set(String(v), key);
        next = v + 1;
      }
    }
    this.env.declare(d.name.text, o, false);
  }

  // -------------------------------------------------------------------------------------------------------
  // Expressions

  /** Expressions being evaluated, one inside the other (calls included): bounded by maxExprDepth. */
  private exprDepth = 0;

  ev(n: TS.Node): Value {
    this.tick(n);
    const h = this.exprH[n.kind];
    if (!h) return this.unknownOf(n);
    if (this.exprDepth >= this.limits.maxExprDepth) return this.tooDeep(n);
    this.exprDepth++;
    try {
      return h(n);
    } finally {
      this.exprDepth--;
    }
  }

  /** A string past maxStringLength: unknown, with a note where it would be built. */
  tooLong(node: TS.Node | undefined, what: string): Value {
    if (node) {
      this.note(
        'limit',
        `${what} would be longer than ${this.limits.maxStringLength} characters (limit maxStringLength): its value is unknown; ` +
          `the rest of the analysis is unaffected.`,
        node,
      );
    }
    return new UnknownVal(`${what} (longer than maxStringLength)`);
  }

  /** An expression nested past maxExprDepth (a 26,000-term `a + 1 + 1 ...`): unknown, with a note. */
  private tooDeep(n: TS.Node): Value {
    if (!this.reportedDepthLimit.has(n)) {
      this.reportedDepthLimit.add(n);
      this.note(
        'limit',
        `Expression nested more than ${this.limits.maxExprDepth} levels deep here (limit maxExprDepth): its value is unknown; ` +
          `the rest of the analysis is unaffected.`,
        n,
      );
    }
    return new UnknownVal('an expression nested too deeply (maxExprDepth)');
  }

  private evalIdentifier(n: TS.Identifier): Value {
    const name = n.text;
    const b = this.env.lookup(name);
    if (b) {
      if (b.value instanceof LazyImport) b.value = b.value.get();
      return b.value;
    }
    if (name === 'undefined') return undefined;
    return new UnknownVal(`\`${name}\``);
  }

  propertyKey(n: TS.PropertyName | TS.Node): string | undefined {
    const ts = this.ts;
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) return n.text;
    if (ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))
      return String(ts.isNumericLiteral(n) ? Number(n.text) : n.text);
    if (ts.isComputedPropertyName(n)) {
      const k = this.ev(n.expression);
      return typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' ? String(k) : undefined;
    }
    return undefined;
  }

  private isOptionalChain(n: TS.Node): boolean {
    return (n.flags & this.ts.NodeFlags.OptionalChain) !== 0;
  }

  private evalPropertyAccess(n: TS.PropertyAccessExpression): Value {
    if (n.expression.kind === this.K.SuperKeyword) return this.superProp(n.name.text, n);
    const o = this.ev(n.expression);
    if ((o === undefined || o === null) && this.isOptionalChain(n)) return undefined;
    return this.getProp(o, n.name.text, n);
  }

  private evalElementAccess(n: TS.ElementAccessExpression): Value {
    const o = this.ev(n.expression);
    if ((o === undefined || o === null) && this.isOptionalChain(n)) return undefined;
    const k = this.ev(n.argumentExpression);
    if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean')
      return this.getProp(o, String(k), n);
    if (o instanceof UnknownVal) return new UnknownVal(`${o.label}[…]`);
    return new UnknownVal(
      `\`${this.snippet(n, 60)}\` (key ${k instanceof UnknownVal ? k.label : 'not a constant'})`,
    );
  }

  /** Property read with JavaScript semantics over abstract values. */
  getProp(o: Value, key: string, node?: TS.Node): Value {
    if (o instanceof ObjectVal) return this.objectProp(o, key, o);
    if (o instanceof ArrayVal) return arrayProp(this, o, key);
    if (typeof o === 'string' || typeof o === 'number' || typeof o === 'boolean')
      return primitiveProp(this, o, key);
    if (o instanceof TfRef) return o.child(key);
    if (o instanceof LazyImport) return this.getProp(o.get(), key, node);
    if (o instanceof OpaqueVal) return new OpaqueVal(`${o.label}.${key}`);
    if (o instanceof UnknownVal) {
      if (UNKNOWN_ARRAY_METHODS.has(key)) return this.unknownArrayMethod(o, key);
      if (key === 'apply') return new UnknownApply(o);
      return new UnknownVal(`${o.label}.${key}`);
    }
    if (o instanceof BuiltinVal) {
      const st = builtinStatic(o, key);
      if (st !== undefined) return st;
      return functionProp(this, o, key);
    }
    if (o instanceof FunctionVal) return functionProp(this, o, key);
    if (o instanceof ClassVal) return this.classStatic(o, key);
    if (o instanceof LayerVal) return this.tf.layerProp(o, key, o);
    if (o instanceof ModelVal) return this.tf.modelProp(o, key, o);
    if (o instanceof TensorVal) return this.tf.tensorProp(o, key);
    if (o instanceof WeightVal) return this.tf.weightProp(o, key);
    if (o === undefined || o === null) {
      return new UnknownVal(
        node
          ? `\`${this.snippet(node, 60)}\` (read of ${o === null ? 'null' : 'undefined'})`
          : `${key} of ${String(o)}`,
      );
    }
    return undefined;
  }

  /**
   * `unknown.forEach(cb)` / `.map(cb)` ...: an array whose length is not known, iterated an assumed number of
   * times (as a for..of over it would be), with unknown elements, so the callback's layers are found.
   */
  private unknownArrayMethod(o: UnknownVal, key: string): BuiltinVal {
    return new BuiltinVal(key, (_t, args, node) => {
      const cb = args[0];
      if (!(cb instanceof FunctionVal || cb instanceof BuiltinVal) || !node)
        return new UnknownVal(`${o.label}.${key}(…)`);
      const n = this.assumedCount(`\`${key}\` over ${o.label}`, o, node);
      const arr = new ArrayVal(Array.from({ length: n }, () => new UnknownVal(`an element of ${o.label}`)));
      this.assumedDepth++;
      try {
        return this.callValue(arrayProp(this, arr, key), arr, args, node);
      } finally {
        this.assumedDepth--;
      }
    });
  }

  private objectProp(o: ObjectVal, key: string, receiver: Value): Value {
    const own = o.props.get(key);
    if (own instanceof LazyImport) {
      const v = own.get();
      o.props.set(key, v);
      return v;
    }
    if (own instanceof AssumedProp) {
      // Noted where it is read: the models built from this value carry the assumption, the others do not.
      this.note('assumption', own.note, own.at?.node, own.at?.mod);
      return own.value;
    }
    if (own !== undefined || o.props.has(key)) return own;
    if (o.starSources) {
      for (const src of o.starSources) {
        const s = src();
        if (s instanceof ObjectVal && key !== 'default') {
          const v = this.getProp(s, key);
          if (v !== undefined) return v;
        }
      }
    }
    const g = o.getters?.get(key);
    if (g) return this.callFunction(g, receiver, [], undefined);
    for (let c: Value = o.cls; c instanceof ClassVal; c = c.superVal) {
      const getter = c.getters.get(key);
      if (getter) return this.callFunction(getter, receiver, [], undefined);
      const m = c.methods.get(key);
      if (m) return m;
    }
    if (o.native) {
      const v =
        o.native instanceof LayerVal
          ? this.tf.layerProp(o.native, key, o)
          : this.tf.modelProp(o.native, key, o);
      if (v !== undefined) return v;
    }
    if (o.cls) {
      if (key === 'constructor') return o.cls;
      return undefined;
    }
    return genericProp(this, o, key) ?? globalObjectProp(o, key);
  }

  private classStatic(c: ClassVal, key: string): Value {
    for (let k: Value = c; k instanceof ClassVal; k = k.superVal) {
      if (k.statics.props.has(key)) return k.statics.props.get(key);
      const g = k.statics.getters?.get(key);
      if (g) return this.callFunction(g, c, [], undefined);
    }
    if (key === 'name') return c.name;
    if (key === 'prototype') return new UnknownVal(`${c.name}.prototype`);
    return undefined;
  }

  private superProp(key: string, node: TS.Node): Value {
    const home = this.frame.homeClass;
    const thisVal = this.frame.thisVal;
    for (let c: Value = home?.superVal; c !== undefined; ) {
      if (c instanceof ClassVal) {
        const g = c.getters.get(key);
        if (g) return this.callFunction(g, thisVal, [], undefined);
        const m = c.methods.get(key);
        if (m) return m;
        c = c.superVal;
        continue;
      }
      if (c instanceof TfRef && thisVal instanceof ObjectVal && thisVal.native) {
        const v =
          thisVal.native instanceof LayerVal
            ? this.tf.layerProp(thisVal.native, key, thisVal, true)
            : this.tf.modelProp(thisVal.native, key, thisVal);
        if (v !== undefined) return v;
      }
      break;
    }
    return new UnknownVal(`\`${this.snippet(node, 40)}\``);
  }

  setProp(o: Value, key: string, v: Value): void {
    if (o instanceof ObjectVal) {
      for (let c: Value = o.cls; c instanceof ClassVal; c = c.superVal) {
        const s = c.setters.get(key);
        if (s) {
          this.callFunction(s, o, [v], undefined);
          return;
        }
      }
      const s = o.setters?.get(key);
      if (s) {
        this.callFunction(s, o, [v], undefined);
        return;
      }
      o.props.set(key, v);
      // `module.exports = ...` / `exports.default = ...` name nothing (the value is the file's export).
      if (key !== 'exports' && key !== 'default') this.nameValue(v, key.startsWith('#') ? key.slice(1) : key);
      return;
    }
    if (o instanceof ArrayVal) {
      if (key === 'length' && typeof v === 'number' && v >= 0 && v <= this.limits.maxLoopIterations) {
        o.items.length = v;
        return;
      }
      const i = Number(key);
      if (Number.isInteger(i) && i >= 0 && i <= o.items.length + this.limits.maxLoopIterations) {
        while (o.items.length < i) o.items.push(undefined);
        o.items[i] = v;
      }
      return;
    }
    if (o instanceof ClassVal) {
      o.statics.props.set(key, v);
      return;
    }
    if (o instanceof LayerVal || o instanceof ModelVal) return;
    // Writes to unknown objects (DOM, globals) are ignored, but a handler stored there may run later.
    if (o instanceof UnknownVal) this.escape([v]);
  }

  /** Assignment to an expression target (identifier, property, element, destructuring literal). */
  assignTo(target: TS.Node, v: Value): void {
    const ts = this.ts;
    if (ts.isParenthesizedExpression(target) || ts.isAsExpression(target) || ts.isNonNullExpression(target)) {
      this.assignTo(target.expression, v);
      return;
    }
    if (ts.isIdentifier(target)) {
      const b = this.env.lookup(target.text);
      if (b) {
        if (b.mutable) b.value = v;
      } else this.frame.mod.env.declare(target.text, v);
      this.nameValue(v, target.text);
      return;
    }
    if (ts.isPropertyAccessExpression(target)) {
      this.setProp(this.ev(target.expression), target.name.text, v);
      return;
    }
    if (ts.isElementAccessExpression(target)) {
      const o = this.ev(target.expression);
      const k = this.ev(target.argumentExpression);
      if (typeof k === 'string' || typeof k === 'number') this.setProp(o, String(k), v);
      return;
    }
    if (ts.isArrayLiteralExpression(target)) {
      target.elements.forEach((el, i) => {
        if (ts.isOmittedExpression(el)) return;
        if (ts.isSpreadElement(el)) {
          this.assignTo(el.expression, v instanceof ArrayVal ? new ArrayVal(v.items.slice(i)) : v);
          return;
        }
        let x = this.getProp(v, String(i), el);
        if (ts.isBinaryExpression(el) && el.operatorToken.kind === this.K.EqualsToken) {
          x = this.applyDefault(x, el.right, `[${i}]`, el);
          this.assignTo(el.left, x);
        } else this.assignTo(el, x);
      });
      return;
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) {
          let x = this.getProp(v, p.name.text, p);
          x = this.applyDefault(x, p.objectAssignmentInitializer, p.name.text, p);
          this.assignTo(p.name, x);
        } else if (ts.isPropertyAssignment(p)) {
          const key = this.propertyKey(p.name);
          if (key === undefined) continue;
          let x = this.getProp(v, key, p);
          let t: TS.Node = p.initializer;
          if (ts.isBinaryExpression(t) && t.operatorToken.kind === this.K.EqualsToken) {
            x = this.applyDefault(x, t.right, key, p);
            t = t.left;
          }
          this.assignTo(t, x);
        }
      }
    }
  }

  private evalArgs(args: TS.NodeArray<TS.Expression> | undefined): Value[] {
    const out: Value[] = [];
    if (!args) return out;
    for (const a of args) {
      if (a.kind === this.K.SpreadElement) {
        const v = this.ev((a as TS.SpreadElement).expression);
        const items = iterableItems(this, v);
        if (items) {
          this.charge(items.length, a);
          for (const x of items) out.push(x);
        } else out.push(v);
      } else out.push(this.ev(a));
    }
    return out;
  }

  private evalCall(n: TS.CallExpression): Value {
    const ts = this.ts;
    let callee: TS.Expression = n.expression;
    while (
      ts.isParenthesizedExpression(callee) ||
      ts.isNonNullExpression(callee) ||
      ts.isAsExpression(callee)
    )
      callee = callee.expression;
    if (callee.kind === this.K.SuperKeyword) return this.superCall(n);
    if (callee.kind === this.K.ImportKeyword) {
      const a = n.arguments[0];
      return a && ts.isStringLiteral(a) ? this.importModule(a.text, n) : this.unknownOf(n);
    }
    let fn: Value;
    let thisVal: Value;
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
      let key: string | undefined;
      if (ts.isPropertyAccessExpression(callee)) key = callee.name.text;
      if (callee.expression.kind === this.K.SuperKeyword) {
        thisVal = this.frame.thisVal;
        if (key === undefined) {
          const k = this.ev((callee as TS.ElementAccessExpression).argumentExpression);
          key = typeof k === 'string' ? k : undefined;
        }
        fn = key === undefined ? this.unknownOf(callee) : this.superProp(key, callee);
      } else {
        thisVal = this.ev(callee.expression);
        if ((thisVal === undefined || thisVal === null) && this.isOptionalChain(callee)) return undefined;
        if (key === undefined) {
          const k = this.ev((callee as TS.ElementAccessExpression).argumentExpression);
          if (typeof k === 'string' || typeof k === 'number') key = String(k);
        }
        if (key === undefined) {
          const kv = this.ev((callee as TS.ElementAccessExpression).argumentExpression);
          const what = kv instanceof UnknownVal ? kv.label : 'a computed key';
          if (thisVal instanceof TfRef) {
            this.note(
              'assumption',
              `\`${this.snippet(callee, 50)}(...)\`: the name depends on ${what}, not known statically; this call is not analysed.`,
              callee,
            );
          }
          fn = new UnknownVal(`\`${this.snippet(callee, 50)}\``);
        } else fn = this.getProp(thisVal, key, callee);
      }
    } else {
      fn = this.ev(callee);
      thisVal = undefined;
    }
    if ((fn === undefined || fn === null) && n.questionDotToken) return undefined;
    const args = this.evalArgs(n.arguments);
    return this.callValue(fn, thisVal, args, n);
  }

  callValue(fn: Value, thisVal: Value, args: Value[], node: TS.Node | undefined): Value {
    if (fn instanceof FunctionVal) return this.callFunction(fn, thisVal, args, node);
    if (fn instanceof BuiltinVal) return fn.fn(thisVal, args, node);
    if (fn instanceof TfRef) return this.tf.call(fn.path, args, node, thisVal);
    // An unknown function (a library, the DOM, a promise of run-time data) may call the callbacks it gets.
    if (fn instanceof UnknownTensorMethod) {
      const r = this.tf.unknownMethod(fn, node);
      if (r !== undefined) return r;
    }
    if (fn instanceof UnknownApply) {
      const r = this.tf.unknownApply(fn, args, node);
      if (r !== undefined) return r;
    }
    this.escape(args);
    if (fn instanceof OpaqueVal) return new OpaqueVal(`${fn.label}(…)`);
    if (fn instanceof UnknownVal) return new UnknownVal(`${fn.label}(…)`);
    return node ? this.unknownOf(node) : new UnknownVal('a call');
  }

  /** Functions of the analysed file handed to code the analysis cannot see (event handlers, .then callbacks). */
  readonly escaped: FunctionVal[] = [];

  escape(values: Value[]): void {
    for (const v of values)
      if (v instanceof FunctionVal && v.mod === this.main && this.escaped.length < 10_000)
        this.escaped.push(v);
  }

  /** Values yielded by the generator being run (generators are run to completion, eagerly). */
  private yields: Value[][] = [];

  private evalYield(n: TS.YieldExpression): Value {
    const out = this.yields[this.yields.length - 1];
    if (!out) return this.unknownOf(n);
    const v = n.expression ? this.ev(n.expression) : undefined;
    if (n.asteriskToken) {
      const items = iterableItems(this, v);
      if (items) {
        this.charge(items.length, n);
        for (const x of items) out.push(x);
      } else
        this.note(
          'assumption',
          `yield* of ${v instanceof UnknownVal ? v.label : 'a value that is not an array'}: left out.`,
          n,
        );
    } else out.push(v);
    if (out.length > this.limits.maxLoopIterations) {
      this.loopAllowed(out.length, n);
      throw new UserThrow(undefined);
    }
    return undefined;
  }

  /** Calls a user function: fresh environment, parameters bound (defaults applied), bounded depth. */
  callFunction(
    fn: FunctionVal,
    thisVal: Value,
    args: Value[],
    node: TS.Node | undefined,
    root = false,
    generatorBody = false,
  ): Value {
    const ts = this.ts;
    const decl = fn.decl;
    if ((decl as TS.FunctionDeclaration).asteriskToken && !generatorBody)
      return this.runGenerator(fn, thisVal, args, node);
    if (this.frame.depth + 1 > this.limits.maxCallDepth) {
      const key = node ?? decl;
      if (!this.reportedDepthLimit.has(key)) {
        this.reportedDepthLimit.add(key);
        // One recursion stops at many call sites at once (every call made at the deepest level): one note per
        // scope, counting the others, instead of a note for each.
        const first = this.depthNotes.get(this.scope);
        const name = fn.name || 'a function';
        if (first) {
          first.others.add(name);
          first.count++;
          const names = [...first.others].slice(0, 6).join(', ') + (first.others.size > 6 ? ', …' : '');
          first.note.message = `${first.base} ${first.count} more call${first.count === 1 ? '' : 's'} at that depth ${first.count === 1 ? 'was' : 'were'} not followed either (${names}).`;
        } else {
          const base =
            `Call of ${name} not followed: nesting deeper than ${this.limits.maxCallDepth} calls (limit maxCallDepth; ` +
            `recursion?). Its result is unknown; the rest of the analysis is unaffected.`;
          const note = this.note('limit', base, node ?? decl);
          this.depthNotes.set(this.scope, { note, base, others: new Set(), count: 0 });
        }
      }
      return new UnknownVal(`the result of ${fn.name || 'a call'} (not followed: call depth limit)`);
    }
    this.calledDecls.add(decl);
    const saved = this.saveState();
    const isArrow = decl.kind === this.K.ArrowFunction;
    const env = new Env(fn.env, true);
    this.env = env;
    this.frame = {
      mod: fn.mod,
      thisVal: isArrow ? fn.lexicalThis : thisVal,
      fnName: fn.name || saved.frame.fnName,
      depth: saved.frame.depth + 1,
      homeClass: isArrow ? saved.frame.homeClass : fn.homeClass,
    };
    this.scope = new NoteScope(saved.scope);
    try {
      this.bindParams(fn, args, env, root);
      const body = decl.body;
      if (!body) return undefined;
      if (ts.isBlock(body)) {
        this.hoist(body.statements, env, fn.mod);
        const c = this.execStatements(body.statements);
        return c && c.kind === 'return' ? c.value : undefined;
      }
      return this.ev(body);
    } finally {
      this.restoreState(saved);
    }
  }

  /** A generator, run eagerly: its yields become an array (for..of, spread and Array.from iterate it). */
  private runGenerator(fn: FunctionVal, thisVal: Value, args: Value[], node: TS.Node | undefined): Value {
    const out: Value[] = [];
    this.yields.push(out);
    const depth = this.yields.length;
    try {
      this.callFunction(fn, thisVal, args, node, false, true);
    } catch (e) {
      if (!(e instanceof UserThrow)) throw e;
    } finally {
      this.yields.length = depth - 1;
    }
    return new ArrayVal(out);
  }

  /** Functions whose text mentions `arguments` (they get an `arguments` array). */
  private readonly usesArguments = new Map<TS.Node, boolean>();

  private bindParams(fn: FunctionVal, args: Value[], env: Env, root: boolean): void {
    const ts = this.ts;
    const params = fn.decl.parameters;
    if (fn.decl.kind !== this.K.ArrowFunction) {
      let uses = this.usesArguments.get(fn.decl);
      if (uses === undefined) {
        uses = fn.mod.text.slice(fn.decl.pos, fn.decl.end).includes('arguments');
        this.usesArguments.set(fn.decl, uses);
      }
      if (uses) env.declare('arguments', new ArrayVal(args.slice()));
    }
    let ai = 0;
    const defaults: string[] = [];
    let firstDefault: TS.Node | undefined;
    for (const p of params) {
      if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
      const i = ai++;
      if (p.dotDotDotToken) {
        this.bindPattern(p.name, new ArrayVal(args.slice(i)), env, true);
        continue;
      }
      let v = args[i];
      const pname = ts.isIdentifier(p.name) ? p.name.text : this.snippet(p.name, 40);
      if (v === undefined && p.initializer) {
        v = this.ev(p.initializer);
        if (root) {
          defaults.push(`${pname} = ${this.snippet(p.initializer, 40)}`);
          firstDefault ??= p;
        }
      } else if (v === undefined && root) {
        // Dependency injection (`function build(tf, depth)`): a parameter called tf is the tfjs namespace.
        v =
          pname === 'tf'
            ? new TfRef([])
            : new UnknownVal(
                `parameter '${pname}' of ${fn.name || 'a callback'} (no default, and no call in this file supplies it)`,
              );
      } else if (v instanceof UnknownVal && p.initializer) {
        const d = this.ev(p.initializer);
        this.note(
          'assumption',
          `Argument for parameter ${pname} of ${fn.name || 'a function'} is ${v.label}, not known statically: assumed its default ${this.snippet(p.initializer, 40)}.`,
          p,
        );
        v = d;
      }
      if (ts.isIdentifier(p.name) && i < 16) {
        this.recordParam(fn.decl, i, v);
        // An unknown argument replaced by the default: other values were possible too.
        if (args[i] instanceof UnknownVal) this.recordParam(fn.decl, i, args[i]);
      }
      this.bindPattern(p.name, v, env, true);
      if (
        fn.decl.kind === this.K.Constructor &&
        ts.isIdentifier(p.name) &&
        ts
          .getModifiers(p)
          ?.some(
            (m) =>
              m.kind === this.K.PublicKeyword ||
              m.kind === this.K.PrivateKeyword ||
              m.kind === this.K.ProtectedKeyword ||
              m.kind === this.K.ReadonlyKeyword,
          )
      ) {
        this.setProp(this.frame.thisVal, p.name.text, v);
      }
    }
    if (defaults.length && firstDefault) {
      this.note(
        'assumption',
        `${fn.name || 'This function'} is not called with arguments in this file: analysed with its default${defaults.length > 1 ? 's' : ''} ${defaults.join(', ')}.`,
        firstDefault,
      );
    }
  }

  makeFunction(decl: TS.FunctionLikeDeclaration, name: string): FunctionVal {
    const fn = new FunctionVal(decl, this.env, this.mod, name);
    if (decl.kind === this.K.ArrowFunction) fn.lexicalThis = this.frame.thisVal;
    fn.homeClass = this.frame.homeClass;
    return fn;
  }

  // -------------------------------------------------------------------------------------------------------
  // Classes

  defineClass(decl: TS.ClassLikeDeclaration): ClassVal {
    const ts = this.ts;
    let superVal: Value;
    const ext = decl.heritageClauses?.find((h) => h.token === this.K.ExtendsKeyword);
    if (ext && ext.types.length) superVal = this.ev(ext.types[0].expression);
    const cls = new ClassVal(decl, this.env, this.mod, decl.name?.text ?? '', superVal);
    const saved = this.saveState();
    this.frame = { ...this.frame, thisVal: cls, homeClass: cls };
    try {
      for (const m of decl.members) {
        const isStatic =
          (ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === this.K.StaticKeyword)) ??
          false;
        if (ts.isConstructorDeclaration(m)) {
          if (m.body) cls.ctor = m;
          continue;
        }
        if (ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
          if (!m.body) continue;
          const key = this.propertyKey(m.name);
          if (key === undefined) continue;
          const fn = new FunctionVal(m, this.env, this.mod, key);
          fn.homeClass = cls;
          fn.isStatic = isStatic;
          if (ts.isMethodDeclaration(m)) {
            if (isStatic) cls.statics.props.set(key, fn);
            else cls.methods.set(key, fn);
          } else if (ts.isGetAccessor(m)) {
            if (isStatic) (cls.statics.getters ??= new Map()).set(key, fn);
            else cls.getters.set(key, fn);
          } else if (isStatic) (cls.statics.setters ??= new Map()).set(key, fn);
          else cls.setters.set(key, fn);
          continue;
        }
        if (ts.isPropertyDeclaration(m) && isStatic && m.initializer) {
          const key = this.propertyKey(m.name);
          if (key !== undefined) cls.statics.props.set(key, this.ev(m.initializer));
          continue;
        }
        if (ts.isClassStaticBlockDeclaration(m)) this.execBlock(m.body, m.body.statements);
      }
    } finally {
      this.restoreState(saved);
    }
    return cls;
  }

  private evalNew(n: TS.NewExpression): Value {
    const callee = this.ev(n.expression);
    const args = this.evalArgs(n.arguments);
    this.newStack.push({ node: n, mod: this.mod });
    try {
      if (callee instanceof ClassVal) return this.construct(callee, args, n);
      if (callee instanceof TfRef) return this.tf.construct(callee.path, args, n);
      if (callee instanceof BuiltinVal) return callee.fn(undefined, args, n);
      if (callee instanceof FunctionVal) {
        const o = new ObjectVal();
        const r = this.callFunction(callee, o, args, n);
        return r instanceof ObjectVal ? r : o;
      }
      return this.unknownOf(n);
    } finally {
      this.newStack.pop();
    }
  }

  construct(cls: ClassVal, args: Value[], node: TS.Node | undefined, root = false): ObjectVal {
    const inst = new ObjectVal();
    inst.cls = cls;
    if (cls.instances.length < 4) cls.instances.push(inst);
    this.constructInto(cls, inst, args, node, root);
    return inst;
  }

  /** Constructions in progress (field initializers and super classes nest without a function call). */
  private constructNesting = 0;

  private constructInto(
    cls: ClassVal,
    inst: ObjectVal,
    args: Value[],
    node: TS.Node | undefined,
    root = false,
  ): void {
    if (this.constructNesting >= this.limits.maxCallDepth) {
      const at = node ?? cls.decl;
      if (!this.reportedDepthLimit.has(at)) {
        this.reportedDepthLimit.add(at);
        this.note(
          'limit',
          `Construction of ${cls.name || 'a class'} not followed: more than ${this.limits.maxCallDepth} constructions nest here ` +
            `(limit maxCallDepth; a field or super class that constructs its own class?). The object is left empty; the rest of the analysis is unaffected.`,
          at,
        );
      }
      return;
    }
    this.constructNesting++;
    try {
      this.constructIntoUnbounded(cls, inst, args, node, root);
    } finally {
      this.constructNesting--;
    }
  }

  private constructIntoUnbounded(cls: ClassVal, inst: ObjectVal, args: Value[], node: TS.Node | undefined, root: boolean): void {
    if (cls.ctor) {
      const fn = new FunctionVal(cls.ctor, cls.env, cls.mod, cls.name || 'constructor');
      fn.homeClass = cls;
      if (cls.superVal === undefined) this.initFields(cls, inst);
      this.callFunction(fn, inst, args, node, root);
      return;
    }
    if (cls.superVal !== undefined) this.constructSuper(cls, inst, args, node);
    this.initFields(cls, inst);
  }

  private constructSuper(cls: ClassVal, inst: ObjectVal, args: Value[], node: TS.Node | undefined): void {
    const sup = cls.superVal;
    if (sup instanceof ClassVal) this.constructInto(sup, inst, args, node);
    else if (sup instanceof TfRef) this.tf.initNativeBase(sup.path, inst, args, node);
  }

  private superCall(n: TS.CallExpression): Value {
    const home = this.frame.homeClass;
    const inst = this.frame.thisVal;
    const args = this.evalArgs(n.arguments);
    if (home && inst instanceof ObjectVal) {
      this.constructSuper(home, inst, args, n);
      this.initFields(home, inst);
    }
    return undefined;
  }

  private initFields(cls: ClassVal, inst: ObjectVal): void {
    const ts = this.ts;
    const saved = this.saveState();
    this.env = new Env(cls.env);
    this.frame = { ...this.frame, mod: cls.mod, thisVal: inst, homeClass: cls };
    try {
      for (const m of cls.decl.members) {
        if (!ts.isPropertyDeclaration(m) || !m.initializer) continue;
        if (ts.getModifiers(m)?.some((x) => x.kind === this.K.StaticKeyword)) continue;
        const key = this.propertyKey(m.name);
        if (key === undefined) continue;
        this.setProp(inst, key, this.ev(m.initializer));
      }
    } finally {
      this.restoreState(saved);
    }
  }

  /** A user method by name along the class chain (not the tfjs base). */
  findMethod(cls: ClassVal, key: string): FunctionVal | undefined {
    for (let c: Value = cls; c instanceof ClassVal; c = c.superVal) {
      const m = c.methods.get(key);
      if (m) return m;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------
  // Operators

  private evalBinary(n: TS.BinaryExpression): Value {
    const K = this.K;
    const op = n.operatorToken.kind;
    switch (op) {
      case K.EqualsToken: {
        const v = this.ev(n.right);
        this.assignTo(n.left, v);
        return v;
      }
      case K.AmpersandAmpersandToken: {
        const l = this.ev(n.left);
        const t = truthy(l);
        if (t === false) return l;
        if (t === true) return this.ev(n.right);
        return l;
      }
      case K.BarBarToken:
      case K.QuestionQuestionToken: {
        const l = this.ev(n.left);
        if (l instanceof UnknownVal) {
          const r = this.ev(n.right);
          if (r instanceof UnknownVal) return l;
          this.note(
            'assumption',
            `\`${this.snippet(n.left, 50)}\` is ${l.label}, not known statically: assumed the fallback ${this.snippet(n.right, 40)}.`,
            n,
          );
          return r;
        }
        if (op === K.BarBarToken ? truthy(l) === true : l !== undefined && l !== null) return l;
        return this.ev(n.right);
      }
      case K.CommaToken:
        this.ev(n.left);
        return this.ev(n.right);
      case K.BarBarEqualsToken:
      case K.AmpersandAmpersandEqualsToken:
      case K.QuestionQuestionEqualsToken: {
        const l = this.ev(n.left);
        const assign =
          op === K.BarBarEqualsToken
            ? truthy(l) === false
            : op === K.AmpersandAmpersandEqualsToken
              ? truthy(l) === true
              : l === undefined || l === null;
        if (!assign) return l;
        const v = this.ev(n.right);
        this.assignTo(n.left, v);
        return v;
      }
      default:
        break;
    }
    const compound = COMPOUND.get(op);
    if (compound !== undefined) {
      const v = this.binaryOp(compound, this.ev(n.left), this.ev(n.right), n);
      this.assignTo(n.left, v);
      return v;
    }
    return this.binaryOp(op, this.ev(n.left), this.ev(n.right), n);
  }

  binaryOp(op: TS.SyntaxKind, l: Value, r: Value, n: TS.Node): Value {
    const K = this.K;
    if (op === K.EqualsEqualsEqualsToken || op === K.ExclamationEqualsEqualsToken) {
      const e = strictEquals(l, r);
      if (e === undefined) return unknownFrom(l, r);
      return op === K.EqualsEqualsEqualsToken ? e : !e;
    }
    if (op === K.EqualsEqualsToken || op === K.ExclamationEqualsToken) {
      const e = looseEquals(l, r);
      if (e === undefined) return unknownFrom(l, r);
      return op === K.EqualsEqualsToken ? e : !e;
    }
    if (op === K.InstanceOfKeyword) {
      if (r instanceof ClassVal) {
        if (!(l instanceof ObjectVal)) return l instanceof UnknownVal ? l : false;
        for (let c: Value = l.cls; c instanceof ClassVal; c = c.superVal) if (c === r) return true;
        return false;
      }
      if (r instanceof BuiltinVal && r.name === 'Array')
        return l instanceof UnknownVal ? l : l instanceof ArrayVal;
      if (r instanceof BuiltinVal && r.name === 'Object')
        return l instanceof UnknownVal ? l : l instanceof ObjectVal || l instanceof ArrayVal;
      return unknownFrom(l, r) ?? new UnknownVal(`\`${this.snippet(n, 40)}\``);
    }
    if (op === K.InKeyword) {
      if (r instanceof ObjectVal && (typeof l === 'string' || typeof l === 'number'))
        return r.props.has(String(l));
      return unknownFrom(l, r) ?? new UnknownVal(`\`${this.snippet(n, 40)}\``);
    }
    if (l instanceof UnknownVal) return l;
    if (r instanceof UnknownVal) return r;
    const a = toPrimitive(l);
    const b = toPrimitive(r);
    if (a instanceof UnknownVal) return a;
    if (b instanceof UnknownVal) return b;
    switch (op) {
      case K.PlusToken: {
        const r: unknown = (a as number) + (b as number);
        return typeof r === 'string' && r.length > this.limits.maxStringLength ? this.tooLong(n, 'this string') : (r as Value);
      }
      case K.MinusToken:
        return (a as number) - (b as number);
      case K.AsteriskToken:
        return (a as number) * (b as number);
      case K.SlashToken:
        return (a as number) / (b as number);
      case K.PercentToken:
        return (a as number) % (b as number);
      case K.AsteriskAsteriskToken:
        return (a as number) ** (b as number);
      case K.LessThanToken:
        return (a as number) < (b as number);
      case K.GreaterThanToken:
        return (a as number) > (b as number);
      case K.LessThanEqualsToken:
        return (a as number) <= (b as number);
      case K.GreaterThanEqualsToken:
        return (a as number) >= (b as number);
      case K.AmpersandToken:
        return (a as number) & (b as number);
      case K.BarToken:
        return (a as number) | (b as number);
      case K.CaretToken:
        return (a as number) ^ (b as number);
      case K.LessThanLessThanToken:
        return (a as number) << (b as number);
      case K.GreaterThanGreaterThanToken:
        return (a as number) >> (b as number);
      case K.GreaterThanGreaterThanGreaterThanToken:
        return (a as number) >>> (b as number);
      default:
        return new UnknownVal(`\`${this.snippet(n, 40)}\``);
    }
  }

  private evalPrefix(n: TS.PrefixUnaryExpression): Value {
    const K = this.K;
    if (n.operator === K.PlusPlusToken || n.operator === K.MinusMinusToken) {
      const v = this.ev(n.operand);
      const nv =
        typeof v === 'number'
          ? v + (n.operator === K.PlusPlusToken ? 1 : -1)
          : v instanceof UnknownVal
            ? v
            : NaN;
      this.assignTo(n.operand, nv);
      return nv;
    }
    const v = this.ev(n.operand);
    if (n.operator === K.ExclamationToken) {
      const t = truthy(v);
      return t === undefined ? v : !t;
    }
    if (v instanceof UnknownVal) return v;
    const p = toPrimitive(v);
    if (p instanceof UnknownVal) return p;
    switch (n.operator) {
      case K.MinusToken:
        return -(p as number);
      case K.PlusToken:
        return +(p as number);
      case K.TildeToken:
        return ~(p as number);
      default:
        return this.unknownOf(n);
    }
  }

  private evalPostfix(n: TS.PostfixUnaryExpression): Value {
    const v = this.ev(n.operand);
    const nv =
      typeof v === 'number'
        ? v + (n.operator === this.K.PlusPlusToken ? 1 : -1)
        : v instanceof UnknownVal
          ? v
          : NaN;
    this.assignTo(n.operand, nv);
    return v;
  }

  private evalConditional(n: TS.ConditionalExpression): Value {
    const c = this.ev(n.condition);
    const t = truthy(c);
    if (t === true) return this.ev(n.whenTrue);
    if (t === false) return this.ev(n.whenFalse);
    const label = (c as UnknownVal).label;
    // Both branches are evaluated only when that has no side effects (no calls, no assignments): a value
    // that depends on the condition is then unknown. Otherwise the `true` branch is taken, with a note.
    if (this.isPure(n.whenTrue) && this.isPure(n.whenFalse)) {
      const a = this.ev(n.whenTrue);
      const b = this.ev(n.whenFalse);
      if (strictEquals(a, b) === true) return a;
      if (isPlainData(a) && isPlainData(b))
        return new UnknownVal(`\`${this.snippet(n, 60)}\` (depends on ${label})`);
    }
    const a = this.ev(n.whenTrue);
    this.assumedTaken.add(n.condition);
    this.note(
      'assumption',
      `Condition \`${this.snippet(n.condition, 50)}\` depends on ${label}, not known statically: assumed true.`,
      n.condition,
    );
    return a;
  }

  /** No calls, `new`, assignments or ++/-- in the expression (a small syntactic check; large expressions: no). */
  private isPure(e: TS.Node): boolean {
    const ts = this.ts;
    const K = this.K;
    let budget = 64;
    const visit = (x: TS.Node): boolean => {
      if (--budget < 0) return false;
      switch (x.kind) {
        case K.CallExpression:
        case K.NewExpression:
        case K.TaggedTemplateExpression:
        case K.PrefixUnaryExpression:
        case K.PostfixUnaryExpression:
        case K.ArrowFunction:
        case K.FunctionExpression:
        case K.ClassExpression:
        case K.AwaitExpression:
        case K.YieldExpression:
        case K.DeleteExpression:
          return x.kind === K.PrefixUnaryExpression
            ? (x as TS.PrefixUnaryExpression).operator !== K.PlusPlusToken &&
                (x as TS.PrefixUnaryExpression).operator !== K.MinusMinusToken &&
                visit((x as TS.PrefixUnaryExpression).operand)
            : false;
        case K.BinaryExpression: {
          const op = (x as TS.BinaryExpression).operatorToken.kind;
          if (op >= K.FirstAssignment && op <= K.LastAssignment) return false;
          break;
        }
        default:
          break;
      }
      return !ts.forEachChild(x, (c) => (visit(c) ? undefined : true));
    };
    return visit(e);
  }

  private evalTemplate(n: TS.TemplateExpression): Value {
    let s = n.head.text;
    for (const span of n.templateSpans) {
      const v = this.ev(span.expression);
      const str = toStringValue(v);
      if (str instanceof UnknownVal)
        return new UnknownVal(`\`${this.snippet(n, 60)}\` (depends on ${str.label})`);
      s += str + span.literal.text;
      if (s.length > this.limits.maxStringLength) return this.tooLong(n, 'this template string');
    }
    return s;
  }

  private evalArrayLiteral(n: TS.ArrayLiteralExpression): Value {
    const items: Value[] = [];
    for (const el of n.elements) {
      if (el.kind === this.K.SpreadElement) {
        const v = this.ev((el as TS.SpreadElement).expression);
        const it = iterableItems(this, v);
        if (it) {
          this.charge(it.length, el);
          if (arrayRoom(this, items.length, it.length, el)) for (const x of it) items.push(x);
        } else {
          this.note(
            'assumption',
            `Spread of \`${this.snippet(el, 50)}\` (${v instanceof UnknownVal ? v.label : 'not an array'}) is not known statically: left out.`,
            el,
          );
        }
      } else items.push(this.ev(el));
    }
    return new ArrayVal(items);
  }

  private evalObjectLiteral(n: TS.ObjectLiteralExpression): Value {
    const ts = this.ts;
    const o = new ObjectVal();
    for (const p of n.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = this.propertyKey(p.name);
        const v = this.ev(p.initializer);
        if (key === undefined) continue;
        this.nameValue(v, key);
        o.props.set(key, v);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        const v = this.evalIdentifier(p.name);
        this.nameValue(v, p.name.text);
        o.props.set(p.name.text, v);
      } else if (ts.isSpreadAssignment(p)) {
        const v = this.ev(p.expression);
        if (v instanceof ObjectVal) {
          for (const [k, x] of v.props) o.props.set(k, x);
        } else if (v instanceof ArrayVal) {
          v.items.forEach((x, i) => o.props.set(String(i), x));
        } else if (v instanceof UnknownVal) {
          this.note(
            'assumption',
            `Spread of \`${this.snippet(p.expression, 40)}\` (${v.label}) is not known statically: the other properties are used as written.`,
            p,
          );
        }
      } else if (ts.isMethodDeclaration(p)) {
        const key = this.propertyKey(p.name);
        if (key === undefined) continue;
        o.props.set(key, this.makeFunction(p, key));
      } else if (ts.isGetAccessor(p) || ts.isSetAccessor(p)) {
        const key = this.propertyKey(p.name);
        if (key === undefined) continue;
        const fn = this.makeFunction(p, key);
        if (ts.isGetAccessor(p)) (o.getters ??= new Map()).set(key, fn);
        else (o.setters ??= new Map()).set(key, fn);
      }
    }
    return o;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Parse options: latest syntax, no JSDoc (types in comments change nothing the analysis reads). */
export function sourceFileOptions(): TS.CreateSourceFileOptions {
  const ts = getTs();
  return { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
}

export function scriptKindFor(path: string): TS.ScriptKind {
  const ts = getTs();
  const p = path.toLowerCase();
  if (p.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (p.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (p.endsWith('.js') || p.endsWith('.mjs') || p.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function makeModule(path: string, sf: TS.SourceFile, text: string, globalEnv: Env): ModuleInfo {
  const env = new Env(globalEnv, true);
  const exports = new ObjectVal();
  const moduleObj = new ObjectVal();
  moduleObj.props.set('exports', exports);
  env.declare('module', moduleObj);
  env.declare('exports', exports);
  return { path, sf, text, env, exports, state: 'evaluating' };
}

function boundNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(ts, el.name));
  return out;
}

let COMPOUND_MAP: Map<TS.SyntaxKind, TS.SyntaxKind> | undefined;
const COMPOUND = {
  get(op: TS.SyntaxKind): TS.SyntaxKind | undefined {
    if (!COMPOUND_MAP) {
      const K = getTs().SyntaxKind;
      COMPOUND_MAP = new Map([
        [K.PlusEqualsToken, K.PlusToken],
        [K.MinusEqualsToken, K.MinusToken],
        [K.AsteriskEqualsToken, K.AsteriskToken],
        [K.SlashEqualsToken, K.SlashToken],
        [K.PercentEqualsToken, K.PercentToken],
        [K.AsteriskAsteriskEqualsToken, K.AsteriskAsteriskToken],
        [K.AmpersandEqualsToken, K.AmpersandToken],
        [K.BarEqualsToken, K.BarToken],
        [K.CaretEqualsToken, K.CaretToken],
        [K.LessThanLessThanEqualsToken, K.LessThanLessThanToken],
        [K.GreaterThanGreaterThanEqualsToken, K.GreaterThanGreaterThanToken],
        [K.GreaterThanGreaterThanGreaterThanEqualsToken, K.GreaterThanGreaterThanGreaterThanToken],
      ]);
    }
    return COMPOUND_MAP.get(op);
  },
};

export function strictEquals(a: Value, b: Value): boolean | undefined {
  if (a instanceof UnknownVal || b instanceof UnknownVal) return undefined;
  return a === b;
}

function looseEquals(a: Value, b: Value): boolean | undefined {
  if (a instanceof UnknownVal || b instanceof UnknownVal) return undefined;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return a == b;
}

function unknownFrom(a: Value, b: Value): UnknownVal | undefined {
  if (a instanceof UnknownVal) return a;
  if (b instanceof UnknownVal) return b;
  return undefined;
}

function isPlainData(v: Value): boolean {
  return (
    v === undefined ||
    v === null ||
    typeof v !== 'object' ||
    v instanceof UnknownVal ||
    v instanceof ArrayVal ||
    (v instanceof ObjectVal && !v.cls && !v.native)
  );
}

/** Primitive for arithmetic: arrays of primitives join like JavaScript, other objects are unknown. */
function toPrimitive(v: Value): Value {
  if (v === null || v === undefined || typeof v !== 'object') return v;
  if (v instanceof ArrayVal) {
    const s = toStringValue(v);
    return s;
  }
  return new UnknownVal('an object used as a number or string');
}

export function toStringValue(v: Value): string | UnknownVal {
  if (v instanceof UnknownVal) return v;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v !== 'object') return String(v);
  if (v instanceof ArrayVal) {
    const parts: string[] = [];
    for (const x of v.items) {
      if (x === null || x === undefined) {
        parts.push('');
        continue;
      }
      const s = toStringValue(x);
      if (s instanceof UnknownVal) return s;
      parts.push(s);
    }
    return parts.join(',');
  }
  if (v instanceof ObjectVal && !v.cls) return '[object Object]';
  return new UnknownVal('an object converted to a string');
}

export function typeOf(v: Value): Value {
  if (v instanceof UnknownVal) return v;
  if (v === null) return 'object';
  if (v === undefined) return 'undefined';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof FunctionVal || v instanceof BuiltinVal || v instanceof ClassVal) return 'function';
  if (v instanceof TfRef) {
    const last = v.path[v.path.length - 1];
    if (
      last === undefined ||
      last === 'layers' ||
      last === 'initializers' ||
      last === 'regularizers' ||
      last === 'constraints' ||
      last === 'serialization'
    )
      return 'object';
    return 'function';
  }
  return 'object';
}
