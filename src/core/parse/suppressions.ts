/**
 * `// stability-lens-disable-next-line rule-a, rule-b` (the next line), `// stability-lens-disable-line`
 * (this line) and `// stability-lens-disable rule-a` (the whole file, line -1). Only real comments count:
 * a directive inside a string, template or regex literal is ignored (checked against the AST's tokens).
 */
import type * as TS from 'typescript';
import type { Suppression } from './types';

const DIRECTIVE = /stability-lens-disable(-next-line|-line)?(?![\w-])/g;

/** True when `pos` lies inside a literal token (string, template part, regex, JSX text). */
function insideLiteral(ts: typeof TS, sf: TS.SourceFile, pos: number): boolean {
  let node: TS.Node = sf;
  for (;;) {
    let next: TS.Node | undefined;
    ts.forEachChild(node, (c) => {
      if (!next && c.pos <= pos && pos < c.end) next = c;
      return undefined;
    });
    if (!next) break;
    node = next;
  }
  if (pos < node.getStart(sf)) return false;
  switch (node.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.JsxText:
      return true;
    default:
      return false;
  }
}

export function findSuppressions(ts: typeof TS, sf: TS.SourceFile, text: string): Suppression[] {
  const out: Suppression[] = [];
  if (!text.includes('stability-lens-disable')) return out;
  const lineStarts = sf.getLineStarts();
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    const at = m.index;
    const { line } = sf.getLineAndCharacterOfPosition(at);
    const before = text.slice(lineStarts[line], at).trimEnd();
    let commentStart: number;
    let block: boolean;
    if (before.endsWith('//')) {
      block = false;
      commentStart = lineStarts[line] + before.length - 2;
    } else if (/\/\*+$/.test(before)) {
      block = true;
      commentStart = lineStarts[line] + before.search(/\/\*+$/);
    } else continue;
    if (insideLiteral(ts, sf, commentStart)) continue;
    const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
    let rest = text.slice(at + m[0].length, lineEnd);
    if (block) {
      const close = rest.indexOf('*/');
      if (close >= 0) rest = rest.slice(0, close);
    }
    const dash = rest.indexOf('--');
    if (dash >= 0) rest = rest.slice(0, dash);
    const rules = rest
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => /^[a-z0-9][a-z0-9-]*$/i.test(r));
    const kind = m[1];
    const target = kind === '-next-line' ? line + 1 : kind === '-line' ? line : -1;
    out.push({ line: target, rules });
  }
  return out;
}
