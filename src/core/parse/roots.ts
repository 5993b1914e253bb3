/**
 * Builders nobody calls in the file (exported model factories, registry entries, class methods, classes
 * never instantiated) are analysed too, with their parameter defaults; parameters without a default stay
 * unknown (and every assumption about them is a note). Functions already called during the top-level
 * evaluation are skipped, so a model is never reported twice; callers are analysed before their helpers.
 */
import type * as TS from 'typescript';
import { ClassVal, FunctionVal, ObjectVal, type ModuleInfo, type Value } from './values';
import { Cancelled, LimitHit, UserThrow, type Evaluator } from './evaluator';

interface Candidate {
  pos: number;
  name: string;
  run: () => void;
  decl: TS.Node;
}

/** How often each identifier occurs in the file (declarations included): a root is referenced nowhere else. */
function identifierCounts(ev: Evaluator, mod: ModuleInfo): Map<string, number> {
  const ts = ev.ts;
  const counts = new Map<string, number>();
  const visit = (n: TS.Node): void => {
    if (n.kind === ts.SyntaxKind.Identifier) {
      const t = (n as TS.Identifier).text;
      counts.set(t, (counts.get(t) ?? 0) + 1);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(mod.sf);
  return counts;
}

function isLayerSubclass(cls: ClassVal): boolean {
  const base = cls.tfBase();
  return !!base && base[0] === 'layers';
}

export function analyseUncalled(ev: Evaluator, mod: ModuleInfo): void {
  const cands: Candidate[] = [];
  const seen = new Set<TS.Node>();
  const classes: ClassVal[] = [];

  const addFn = (fn: FunctionVal, thisVal: Value, name: string) => {
    if (fn.mod !== mod || seen.has(fn.decl)) return;
    seen.add(fn.decl);
    cands.push({
      pos: fn.decl.pos,
      name,
      decl: fn.decl,
      run: () => void ev.callFunction(fn, thisVal, [], fn.decl, true),
    });
  };
  const visit = (v: Value, name: string, depth: number) => {
    if (v instanceof FunctionVal) addFn(v, undefined, v.name || name);
    else if (v instanceof ClassVal) {
      if (v.mod === mod && !classes.includes(v)) classes.push(v);
    } else if (v instanceof ObjectVal && !v.cls && !v.native && depth === 0) {
      for (const [k, x] of v.props) {
        if (x instanceof FunctionVal) addFn(x, v, x.name || k);
      }
    }
  };
  for (const [name, b] of mod.env.vars) visit(b.value, name, 0);
  for (const [name, v] of mod.exports.props) visit(v, name, 0);
  const modExports = ev.moduleExports(mod);
  if (modExports !== mod.exports) visit(modExports, 'exports', 0);

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
        run: () => {
          if (!cls.instances.length) getInstance();
        },
      });
    }
    for (const [key, m] of cls.methods) {
      if (seen.has(m.decl)) continue;
      seen.add(m.decl);
      cands.push({ pos: m.decl.pos, name: key, decl: m.decl, run: () => void ev.callFunction(m, getInstance(), [], m.decl, true) });
    }
    for (const [key, m] of cls.statics.props) {
      if (!(m instanceof FunctionVal) || seen.has(m.decl)) continue;
      seen.add(m.decl);
      cands.push({ pos: m.decl.pos, name: key, decl: m.decl, run: () => void ev.callFunction(m, cls, [], m.decl, true) });
    }
  }
  if (cands.length === 0) return;

  const counts = identifierCounts(ev, mod);
  const referenced = (c: Candidate) => (counts.get(c.name) ?? 0) > 1;
  cands.sort((a, b) => Number(referenced(a)) - Number(referenced(b)) || a.pos - b.pos);
  for (const c of cands) {
    if (ev.calledDecls.has(c.decl)) continue;
    try {
      c.run();
    } catch (e) {
      if (e instanceof LimitHit || e instanceof Cancelled) throw e;
      if (e instanceof UserThrow) continue;
      ev.internalError(e, c.decl, mod);
    }
  }
}
