/**
 * Builders nobody calls in the file (exported model factories, registry entries, class methods, classes
 * never instantiated) are analysed too, with their parameter defaults; parameters without a default stay
 * unknown (and every assumption about them is a note). Functions already called during the top-level
 * evaluation are skipped, so a model is never reported twice; callers are analysed before their helpers.
 */
import type * as TS from 'typescript';
import {
  ClassVal,
  FunctionVal,
  LayerVal,
  LazyImport,
  ModelVal,
  ObjectVal,
  TensorVal,
  TfRef,
  type ModuleInfo,
  type Value,
} from './values';
import { TFJS_HINT, reachesTfjs, resolveImport } from './modules';
import { Cancelled, LimitHit, RootBudgetHit, UserThrow, type Evaluator } from './evaluator';
import { spanOf } from './sites';

interface Candidate {
  pos: number;
  name: string;
  run: () => void;
  decl: TS.Node;
  /** The source range whose words decide relevance (a method: its whole class). */
  text: TS.Node;
  /** The module-level name this candidate is reached through (a registry object, a class). */
  container?: string;
  /** A function or method: called with given arguments (string variants, see analyseVariants). */
  fn?: FunctionVal;
  thisVal?: () => Value;
}

const WORD = /[A-Za-z_$][\w$]*/g;

function words(text: string): Set<string> {
  const out = new Set<string>();
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) out.add(m[0]);
  return out;
}

/**
 * Which candidates can lead to a model: those whose code mentions tfjs, a module-level name bound to something
 * that reaches tfjs (a tfjs import, an import of a file that reaches tfjs, a model or layer), or another
 * relevant candidate (a worklist over a reverse index: linear in the size of the file). The rest (UI, I/O,
 * data handling) is not evaluated as a builder.
 */
function relevantCandidates(
  mod: ModuleInfo,
  cands: Candidate[],
  read: (p: string) => string | undefined,
): { relevant: Set<Candidate>; check: (c: Candidate) => boolean } {
  const reach = new Map<string, boolean>();
  const fileReaches = (path: string, text: string): boolean => {
    const known = reach.get(path);
    if (known !== undefined) return known;
    const r = reachesTfjs(path, text, read);
    reach.set(path, r);
    return r;
  };
  const valueReaches = (v: Value, depth: number): boolean => {
    if (v instanceof TfRef || v instanceof ModelVal || v instanceof LayerVal || v instanceof TensorVal)
      return true;
    if (v instanceof LazyImport) {
      const o = v.origin;
      if (!o) return false;
      const r = resolveImport(o.from, o.spec, read);
      return !!r && fileReaches(r.path, r.text);
    }
    if (v instanceof FunctionVal || v instanceof ClassVal)
      return v.mod !== mod && fileReaches(v.mod.path, v.mod.text);
    if (v instanceof ObjectVal) {
      if (v.native) return true;
      if (depth > 0) return false;
      for (const x of v.props.values()) if (valueReaches(x, depth + 1)) return true;
    }
    return false;
  };
  const relevantNames = new Set<string>();
  for (const [name, b] of mod.env.vars) if (valueReaches(b.value, 0)) relevantNames.add(name);

  const result = new Set<Candidate>();
  const byWord = new Map<string, Candidate[]>();
  const queue: string[] = [];
  const mark = (c: Candidate) => {
    if (result.has(c)) return;
    result.add(c);
    for (const n of [c.name, c.container]) {
      if (n && !relevantNames.has(n)) {
        relevantNames.add(n);
        queue.push(n);
      }
    }
  };
  const textCache = new Map<TS.Node, Set<string> | 'hint'>();
  for (const c of cands) {
    let w = textCache.get(c.text);
    if (!w) {
      const t = mod.text.slice(c.text.pos, c.text.end);
      w = TFJS_HINT.test(t) ? 'hint' : words(t);
      textCache.set(c.text, w);
    }
    if (w === 'hint') {
      mark(c);
      continue;
    }
    let hit = false;
    for (const word of w) {
      if (relevantNames.has(word)) hit = true;
      const list = byWord.get(word);
      if (list) list.push(c);
      else byWord.set(word, [c]);
    }
    if (hit) mark(c);
  }
  while (queue.length) {
    const n = queue.pop() as string;
    for (const c of byWord.get(n) ?? []) mark(c);
  }
  // Candidates found later (handlers registered by builders): their own words only.
  const check = (c: Candidate): boolean => {
    if (result.has(c)) return true;
    const t = mod.text.slice(c.text.pos, c.text.end);
    if (TFJS_HINT.test(t)) return true;
    for (const w of words(t)) if (relevantNames.has(w)) return true;
    return false;
  };
  return { relevant: result, check };
}

