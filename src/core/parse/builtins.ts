/**
 * The JavaScript built-ins the static evaluator understands: Math, Array, Object, JSON, Number, String,
 * array/string/number methods, Function.prototype.call/apply/bind, require and a global `tf` (script-tag code).
 * Callbacks (map, forEach, reduce, Array.from ...) are evaluated per element, bounded by maxLoopIterations.
 */
import type * as TS from 'typescript';
import type { Evaluator } from './evaluator';
import {
  ArrayVal,
  BuiltinVal,
  FunctionVal,
  ObjectVal,
  TfRef,
  UnknownVal,
  truthy,
  type Env,
  type Value,
} from './values';
import { dict } from '../dict';

type Fn = (thisVal: Value, args: Value[], node: TS.Node | undefined) => Value;

/**
 * Whether `n` more elements fit in an array of `len` (limits.maxArrayLength: a doubling loop must not eat
 * memory); notes the limit once where it is hit.
 */
export function arrayRoom(ev: Evaluator, len: number, n: number, node: TS.Node | undefined): boolean {
  const max = ev.limits.maxArrayLength;
  if (len + n <= max) return true;
  if (node) {
    ev.note(
      'limit',
      `An array grew past ${max} elements here (limit maxArrayLength): the extra elements are left out; the elements before them are kept.`,
      node,
    );
  }
  return false;
}
const b = (name: string, fn: Fn): BuiltinVal => new BuiltinVal(name, fn);

function num(v: Value): number | UnknownVal {
  if (v instanceof UnknownVal) return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || v === undefined) return Number(v);
  return new UnknownVal('an object used as a number');
}

function firstUnknown(args: Value[]): UnknownVal | undefined {
  for (const a of args) if (a instanceof UnknownVal) return a;
  return undefined;
}

function allPrimitive(args: Value[]): boolean {
  return args.every((a) => a === null || a === undefined || typeof a !== 'object');
}

/** Items of an iterable value (arrays, strings); undefined when not statically iterable. */
export function iterableItems(_ev: Evaluator, v: Value): Value[] | undefined {
  if (v instanceof ArrayVal) return v.items.slice();
  if (typeof v === 'string') return [...v];
  if (v instanceof ObjectVal && v.props.has('__iterItems')) {
    const it = v.props.get('__iterItems');
    if (it instanceof ArrayVal) return it.items.slice();
  }
  return undefined;
}

function makeArrayOfLength(ev: Evaluator, n: Value, node: TS.Node | undefined, what: string): ArrayVal {
  let len: number;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) {
    len = Math.floor(n);
    if (len > ev.limits.maxLoopIterations) {
      if (node) ev.loopAllowed(ev.limits.maxLoopIterations, node);
      len = ev.limits.maxLoopIterations;
    }
  } else if (node) len = ev.assumedCount(what, n, node);
  else len = 0;
  return new ArrayVal(new Array<Value>(len).fill(undefined));
}

/** Calls `cb(item, index, array)` per item, bounded; returns the results (undefined entries when cut). */
function eachItem(
  ev: Evaluator,
  arr: ArrayVal,
  cb: Value,
  node: TS.Node | undefined,
  f: (r: Value, x: Value, i: number) => boolean | void,
): void {
  const items = arr.items;
  for (let i = 0; i < items.length; i++) {
    if (node && !ev.loopAllowed(i, node)) return;
    const r = ev.callValue(cb, undefined, [items[i], i, arr], node);
    if (f(r, items[i], i) === false) return;
  }
}

export function arrayProp(ev: Evaluator, arr: ArrayVal, key: string): Value {
  if (key === 'length') return arr.items.length;
  const c = key.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const i = Number(key);
    if (Number.isInteger(i)) return arr.items[i];
  }
  const m = ARRAY_METHODS[key];
  if (m)
    return b(key, (_t, args, node) => {
      ev.charge(arr.items.length, node);
      return m(ev, arr, args, node);
    });
  if (key === 'then')
    return b('then', (_t, args, node) => (args[0] ? ev.callValue(args[0], undefined, [arr], node) : arr));
  if (key === 'catch' || key === 'finally') return b(key, () => arr);
  return undefined;
}

type ArrayMethod = (ev: Evaluator, arr: ArrayVal, args: Value[], node: TS.Node | undefined) => Value;

