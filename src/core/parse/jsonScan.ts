/**
 * A small JSON parser that remembers where every object and array came from (offsets into the text), so
 * model.json layers get spans, and that reports malformed input with a line and column instead of throwing.
 * Iterative (explicit stack), so deeply nested input cannot overflow the call stack.
 */
import type { Position } from '../graph/types';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON object (not an array, not null). */
export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface JsonRange {
  start: number;
  end: number;
}

export interface JsonScanResult {
  value?: JsonValue;
  /** Offsets of every object / array value (by identity). */
  ranges: WeakMap<object, JsonRange>;
  error?: { offset: number; message: string };
}

/** Maps UTF-16 offsets to 0-based line / character. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

interface Frame {
  kind: 'object' | 'array';
  value: JsonValue[] | { [key: string]: JsonValue };
  start: number;
  key?: string;
}

const MAX_DEPTH = 10_000;

function describe(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const ch = text[i];
  return ch === '\n' ? 'a line break' : `'${ch}'`;
}

/** Parses `text` as JSON. Never throws on malformed input (the error names the offset). */
export function scanJson(text: string): JsonScanResult {
  const ranges = new WeakMap<object, JsonRange>();
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Frame[] = [];
  let root: JsonValue | undefined;
  let haveRoot = false;

  const fail = (offset: number, message: string): JsonScanResult => ({ ranges, error: { offset, message } });

  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };

  const readString = (): string | undefined => {
    // text[i] === '"'
    let j = i + 1;
    let out = '';
    let chunk = j;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) {
        out += text.slice(chunk, j);
        i = j + 1;
        return out;
      }
      if (c === 92) {
        out += text.slice(chunk, j);
        const e = text[j + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(j + 2, j + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              i = j;
              return undefined;
            }
            out += String.fromCharCode(parseInt(hex, 16));
            j += 4;
            break;
          }
          default:
            i = j;
            return undefined;
        }
        j += 2;
        chunk = j;
        continue;
      }
      if (c < 32) {
        i = j;
        return undefined;
      }
      j++;
    }
    i = n;
    return undefined;
  };

  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  /** Attaches a finished value to the open container (or the root). Returns an error message or undefined. */
  const attach = (v: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = v;
      haveRoot = true;
      return;
    }
    if (top.kind === 'array') (top.value as JsonValue[]).push(v);
    else (top.value as { [key: string]: JsonValue })[top.key as string] = v;
  };

  // State machine: 'value' expects a value; 'after' expects ',' or a closer; 'key' expects a key or '}'.
  let expect: 'value' | 'after' | 'key' | 'firstKey' | 'firstValue' = 'value';
  for (;;) {
    skipWs();
    if (expect === 'value' || expect === 'firstValue') {
      if (i >= n) return fail(i, 'unexpected end of input, expected a value');
      const ch = text[i];
      if (expect === 'firstValue' && ch === ']') {
        const top = stack.pop() as Frame;
        i++;
        ranges.set(top.value as object, { start: top.start, end: i });
        attach(top.value);
        expect = 'after';
        continue;
      }
      if (ch === '{' || ch === '[') {
        if (stack.length >= MAX_DEPTH) return fail(i, `nesting deeper than ${MAX_DEPTH} levels`);
        const value = ch === '{' ? {} : [];
        stack.push({ kind: ch === '{' ? 'object' : 'array', value, start: i });
        i++;
        expect = ch === '{' ? 'firstKey' : 'firstValue';
        continue;
      }
      if (ch === '"') {
        const start = i;
        const s = readString();
        if (s === undefined) return fail(i >= n ? start : i, i >= n ? 'unterminated string' : 'invalid character or escape in a string');
        attach(s);
      } else if (ch === 't' && text.startsWith('true', i)) {
        i += 4;
        attach(true);
      } else if (ch === 'f' && text.startsWith('false', i)) {
        i += 5;
        attach(false);
      } else if (ch === 'n' && text.startsWith('null', i)) {
        i += 4;
        attach(null);
      } else if (ch === 'N' && text.startsWith('NaN', i)) {
        // Python's json module writes NaN / Infinity; tfjs model.json files from Keras can contain them.
        i += 3;
        attach(Number.NaN);
      } else if (ch === 'I' && text.startsWith('Infinity', i)) {
        i += 8;
        attach(Number.POSITIVE_INFINITY);
      } else if (ch === '-' && text.startsWith('-Infinity', i)) {
        i += 9;
        attach(Number.NEGATIVE_INFINITY);
      } else {
        NUM.lastIndex = i;
        const m = NUM.exec(text);
        if (!m || m[0].length === 0) return fail(i, `unexpected ${describe(text, i)}, expected a value`);
        i += m[0].length;
        attach(Number(m[0]));
      }
      expect = 'after';
      continue;
    }
    if (expect === 'key' || expect === 'firstKey') {
      if (expect === 'firstKey' && text[i] === '}') {
        const top = stack.pop() as Frame;
        i++;
        ranges.set(top.value as object, { start: top.start, end: i });
        attach(top.value);
        expect = 'after';
        continue;
      }
      if (text[i] !== '"') return fail(i, `unexpected ${describe(text, i)}, expected a property name in double quotes`);
      const start = i;
      const key = readString();
      if (key === undefined) return fail(i >= n ? start : i, 'unterminated or invalid property name');
      skipWs();
      if (text[i] !== ':') return fail(i, `unexpected ${describe(text, i)}, expected ':' after a property name`);
      i++;
      (stack[stack.length - 1] as Frame).key = key;
      expect = 'value';
      continue;
    }
    // expect === 'after'
    const top = stack[stack.length - 1];
    if (!top) {
      if (i < n) return fail(i, `unexpected ${describe(text, i)} after the end of the JSON value`);
      break;
    }
    const ch = text[i];
    if (ch === ',') {
      i++;
      expect = top.kind === 'object' ? 'key' : 'value';
      continue;
    }
    if ((ch === '}' && top.kind === 'object') || (ch === ']' && top.kind === 'array')) {
      stack.pop();
      i++;
      ranges.set(top.value as object, { start: top.start, end: i });
      attach(top.value);
      continue;
    }
    return fail(i, `unexpected ${describe(text, i)}, expected ',' or '${top.kind === 'object' ? '}' : ']'}'`);
  }
  if (!haveRoot) return fail(i, 'empty input, expected a JSON value');
  return { value: root, ranges };
}