/**
 * How often each candidate name occurs in the file as an identifier-like word (one linear pass; words in
 * comments and strings count too, which only delays a candidate to the second group).
 */
function nameCounts(text: string, names: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const re = /[A-Za-z_$][\w$]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const w = m[0];
    if (names.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/**
 * Reorders the candidates (stably, in place) so that a candidate whose body mentions another candidate's name
 * runs before it: the caller then analyses the helper with the arguments it passes, and the helper is skipped
 * afterwards (already called), instead of being reported once on its own and once more through the caller.
 * Mutual mentions (recursion, cycles) fall back to the given order.
 */
function callersFirst(text: string, cands: Candidate[]): void {
  if (cands.length < 2) return;
  const byName = new Map<string, number[]>();
  cands.forEach((c, i) => {
    if (!c.name) return;
    const list = byName.get(c.name);
    if (list) list.push(i);
    else byName.set(c.name, [i]);
  });
  const callees: number[][] = cands.map(() => []);
  const indegree = new Array<number>(cands.length).fill(0);
  const bodyWords = new Map<TS.Node, Set<string>>();
  cands.forEach((c, i) => {
    let w = bodyWords.get(c.decl);
    if (!w) {
      w = words(text.slice(c.decl.pos, c.decl.end));
      bodyWords.set(c.decl, w);
    }
    for (const word of w) {
      for (const j of byName.get(word) ?? []) {
        if (j === i || cands[j].decl === c.decl) continue;
        callees[i].push(j);
        indegree[j]++;
      }
    }
  });
  // Kahn's algorithm: the first (in the given order) candidate nobody left mentions; in a cycle, the first one
  // left. A binary min-heap of ready indices keeps it O(E log n) on files with thousands of functions.
  const out: Candidate[] = [];
  const done = new Array<boolean>(cands.length).fill(false);
  const heap: number[] = [];
  const push = (v: number) => {
    heap.push(v);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p] <= heap[i]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop() as number;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l] < heap[m]) m = l;
        if (r < heap.length && heap[r] < heap[m]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  indegree.forEach((d, i) => {
    if (d === 0) push(i);
  });
  let firstLeft = 0;
  while (out.length < cands.length) {
    let pick = -1;
    while (heap.length) {
      const i = pop();
      if (!done[i]) {
        pick = i;
        break;
      }
    }
    if (pick < 0) {
      while (done[firstLeft]) firstLeft++;
      pick = firstLeft;
    }
    done[pick] = true;
    out.push(cands[pick]);
    for (const j of callees[pick]) if (--indegree[j] === 0 && !done[j]) push(j);
  }
  cands.splice(0, cands.length, ...out);
}

function isLayerSubclass(cls: ClassVal): boolean {
  const base = cls.tfBase();
  return !!base && base[0] === 'layers';
}

export function analyseUncalled(ev: Evaluator, mod: ModuleInfo): void {
  const cands: Candidate[] = [];
  const seen = new Set<TS.Node>();
  const classes: ClassVal[] = [];

  const addFn = (fn: FunctionVal, thisVal: Value, name: string, container?: string) => {
    if (fn.mod !== mod || seen.has(fn.decl)) return;
    seen.add(fn.decl);
    cands.push({
      pos: fn.decl.pos,
      name,
      decl: fn.decl,
      text: fn.decl,
      container,
      run: () => void ev.callFunction(fn, thisVal, [], fn.decl, true),
      fn,
      thisVal: () => thisVal,
    });
  };
  const visit = (v: Value, name: string, depth: number) => {
    if (v instanceof FunctionVal) addFn(v, undefined, v.name || name, name);
    else if (v instanceof ClassVal) {
      if (v.mod === mod && !classes.includes(v)) classes.push(v);
    } else if (v instanceof ObjectVal && !v.cls && !v.native && depth === 0) {
      for (const [k, x] of v.props) {
        if (x instanceof FunctionVal) addFn(x, v, x.name || k, name);
      }
    }
  };
  for (const [name, b] of mod.env.vars) visit(b.value, name, 0);
  for (const [name, v] of mod.exports.props) visit(v, name, 0);
  const modExports = ev.moduleExports(mod);
  if (modExports !== mod.exports) visit(modExports, 'exports', 0);

  // Callbacks handed to code the analysis cannot see (event handlers, promise callbacks, timers).
  const escapedFrom = (start: number) => {
    const out: Candidate[] = [];
    for (const fn of ev.escaped.slice(start)) {
      if (seen.has(fn.decl)) continue;
      seen.add(fn.decl);
      out.push({
        pos: fn.decl.pos,
        name: fn.name,
        decl: fn.decl,
        text: fn.decl,
        run: () => void ev.callFunction(fn, fn.lexicalThis, [], fn.decl, true),
      });
    }
    return out;
  };
  cands.push(...escapedFrom(0));
  for (const cls of classes) {
    if (isLayerSubclass(cls)) continue;
    const getInstance = (): ObjectVal => {
      if (cls.instances.length) return cls.instances[0];
      ev.newStack.push({ node: cls.decl.name ?? cls.decl, mod });
      try {
        return ev.construct(cls, [], cls.decl, true);
      } finally {
        ev.newStack.pop();
      }
    };
    if (!cls.instances.length) {
      cands.push({
        pos: cls.decl.pos,
        name: cls.name,
        decl: cls.ctor ?? cls.decl,
        text: cls.decl,
        run: () => {
          if (!cls.instances.length) getInstance();
        },
      });
    }
    for (const [key, m] of cls.methods) {
      if (seen.has(m.decl)) continue;
      seen.add(m.decl);
      cands.push({
        pos: m.decl.pos,
        name: key,
        decl: m.decl,
        text: cls.decl,
        container: cls.name,
        run: () => void ev.callFunction(m, getInstance(), [], m.decl, true),
        fn: m,
        thisVal: getInstance,
      });
    }
    for (const [key, m] of cls.statics.props) {
      if (!(m instanceof FunctionVal) || seen.has(m.decl)) continue;
      seen.add(m.decl);
      cands.push({
        pos: m.decl.pos,
        name: key,
        decl: m.decl,
        text: cls.decl,
        container: cls.name,
        run: () => void ev.callFunction(m, cls, [], m.decl, true),
      });
    }
  }
  const { check } = relevantCandidates(mod, cands, (p) => ev.readHost(p));
  const counts = nameCounts(mod.text, new Set(cands.map((c) => c.name)));
  const referenced = (c: Candidate) => (counts.get(c.name) ?? 0) > 1;
  cands.sort((a, b) => Number(referenced(a)) - Number(referenced(b)) || a.pos - b.pos);
  callersFirst(mod.text, cands);
  // Each builder gets a share of the remaining budget, so one runaway builder cannot starve the others.
  const share = Math.max(1000, Math.floor(ev.limits.maxEvalSteps / 10));
  let escapedSeen = ev.escaped.length;
  for (let i = 0; ; ) {
    // Handlers registered by the builders analysed so far join the queue.
    // They run next (before the remaining candidates): a handler that calls a builder method analyses it with
    // its real arguments, and the method is then not analysed a second time on its own.
    if (ev.escaped.length > escapedSeen) {
      cands.splice(i, 0, ...escapedFrom(escapedSeen));
      escapedSeen = ev.escaped.length;
    }
    if (i >= cands.length) break;
    const c = cands[i++];
    if (ev.calledDecls.has(c.decl) || !check(c)) continue;
    const before = ev.models.length;
    ev.stepCap = ev.steps + share;
    try {
      c.run();
    } catch (e) {
      if (e instanceof LimitHit || e instanceof Cancelled) throw e;
      if (e instanceof RootBudgetHit) {
        for (const m of ev.models.slice(before)) m.scope.notes.push(e.note);
        continue;
      }
      if (e instanceof UserThrow) continue;
      ev.internalError(e, c.decl, mod);
    } finally {
      ev.stepCap = Infinity;
    }
  }
  analyseVariants(ev, cands.filter(check), share);
}

const MAX_VARIANTS_PER_FUNCTION = 8;
const MAX_VARIANTS_PER_FILE = 32;

/**
 * The string literals each plain parameter of a function is compared with (`arch === 'resnet'`, `kind != "mlp"`,
 * `switch (arch) { case 'unet': … }`), in source order, with the conditions / case clauses that select them.
 */
interface StringParam {
  /** Argument index (a `this` parameter does not count). */
  index: number;
  param: TS.ParameterDeclaration & { name: TS.Identifier };
  cases: { lit: string; selectors: TS.Node[] }[];
}

function stringCases(ts: typeof TS, decl: TS.FunctionLikeDeclaration): StringParam[] {
  const byName = new Map<string, StringParam>();
  let ai = 0;
  for (const p of decl.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
    const index = ai++;
    if (!p.dotDotDotToken && ts.isIdentifier(p.name))
      byName.set(p.name.text, { index, param: p as StringParam['param'], cases: [] });
  }
  if (byName.size === 0 || !decl.body) return [];
  const add = (id: TS.Node, lit: TS.Node, selector: TS.Node | undefined) => {
    if (!ts.isIdentifier(id) || !(ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit))) return;
    const sp = byName.get(id.text);
    if (!sp) return;
    let entry = sp.cases.find((e) => e.lit === lit.text);
    if (!entry) {
      entry = { lit: lit.text, selectors: [] };
      sp.cases.push(entry);
    }
    if (selector) entry.selectors.push(selector);
  };
  const K = ts.SyntaxKind;
  const EQ = new Set([K.EqualsEqualsEqualsToken, K.EqualsEqualsToken]);
  const NE = new Set([K.ExclamationEqualsEqualsToken, K.ExclamationEqualsToken]);
  let visited = 0;
  const visit = (n: TS.Node): void => {
    if (++visited > 50_000) return;
    if (ts.isBinaryExpression(n) && (EQ.has(n.operatorToken.kind) || NE.has(n.operatorToken.kind))) {
      // `x === 'a'` taken selects 'a'; `x !== 'a'` taken does not.
      const sel = EQ.has(n.operatorToken.kind) ? n : undefined;
      add(n.left, n.right, sel);
      add(n.right, n.left, sel);
    } else if (ts.isSwitchStatement(n)) {
      for (const c of n.caseBlock.clauses) if (ts.isCaseClause(c)) add(n.expression, c.expression, c);
    }
    ts.forEachChild(n, visit);
  };
  visit(decl.body);
  return [...byName.values()].filter((sp) => sp.cases.length > 0);
}

