/**
 * Mutations of the fuzzer. Source files: token deletions and duplications, truncation, numbers replaced by
 * extreme values, deeply nested expressions, huge arrays and strings, loops with enormous bounds,
 * self-recursive helpers, splices of other files, binary junk, odd Unicode. model.json files: wrong types,
 * missing layers, dangling inbound nodes, cycles, huge / zero / negative sizes, deleted keys, prototype keys,
 * self-nesting, duplicated layers. Multi-file runs: cyclic imports, mutated projects, bundles of mutated
 * files, all analysed from an in-memory file system. Everything is drawn from one seeded FuzzRng per case.
 */
import type { Corpus } from './corpus';
import { FuzzRng } from './rng';

export interface FuzzFile {
  path: string;
  text: string;
}

export interface FuzzCase {
  index: number;
  /** Mutations applied, in order (a case may stack several). */
  kinds: string[];
  /** The seed file(s) the case came from. */
  origin: string;
  /** Files of the case (under /fuzz/); the analysed ones and their unmutated siblings. */
  files: FuzzFile[];
  /** single: analyzeText on `files[0]`; multi: analyzePaths over `root` (every file must get an entry). */
  mode: 'single' | 'multi';
  root: string;
  sim: { interactive: boolean; full: boolean };
}

export const ROOT = '/fuzz';

// ------------------------------------------------------------------------------------------------
// Tokens

interface Token {
  start: number;
  end: number;
  kind: 'word' | 'number' | 'string' | 'comment' | 'space' | 'punct';
}

const TOKEN =
  /([A-Za-z_$][\w$]*)|(0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|(\s+)|([\s\S])/g;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const kind = m[1]
      ? 'word'
      : m[2]
        ? 'number'
        : m[3]
          ? 'string'
          : m[4]
            ? 'comment'
            : m[5]
              ? 'space'
              : 'punct';
    out.push({ start: m.index, end: m.index + m[0].length, kind });
  }
  return out;
}

const solid = (toks: Token[]) => toks.filter((t) => t.kind !== 'space' && t.kind !== 'comment');

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Offsets just after a `;`, `{` or newline: places where a statement can go. */
function statementPoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++)
    if (text[i] === '\n' || text[i] === ';' || text[i] === '{') out.push(i + 1);
  return out.length ? out : [0, text.length];
}

// ------------------------------------------------------------------------------------------------
// Values

/** Largest amount of text a mutation adds (chars). */
const MAX_GROWTH = 1_500_000;

const EXTREME_NUMBERS = [
  '0',
  '-1',
  '1e9',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '-1e9',
  '2 ** 53',
  '0.5',
  '-0',
  '1e-320',
  '4294967297',
];
const EXTREME_JSON_NUMBERS = [0, -1, 1e9, 1e300, -1e9, 2 ** 53, 0.5, -0.5, 1e-320, 4294967297];

function junk(rng: FuzzRng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.5) s += String.fromCharCode(rng.int(256));
    else if (r < 0.6) s += '\u0000';
    else if (r < 0.7) s += rng.pick(['\ud800', '\udfff', '\ufffd', '\ufeff', '\u2028', '\u202e', '\u0301']);
    else s += String.fromCharCode(rng.int(0x10000));
  }
  return s;
}

function nested(rng: FuzzRng, inner: string, depth: number): string {
  switch (rng.int(8)) {
    case 0:
      return '('.repeat(depth) + inner + ')'.repeat(depth);
    case 1:
      return '['.repeat(depth) + inner + ']'.repeat(depth);
    case 2:
      return inner + ' + 1'.repeat(depth);
    case 3:
      return 'c ? '.repeat(depth) + inner + ' : 0'.repeat(depth);
    case 4:
      return '(() => '.repeat(depth) + inner + ')()'.repeat(depth);
    case 5:
      return '{a: '.repeat(depth) + inner + '}'.repeat(depth);
    case 6:
      return 'f('.repeat(depth) + inner + ')'.repeat(depth);
    default:
      return '-'.repeat(depth) + inner;
  }
}