const ARRAY_METHODS: { [key: string]: ArrayMethod } = dict({
  push(ev, arr, args, node) {
    if (!arrayRoom(ev, arr.items.length, args.length, node)) return arr.items.length;
    for (const a of args) arr.items.push(a);
    return arr.items.length;
  },
  unshift(ev, arr, args, node) {
    if (!arrayRoom(ev, arr.items.length, args.length, node)) return arr.items.length;
    arr.items.unshift(...args);
    return arr.items.length;
  },
  pop: (_ev, arr) => arr.items.pop(),
  shift: (_ev, arr) => arr.items.shift(),
  map(ev, arr, args, node) {
    const out: Value[] = [];
    eachItem(ev, arr, args[0], node, (r) => {
      out.push(r);
    });
    return new ArrayVal(out);
  },
  flatMap(ev, arr, args, node) {
    const out: Value[] = [];
    eachItem(ev, arr, args[0], node, (r) => {
      const add = r instanceof ArrayVal ? r.items : [r];
      if (!arrayRoom(ev, out.length, add.length, node)) return false;
      for (const x of add) out.push(x);
    });
    return new ArrayVal(out);
  },
  forEach(ev, arr, args, node) {
    eachItem(ev, arr, args[0], node, () => undefined);
    return undefined;
  },
  filter(ev, arr, args, node) {
    const out: Value[] = [];
    let unknown: UnknownVal | undefined;
    eachItem(ev, arr, args[0], node, (r, x) => {
      if (r instanceof UnknownVal) {
        unknown ??= r;
        out.push(x);
      } else if (r !== undefined && r !== null && r !== false && r !== 0 && r !== '') out.push(x);
    });
    if (unknown && node)
      ev.note(
        'assumption',
        `filter predicate depends on ${unknown.label}, not known statically: all elements assumed kept.`,
        node,
      );
    return new ArrayVal(out);
  },
  some(ev, arr, args, node) {
    let res: Value = false;
    eachItem(ev, arr, args[0], node, (r) => {
      if (r instanceof UnknownVal) res = r;
      else if (r) {
        res = true;
        return false;
      }
    });
    return res;
  },
  every(ev, arr, args, node) {
    let res: Value = true;
    eachItem(ev, arr, args[0], node, (r) => {
      if (r instanceof UnknownVal) res = r;
      else if (!r) {
        res = false;
        return false;
      }
    });
    return res;
  },
  find(ev, arr, args, node) {
    let res: Value = undefined;
    eachItem(ev, arr, args[0], node, (r, x) => {
      if (r instanceof UnknownVal) {
        res = r;
        return false;
      }
      if (r) {
        res = x;
        return false;
      }
    });
    return res;
  },
  findIndex(ev, arr, args, node) {
    let res: Value = -1;
    eachItem(ev, arr, args[0], node, (r, _x, i) => {
      if (r instanceof UnknownVal) {
        res = r;
        return false;
      }
      if (r) {
        res = i;
        return false;
      }
    });
    return res;
  },
  reduce(ev, arr, args, node) {
    const items = arr.items;
    let i = 0;
    let acc: Value;
    if (args.length >= 2) acc = args[1];
    else {
      acc = items[0];
      i = 1;
    }
    for (; i < items.length; i++) {
      if (node && !ev.loopAllowed(i, node)) break;
      acc = ev.callValue(args[0], undefined, [acc, items[i], i, arr], node);
    }
    return acc;
  },
  reduceRight(ev, arr, args, node) {
    const items = arr.items;
    let i = items.length - 1;
    let acc: Value;
    if (args.length >= 2) acc = args[1];
    else {
      acc = items[i];
      i--;
    }
    for (let n = 0; i >= 0; i--, n++) {
      if (node && !ev.loopAllowed(n, node)) break;
      acc = ev.callValue(args[0], undefined, [acc, items[i], i, arr], node);
    }
    return acc;
  },
  includes(_ev, arr, args) {
    if (args[0] instanceof UnknownVal) return args[0];
    return arr.items.includes(args[0]);
  },
  indexOf(_ev, arr, args) {
    if (args[0] instanceof UnknownVal) return args[0];
    return arr.items.indexOf(args[0]);
  },
  lastIndexOf(_ev, arr, args) {
    if (args[0] instanceof UnknownVal) return args[0];
    return arr.items.lastIndexOf(args[0]);
  },
  join(_ev, arr, args) {
    const sep = args[0] === undefined ? ',' : args[0];
    if (typeof sep !== 'string') return new UnknownVal('a join separator');
    const parts: string[] = [];
    for (const x of arr.items) {
      if (x === undefined || x === null) parts.push('');
      else if (typeof x === 'object') return new UnknownVal('an array of objects joined');
      else parts.push(String(x));
    }
    return parts.join(sep);
  },
  slice(_ev, arr, args) {
    const a = args[0] === undefined ? 0 : num(args[0]);
    const e = args[1] === undefined ? undefined : num(args[1]);
    if (a instanceof UnknownVal) return a;
    if (e instanceof UnknownVal) return e;
    return new ArrayVal(arr.items.slice(a, e));
  },
  splice(_ev, arr, args) {
    const a = num(args[0]);
    const d = args[1] === undefined ? arr.items.length : num(args[1]);
    if (a instanceof UnknownVal) return a;
    if (d instanceof UnknownVal) return d;
    return new ArrayVal(arr.items.splice(a, d, ...args.slice(2)));
  },
  concat(ev, arr, args, node) {
    const out = arr.items.slice();
    for (const a of args) {
      const add = a instanceof ArrayVal ? a.items : [a];
      if (!arrayRoom(ev, out.length, add.length, node)) break;
      for (const x of add) out.push(x);
    }
    return new ArrayVal(out);
  },
  reverse(_ev, arr) {
    arr.items.reverse();
    return arr;
  },
  fill(_ev, arr, args) {
    const a = args[1] === undefined ? 0 : num(args[1]);
    const e = args[2] === undefined ? arr.items.length : num(args[2]);
    if (a instanceof UnknownVal || e instanceof UnknownVal) return arr;
    arr.items.fill(args[0], a, e);
    return arr;
  },
  keys: (_ev, arr) => new ArrayVal(arr.items.map((_, i) => i)),
  values: (_ev, arr) => new ArrayVal(arr.items.slice()),
  entries: (_ev, arr) => new ArrayVal(arr.items.map((x, i) => new ArrayVal([i, x]))),
  flat(ev, arr, args, node) {
    const depth = typeof args[0] === 'number' ? Math.min(args[0], 32) : 1;
    const out: Value[] = [];
    const flatten = (items: Value[], d: number): boolean => {
      for (const x of items) {
        if (x instanceof ArrayVal && d > 0) {
          if (!flatten(x.items, d - 1)) return false;
        } else if (!arrayRoom(ev, out.length, 1, node)) return false;
        else out.push(x);
      }
      return true;
    };
    flatten(arr.items, depth);
    return new ArrayVal(out);
  },
  at(_ev, arr, args) {
    const i = num(args[0]);
    if (i instanceof UnknownVal) return i;
    return arr.items.at(i);
  },
  sort(ev, arr, args, node) {
    if (args[0] === undefined) {
      if (allPrimitive(arr.items)) arr.items.sort();
      return arr;
    }
    let steps = 0;
    let failed = false;
    const copy = arr.items.slice();
    copy.sort((x, y) => {
      if (failed || (node && !ev.loopAllowed(steps++, node))) {
        failed = true;
        return 0;
      }
      const r = ev.callValue(args[0], undefined, [x, y], node);
      if (typeof r !== 'number') {
        failed = true;
        return 0;
      }
      return r;
    });
    if (!failed) arr.items = copy;
    return arr;
  },
});

