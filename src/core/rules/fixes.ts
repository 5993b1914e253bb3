/**
 * Fixes as text edits that keep the user's style, built from the nodes' CodeSite and the file's text:
 * insert a normalization layer after an array element / `model.add(...)` / `x = ....apply(y)` statement (once in
 * a loop body), set `kernelInitializer`, turn a residual block into Pre-LN, add a disable comment. Every builder
 * returns undefined when the code shape does not allow a safe edit: no fix is better than a wrong one.
 */
import type { LayerGraph, LayerNode, Span } from '../graph/types';
import type { SkipBlock } from '../graph/structure';
import type { Fix, TextEdit } from './types';
import type { SourceText } from './sourceText';

// ------------------------------------------------------------------------------------------------
// Scanning JavaScript text (strings, template literals, comments and brackets skipped)

/** Index of the first char in `stops` at bracket depth 0 from `i` (or text.length). */
export function scanTopLevel(text: string, i: number, stops: string, end = text.length): number {
  let depth = 0;
  while (i < end) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i, c);
      continue;
    }
    if (c === '`') {
      i = skipTemplate(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? end : nl;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
      continue;
    }
    if (depth === 0 && stops.includes(c)) return i;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return end;
}

function skipQuoted(text: string, i: number, q: string): number {
  i++;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === q || c === '\n') return i + 1;
    else i++;
  }
  return i;
}

function skipTemplate(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && text[i + 1] === '{') i = scanTopLevel(text, i + 2, '}') + 1;
    else i++;
  }
  return i;
}

/** The matching closer of the bracket at `i` (its index), or -1. */
function matchBracket(text: string, i: number, end = text.length): number {
  const close = scanTopLevel(text, i + 1, '', end);
  return close < end && ')]}'.includes(text[close]) ? close : -1;
}

// ------------------------------------------------------------------------------------------------
// Style

