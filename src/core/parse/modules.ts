/** Module specifiers: which are tfjs, and how a relative import resolves to a file of the project. */

/** '@tensorflow/tfjs', '-node', '-node-gpu', '-layers' (and the other @tensorflow/tfjs* packages). */
export function isTfjsModule(spec: string): boolean {
  return spec === '@tensorflow/tfjs' || spec.startsWith('@tensorflow/tfjs-') || spec.startsWith('@tensorflow/tfjs/');
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
