/**
 * TypeScript/JavaScript source -> LayerGraph[]: parses with the TypeScript compiler API (loaded lazily),
 * statically evaluates the file (evaluator.ts; the user's code is never run), analyses builders nobody calls
 * (roots.ts) and assembles one graph per tfjs model found (graphBuilder.ts). Never throws on user input.
 */
import type { LayerGraph, Note } from '../graph/types';
import { AutoNamer } from '../graph/catalog';
import type { Namer } from './graphBuilder';
import { resolveLimits } from '../limits';
import type { SourceFile } from 'typescript';
import type { Limits } from '../limits';
import type { ParseOptions, ParseResult } from './types';
import { getTs } from './tsLoader';
import { Cancelled, Evaluator, LimitHit, scriptKindFor, sourceFileOptions } from './evaluator';
import { analyseUncalled } from './roots';
import { GraphAssembler, type BuildContext } from './graphBuilder';
import { analyseCustomLayer } from './customLayer';
import { findSuppressions } from './suppressions';
import { reachesTfjs } from './modules';
import type { ModelVal } from './values';

/** How many parse diagnostics a syntax note lists. */
const MAX_SYNTAX_NOTES = 3;

function byteLength(text: string): number {
  return typeof Buffer !== 'undefined'
    ? Buffer.byteLength(text, 'utf8')
    : new TextEncoder().encode(text).length;
}

/** File-unique model names: the binding name, else the builder, else 'model'; repeats get _1, _2 ... */
function nameModels(models: ModelVal[]): void {
  const used = new Set<string>();
  // next suffix to try per base name: linear in the number of models, however many share a name
  const nextSuffix = new Map<string, number>();
  for (const m of models) {
    const base = m.bindName ?? m.builder ?? 'model';
    let name = base;
    let i = nextSuffix.get(base) ?? 1;
    while (used.has(name)) name = `${base}_${i++}`;
    nextSuffix.set(base, i);
    used.add(name);
    m.finalName = name;
  }
}

/**
 * The catalog's AutoNamer, asked once per className for its prefix: `next` is called for every unnamed layer
 * and toSnakeCase (two regex replaces) showed in profiles of large files. Names are identical.
 */
function cachedNamer(base: AutoNamer): Namer {
  const prefix = new Map<string, { stem: string; n: number }>();
  return {
    next(className: string): string {
      let p = prefix.get(className);
      if (!p) {
        // The first name of a class ends in its counter, 1: the rest is the stem.
        const first = base.next(className);
        if (!first.endsWith('1')) return first;
        p = { stem: first.slice(0, -1), n: 1 };
        prefix.set(className, p);
        return first;
      }
      p.n++;
      return `${p.stem}${p.n}`;
    },
  };
}

export function parseSource(path: string, text: string, opts: ParseOptions = {}): ParseResult {
  const limits = resolveLimits(opts.limits);
  const result: ParseResult = { graphs: [], notes: [], errors: [], suppressions: [] };
  const size = byteLength(text);
  if (size > limits.maxFileBytes) {
    result.errors.push({
      kind: 'limit',
      message: `File not analysed: ${size} bytes is more than the limit maxFileBytes (${limits.maxFileBytes}).`,
    });
    return result;
  }
  const ts = getTs();
  let sf: SourceFile;
  try {
    sf = ts.createSourceFile(path, text, sourceFileOptions(), false, scriptKindFor(path));
  } catch (e) {
    // The TypeScript parser overflows the stack on pathologically nested code (thousands of levels).
    result.errors.push({
      kind: 'limit',
      message:
        e instanceof RangeError
          ? `File not analysed: its code nests too deeply for the TypeScript parser, which ran out of stack (${e.message}); no models from this file.`
          : `File not analysed: the parser gave up (${e instanceof Error ? e.message : String(e)}).`,
    });
    return result;
  }
  try {
    analyse(path, text, sf, limits, opts, result);
  } catch (e) {
    // Internal errors are caught per statement, builder and model; this is the last net (a stack overflow).
    result.notes.push({
      kind: 'unsupported',
      message: `Internal analyser error (${e instanceof Error ? e.message : String(e)}): models found so far are kept.`,
    });
  }
  return result;
}

