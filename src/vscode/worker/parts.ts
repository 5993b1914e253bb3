/**
 * Big results travel from the worker to the extension host in parts. A thread decodes each structured-clone message
 * it receives in one go, so one message holding a 20,000-layer report (its layers, the per-layer simulation, a fix
 * with 20,000 edits: about a million values) would block the extension host for a large fraction of a second, more
 * on a loaded machine. `split` cuts every big array or object (the per-layer results keyed by node id) out of a
 * message into parts of about PART_COST values each; the worker sends them one at a time, each after the host
 * acknowledged the previous one (so the host decodes one part per turn of its event loop), then the rest of the
 * message with the split info; a `Joiner` puts them back as they come. Plain data only (what reports hold):
 * objects, arrays, primitives; anything else is passed through whole.
 */

/** About how many values (objects, array elements, primitives) one part holds: a few ms to decode. */
export const PART_COST = 10_000;

/** A split array or object: where its empty stand-in is, in the rest of the message or inside another hole. */
export interface Hole {
  /** -1: in the rest of the message; otherwise the index of the hole whose items contain the stand-in. */
  in: number;
  /** Keys from there to the stand-in (inside a hole: starting with the item's index or key). */
  path: (string | number)[];
  /** A plain object (its parts carry [key, value] entries) rather than an array. */
  object?: true;
}

export interface SplitInfo {
  /** Number of parts sent before the message. */
  parts: number;
  holes: Hole[];
}

/** One part: items of hole `hole`, in order (array elements, or [key, value] entries of an object). */
export interface Part {
  hole: number;
  object?: true;
  items: unknown[];
}

type Bag = { [key: string]: unknown };

const isPlainObject = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Sets a key as plain data (a key named __proto__ included). */
function put(o: Bag, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** Cuts the big arrays and objects out of `value`; `info` is undefined (and `rest` is `value`) when nothing is big. */
export function split<T extends object>(
  value: T,
  budget = PART_COST,
): { rest: T; parts: Part[]; info: SplitInfo | undefined } {
  const costs = new WeakMap<object, number>();
  const cost = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) return 1;
    let c = costs.get(v);
    if (c !== undefined) return c;
    c = 1;
    if (Array.isArray(v) || isPlainObject(v)) for (const x of Object.values(v)) c += cost(x);
    costs.set(v, c);
    return c;
  };
  if (cost(value) <= budget) return { rest: value, parts: [], info: undefined };

  const parts: Part[] = [];
  const holes: Hole[] = [];
  /** `v` where it sits (in hole `where`, at `path`): big containers become stand-ins, small values stay as they are. */
  const copy = (v: unknown, where: number, path: (string | number)[]): unknown => {
    if (typeof v !== 'object' || v === null || cost(v) <= budget) return v;
    const array = Array.isArray(v);
    if (!array && !isPlainObject(v)) return v;
    const keys = Object.keys(v);
    const at = (k: string): unknown => (v as Bag)[k];
    if (keys.length < 2 || path.length === 0) {
      // few entries, big ones: keep the container, look inside
      const out: unknown = array ? new Array<unknown>(keys.length) : {};
      for (const k of keys) {
        path.push(array ? Number(k) : k);
        put(out as Bag, k, copy(at(k), where, path));
        path.pop();
      }
      return out;
    }
    const hole = holes.length;
    holes.push({ in: where, path: [...path], ...(array ? {} : { object: true as const }) });
    let part: unknown[] = [];
    let filled = 0;
    for (const k of keys) {
      if (part.length === 0) parts.push({ hole, ...(array ? {} : { object: true as const }), items: part });
      const key = array ? Number(k) : k;
      const x = copy(at(k), hole, [key]);
      part.push(array ? x : [k, x]);
      filled += array ? cost(at(k)) : cost(at(k)) + 2; // an entry is a pair and its key
      if (filled >= budget) {
        part = [];
        filled = 0;
      }
    }
    return array ? [] : {};
  };
  const rest = copy(value, -1, []) as T;
  return { rest, parts, info: { parts: parts.length, holes } };
}

const own = (container: unknown, key: string | number): container is Bag =>
  typeof container === 'object' && container !== null && Object.hasOwn(container, key);

/**
 * Puts back together what `split` cut out, as the parts arrive: `add` puts a part's items straight into their final
 * container (so no step costs much more than decoding the part did), `finish` hangs the containers into the rest of
 * the message; it returns undefined when the parts do not fit the info.
 */
export class Joiner {
  private readonly filled = new Map<number, unknown[] | Bag>();
  private parts = 0;
  private broken = false;

  add(part: Part): void {
    this.parts++;
    let into = this.filled.get(part.hole);
    if (!into) this.filled.set(part.hole, (into = part.object ? {} : []));
    if (Array.isArray(into) === (part.object === true)) {
      this.broken = true;
      return;
    }
    if (Array.isArray(into)) {
      for (const x of part.items) into.push(x);
      return;
    }
    for (const entry of part.items) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
        this.broken = true;
        return;
      }
      put(into, entry[0], entry[1]);
    }
  }

  finish<T extends object>(rest: T, info: SplitInfo | undefined): T | undefined {
    if (this.broken || this.parts !== (info?.parts ?? 0)) return undefined;
    if (!info) return rest;
    if (this.filled.size !== info.holes.length) return undefined;
    for (const [i, hole] of info.holes.entries()) {
      const content = this.filled.get(i);
      // split makes a hole's container before the hole itself: anything else is corrupt (and could make a cycle)
      if (
        !content ||
        Array.isArray(content) === (hole.object === true) ||
        hole.path.length === 0 ||
        hole.in >= i
      )
        return undefined;
      let container: unknown = hole.in < 0 ? rest : this.filled.get(hole.in);
      for (const key of hole.path.slice(0, -1)) container = own(container, key) ? container[key] : undefined;
      const last = hole.path[hole.path.length - 1];
      if (!own(container, last)) return undefined;
      const standIn = container[last];
      if (
        typeof standIn !== 'object' ||
        standIn === null ||
        Array.isArray(standIn) === (hole.object === true)
      )
        return undefined;
      put(container, String(last), content);
    }
    return rest;
  }
}