/** A model variable the file probably has (for insertions that should reach the analysis). */
function modelVar(text: string): string {
  const m = /(?:const|let|var)\s+(\w+)\s*=\s*tf\.sequential/.exec(text) ?? /(\w+)\.add\(/.exec(text);
  return m ? m[1] : 'model';
}

// ------------------------------------------------------------------------------------------------
// Source mutations

export type SourceMutation = (text: string, rng: FuzzRng, corpus: Corpus) => string;

const layer = (units: string) => `tf.layers.dense({units: ${units}, activation: 'relu'})`;

export const SOURCE_MUTATIONS: { [kind: string]: SourceMutation } = {
  'token-delete': (text, rng) => {
    const toks = solid(tokenize(text));
    if (!toks.length) return text;
    const n = rng.chance(0.3) ? rng.range(2, 30) : 1;
    const at = rng.int(toks.length);
    const last = toks[Math.min(toks.length - 1, at + (rng.chance(0.5) ? n - 1 : 0))];
    if (rng.chance(0.5)) return splice(text, toks[at].start, last.end, '');
    let out = text;
    const picks = Array.from({ length: n }, () => toks[rng.int(toks.length)]).sort(
      (a, b) => b.start - a.start,
    );
    let prev = -1;
    for (const t of picks) {
      if (t.start === prev) continue;
      prev = t.start;
      out = splice(out, t.start, t.end, '');
    }
    return out;
  },
  'token-duplicate': (text, rng) => {
    const toks = solid(tokenize(text));
    if (!toks.length) return text;
    const a = rng.int(toks.length);
    const b = Math.min(toks.length - 1, a + rng.int(rng.chance(0.2) ? 200 : 12));
    const chunk = text.slice(toks[a].start, toks[b].end);
    // at most ~1.5 MB of copies: big enough for the limits, small enough to stay under maxFileBytes mostly
    const times = rng.chance(0.2)
      ? Math.min(rng.logRange(2, 2000), Math.max(1, Math.floor(MAX_GROWTH / Math.max(1, chunk.length))))
      : 1;
    const where = rng.chance(0.5) ? toks[b].end : toks[rng.int(toks.length)].start;
    return splice(text, where, where, chunk.repeat(times));
  },
  truncate: (text, rng) => text.slice(0, rng.int(text.length + 1)),
  'number-replace': (text, rng) => {
    const nums = tokenize(text).filter((t) => t.kind === 'number');
    if (!nums.length) return text;
    const all = rng.chance(0.3);
    const value = rng.pick(EXTREME_NUMBERS);
    // one pass: the text may hold hundreds of thousands of numbers
    const parts: string[] = [];
    let last = 0;
    for (const t of nums) {
      if (!all && !rng.chance(1 / nums.length + 0.05)) continue;
      parts.push(text.slice(last, t.start), all ? value : rng.pick(EXTREME_NUMBERS));
      last = t.end;
    }
    parts.push(text.slice(last));
    return parts.join('');
  },
  'deep-nesting': (text, rng) => {
    const toks = tokenize(text).filter((t) => t.kind === 'number' || t.kind === 'word');
    const depth = rng.logRange(20, 30_000);
    if (!toks.length || rng.chance(0.3)) {
      const at = rng.pick(statementPoints(text));
      const stmt = rng.chance(0.5)
        ? `const __deep = ${nested(rng, '1', depth)};\n`
        : '{'.repeat(depth) + '}'.repeat(depth) + '\n';
      return splice(text, at, at, stmt);
    }
    const t = rng.pick(toks);
    return splice(text, t.start, t.end, nested(rng, text.slice(t.start, t.end), depth));
  },
  'huge-array': (text, rng) => {
    const v = modelVar(text);
    const n = rng.pick(['1e9', '1e6', '2 ** 32', 'Infinity', '-1', String(rng.logRange(10, 5_000_000))]);
    const forms = [
      `const __big = [${'0,'.repeat(rng.logRange(1000, 200_000))}];\nfor (const _ of __big) ${v}.add(${layer('8')});\n`,
      `const __layers = new Array(${n}).fill(0).map(() => ${layer('4')});\n__layers.forEach((l) => ${v}.add(l));\n`,
      `Array.from({length: ${n}}, () => ${layer('2')}).forEach((l) => ${v}.add(l));\n`,
      `const __k = [...Array(${n}).keys()];\nfor (const i of __k) ${v}.add(${layer('i + 1')});\n`,
      `let __a = [1];\nfor (let i = 0; i < 64; i++) __a = __a.concat(__a);\n${v}.add(${layer('__a.length')});\n`,
      `const __s = 'x'.repeat(${n});\n${v}.add(tf.layers.dense({units: 4, name: __s + __s}));\n`,
      `let __t = 'ab';\nwhile (true) __t += __t;\n`,
      `const __m = new Map();\nfor (let i = 0; i < ${n}; i++) __m.set(i, [i]);\n`,
      `const __n = JSON.parse('[' + '1,'.repeat(${n}) + '1]');\n`,
    ];
    const at = rng.pick(statementPoints(text));
    return splice(text, at, at, rng.pick(forms));
  },
  'enormous-loop': (text, rng) => {
    const v = modelVar(text);
    const n = rng.pick(['1e9', 'Infinity', '2 ** 31', '1e300', 'Number.MAX_SAFE_INTEGER']);
    const forms = [
      `for (let i = 0; i < ${n}; i++) { ${v}.add(${layer('8')}); }\n`,
      `for (let i = 0; i < ${n}; i++) { for (let j = 0; j < ${n}; j++) { ${v}.add(${layer('j')}); } }\n`,
      `while (true) {}\n`,
      `for (;;) { ${v}.add(${layer('4')}); }\n`,
      `let __i = 0;\nwhile (__i < ${n}) __i++;\n`,
      `do { ${v}.add(${layer('2')}); } while (1);\n`,
      `for (let i = ${n}; i > 0; i /= 1) {}\n`,
      `for (const x of (function* () { while (true) yield 1; })()) ${v}.add(${layer('x')});\n`,
    ];
    // Either a new loop, or an existing loop bound made enormous.
    const bound = /(<=?\s*)([\w.]+)(\s*;)/g;
    const m = [...text.matchAll(bound)];
    if (m.length && rng.chance(0.4)) {
      const x = rng.pick(m);
      const start = x.index! + x[1].length;
      return splice(text, start, start + x[2].length, n);
    }
    const at = rng.pick(statementPoints(text));
    return splice(text, at, at, rng.pick(forms));
  },
  'self-recursion': (text, rng) => {
    const v = modelVar(text);
    const forms = [
      `function __rec(n) { return __rec(n + 1) + 1; }\n__rec(0);\n`,
      `const __grow = (m) => { m.add(${layer('4')}); return __grow(m); };\n__grow(${v});\n`,
      `function __a(n) { return __b(n); }\nfunction __b(n) { return __a(n) + 1; }\nconst __u = __a(1);\n`,
      `class __C { get x() { return this.x; } }\nnew __C().x;\n`,
      `function __block(x, d) { return d > 0 ? __block(__block(x, d - 1), d - 1) : x; }\n__block(${v}, 40);\n`,
      `function __f() { return __f.call(this); }\n__f();\n`,
      `const __o = {}; __o.self = __o; JSON.stringify(__o);\n`,
      `function build(d) { const m = tf.sequential(); m.add(${layer('8')}); if (d) build(d); return m; }\nbuild(1);\n`,
    ];
    const at = rng.pick(statementPoints(text));
    return splice(text, at, at, rng.pick(forms));
  },
  splice: (text, rng, corpus) => {
    const other = rng.pick(corpus.files).text;
    const a = rng.int(other.length + 1);
    const b = Math.min(other.length, a + rng.logRange(1, 4000));
    const at = rng.int(text.length + 1);
    return splice(
      text,
      at,
      rng.chance(0.3) ? Math.min(text.length, at + rng.int(200)) : at,
      other.slice(a, b),
    );
  },
  'binary-junk': (text, rng) => {
    if (rng.chance(0.1)) return junk(rng, rng.logRange(1, 20_000));
    // past the first 8 KB the binary check does not look: junk must not hurt the parser there either
    const at = rng.chance(0.5) ? rng.int(text.length + 1) : text.length;
    const pad = rng.chance(0.3) ? '\n'.repeat(9000) : '';
    return splice(text, at, at, pad + junk(rng, rng.logRange(1, 4096)));
  },
  unicode: (text, rng) => {
    const toks = tokenize(text).filter((t) => t.kind === 'word' || t.kind === 'string');
    const weird = rng.pick([
      '\ufeff',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u0301',
      '😀',
      '\ud800',
      'ℌ',
      'ﬁ',
      '\u200b',
      'é',
      '\u0000',
    ]);
    if (!toks.length) return weird + text;
    const t = rng.pick(toks);
    const at = t.start + rng.int(t.end - t.start + 1);
    return splice(text, at, at, weird);
  },
  'hostile-names': (text, rng) => {
    const hostile = rng.pick([
      '<img src=x onerror=alert(1)>',
      '</script><script>alert(1)</script>',
      '"><svg onload=alert(1)>',
      '${alert(1)}',
      '\u2028</script>',
    ]);
    const m = [...text.matchAll(/name:\s*(['"`])([^'"`\n]*)\1/g)];
    if (m.length) {
      const x = rng.pick(m);
      const q = x[1] === '`' ? "'" : x[1];
      const escaped = hostile.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`);
      return splice(text, x.index!, x.index! + x[0].length, `name: ${q}${escaped}${q}`);
    }
    return text.replace(
      /tf\.layers\.(\w+)\(\{/,
      (_all, f: string) => `tf.layers.${f}({name: ${JSON.stringify(hostile)}, `,
    );
  },
};

// ------------------------------------------------------------------------------------------------
// model.json mutations (on the parsed document; textual ones go through the source mutations)

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObj(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every (parent, key) pair of the document. */
function slots(doc: Json): [Json[] | { [k: string]: Json }, string | number][] {
  const out: [Json[] | { [k: string]: Json }, string | number][] = [];
  const visit = (v: Json, depth: number) => {
    if (depth > 64 || out.length > 50_000) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        visit(x, depth + 1);
      });
    } else if (isObj(v)) {
      for (const k of Object.keys(v)) {
        out.push([v, k]);
        visit(v[k], depth + 1);
      }
    }
  };
  visit(doc, 0);
  return out;
}

function get(p: Json[] | { [k: string]: Json }, k: string | number): Json {
  return (p as { [k: string]: Json })[k as string];
}

function set(p: Json[] | { [k: string]: Json }, k: string | number, v: Json): void {
  (p as { [k: string]: Json })[k as string] = v;
}

/** The layers array of the topology (any of the model.json layouts), or undefined. */
function layersOf(doc: Json): Json[] | undefined {
  let found: Json[] | undefined;
  const visit = (v: Json, depth: number) => {
    if (found || depth > 8) return;
    if (isObj(v)) {
      if (Array.isArray(v.layers) && v.layers.some(isObj)) {
        found = v.layers;
        return;
      }
      for (const k of Object.keys(v)) visit(v[k], depth + 1);
    } else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
  };
  visit(doc, 0);
  return found;
}

const layerName = (l: Json): string | undefined =>
  isObj(l)
    ? typeof l.name === 'string'
      ? l.name
      : isObj(l.config) && typeof l.config.name === 'string'
        ? l.config.name
        : undefined
    : undefined;

function randomValue(rng: FuzzRng, not?: string): Json {
  for (;;) {
    const v: Json = rng.pick<Json>([
      null,
      true,
      'garbage',
      rng.pick(EXTREME_JSON_NUMBERS),
      [],
      {},
      [1e9, -1],
      { class_name: 'Dense' },
      '__proto__',
      [[[]]],
      'NaN',
    ]);
    if (typeof v !== not) return v;
  }
}

const SIZE_KEYS =
  /^(units|filters|kernel_size|kernelSize|strides|pool_size|poolSize|input_dim|inputDim|output_dim|outputDim|num_heads|numHeads|key_dim|keyDim|value_dim|rate|axis|dims|target_shape|targetShape|batch_input_shape|batchInputShape|input_shape|inputShape|batch_shape|dilation_rate|depth_multiplier|cropping|padding|size|n|epsilon|momentum|scale|stddev|mean|minval|maxval|gain)$/;

function sizeSlots(doc: Json) {
  return slots(doc).filter(([p, k]) => {
    const v = get(p, k);
    return typeof k === 'string' && SIZE_KEYS.test(k) && (typeof v === 'number' || Array.isArray(v));
  });
}

function setSizes(doc: Json, rng: FuzzRng, value: () => number): void {
  const all = sizeSlots(doc);
  if (!all.length) return;
  const n = rng.chance(0.3) ? all.length : rng.range(1, Math.min(3, all.length));
  for (let i = 0; i < n; i++) {
    const [p, k] = rng.chance(0.3) && n === all.length ? all[i] : rng.pick(all);
    const v = get(p, k);
    if (Array.isArray(v))
      set(
        p,
        k,
        v.map((x) => (typeof x === 'number' || rng.chance(0.3) ? value() : x)),
      );
    else set(p, k, value());
  }
}

export type JsonMutation = (doc: Json, rng: FuzzRng) => Json;

export const JSON_MUTATIONS: { [kind: string]: JsonMutation } = {
  'json-wrong-type': (doc, rng) => {
    const s = slots(doc);
    const n = rng.range(1, 4);
    for (let i = 0; i < n && s.length; i++) {
      const [p, k] = rng.pick(s);
      set(p, k, randomValue(rng, typeof get(p, k)));
    }
    if (rng.chance(0.05)) return randomValue(rng);
    return doc;
  },
  'json-missing-layers': (doc, rng) => {
    const layers = layersOf(doc);
    if (!layers) return doc;
    const r = rng.int(4);
    if (r === 0) layers.length = 0;
    else if (r === 1) layers.splice(rng.int(layers.length), rng.range(1, 3));
    else if (r === 2) layers.splice(0, 1);
    else for (let i = layers.length - 1; i >= 0; i--) if (rng.chance(0.5)) layers.splice(i, 1);
    return doc;
  },
  'json-dangling-inbound': (doc, rng) => {
    const refs = slots(doc).filter(
      ([p, k]) => Array.isArray(p) && k === 0 && typeof get(p, k) === 'string' && p.length >= 3,
    );
    if (!refs.length) return JSON_MUTATIONS['json-missing-layers'](doc, rng);
    const [p] = rng.pick(refs);
    const a = p as Json[];
    const r = rng.int(4);
    if (r === 0) a[0] = `nowhere_${rng.int(1000)}`;
    else if (r === 1) a[1] = rng.pick([99, -1, 1e9, 0.5]);
    else if (r === 2) a[2] = rng.pick([99, -1, 1e9]);
    else a.length = 1;
    return doc;
  },
  'json-cycle': (doc, rng) => {
    const layers = layersOf(doc);
    if (!layers || layers.length < 2) return doc;
    const names = layers.map(layerName);
    const i = rng.int(layers.length);
    const j = rng.chance(0.3) ? i : rng.int(layers.length);
    const target = names[Math.max(i, j)];
    const l = layers[Math.min(i, j)];
    if (!isObj(l) || !target) return doc;
    const ref: Json = [target, 0, 0, {}];
    if (rng.chance(0.5)) l.inbound_nodes = [[ref]];
    else
      l.inbound_nodes = [
        { args: [{ class_name: '__keras_tensor__', config: { keras_history: [target, 0, 0] } }], kwargs: {} },
      ];
    // cycles also through the model's outputs
    if (rng.chance(0.3) && isObj(doc)) {
      const s = slots(doc).filter(([, k]) => k === 'output_layers' || k === 'input_layers');
      for (const [p, k] of s) set(p, k, [[target, 0, 0]]);
    }
    return doc;
  },
  'json-huge': (doc, rng) => (
    setSizes(doc, rng, () => rng.pick([1e9, 1e300, 2 ** 53, 4294967297, 1e15])),
    doc
  ),
  'json-zero-width': (doc, rng) => (setSizes(doc, rng, () => 0), doc),
  'json-negative': (doc, rng) => (setSizes(doc, rng, () => rng.pick([-1, -1e9, -0.5, -3])), doc),
  'json-delete-key': (doc, rng) => {
    const s = slots(doc).filter(([p]) => !Array.isArray(p));
    const n = rng.range(1, 5);
    for (let i = 0; i < n && s.length; i++) {
      const [p, k] = rng.pick(s);
      delete (p as { [k: string]: Json })[k];
    }
    return doc;
  },
  'json-duplicate-layers': (doc, rng) => {
    const layers = layersOf(doc);
    if (!layers || !layers.length) return doc;
    if (rng.chance(0.15)) {
      // many small layers: past maxNodes (20,000) within maxFileBytes
      const n = rng.logRange(1000, 30_000);
      layers.push(
        ...Array.from(
          { length: n },
          (_, i): Json => ({ class_name: 'Dense', config: { units: 4, name: `d${i}` } }),
        ),
      );
      return doc;
    }
    if (rng.chance(0.3)) {
      const copy = layers.slice();
      const size = JSON.stringify(copy).length;
      const times = Math.min(
        rng.logRange(2, 30_000 / Math.max(1, copy.length)),
        Math.max(1, Math.floor(MAX_GROWTH / Math.max(1, size))),
      );
      for (let t = 0; t < times; t++) layers.push(...copy);
      return doc;
    }
    const l = rng.pick(layers);
    layers.splice(rng.int(layers.length + 1), 0, JSON.parse(JSON.stringify(l)) as Json);
    return doc;
  },
  'json-nest': (doc, rng) => {
    const layers = layersOf(doc);
    if (!layers || !isObj(doc)) return doc;
    // a copy of the whole topology as a layer of itself, several levels deep
    const depth = rng.logRange(1, 400);
    const topo = JSON.parse(JSON.stringify(isObj(doc.modelTopology) ? doc.modelTopology : doc)) as Json;
    let inner: Json = topo;
    for (let d = 0; d < depth; d++)
      inner = {
        class_name: rng.pick(['Sequential', 'Model']),
        config: { name: `nest${d}`, layers: [inner] },
      };
    layers.splice(rng.int(layers.length + 1), 0, inner);
    return doc;
  },
  'json-class': (doc, rng) => {
    const s = slots(doc).filter(
      ([p, k]) => k === 'class_name' || k === 'className' || (k === 'name' && !Array.isArray(p)),
    );
    if (!s.length) return doc;
    const [p, k] = rng.pick(s);
    set(
      p,
      k,
      rng.pick([
        'NoSuchLayer',
        '__proto__',
        'constructor',
        'toString',
        'Sequential',
        'Model',
        'Functional',
        '',
        'TFOpLambda',
        'Lambda',
        '<img src=x onerror=alert(1)>',
        'hasOwnProperty',
      ]),
    );
    return doc;
  },
  'json-proto-keys': (doc, rng) => {
    const objs = slots(doc)
      .map(([p, k]) => get(p, k))
      .filter(isObj);
    const o = objs.length ? rng.pick(objs) : isObj(doc) ? doc : undefined;
    if (!o) return doc;
    const key = rng.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);
    Object.defineProperty(o, key, {
      value: randomValue(rng),
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return doc;
  },
};

function mutateJsonText(text: string, rng: FuzzRng, kind: string): string {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return text;
  }
  const out = JSON_MUTATIONS[kind](doc, rng);
  return JSON.stringify(out, null, rng.chance(0.5) ? 2 : undefined) ?? 'null';
}

/** Textual mutations that also apply to JSON text. */
const JSON_TEXTUAL = [
  'token-delete',
  'token-duplicate',
  'truncate',
  'number-replace',
  'binary-junk',
  'unicode',
  'splice',
];

// ------------------------------------------------------------------------------------------------
// Cases

const SOURCE_WEIGHTS: [string, number][] = [
  ['token-delete', 14],
  ['token-duplicate', 8],
  ['truncate', 6],
  ['number-replace', 12],
  ['deep-nesting', 6],
  ['huge-array', 5],
  ['enormous-loop', 6],
  ['self-recursion', 5],
  ['splice', 6],
  ['binary-junk', 4],
  ['unicode', 3],
  ['hostile-names', 2],
];

const JSON_WEIGHTS: [string, number][] = [
  ['json-wrong-type', 12],
  ['json-missing-layers', 6],
  ['json-dangling-inbound', 6],
  ['json-cycle', 6],
  ['json-huge', 6],
  ['json-zero-width', 5],
  ['json-negative', 5],
  ['json-delete-key', 8],
  ['json-duplicate-layers', 3],
  ['json-nest', 2],
  ['json-class', 5],
  ['json-proto-keys', 3],
  ['textual', 10],
];

function mutateFile(
  f: { rel: string; text: string; json: boolean },
  rng: FuzzRng,
  corpus: Corpus,
  kinds: string[],
): string {
  let text = f.text;
  const n = rng.chance(0.25) ? rng.range(2, 3) : 1;
  for (let i = 0; i < n; i++) {
    if (f.json) {
      let k = rng.weighted(JSON_WEIGHTS);
      if (k === 'textual') k = rng.pick(JSON_TEXTUAL);
      text = k.startsWith('json-') ? mutateJsonText(text, rng, k) : SOURCE_MUTATIONS[k](text, rng, corpus);
      kinds.push(k);
    } else {
      const k = rng.weighted(SOURCE_WEIGHTS);
      text = SOURCE_MUTATIONS[k](text, rng, corpus);
      kinds.push(k);
    }
  }
  return text;
}

const at = (rel: string) => `${ROOT}/${rel}`;

function simChoice(rng: FuzzRng): FuzzCase['sim'] {
  const r = rng.next();
  return { interactive: r < 0.6, full: r >= 0.5 && r < 0.62 };
}

/** Two or three files importing each other in a ring (plus self-imports), each a mutated corpus source. */
function cyclicImports(rng: FuzzRng, corpus: Corpus, kinds: string[]): FuzzFile[] {
  const n = rng.range(1, 3);
  const files: FuzzFile[] = [];
  for (let i = 0; i < n; i++) {
    const seed = rng.pick(corpus.sources);
    const next = `./m${(i + 1) % n}`;
    const head = rng.pick([
      `import { build${(i + 1) % n} } from '${next}';\nimport * as self${i} from './m${i}';\n`,
      `import * as other from '${next}';\nexport * from '${next}';\n`,
      `const other = require('${next}');\nmodule.exports = other;\n`,
      `export { default } from '${next}';\nimport d from '${next}';\n`,
    ]);
    const tail = `\nexport function build${i}(d = 2) { const m = tf.sequential(); m.add(tf.layers.dense({units: 8, inputShape: [4]})); if (d > 0) build${(i + 1) % n}(d - 1); return m; }\nexport default build${i};\n`;
    let text = `import * as tf from '@tensorflow/tfjs';\n${head}${seed.text}${tail}`;
    if (rng.chance(0.5)) text = mutateFile({ rel: seed.rel, text, json: false }, rng, corpus, kinds);
    files.push({ path: at(`cycle/m${i}.ts`), text });
  }
  kinds.unshift('cyclic-imports');
  return files;
}

/** Builds case `index` of a run with `seed`. Deterministic: the same (seed, index) gives the same case. */
export function makeCase(corpus: Corpus, seed: number, index: number): FuzzCase {
  const rng = FuzzRng.forCase(seed, index);
  const kinds: string[] = [];
  const sim = simChoice(rng);
  const mode = rng.weighted<'single' | 'cycle' | 'project' | 'bundle'>([
    ['single', 80],
    ['cycle', 6],
    ['project', 7],
    ['bundle', 7],
  ]);
  if (mode === 'cycle') {
    const files = cyclicImports(rng, corpus, kinds);
    const single = rng.chance(0.5);
    return {
      index,
      kinds,
      origin: 'cyclic imports',
      files,
      mode: single ? 'single' : 'multi',
      root: `${ROOT}/cycle`,
      sim,
    };
  }
  if (mode === 'project' && corpus.projects.length) {
    const p = rng.pick(corpus.projects);
    const files = p.files.map((f) => ({
      path: at(f.rel),
      text: rng.chance(0.4) ? mutateFile(f, rng, corpus, kinds) : f.text,
    }));
    if (!kinds.length) {
      const i = rng.int(files.length);
      files[i].text = mutateFile(p.files[i], rng, corpus, kinds);
    }
    return { index, kinds, origin: p.dir, files, mode: 'multi', root: at(p.dir), sim };
  }
  if (mode === 'bundle') {
    const n = rng.range(2, 6);
    const files: FuzzFile[] = [];
    const origins: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = rng.pick(corpus.files);
      origins.push(f.rel);
      const name = f.rel.slice(f.rel.lastIndexOf('/') + 1);
      files.push({
        path: `${ROOT}/bundle/${i}_${name}`,
        text: rng.chance(0.7) ? mutateFile(f, rng, corpus, kinds) : f.text,
      });
    }
    if (!kinds.length) kinds.push('none');
    return { index, kinds, origin: origins.join(', '), files, mode: 'multi', root: `${ROOT}/bundle`, sim };
  }
  const f = rng.pick(corpus.files);
  const text = mutateFile(f, rng, corpus, kinds);
  // the unmutated siblings of a project file, for its relative imports
  const project = corpus.projects.find((p) => f.rel.startsWith(`${p.dir}/`));
  const siblings = project
    ? project.files.filter((x) => x !== f).map((x) => ({ path: at(x.rel), text: x.text }))
    : [];
  return {
    index,
    kinds,
    origin: f.rel,
    files: [{ path: at(f.rel), text }, ...siblings],
    mode: 'single',
    root: ROOT,
    sim,
  };
}