/**
 * Builders that pick the architecture from a string parameter (`if (arch === 'resnet') …`, `switch (kind)`) and
 * were called with a value not known statically (or not at all): the evaluation followed one branch (an unknown
 * condition is assumed true), so each other string the parameter is compared with is analysed as a variant, with
 * a note on the models it makes. Strings the file really passes were analysed already and are not repeated.
 */
function analyseVariants(ev: Evaluator, cands: Candidate[], share: number): void {
  const ts = ev.ts;
  let runs = 0;
  for (const c of cands) {
    const fn = c.fn;
    if (!fn || !c.thisVal || runs >= MAX_VARIANTS_PER_FILE) continue;
    const seenValues = ev.stringArgs.get(fn.decl);
    if (!seenValues) continue;
    let perFn = 0;
    for (const { index: i, param, cases } of stringCases(ts, fn.decl)) {
      const seen = seenValues.get(i);
      if (!seen || !seen.has('')) continue;
      const pname = param.name.text;
      for (const { lit, selectors } of cases) {
        // Analysed already: passed by a call, or the branch the unknown value was assumed to take.
        if (seen.has(lit) || selectors.some((n) => ev.assumedTaken.has(n))) continue;
        if (perFn >= MAX_VARIANTS_PER_FUNCTION || runs >= MAX_VARIANTS_PER_FILE) break;
        perFn++;
        runs++;
        const args: Value[] = [];
        args[i] = lit;
        const before = ev.models.length;
        ev.stepCap = ev.steps + share;
        try {
          ev.callFunction(fn, c.thisVal(), args, fn.decl, true);
        } catch (e) {
          if (e instanceof LimitHit || e instanceof Cancelled) throw e;
          if (!(e instanceof RootBudgetHit || e instanceof UserThrow)) ev.internalError(e, fn.decl, fn.mod);
        } finally {
          ev.stepCap = Infinity;
        }
        const message =
          `Variant ${pname} = '${lit}' of ${fn.name || 'this builder'}: ${pname} is not known statically where it is ` +
          `called (or it is not called in this file), and it is compared with '${lit}', so this variant is analysed too.`;
        for (const m of ev.models.slice(before)) m.scope.notes.push({ kind: 'assumption', message, span: spanOf(fn.mod, param) });
      }
    }
  }
}