export function primitiveProp(ev: Evaluator, v: string | number | boolean, key: string): Value {
  if (typeof v === 'string') {
    if (key === 'length') return v.length;
    const c = key.charCodeAt(0);
    if (c >= 48 && c <= 57) return v[Number(key)];
    const sm = STRING_METHODS.has(key);
    if (!sm) return undefined;
    return b(key, (_t, args, node) => {
      const u = firstUnknown(args);
      if (u) return u;
      if (!allPrimitive(args)) return new UnknownVal(`'${v.slice(0, 20)}'.${key}(…)`);
      // Strings the analysis builds stay small (names, keys): no megabyte `repeat` / `padStart`.
      const grow =
        key === 'repeat'
          ? v.length * Number(args[0])
          : key === 'padStart' || key === 'padEnd'
            ? Number(args[0])
            : 0;
      if (grow > ev.limits.maxStringLength) return ev.tooLong(node, `'${v.slice(0, 20)}'.${key}(…)`);
      const fn = (String.prototype as unknown as { [k: string]: (...a: unknown[]) => unknown })[key];
      let r: unknown;
      try {
        r = fn.apply(v, args);
      } catch {
        return new UnknownVal(`'${v.slice(0, 20)}'.${key}(…) (throws)`);
      }
      if (Array.isArray(r)) return new ArrayVal(r as Value[]);
      return r as Value;
    });
  }
  if (typeof v === 'number') {
    if (key === 'toFixed' || key === 'toString' || key === 'toPrecision' || key === 'toExponential') {
      return b(key, (_t, args) => {
        const u = firstUnknown(args);
        if (u) return u;
        const fn = (Number.prototype as unknown as { [k: string]: (...a: unknown[]) => unknown })[key];
        try {
          return fn.apply(v, args) as Value;
        } catch {
          return new UnknownVal(`${v}.${key}(…) (throws)`);
        }
      });
    }
    return undefined;
  }
  if (key === 'toString') return b(key, () => String(v));
  void ev;
  return undefined;
}

