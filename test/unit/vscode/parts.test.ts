import assert from 'node:assert/strict';
import { Joiner, PART_COST, split, type Part, type SplitInfo } from '../../../src/vscode/worker/parts';

/** Round trip through structured clone, as between the threads. */
const clone = <T>(v: T): T => structuredClone(v);

function join<T extends object>(rest: T, parts: Part[], info: SplitInfo | undefined): T | undefined {
  const joiner = new Joiner();
  for (const p of parts) joiner.add(clone(p));
  return joiner.finish(clone(rest), clone(info));
}

function send<T extends object>(value: T, budget?: number): { whole: T | undefined; parts: number } {
  const { rest, parts, info } = split(value, budget);
  return { whole: join(rest, parts, info), parts: parts.length };
}

/** Objects, array elements and primitives in a value. */
const values = (v: unknown): number =>
  typeof v !== 'object' || v === null ? 1 : 1 + Object.values(v).reduce((n: number, x) => n + values(x), 0);

const layer = (i: number) => ({
  id: `n${i}`,
  config: { units: i, rate: i % 3 === 0 ? Infinity : i / 7, name: undefined },
  span: { start: { line: i, character: 2 } },
  sim: i % 2 ? [i, -0, NaN] : undefined,
});

describe('results in parts (parts.ts)', () => {
  it('leaves a small message whole: no parts', () => {
    const m = { type: 'structural', report: { models: [{ layers: [layer(1), layer(2)] }] } };
    const { rest, parts, info } = split(m);
    assert.equal(rest, m);
    assert.deepEqual(parts, []);
    assert.equal(info, undefined);
  });

  it('puts big arrays back exactly, nested big arrays too, each part within about the budget', () => {
    const layers = Array.from({ length: 3000 }, (_, i) => layer(i));
    const edits = Array.from({ length: 2500 }, (_, i) => ({ line: i, text: `x${i}` }));
    const m = {
      type: 'simulation',
      id: 7,
      report: {
        path: '/a.ts',
        models: [
          {
            name: 'm',
            layers,
            findings: [{ fixes: [{ title: 't', edits }] }],
            simulation: {
              layers: Object.fromEntries(layers.map((l) => [l.id, l.sim])),
              series: { fwd: layers.map((_, i) => i / 3) },
            },
          },
        ],
        notes: [],
      },
      written: [Object.fromEntries(layers.map((l) => [l.id, ['units']]))],
    };
    const budget = 2000;
    const { rest, parts, info } = split(m, budget);
    assert.ok(info && parts.length > 10, `${parts.length} parts`);
    // the rest and every part hold about `budget` values at most (the items here are small)
    assert.ok(values(rest) <= budget, `the rest holds ${values(rest)} values`);
    for (const p of parts) assert.ok(values(p.items) <= 2 * budget, `a part holds ${values(p.items)} values`);
    const { whole } = send(m, budget);
    assert.deepEqual(whole, m);
  });

  it('the default budget splits a 20,000-layer report', () => {
    const m = { report: { models: [{ layers: Array.from({ length: 20_000 }, (_, i) => layer(i)) }] } };
    const { whole, parts } = send(m);
    assert.ok(parts >= (20_000 * 8) / PART_COST, `${parts} parts`);
    assert.deepEqual(whole, m);
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const config = JSON.parse('{"__proto__": {"polluted": 1}, "units": 3}') as object;
    const m = {
      layers: Array.from({ length: 300 }, () => ({ config })),
      byId: JSON.parse(
        `{${Array.from({ length: 300 }, (_, i) => `"k${i}": ${i}`).join(',')}, "__proto__": [1]}`,
      ) as object,
    };
    const { whole } = send(m, 100);
    assert.deepEqual(whole, m);
    assert.equal(({} as { polluted?: number }).polluted, undefined);
    assert.equal(Object.getPrototypeOf((whole as typeof m).layers[0].config), Object.prototype);
  });

  it('join refuses parts that do not fit the split info', () => {
    const m = { report: { layers: Array.from({ length: 100 }, (_, i) => layer(i)) } };
    const { rest, parts, info } = split(m, 50);
    assert.ok(info && parts.length > 2);
    assert.deepEqual(join(rest, parts, info), m);
    assert.equal(join(rest, parts.slice(1), info), undefined, 'a part missing');
    assert.equal(join(rest, [...parts, parts[0]], info), undefined, 'a part too many');
    assert.equal(
      join(rest, parts, { ...info, holes: [{ ...info.holes[0], path: ['report', 'nope', 'layers'] }] }),
      undefined,
      'a path that leads nowhere',
    );
    assert.equal(
      join(rest, parts, { ...info, holes: [{ ...info.holes[0], path: ['report'] }] }),
      undefined,
      'a path to something that is no stand-in',
    );
    assert.equal(
      join(rest, parts, { ...info, holes: [{ ...info.holes[0], object: true }] }),
      undefined,
      'an object where an array was',
    );
    assert.equal(
      join(
        rest,
        parts.map((p) => ({ ...p, hole: 3 })),
        info,
      ),
      undefined,
      'parts of a hole that does not exist',
    );
    const selfHole: SplitInfo = {
      parts: 2,
      holes: [
        { in: -1, path: ['a'] },
        { in: 1, path: [0] },
      ],
    };
    const partsOfSelf: Part[] = [
      { hole: 0, items: [1, 2] },
      { hole: 1, items: [[]] },
    ];
    assert.equal(join({ a: [] }, partsOfSelf, selfHole), undefined, 'a hole inside itself (a cycle)');
    assert.deepEqual(join(rest, [], undefined), rest, 'nothing split, nothing sent');
    assert.equal(join(rest, parts, undefined), undefined, 'parts without split info');
  });
});