function analyse(
  path: string,
  text: string,
  sf: SourceFile,
  limits: Limits,
  opts: ParseOptions,
  result: ParseResult,
): void {
  const ts = getTs();
  result.suppressions = findSuppressions(ts, sf, text);

  const at = (pos: number) => {
    const lc = sf.getLineAndCharacterOfPosition(pos);
    return { line: lc.line, character: lc.character };
  };
  const diags =
    (sf as unknown as { parseDiagnostics?: readonly import('typescript').DiagnosticWithLocation[] })
      .parseDiagnostics ?? [];
  for (const d of diags.slice(0, MAX_SYNTAX_NOTES)) {
    const start = d.start ?? 0;
    const end = start + (d.length ?? 0);
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const p = at(start);
    result.notes.push({
      kind: 'syntax',
      message: `Syntax error at line ${p.line + 1}, column ${p.character + 1}: ${msg} (the analysis continues on the recovered code).`,
      span: { file: path, start: p, end: at(end) },
    });
  }
  if (diags.length > MAX_SYNTAX_NOTES) {
    result.notes.push({
      kind: 'syntax',
      message: `${diags.length - MAX_SYNTAX_NOTES} more syntax errors not listed.`,
    });
  }
  // One cache of the other files for the gate and the evaluator.
  const files = new Map<string, string | undefined>();
  const host = opts.host;
  const read = host
    ? (p: string) => {
        if (!files.has(p)) {
          let t: string | undefined;
          try {
            t = host.readFile(p);
          } catch {
            t = undefined;
          }
          files.set(p, t);
        }
        return files.get(p);
      }
    : undefined;
  if (!reachesTfjs(path, text, read)) return;

  const ev = new Evaluator(path, sf, text, {
    limits,
    cancel: opts.cancel,
    host: read ? { readFile: read } : undefined,
  });
  const mod = ev.main;
  let stopped: Note | undefined;
  let cancelled = false;
  try {
    ev.runModule(mod);
    analyseUncalled(ev, mod);
  } catch (e) {
    if (e instanceof LimitHit) stopped = e.note;
    else if (e instanceof Cancelled) cancelled = true;
    else {
      result.notes.push({
        kind: 'unsupported',
        message: `Internal analyser error (${e instanceof Error ? e.message : String(e)}): models found so far are kept.`,
      });
    }
  }
  if (cancelled) {
    result.notes.push({
      kind: 'info',
      message: 'Analysis cancelled: the models found so far are incomplete.',
    });
  }

  let models = ev.models.filter((m) => m.reported);
  if (models.length > limits.maxModels) {
    result.notes.push({
      kind: 'limit',
      message:
        `This file makes more than ${limits.maxModels} models (limit maxModels): this one and the ${models.length - limits.maxModels - 1} ` +
        `made after it are not reported; the ${limits.maxModels} reported are complete.`,
      span: models[limits.maxModels].span,
    });
    models = models.slice(0, limits.maxModels);
  }
  nameModels(models);
  const namer = cachedNamer(new AutoNamer());
  const attached = new Set<Note>();
  const ctx: BuildContext = {
    namer,
    maxNodes: limits.maxNodes,
    fileNodes: { used: 0, max: limits.maxFileNodes },
    fileScope: ev.fileScope,
    fileNotes: ev.fileNoteUid,
    customInfo: (layer, shapes) =>
      analyseCustomLayer(ev, layer, shapes, (inputs, outputs, name, span) =>
        new GraphAssembler(ctx).buildBody(inputs, outputs, name, span),
      ),
  };
  /** Each graph's name before copies got suffixes (mlp for mlp_1): copies of one model share it. */
  const bases = new Map<LayerGraph, string>();
  for (const [i, m] of models.entries()) {
    if (ctx.fileNodes && ctx.fileNodes.used >= ctx.fileNodes.max) {
      result.notes.push({
        kind: 'limit',
        message:
          `The models of this file have ${ctx.fileNodes.max} layer nodes together (limit maxFileNodes): this model and the ` +
          `${models.length - i - 1} after it are not reported; the ${i} reported are complete or say where they stop.`,
        span: m.span,
      });
      break;
    }
    let graph: LayerGraph;
    try {
      graph = new GraphAssembler(ctx).build(m);
    } catch (e) {
      if (e instanceof Cancelled) break;
      result.notes.push({
        kind: 'unsupported',
        message: `Internal analyser error while assembling model ${m.displayName} (${e instanceof Error ? e.message : String(e)}); it is left out.`,
        span: m.span,
      });
      continue;
    }
    if (stopped) graph.notes.push(stopped);
    for (const n of graph.notes) attached.add(n);
    result.graphs.push(graph);
    bases.set(graph, m.bindName ?? m.builder ?? 'model');
  }

  result.graphs = collapseCopies(result.graphs, bases);

  // File-level notes: limits no model carries, internal errors, unresolved imports, top-level assumptions.
  const listed = new Set(result.notes);
  const add = (n: Note) => {
    if (listed.has(n)) return;
    listed.add(n);
    result.notes.push(n);
  };
  for (const n of ev.globalNotes) add(n);
  for (const n of ev.limitNotes) if (!attached.has(n)) add(n);
  for (const n of ev.fileScope.notes) if (!attached.has(n) && n.kind !== 'limit') add(n);
}

/**
 * Copies of one model, built by the same code into the same layers and bound to the same name (a class that
 * builds a sub-model in its constructor, instantiated in a loop; a builder called from several places), are
 * reported once: their findings would be the same diagnostics at the same places. The kept model's note says how
 * many there were. Models bound to different names (a DQN's online and target networks) stay separate.
 */
function collapseCopies(graphs: LayerGraph[], bases: Map<LayerGraph, string>): LayerGraph[] {
  if (graphs.length < 2) return graphs;
  const key = (g: LayerGraph): string => {
    const at = (s: { start: { line: number; character: number } } | undefined) => (s ? `${s.start.line}:${s.start.character}` : '');
    return JSON.stringify([
      bases.get(g) ?? g.name,
      g.api,
      at(g.span),
      g.inputs,
      g.outputs,
      g.nodes.map((n) => {
        // Auto names differ between copies (dense_Dense1_input, dense_Dense5_input): not part of the layers.
        const { name: _name, ...config } = n.config;
        return [n.className, config, n.inputs, at(n.span), n.custom?.userClass ?? '', n.custom?.opaque ?? false];
      }),
    ]);
  };
  const first = new Map<string, { graph: LayerGraph; copies: string[] }>();
  const out: LayerGraph[] = [];
  for (const g of graphs) {
    const k = key(g);
    const seen = first.get(k);
    if (seen) {
      seen.copies.push(g.name);
      continue;
    }
    first.set(k, { graph: g, copies: [] });
    out.push(g);
  }
  for (const { graph, copies } of first.values()) {
    if (copies.length === 0) continue;
    const shown = copies.slice(0, 5).join(', ') + (copies.length > 5 ? `, and ${copies.length - 5} more` : '');
    graph.notes.push({
      kind: 'info',
      message: `The same code builds ${copies.length + 1} models with the same layers (also ${shown}): reported once.`,
      span: graph.span,
    });
  }
  return out;
}