const STRING_METHODS = new Set([
  'toUpperCase',
  'toLowerCase',
  'trim',
  'trimStart',
  'trimEnd',
  'split',
  'includes',
  'startsWith',
  'endsWith',
  'slice',
  'substring',
  'substr',
  'replace',
  'replaceAll',
  'repeat',
  'padStart',
  'padEnd',
  'charAt',
  'charCodeAt',
  'indexOf',
  'lastIndexOf',
  'concat',
  'at',
  'toString',
  'localeCompare',
]);

export function functionProp(ev: Evaluator, fn: FunctionVal | BuiltinVal, key: string): Value {
  switch (key) {
    case 'name':
      return fn.name;
    case 'length':
      return fn instanceof FunctionVal ? fn.decl.parameters.length : 0;
    case 'call':
      return b('call', (_t, args, node) => ev.callValue(fn, args[0], args.slice(1), node));
    case 'apply':
      return b('apply', (_t, args, node) =>
        ev.callValue(fn, args[0], args[1] instanceof ArrayVal ? args[1].items : [], node),
      );
    case 'bind': {
      return b('bind', (_t, bargs) =>
        b(`bound ${fn.name}`, (_t2, args, node) =>
          ev.callValue(fn, bargs[0], [...bargs.slice(1), ...args], node),
        ),
      );
    }
    default:
      return undefined;
  }
}