/** The quote the user writes strings with in this text ("'" by default). */
export function quoteStyle(text: string): string {
  const single = (text.match(/'/g) ?? []).length;
  const double = (text.match(/"/g) ?? []).length;
  return double > single ? '"' : "'";
}

/**
 * How this code refers to the layers namespace: the site's, else from the factory call text ('tf.layers.dense('
 * -> 'tf.layers', 'L.dense(' -> 'L'), else 'tf.layers' when the file uses it. Returns '' for bare named imports.
 */
export function layersNamespaceFor(node: LayerNode, source: SourceText, factory: string): string | undefined {
  if (node.site?.layersNamespace !== undefined) return node.site.layersNamespace;
  if (node.span) {
    const call = source.slice(node.span);
    const m = /^\s*(?:new\s+)?([\w$]+(?:\.[\w$]+)*)\.[\w$]+\s*\(/.exec(call);
    if (m) return m[1];
    if (/^\s*[\w$]+\s*\(/.test(call) && new RegExp(`\\b${factory}\\b`).test(source.text)) return '';
  }
  if (/\btf\.layers\./.test(source.text)) return 'tf.layers';
  return undefined;
}

function qualified(ns: string, factory: string): string {
  return ns ? `${ns}.${factory}` : factory;
}

/** A name not used in the text: base, base2, base3 ... */
export function freshName(text: string, base: string): string {
  let name = base;
  for (let k = 2; new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text); k++) name = `${base}${k}`;
  return name;
}

// ------------------------------------------------------------------------------------------------
// Statements

interface Statement {
  start: number;
  /** End of the statement text (after the semicolon when there is one). */
  end: number;
  text: string;
  semicolon: boolean;
}

/** The statement a site span covers, extended over a directly following semicolon. */
function statementAt(source: SourceText, span: Span): Statement {
  const start = source.offset(span.start);
  let end = source.offset(span.end);
  const t = source.text;
  let j = end;
  while (j < t.length && (t[j] === ' ' || t[j] === '\t')) j++;
  let semicolon = t[end - 1] === ';';
  if (!semicolon && t[j] === ';') {
    end = j + 1;
    semicolon = true;
  }
  return { start, end, text: t.slice(start, end), semicolon };
}

/** Offset of the end of the line containing `offset` (before the line break). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** A trailing `as T` cast of an expression text. */
function castOf(expr: string): string {
  const m = /\)\s*(as\s+[\w$.]+(?:<[^>]*>)?(?:\[\])?)\s*;?\s*$/.exec(expr);
  return m ? ` ${m[1]}` : '';
}

// ------------------------------------------------------------------------------------------------
// Insert a layer after a node's site

/**
 * Text edits inserting `<ns>.<factory>(<args>)` right after each node's site (deduplicated: nodes made by one loop
 * body share their site, so the loop body is edited once). Undefined when one of the nodes has no site that
 * allows it, or the namespace is unknown.
 */
export function insertLayerAfter(
  nodes: LayerNode[],
  source: SourceText,
  factory: string,
  argsFor: (node: LayerNode) => string = () => '',
): { edits: TextEdit[]; sites: number } | undefined {
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const site = node.site;
    if (!site || site.kind === 'other' || site.span.file !== source.path) return undefined;
    const key = `${site.span.start.line}:${site.span.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ns = layersNamespaceFor(node, source, factory);
    if (ns === undefined) return undefined;
    const layer = `${qualified(ns, factory)}(${argsFor(node)})`;
    const eol = source.eol;
    if (site.kind === 'arrayElement') {
      const start = source.offset(site.span.start);
      const end = source.offset(site.span.end);
      const lineStart = source.offset({ line: site.span.start.line, character: 0 });
      const alone = source.text.slice(lineStart, start).trim() === '';
      const at = source.position(end);
      const newText = alone ? `,${eol}${site.indent}${layer}` : `, ${layer}`;
      edits.push({ span: { file: source.path, start: at, end: at }, newText });
      continue;
    }
    const st = statementAt(source, site.span);
    const semi = st.semicolon ? ';' : '';
    if (site.kind === 'addCall') {
      const m = /^\s*(?:await\s+)?([\w$]+(?:\.[\w$]+|\[[^\]]+\])*)\.(add|push)\s*\(/.exec(st.text);
      if (!m) return undefined;
      const at = source.position(st.end);
      edits.push({ span: { file: source.path, start: at, end: at }, newText: `${eol}${site.indent}${m[1]}.${m[2]}(${layer})${semi}` });
      continue;
    }
    // applyCall
    const target = site.target;
    if (!target || !/^[\w$]+$/.test(target)) return undefined;
    const cast = castOf(st.text);
    if (site.declaration === 'const') {
      // const h = <rhs>;  ->  const h = <ns>.<factory>().apply(<rhs without cast>)<cast>;
      const eq = st.text.search(new RegExp(`\\b${target.replace(/\$/g, '\\$')}\\s*(?::[^=]+)?=`));
      if (eq < 0) return undefined;
      const rhsStart = st.text.indexOf('=', eq) + 1;
      let rhsEnd = st.text.length - (st.semicolon ? 1 : 0);
      let rhs = st.text.slice(rhsStart, rhsEnd);
      const lead = /^\s*/.exec(rhs)?.[0] ?? '';
      if (cast) {
        const c = rhs.lastIndexOf(cast.trim());
        rhsEnd = rhsStart + c;
        rhs = st.text.slice(rhsStart, rhsEnd);
      }
      const from = source.position(st.start + rhsStart + lead.length);
      const to = source.position(st.start + rhsStart + rhs.trimEnd().length);
      edits.push({ span: { file: source.path, start: from, end: to }, newText: `${layer}.apply(${rhs.trim()})` });
      continue;
    }
    const at = source.position(st.end);
    edits.push({ span: { file: source.path, start: at, end: at }, newText: `${eol}${site.indent}${target} = ${layer}.apply(${target})${cast}${semi || ';'}` });
  }
  return edits.length ? { edits, sites: seen.size } : undefined;
}

// ------------------------------------------------------------------------------------------------
// kernelInitializer

/** Range of the config object literal of a factory call (`{` .. `}` inclusive) or of a non-literal argument. */
function configArg(source: SourceText, node: LayerNode): { start: number; end: number; literal: boolean } | { start: number; end: number; none: true } | undefined {
  if (!node.span || node.span.file !== source.path) return undefined;
  const t = source.text;
  const s = source.offset(node.span.start);
  const e = source.offset(node.span.end);
  const open = scanTopLevel(t, s, '(', e);
  if (open >= e) return undefined;
  const close = matchBracket(t, open, e);
  if (close < 0) return undefined;
  let i = open + 1;
  while (i < close && /\s/.test(t[i])) i++;
  if (i === close) return { start: open + 1, end: close, none: true };
  const argEnd = scanTopLevel(t, i, ',', close);
  let j = argEnd;
  while (j > i && /\s/.test(t[j - 1])) j--;
  if (t[i] === '{') {
    const objClose = matchBracket(t, i, close);
    if (objClose < 0) return undefined;
    return { start: i, end: objClose + 1, literal: true };
  }
  return { start: i, end: j, literal: false };
}

/**
 * Edits that set `key: <value>` in the node's factory config object: replace the written value, add the
 * property (multi-line or inline, trailing comma respected) or wrap a non-literal argument in `{...arg, key}`.
 */
export function setConfigProperty(node: LayerNode, source: SourceText, key: string, valueText: string): TextEdit | undefined {
  const arg = configArg(source, node);
  if (!arg) return undefined;
  const t = source.text;
  const eol = source.eol;
  if ('none' in arg) return { span: source.span(arg.start, arg.end), newText: `{ ${key}: ${valueText} }` };
  if (!arg.literal) return { span: source.span(arg.start, arg.end), newText: `{ ...${t.slice(arg.start, arg.end)}, ${key}: ${valueText} }` };
  // Find the key at the top level of the object.
  let i = arg.start + 1;
  const close = arg.end - 1;
  while (i < close) {
    while (i < close && /[\s,]/.test(t[i])) i++;
    if (i >= close) break;
    const propEnd = scanTopLevel(t, i, ',', close);
    const prop = t.slice(i, propEnd);
    const m = new RegExp(`^(?:(['"])${key}\\1|${key})\\s*:\\s*`).exec(prop);
    if (m) {
      let vEnd = propEnd;
      while (vEnd > i && /\s/.test(t[vEnd - 1])) vEnd--;
      return { span: source.span(i + m[0].length, vEnd), newText: valueText };
    }
    if (new RegExp(`^${key}\\s*(,|$)`).test(prop.trim())) {
      // shorthand `{ kernelInitializer }`
      return { span: source.span(i, i + key.length), newText: `${key}: ${valueText}` };
    }
    i = propEnd + 1;
  }
  // Not written: add it after the last property.
  let k = close - 1;
  while (k > arg.start && /\s/.test(t[k])) k--;
  const last = t[k];
  const multiLine = t.slice(k, close).includes('\n');
  if (k === arg.start) return { span: source.span(arg.start + 1, close), newText: ` ${key}: ${valueText} ` };
  if (multiLine) {
    const lineOfLast = source.position(k).line;
    const indent = source.indentOf(lineOfLast);
    const text = last === ',' ? `${eol}${indent}${key}: ${valueText},` : `,${eol}${indent}${key}: ${valueText}`;
    return { span: source.span(k + 1, k + 1), newText: text };
  }
  return { span: source.span(k + 1, k + 1), newText: last === ',' ? ` ${key}: ${valueText}` : `, ${key}: ${valueText}` };
}

/** Edits setting `kernelInitializer` to `id` on every node (one edit per distinct factory call). */
export function setInitializer(nodes: LayerNode[], source: SourceText, id: string): TextEdit[] | undefined {
  const q = quoteStyle(source.text);
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const n of nodes) {
    if (!n.span) return undefined;
    const key = `${n.span.start.line}:${n.span.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = setConfigProperty(n, source, 'kernelInitializer', `${q}${id}${q}`);
    if (!e) return undefined;
    edits.push(e);
  }
  return edits.length ? edits : undefined;
}

/** Edits renaming a factory in each node's call (`batchNormalization(` -> `layerNormalization(`). */
export function replaceFactory(nodes: LayerNode[], source: SourceText, from: string, to: string): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const n of nodes) {
    if (!n.span || n.span.file !== source.path) return undefined;
    const key = `${n.span.start.line}:${n.span.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const s = source.offset(n.span.start);
    const call = source.slice(n.span);
    const m = new RegExp(`\\b${from}(\\s*\\()`).exec(call);
    if (!m) return undefined;
    // drop BatchNormalization-only options that LayerNormalization does not take
    edits.push({ span: source.span(s + m.index, s + m.index + from.length), newText: to });
    const arg = configArg(source, n);
    if (arg && 'literal' in arg && arg.literal) {
      // drop the BatchNormalization-only options that LayerNormalization does not take
      const body = source.text.slice(arg.start, arg.end);
      let cleaned = body;
      for (const opt of ['momentum', 'movingMeanInitializer', 'movingVarianceInitializer']) {
        cleaned = cleaned.replace(new RegExp(`(^\\{|,)\\s*${opt}\\s*:[^,}]*(?=[,}])`), (_m, lead: string) => (lead === '{' ? '{' : ''));
      }
      cleaned = cleaned.replace(/^\{\s*,\s*/, '{ ');
      if (cleaned !== body) edits.push({ span: source.span(arg.start, arg.end), newText: /^\{\s*\}$/.test(cleaned) ? '' : cleaned });
    }
  }
  return edits.length ? edits : undefined;
}

// ------------------------------------------------------------------------------------------------
// Disable comment

/** `// stability-lens-disable-next-line <rule>` on its own line before `line`, with that line's indent. */
export function disableCommentEdit(source: SourceText, line: number, ruleId: string): TextEdit {
  const indent = source.indentOf(line);
  const at = { line, character: 0 };
  return { span: { file: source.path, start: at, end: at }, newText: `${indent}// stability-lens-disable-next-line ${ruleId}${source.eol}` };
}

/** The fix every rule offers: the disable comment for `ruleId` above the model's first line. */
export function disableModelFix(source: SourceText, line: number, ruleId: string): Fix {
  return { title: `Disable ${ruleId} for this model`, edits: [disableCommentEdit(source, line, ruleId)] };
}

// ------------------------------------------------------------------------------------------------
// Pre-LN residual blocks

function applyArgRange(st: Statement, varName: string): { start: number; end: number } | undefined {
  const re = new RegExp(`\\.apply\\(\\s*(${varName.replace(/\$/g, '\\$')})\\s*[,)]`, 'g');
  const m = re.exec(st.text);
  if (!m) return undefined;
  const s = st.start + m.index + m[0].indexOf(varName, 7);
  return { start: s, end: s + varName.length };
}

/**
 * Edits turning residual blocks into Pre-LN blocks: `const h = <ns>.layerNormalization().apply(x)` before the
 * branch, the branch reads `h`; with `removePostNorm`, the normalization after each add is removed except the
 * last one (which stays as the final normalization). Undefined unless every block is written as applyCall
 * statements reading a plain variable.
 */
export function preLnEdits(
  graph: LayerGraph,
  blocks: SkipBlock[],
  source: SourceText,
  removePostNorm: boolean,
): TextEdit[] | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const edits: TextEdit[] = [];
  const done = new Set<string>();
  const eol = source.eol;
  const sorted = [...blocks].sort((a, b) => (order.get(a.merge) ?? 0) - (order.get(b.merge) ?? 0));
  const lastPost = removePostNorm ? sorted[sorted.length - 1]?.postNorm : undefined;
  const lastPostSite = lastPost ? byId.get(lastPost)?.site : undefined;
  let lostFinalNorm = false;
  for (const block of sorted) {
    if (!block.fork) return undefined;
    const entries = block.branch.map((id) => byId.get(id) as LayerNode).filter((n) => n.inputs.includes(block.fork as string));
    if (entries.length === 0) return undefined;
    const varName = entries[0].site?.inputText;
    if (!varName || !/^[\w$]+$/.test(varName)) return undefined;
    const sts: Statement[] = [];
    for (const e of entries) {
      if (e.site?.kind !== 'applyCall' || e.site.inputText !== varName || e.site.span.file !== source.path) return undefined;
      sts.push(statementAt(source, e.site.span));
    }
    const key = sts.map((s) => s.start).join(',');
    if (!done.has(key)) {
      done.add(key);
      const first = sts.reduce((a, b) => (a.start <= b.start ? a : b));
      const firstLine = source.position(first.start).line;
      const indent = source.indentOf(firstLine);
      const ns = layersNamespaceFor(entries[0], source, 'layerNormalization');
      if (ns === undefined) return undefined;
      const h = freshName(source.text, `${varName}Norm`);
      const cast = castOf(first.text);
      const semi = first.semicolon ? ';' : '';
      const lineStart = source.offset({ line: firstLine, character: 0 });
      edits.push({
        span: source.span(lineStart, lineStart),
        newText: `${indent}const ${h} = ${qualified(ns, 'layerNormalization')}().apply(${varName})${cast}${semi}${eol}`,
      });
      for (const st of sts) {
        const r = applyArgRange(st, varName);
        if (!r) return undefined;
        edits.push({ span: source.span(r.start, r.end), newText: h });
      }
    }
    if (removePostNorm && block.postNorm) {
      const pn = byId.get(block.postNorm);
      const site = pn?.site;
      if (!pn || !site || site.kind !== 'applyCall' || !site.target || !site.inputText || !/^[\w$]+$/.test(site.inputText)) return undefined;
      const sameAsLast = lastPostSite && lastPostSite.span.start.line === site.span.start.line && lastPostSite.span.start.character === site.span.start.character;
      if (block.postNorm === lastPost && !site.inLoop) continue; // the last one stays: the final normalization
      const pkey = `post:${site.span.start.line}:${site.span.start.character}`;
      if (done.has(pkey)) continue;
      done.add(pkey);
      if (sameAsLast) lostFinalNorm = true;
      const st = statementAt(source, site.span);
      if (site.target === site.inputText) {
        // x = ln.apply(x);  -> remove the whole line
        const ls = source.offset({ line: source.position(st.start).line, character: 0 });
        const le = lineEnd(source.text, st.end);
        if (source.text.slice(ls, st.start).trim() !== '' || source.text.slice(st.end, le).trim() !== '') return undefined;
        const next = le < source.text.length ? le + (source.text[le] === '\r' ? 2 : 1) : le;
        edits.push({ span: source.span(ls, next), newText: '' });
      } else {
        const eq = st.text.indexOf('=');
        if (eq < 0) return undefined;
        let rs = eq + 1;
        while (/\s/.test(st.text[rs] ?? '')) rs++;
        const re = st.text.length - (st.semicolon ? 1 : 0);
        edits.push({ span: source.span(st.start + rs, st.start + re), newText: site.inputText });
      }
    }
  }
  if (lostFinalNorm && lastPost) {
    // The post-norm was made in a loop: add one final normalization before the first consumer outside it.
    const cons = graph.nodes.filter((n) => n.inputs.includes(lastPost) && n.site?.kind === 'applyCall' && !n.site.inLoop);
    const c = cons[0];
    const v = c?.site?.inputText;
    if (c?.site && v && /^[\w$]+$/.test(v)) {
      const st = statementAt(source, c.site.span);
      const line = source.position(st.start).line;
      const ls = source.offset({ line, character: 0 });
      const ns = layersNamespaceFor(c, source, 'layerNormalization') ?? 'tf.layers';
      const cast = castOf(st.text);
      edits.push({
        span: source.span(ls, ls),
        newText: `${source.indentOf(line)}${v} = ${qualified(ns, 'layerNormalization')}().apply(${v})${cast}${st.semicolon ? ';' : ''}${eol}`,
      });
    }
  }
  return edits.length ? dedupeEdits(edits) : undefined;
}

/** Drops identical edits and sorts them by position; undefined when two edits overlap. */
export function dedupeEdits(edits: TextEdit[]): TextEdit[] | undefined {
  const key = (e: TextEdit) => `${e.span.start.line}:${e.span.start.character}-${e.span.end.line}:${e.span.end.character}:${e.newText}`;
  const uniq = [...new Map(edits.map((e) => [key(e), e])).values()];
  const cmp = (a: TextEdit['span']['start'], b: TextEdit['span']['start']) => a.line - b.line || a.character - b.character;
  uniq.sort((a, b) => cmp(a.span.start, b.span.start) || cmp(a.span.end, b.span.end));
  for (let i = 1; i < uniq.length; i++) {
    if (cmp(uniq[i].span.start, uniq[i - 1].span.end) < 0) return undefined;
  }
  return uniq;
}

/** Applies edits to a text (for tests and the CLI's --fix preview): edits must not overlap. */
export function applyEdits(source: SourceText, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => source.offset(b.span.start) - source.offset(a.span.start) || source.offset(b.span.end) - source.offset(a.span.end));
  let text = source.text;
  for (const e of sorted) text = text.slice(0, source.offset(e.span.start)) + e.newText + text.slice(source.offset(e.span.end));
  return text;
}
