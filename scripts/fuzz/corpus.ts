/** The fuzzer's seed inputs: every source and JSON file of the examples and the test fixtures. */
import fs from 'node:fs';
import path from 'node:path';

export const CORPUS_DIRS = ['examples', 'test/fixtures', 'test/corpus', 'test/integration/fixtures'];

export interface SeedFile {
  /** Path relative to the repository, '/'-separated. */
  rel: string;
  text: string;
  json: boolean;
}

/** Files that import each other (a folder with relative imports): fuzzed together in multi-file runs. */
export interface Project {
  dir: string;
  files: SeedFile[];
}

export interface Corpus {
  files: SeedFile[];
  sources: SeedFile[];
  jsons: SeedFile[];
  projects: Project[];
}

const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|json)$/i;
const RELATIVE_IMPORT = /(from\s+|require\(\s*|import\(\s*)['"]\.\.?\//;

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names) {
    if (n === 'node_modules' || n.startsWith('.')) continue;
    const p = path.join(dir, n);
    const st = fs.statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (EXT.test(n) && st.size < 1_000_000) out.push(p);
  }
}

export function loadCorpus(root: string, dirs: string[] = CORPUS_DIRS): Corpus {
  const paths: string[] = [];
  for (const d of dirs) walk(path.join(root, d), paths);
  const files: SeedFile[] = paths.map((p) => {
    const rel = path.relative(root, p).split(path.sep).join('/');
    return { rel, text: fs.readFileSync(p, 'utf8'), json: /\.json$/i.test(p) };
  });
  const byDir = new Map<string, SeedFile[]>();
  for (const f of files) {
    const dir = f.rel.slice(0, f.rel.lastIndexOf('/'));
    if (!byDir.has(dir)) byDir.set(dir, []);
    byDir.get(dir)!.push(f);
  }
  // A project: a folder one of whose files imports a sibling, with every file below it.
  const projects: Project[] = [];
  for (const [dir, fs_] of byDir) {
    if (!fs_.some((f) => !f.json && RELATIVE_IMPORT.test(f.text))) continue;
    if (projects.some((p) => dir.startsWith(`${p.dir}/`))) continue;
    projects.push({ dir, files: files.filter((f) => f.rel.startsWith(`${dir}/`)) });
  }
  return { files, sources: files.filter((f) => !f.json), jsons: files.filter((f) => f.json), projects };
}
