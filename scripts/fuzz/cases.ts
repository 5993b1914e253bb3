/** Fuzz cases on disk: the crashers folder the fuzzer writes and the regression fixtures (test/fixtures/fuzz). */
import fs from 'node:fs';
import path from 'node:path';
import type { FuzzCase } from './mutate';

/** The file name a case's file gets in its folder ('/fuzz/a/b.ts' -> 'a_b.ts'). */
export const safeName = (p: string): string => p.replace(/^\/fuzz\//, '').replace(/[^\w.-]+/g, '_');

export interface CaseMeta {
  /** What broke and where it was fixed (regression fixtures). */
  found?: string;
  index?: number;
  kinds: string[];
  origin: string;
  mode: FuzzCase['mode'];
  root: string;
  sim: FuzzCase['sim'];
  files: string[];
}

/** Reads a case folder: failure.json (a crasher) or case.json (a fixture), and its files. */
export function readCaseDir(dir: string): { c: FuzzCase; meta: CaseMeta } {
  const metaFile = fs.existsSync(path.join(dir, 'failure.json')) ? 'failure.json' : 'case.json';
  const meta = JSON.parse(fs.readFileSync(path.join(dir, metaFile), 'utf8')) as CaseMeta;
  const files = meta.files.map((p) => ({
    path: p,
    text: fs.readFileSync(path.join(dir, safeName(p)), 'utf8'),
  }));
  return {
    c: {
      index: meta.index ?? 0,
      kinds: meta.kinds,
      origin: meta.origin,
      mode: meta.mode,
      root: meta.root,
      sim: meta.sim,
      files,
    },
    meta,
  };
}

/** Writes a case folder: its files and `metaFile` with `meta`. */
export function writeCaseDir(dir: string, c: FuzzCase, metaFile: string, meta: object): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of c.files) fs.writeFileSync(path.join(dir, safeName(f.path)), f.text);
  fs.writeFileSync(path.join(dir, metaFile), JSON.stringify(meta, null, 2) + '\n');
}
