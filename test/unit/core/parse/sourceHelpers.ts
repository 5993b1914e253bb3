// Helpers for the source-parser tests: fixtures, a host over the fixture folder, graph facts.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSource } from '../../../../src/core/parse/source';
import type { ParseOptions, ParseResult, SourceHost } from '../../../../src/core/parse/types';
import type { LayerGraph, LayerNode } from '../../../../src/core/graph/types';
import { layerKind } from '../../../../src/core/graph/kinds';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/parse');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A host that reads files of the fixture folder (and records what was read). */
export function fixtureHost(): SourceHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(p: string) {
      reads.push(p);
      if (!p.startsWith(FIXTURES) || !existsSync(p)) return undefined;
      return readFileSync(p, 'utf8');
    },
  };
}

export function parseFixture(
  name: string,
  opts: ParseOptions = {},
): { result: ParseResult; text: string; file: string } {
  const file = fixturePath(name);
  const text = fixtureText(name);
  return { result: parseSource(file, text, opts), text, file };
}

export function graphNamed(r: ParseResult, name: string): LayerGraph {
  const g = r.graphs.find((x) => x.name === name);
  assert.ok(g, `no model named ${name}; found ${r.graphs.map((x) => x.name).join(', ')}`);
  return g;
}

export function weightedCount(g: LayerGraph): number {
  return g.nodes.filter((n) => layerKind(n) === 'weighted').length;
}

export function classNames(g: LayerGraph): string[] {
  return g.nodes.map((n) => n.className);
}

/** 0-based line of the n-th occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' (#${nth}) not in the fixture`);
  }
  return text.slice(0, at).split('\n').length - 1;
}

/** Every node's inputs are earlier nodes; ids are n0, n1, ... in order. */
export function assertTopological(g: LayerGraph): void {
  const seen = new Set<string>();
  g.nodes.forEach((n: LayerNode, i) => {
    assert.equal(n.id, `n${i}`);
    for (const inp of n.inputs) assert.ok(seen.has(inp), `${g.name}: ${n.id} uses ${inp} before it exists`);
    seen.add(n.id);
  });
  for (const o of g.outputs) assert.ok(seen.has(o), `${g.name}: output ${o} missing`);
}

export function byName(g: LayerGraph, name: string): LayerNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `${g.name} has no node named ${name}: ${g.nodes.map((x) => x.name).join(', ')}`);
  return n;
}
