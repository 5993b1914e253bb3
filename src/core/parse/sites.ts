/**
 * Spans, source snippets and code sites (how the code that made a layer is shaped, for quick fixes).
 * Everything works from node positions and the file's line starts: no getText() on large nodes.
 */
import type * as TS from 'typescript';
import type { CodeSite, Position, Span } from '../graph/types';
import type { ModuleInfo } from './values';
import { getTs } from './tsLoader';

export function positionAt(mod: ModuleInfo, pos: number): Position {
  const lc = mod.sf.getLineAndCharacterOfPosition(pos);
  return { line: lc.line, character: lc.character };
}

/**
 * Parent pointers on the path from the file to `node`. Files are parsed without parents (setting them all
 * costs a fifth of the parse); the few nodes whose context matters (layer sites) get them here, by a descent
 * that binary-searches node lists, so a query costs O(depth x log(width)).
 */
export function ensureParents(mod: ModuleInfo, target: TS.Node): void {
  if (target.parent || target === mod.sf) return;
  const ts = getTs();
  const { pos, end } = target;
  let cur: TS.Node = mod.sf;
  for (let depth = 0; depth < 1000; depth++) {
    let next: TS.Node | undefined;
    ts.forEachChild(
      cur,
      (c) => {
        if (c.pos <= pos && end <= c.end) {
          next = c;
          return true;
        }
        return undefined;
      },
      (arr) => {
        let lo = 0;
        let hi = arr.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (arr[mid].end < end) lo = mid + 1;
          else hi = mid;
        }
        // Zero-width and same-range neighbours: take the first that contains the target.
        for (let i = lo; i < arr.length && arr[i].pos <= pos; i++) {
          if (arr[i].pos <= pos && end <= arr[i].end) {
            next = arr[i];
            return true;
          }
        }
        return undefined;
      },
    );
    if (!next) return;
    if (!next.parent) (next as { parent: TS.Node }).parent = cur;
    if (next === target) return;
    cur = next;
  }
}

/** The span of a node (cached per file: a factory call in a loop is asked for its span once per iteration). */
export function spanOf(mod: ModuleInfo, node: TS.Node): Span {
  const cache = (mod.spans ??= new Map());
  let s = cache.get(node);
  if (!s) {
    s = { file: mod.path, start: positionAt(mod, node.getStart(mod.sf)), end: positionAt(mod, node.end) };
    cache.set(node, s);
  }
  return s;
}

/** Sites per node, kind and layers namespace (a statement in a loop is asked once per iteration). */
function cachedSite(
  kind: string,
  node: TS.Node,
  mod: ModuleInfo,
  ns: string | undefined,
  make: () => CodeSite | undefined,
): CodeSite | undefined {
  const cache = (mod.sites ??= new Map());
  const c = cache.get(node);
  if (c && c.kind === kind && c.ns === ns) return c.site;
  const site = make();
  cache.set(node, { kind, ns, site });
  return site;
}

/** Source text of a node, at most `max` characters, whitespace collapsed (for notes and labels). */
export function snippet(mod: ModuleInfo, node: TS.Node, max = 80): string {
  const start = node.getStart(mod.sf);
  const end = Math.min(node.end, start + max + 1);
  let s = mod.text.slice(start, end).replace(/\s+/g, ' ');
  if (node.end > end || s.length > max) s = s.slice(0, max) + '…';
  return s;
}

/** Exact source text of a (small) node. */
export function textOf(mod: ModuleInfo, node: TS.Node): string {
  return mod.text.slice(node.getStart(mod.sf), node.end);
}

/** Leading whitespace of the line `pos` is on. */
export function indentAt(mod: ModuleInfo, pos: number): string {
  const line = mod.sf.getLineAndCharacterOfPosition(pos).line;
  const start = mod.sf.getLineStarts()[line];
  let i = start;
  while (i < mod.text.length && (mod.text[i] === ' ' || mod.text[i] === '\t')) i++;
  return mod.text.slice(start, i);
}

const LOOP_CALLBACK_METHODS = new Set([
  'map',
  'flatMap',
  'forEach',
  'reduce',
  'reduceRight',
  'filter',
  'from',
  'some',
  'every',
  'find',
  'findIndex',
]);

/** True when `node` runs inside a loop body (for/while/do, or a callback of map/forEach/Array.from ...) of its function. */
export function isInLoop(node: TS.Node): boolean {
  const ts = getTs();
  const K = ts.SyntaxKind;
  let child: TS.Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    switch (p.kind) {
      case K.ForStatement:
      case K.ForOfStatement:
      case K.ForInStatement:
        if ((p as TS.IterationStatement).statement === child) return true;
        break;
      case K.WhileStatement:
      case K.DoStatement:
        if ((p as TS.IterationStatement).statement === child) return true;
        break;
      case K.ArrowFunction:
      case K.FunctionExpression: {
        const call = p.parent;
        if (call && ts.isCallExpression(call) && call.arguments.includes(p as TS.Expression)) {
          const callee = call.expression;
          const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
          if (name && LOOP_CALLBACK_METHODS.has(name)) return true;
        }
        return false;
      }
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
      case K.Constructor:
      case K.GetAccessor:
      case K.SetAccessor:
      case K.SourceFile:
        return false;
      default:
        break;
    }
  }
  return false;
}

