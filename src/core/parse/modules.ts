/** Module specifiers: which are tfjs, and how a relative import resolves to a file of the project. */

/** '@tensorflow/tfjs', '-node', '-node-gpu', '-layers' (and the other @tensorflow/tfjs* packages). */
export function isTfjsModule(spec: string): boolean {
  return (
    spec === '@tensorflow/tfjs' ||
    spec.startsWith('@tensorflow/tfjs-') ||
    spec.startsWith('@tensorflow/tfjs/')
  );
}

/** Joins a relative specifier onto the directory of `from`, keeping the separator style of `from`. */
export function joinRelative(from: string, spec: string): string {
  const sep = from.includes('\\') && !from.includes('/') ? '\\' : '/';
  const parts = from.split(/[\\/]/);
  parts.pop();
  if (spec.startsWith('/')) parts.length = 0;
  for (const seg of spec.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 1 || (parts.length === 1 && parts[0] !== '')) parts.pop();
      continue;
    }
    parts.push(seg);
  }
  if (spec.startsWith('/')) return sep + parts.join(sep);
  return parts.join(sep);
}

const JS_TO_TS: [string, string[]][] = [
  ['.js', ['.ts', '.tsx']],
  ['.jsx', ['.tsx']],
  ['.mjs', ['.mts']],
  ['.cjs', ['.cts']],
];

/** Candidate files for a relative import: `./x`, `./x.ts`, `./x.js` -> `.ts`, `./x/index.ts`. */
export function importCandidates(from: string, spec: string): string[] {
  const base = joinRelative(from, spec);
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const out: string[] = [];
  for (const [js, tss] of JS_TO_TS) {
    if (base.endsWith(js)) {
      const stem = base.slice(0, -js.length);
      for (const t of tss) out.push(stem + t);
      out.push(base);
      return out;
    }
  }
  if (/\.(ts|tsx|mts|cts)$/.test(base)) return [base];
  out.push(base + '.ts', base + '.tsx', base + '.js', base + '.mjs', base + '.jsx', base);
  for (const ix of ['index.ts', 'index.tsx', 'index.js', 'index.mjs']) out.push(base + sep + ix);
  return out;
}

export function resolveImport(
  from: string,
  spec: string,
  read: (path: string) => string | undefined,
): { path: string; text: string } | undefined {
  for (const p of importCandidates(from, spec)) {
    const text = read(p);
    if (text !== undefined) return { path: p, text };
  }
  return undefined;
}

/** Text that can reach tfjs: an import of a tfjs package, or a `tf.` / `tf[` use (script-tag globals, injected tf). */
export const TFJS_HINT = /@tensorflow\/tfjs|\btf\s*(?:\?\.|\.|\[)/;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"\n]+)['"]/g;
/** Files of the import closure scanned (text only) when deciding whether a file can make models. */
const MAX_GATE_FILES = 64;

/**
 * Whether code in this file can reach tfjs: it does itself, or one of the files it imports (transitively, by
 * a text scan through the host) does. Files that cannot are not evaluated (most files of a project), and
 * uncalled functions that cannot are not analysed as builders.
 */
export function reachesTfjs(
  path: string,
  text: string,
  read: ((p: string) => string | undefined) | undefined,
): boolean {
  if (TFJS_HINT.test(text)) return true;
  if (!read) return false;
  const seen = new Set<string>([path]);
  const queue: [string, string][] = [[path, text]];
  while (queue.length && seen.size <= MAX_GATE_FILES) {
    const [from, t] = queue.shift() as [string, string];
    RELATIVE_IMPORT.lastIndex = 0;
    for (let m = RELATIVE_IMPORT.exec(t); m; m = RELATIVE_IMPORT.exec(t)) {
      const r = resolveImport(from, m[1], read);
      if (!r || seen.has(r.path)) continue;
      if (TFJS_HINT.test(r.text)) return true;
      seen.add(r.path);
      queue.push([r.path, r.text]);
    }
  }
  return false;
}