/** Properties every plain object has (hasOwnProperty, and promise-style then/catch for awaited values). */
export function genericProp(ev: Evaluator, o: ObjectVal, key: string): Value {
  switch (key) {
    case 'hasOwnProperty':
      return b(key, (_t, args) =>
        typeof args[0] === 'string' ? o.props.has(args[0]) : new UnknownVal('a key'),
      );
    case 'then':
      return b('then', (_t, args, node) => (args[0] ? ev.callValue(args[0], undefined, [o], node) : o));
    case 'catch':
    case 'finally':
      return b(key, () => o);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Plain data <-> values (JSON, structuredClone)

function toPlain(v: Value, depth = 0): unknown {
  if (depth > 32) throw new Error('too deep');
  if (v === null || v === undefined || typeof v !== 'object') return v;
  if (v instanceof ArrayVal) return v.items.map((x) => toPlain(x, depth + 1));
  if (v instanceof ObjectVal && !v.cls && !v.native) {
    const o: { [k: string]: unknown } = {};
    for (const [k, x] of v.props) o[k] = toPlain(x, depth + 1);
    return o;
  }
  throw new Error('not plain');
}

function fromPlain(x: unknown): Value {
  if (x === null || x === undefined || typeof x !== 'object') return x as Value;
  if (Array.isArray(x)) return new ArrayVal(x.map(fromPlain));
  const o = new ObjectVal();
  for (const [k, v] of Object.entries(x as object)) o.props.set(k, fromPlain(v));
  return o;
}

export function deepCopy(v: Value): Value {
  if (v instanceof ArrayVal) return new ArrayVal(v.items.map(deepCopy));
  if (v instanceof ObjectVal && !v.cls && !v.native) {
    const o = new ObjectVal();
    for (const [k, x] of v.props) o.props.set(k, deepCopy(x));
    return o;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Globals

function mathObject(): ObjectVal {
  const o = new ObjectVal();
  const consts: [string, number][] = [
    ['PI', Math.PI],
    ['E', Math.E],
    ['LN2', Math.LN2],
    ['LN10', Math.LN10],
    ['LOG2E', Math.LOG2E],
    ['LOG10E', Math.LOG10E],
    ['SQRT2', Math.SQRT2],
    ['SQRT1_2', Math.SQRT1_2],
  ];
  for (const [k, v] of consts) o.props.set(k, v);
  const fns = [
    'abs',
    'floor',
    'ceil',
    'round',
    'max',
    'min',
    'pow',
    'sqrt',
    'cbrt',
    'log',
    'log2',
    'log10',
    'log1p',
    'exp',
    'expm1',
    'sign',
    'trunc',
    'hypot',
    'sin',
    'cos',
    'tan',
    'atan',
    'atan2',
    'asin',
    'acos',
    'tanh',
    'sinh',
    'cosh',
    'fround',
  ];
  for (const f of fns) {
    const mf = (Math as unknown as { [k: string]: (...a: number[]) => number })[f];
    o.props.set(
      f,
      b(`Math.${f}`, (_t, args) => {
        const ns: number[] = [];
        for (const a of args) {
          const n = num(a instanceof ArrayVal ? NaN : a);
          if (n instanceof UnknownVal) return n;
          ns.push(n);
        }
        return mf(...ns);
      }),
    );
  }
  o.props.set(
    'random',
    b('Math.random', () => new UnknownVal('Math.random()')),
  );
  return o;
}

export function installGlobals(ev: Evaluator, env: Env): void {
  env.declare('tf', new TfRef([]));
  // Script-tag code may reach the global through window / globalThis / self.
  for (const g of ['window', 'globalThis', 'self']) {
    const o = new ObjectVal();
    o.props.set('tf', new TfRef([]));
    env.declare(g, withGlobalFallback(o, g), false);
  }
  env.declare('undefined', undefined, false);
  env.declare('NaN', NaN, false);
  env.declare('Infinity', Infinity, false);
  env.declare('Math', mathObject(), false);

  const arrayCtor = b('Array', (_t, args, node) => {
    if (args.length === 1 && (typeof args[0] === 'number' || args[0] instanceof UnknownVal)) {
      return makeArrayOfLength(ev, args[0], node, 'The length of `Array(n)`');
    }
    return new ArrayVal(args.slice());
  });
  const arrayStatics = new ObjectVal();
  arrayStatics.props.set(
    'isArray',
    b('Array.isArray', (_t, args) => (args[0] instanceof UnknownVal ? args[0] : args[0] instanceof ArrayVal)),
  );
  arrayStatics.props.set(
    'of',
    b('Array.of', (_t, args) => new ArrayVal(args.slice())),
  );
  arrayStatics.props.set(
    'from',
    b('Array.from', (_t, args, node) => {
      const src = args[0];
      let arr: ArrayVal;
      const items = iterableItems(ev, src);
      if (items) arr = new ArrayVal(items);
      else if (src instanceof ObjectVal)
        arr = makeArrayOfLength(ev, ev.getProp(src, 'length'), node, 'The length given to `Array.from`');
      else
        arr = makeArrayOfLength(
          ev,
          src instanceof UnknownVal ? src : new UnknownVal('the source of Array.from'),
          node,
          'The length given to `Array.from`',
        );
      if (args[1] === undefined) return arr;
      return ARRAY_METHODS.map(ev, arr, [args[1]], node);
    }),
  );
  env.declare('Array', withStatics(ev, arrayCtor, arrayStatics), false);

  const objectStatics = new ObjectVal();
  const objOf = (v: Value): ObjectVal | undefined => (v instanceof ObjectVal ? v : undefined);
  objectStatics.props.set(
    'keys',
    b('Object.keys', (_t, args) => {
      const o = objOf(args[0]);
      if (o) return new ArrayVal([...o.props.keys()]);
      if (args[0] instanceof ArrayVal) return new ArrayVal(args[0].items.map((_, i) => String(i)));
      return new UnknownVal('Object.keys(…)');
    }),
  );
  objectStatics.props.set(
    'values',
    b('Object.values', (_t, args) => {
      const o = objOf(args[0]);
      if (o) return new ArrayVal([...o.props.values()]);
      if (args[0] instanceof ArrayVal) return new ArrayVal(args[0].items.slice());
      return new UnknownVal('Object.values(…)');
    }),
  );
  objectStatics.props.set(
    'entries',
    b('Object.entries', (_t, args) => {
      const o = objOf(args[0]);
      if (o) return new ArrayVal([...o.props].map(([k, v]) => new ArrayVal([k, v])));
      return new UnknownVal('Object.entries(…)');
    }),
  );
  objectStatics.props.set(
    'fromEntries',
    b('Object.fromEntries', (_t, args) => {
      const o = new ObjectVal();
      if (!(args[0] instanceof ArrayVal)) return new UnknownVal('Object.fromEntries(…)');
      for (const e of args[0].items)
        if (e instanceof ArrayVal && (typeof e.items[0] === 'string' || typeof e.items[0] === 'number'))
          o.props.set(String(e.items[0]), e.items[1]);
      return o;
    }),
  );
  objectStatics.props.set(
    'assign',
    b('Object.assign', (_t, args) => {
      const target = args[0];
      for (const s of args.slice(1))
        if (s instanceof ObjectVal) for (const [k, v] of s.props) ev.setProp(target, k, v);
      return target;
    }),
  );
  for (const f of ['freeze', 'seal', 'preventExtensions'])
    objectStatics.props.set(
      f,
      b(`Object.${f}`, (_t, args) => args[0]),
    );
  objectStatics.props.set(
    'create',
    b('Object.create', () => new ObjectVal()),
  );
  const objectCtor = b('Object', (_t, args) => (args[0] instanceof ObjectVal ? args[0] : new ObjectVal()));
  env.declare('Object', withStatics(ev, objectCtor, objectStatics), false);

  const json = new ObjectVal();
  json.props.set(
    'stringify',
    b('JSON.stringify', (_t, args) => {
      try {
        return JSON.stringify(
          toPlain(args[0]),
          null,
          typeof args[2] === 'number' || typeof args[2] === 'string' ? args[2] : undefined,
        );
      } catch {
        return new UnknownVal('JSON.stringify(…)');
      }
    }),
  );
  json.props.set(
    'parse',
    b('JSON.parse', (_t, args) => {
      if (typeof args[0] !== 'string')
        return new UnknownVal(
          args[0] instanceof UnknownVal ? `JSON.parse of ${args[0].label}` : 'JSON.parse(…)',
        );
      try {
        return fromPlain(JSON.parse(args[0]));
      } catch {
        return new UnknownVal('JSON.parse(…)');
      }
    }),
  );
  env.declare('JSON', json, false);
  env.declare(
    'structuredClone',
    b('structuredClone', (_t, args) => deepCopy(args[0])),
    false,
  );

  const numberStatics = new ObjectVal();
  numberStatics.props.set(
    'isInteger',
    b('Number.isInteger', (_t, args) =>
      args[0] instanceof UnknownVal ? args[0] : Number.isInteger(args[0]),
    ),
  );
  numberStatics.props.set(
    'isFinite',
    b('Number.isFinite', (_t, args) => (args[0] instanceof UnknownVal ? args[0] : Number.isFinite(args[0]))),
  );
  numberStatics.props.set(
    'isNaN',
    b('Number.isNaN', (_t, args) => (args[0] instanceof UnknownVal ? args[0] : Number.isNaN(args[0]))),
  );
  numberStatics.props.set('MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER);
  numberStatics.props.set('MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER);
  numberStatics.props.set('EPSILON', Number.EPSILON);
  numberStatics.props.set('MAX_VALUE', Number.MAX_VALUE);
  numberStatics.props.set('POSITIVE_INFINITY', Infinity);
  numberStatics.props.set('NEGATIVE_INFINITY', -Infinity);
  const parseIntFn = b('parseInt', (_t, args) => {
    if (args[0] instanceof UnknownVal) return new UnknownVal(`parseInt of ${args[0].label}`);
    if (typeof args[0] === 'object' && args[0] !== null) return new UnknownVal('parseInt(…)');
    return parseInt(String(args[0]), typeof args[1] === 'number' ? args[1] : undefined);
  });
  const parseFloatFn = b('parseFloat', (_t, args) => {
    if (args[0] instanceof UnknownVal) return new UnknownVal(`parseFloat of ${args[0].label}`);
    if (typeof args[0] === 'object' && args[0] !== null) return new UnknownVal('parseFloat(…)');
    return parseFloat(String(args[0]));
  });
  numberStatics.props.set('parseInt', parseIntFn);
  numberStatics.props.set('parseFloat', parseFloatFn);
  env.declare(
    'Number',
    withStatics(
      ev,
      b('Number', (_t, args) =>
        args[0] instanceof UnknownVal ? new UnknownVal(`Number of ${args[0].label}`) : num(args[0]),
      ),
      numberStatics,
    ),
    false,
  );
  env.declare('parseInt', parseIntFn, false);
  env.declare('parseFloat', parseFloatFn, false);
  for (const [name, test] of [['isNaN', Number.isNaN], ['isFinite', Number.isFinite]] as const) {
    env.declare(
      name,
      b(name, (_t, args) => {
        const n = num(args[0]);
        return n instanceof UnknownVal ? n : test(n);
      }),
      false,
    );
  }
  env.declare(
    'String',
    b('String', (_t, args) => {
      const v = args[0];
      if (v instanceof UnknownVal) return v;
      if (v === null || v === undefined || typeof v !== 'object') return String(v);
      return new UnknownVal('String(…)');
    }),
    false,
  );
  env.declare(
    'Boolean',
    b('Boolean', (_t, args) => truthy(args[0]) ?? args[0]),
    false,
  );

  const consoleObj = new ObjectVal();
  for (const f of [
    'log',
    'info',
    'warn',
    'error',
    'debug',
    'table',
    'time',
    'timeEnd',
    'group',
    'groupEnd',
    'assert',
  ]) {
    consoleObj.props.set(
      f,
      b(`console.${f}`, () => undefined),
    );
  }
  env.declare('console', consoleObj, false);

  const promise = new ObjectVal();
  promise.props.set(
    'resolve',
    b('Promise.resolve', (_t, args) => args[0]),
  );
  promise.props.set(
    'all',
    b('Promise.all', (_t, args) => args[0]),
  );
  promise.props.set(
    'allSettled',
    b('Promise.allSettled', (_t, args) => args[0]),
  );
  env.declare(
    'Promise',
    withStatics(
      ev,
      b('Promise', () => new UnknownVal('a Promise')),
      promise,
    ),
    false,
  );

  const errorCtor = (name: string) =>
    b(name, (_t, args) => {
      const o = new ObjectVal();
      o.props.set('message', args[0]);
      o.props.set('name', name);
      return o;
    });
  for (const e of ['Error', 'TypeError', 'RangeError', 'ValueError']) env.declare(e, errorCtor(e), false);

  for (const f of ['setTimeout', 'setInterval', 'requestAnimationFrame', 'queueMicrotask']) {
    env.declare(
      f,
      b(f, (_t, args) => {
        ev.escape(args);
        return undefined;
      }),
      false,
    );
  }
  for (const f of ['clearTimeout', 'clearInterval', 'alert'])
    env.declare(
      f,
      b(f, () => undefined),
      false,
    );
  env.declare(
    'require',
    withStatics(
      ev,
      b('require', (_t, args, node) => {
        const spec = args[0];
        if (typeof spec !== 'string' || !node) return new UnknownVal('require(…)');
        return ev.importModule(spec, node);
      }),
      new ObjectVal(),
    ),
    false,
  );
}

/**
 * `require.main` is the `module` object of the analysed file: the file is analysed as the program that runs, so
 * Node's entry-point idiom `if (require.main === module) main();` runs main (imported files see a different
 * `module`).
 */
export function setRequireMain(env: Env, moduleObj: Value): void {
  const req = env.vars.get('require')?.value;
  if (req instanceof BuiltinVal) STATICS.get(req)?.props.set('main', moduleObj);
}

/** The global object: `tf`, and unknown values for anything else (document, localStorage ...). */
function withGlobalFallback(o: ObjectVal, name: string): ObjectVal {
  GLOBAL_OBJECTS.set(o, name);
  return o;
}

const GLOBAL_OBJECTS = new WeakMap<ObjectVal, string>();

/** `window.x` for an x the evaluator does not model: unknown rather than undefined. */
export function globalObjectProp(o: ObjectVal, key: string): Value | undefined {
  const name = GLOBAL_OBJECTS.get(o);
  if (name === undefined) return undefined;
  return new UnknownVal(`\`${name}.${key}\``);
}

/** A constructor builtin whose static members are looked up through an object (Array.from, Object.keys ...). */
function withStatics(ev: Evaluator, ctor: BuiltinVal, statics: ObjectVal): BuiltinVal {
  STATICS.set(ctor, statics);
  void ev;
  return ctor;
}

const STATICS = new WeakMap<BuiltinVal, ObjectVal>();

/** Static members of built-in constructors (Array.from ...). */
export function builtinStatic(ctor: BuiltinVal, key: string): Value {
  return STATICS.get(ctor)?.props.get(key);
}