/** Skip parentheses, `as` casts, `!` and `satisfies` upwards: the expression's syntactic context. */
export function outerExpression(node: TS.Node): { outer: TS.Node; parent: TS.Node | undefined } {
  const ts = getTs();
  let outer = node;
  let p = node.parent;
  while (
    p &&
    (ts.isParenthesizedExpression(p) ||
      ts.isAsExpression(p) ||
      ts.isNonNullExpression(p) ||
      ts.isSatisfiesExpression(p) ||
      ts.isTypeAssertionExpression(p) ||
      ts.isAwaitExpression(p))
  ) {
    outer = p;
    p = p.parent;
  }
  return { outer, parent: p };
}

/** The site of a layer factory call / `new X()`: an array element, or 'other'. */
export function creationSite(mod: ModuleInfo, node: TS.Node, layersNamespace: string | undefined): CodeSite {
  return cachedSite('creation', node, mod, layersNamespace, () =>
    makeCreationSite(mod, node, layersNamespace),
  ) as CodeSite;
}

function makeCreationSite(mod: ModuleInfo, node: TS.Node, layersNamespace: string | undefined): CodeSite {
  const ts = getTs();
  ensureParents(mod, node);
  const { outer, parent } = outerExpression(node);
  const kind = parent && ts.isArrayLiteralExpression(parent) ? 'arrayElement' : 'other';
  const start = outer.getStart(mod.sf);
  const site: CodeSite = {
    kind,
    span: spanOf(mod, outer),
    indent: indentAt(mod, start),
    inLoop: isInLoop(node),
  };
  if (layersNamespace !== undefined) site.layersNamespace = layersNamespace;
  return site;
}

/** `model.add(...)` as a statement -> addCall site; undefined when the call is part of a larger expression. */
export function addCallSite(
  mod: ModuleInfo,
  call: TS.Node,
  layersNamespace: string | undefined,
): CodeSite | undefined {
  return cachedSite('add', call, mod, layersNamespace, () => makeAddCallSite(mod, call, layersNamespace));
}

function makeAddCallSite(
  mod: ModuleInfo,
  call: TS.Node,
  layersNamespace: string | undefined,
): CodeSite | undefined {
  const ts = getTs();
  ensureParents(mod, call);
  const { parent } = outerExpression(call);
  if (!parent || !ts.isExpressionStatement(parent)) return undefined;
  const site: CodeSite = {
    kind: 'addCall',
    span: spanOf(mod, parent),
    indent: indentAt(mod, parent.getStart(mod.sf)),
    inLoop: isInLoop(parent),
  };
  if (layersNamespace !== undefined) site.layersNamespace = layersNamespace;
  return site;
}

/** `const x = <layer>.apply(y)` / `x = <layer>.apply(y)` as a statement -> applyCall site. */
export function applyCallSite(
  mod: ModuleInfo,
  call: TS.CallExpression,
  layersNamespace: string | undefined,
): CodeSite | undefined {
  return cachedSite('apply', call, mod, layersNamespace, () => makeApplyCallSite(mod, call, layersNamespace));
}

function makeApplyCallSite(
  mod: ModuleInfo,
  call: TS.CallExpression,
  layersNamespace: string | undefined,
): CodeSite | undefined {
  const ts = getTs();
  ensureParents(mod, call);
  const { parent } = outerExpression(call);
  if (!parent) return undefined;
  let stmt: TS.Node | undefined;
  let target: string | undefined;
  let declaration: CodeSite['declaration'];
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const list = parent.parent;
    if (
      ts.isVariableDeclarationList(list) &&
      list.declarations.length === 1 &&
      ts.isVariableStatement(list.parent)
    ) {
      stmt = list.parent;
      target = parent.name.text;
      declaration = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    }
  } else if (
    ts.isBinaryExpression(parent) &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isIdentifier(parent.left) &&
    parent.parent &&
    ts.isExpressionStatement(parent.parent)
  ) {
    stmt = parent.parent;
    target = parent.left.text;
    declaration = 'assignment';
  }
  if (!stmt || target === undefined) return undefined;
  const site: CodeSite = {
    kind: 'applyCall',
    span: spanOf(mod, stmt),
    indent: indentAt(mod, stmt.getStart(mod.sf)),
    inLoop: isInLoop(stmt),
    target,
    declaration,
  };
  if (call.arguments.length > 0) site.inputText = textOf(mod, call.arguments[0]);
  if (layersNamespace !== undefined) site.layersNamespace = layersNamespace;
  return site;
}
