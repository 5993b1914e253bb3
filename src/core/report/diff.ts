/**
 * A fix's text edits as a unified diff against the source, for the HTML export (and the webview's preview).
 * Pure: the caller passes the source text. Without it, the edits are shown as what is inserted where.
 */
import type { Fix, TextEdit } from '../rules/types';

export interface DiffLine {
  kind: 'context' | 'add' | 'del';
  /** 1-based line number in the old (context, del) or new (add) text. */
  line: number;
  text: string;
}

export interface DiffHunk {
  /** 1-based first line of the old text the hunk covers. */
  oldStart: number;
  lines: DiffLine[];
  /** Without the source: what the edit does to the old text ("replaces line 12, columns 9–54"). */
  note?: string;
}

function describeSpan(e: TextEdit): string | undefined {
  const { start, end } = e.span;
  if (start.line === end.line && start.character === end.character) return undefined;
  const what = e.newText === '' ? 'removes' : 'replaces';
  return start.line === end.line
    ? `${what} line ${start.line + 1}, columns ${start.character + 1}–${end.character}`
    : `${what} line ${start.line + 1} column ${start.character + 1} to line ${end.line + 1} column ${end.character}`;
}

function offsetOf(lines: string[], line: number, character: number): number {
  let off = 0;
  for (let i = 0; i < line && i < lines.length; i++) off += lines[i].length + 1;
  return off + Math.min(character, (lines[line] ?? '').length);
}

/** Applies edits (non-overlapping, any order) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const withOffsets = edits
    .map((e) => ({ e, s: offsetOf(lines, e.span.start.line, e.span.start.character), t: offsetOf(lines, e.span.end.line, e.span.end.character) }))
    .sort((a, b) => b.s - a.s);
  let out = text;
  for (const { e, s, t } of withOffsets) out = out.slice(0, s) + e.newText + out.slice(t);
  return out;
}

/**
 * The hunks of one fix. With `source`: each edit becomes a hunk with `context` lines around it (hunks that
 * touch are merged). Without: each edit becomes a hunk holding only its inserted lines.
 */
export function fixToHunks(fix: Fix, source?: string, context = 2): DiffHunk[] {
  const edits = [...fix.edits].sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  if (source === undefined) {
    return edits.map((e) => {
      const note = describeSpan(e);
      const lines =
        e.newText === ''
          ? []
          : e.newText
              .replace(/^\n/, '')
              .split('\n')
              .map((text, i) => ({ kind: 'add' as const, line: e.span.start.line + 1 + i, text }));
      return note ? { oldStart: e.span.start.line + 1, lines, note } : { oldStart: e.span.start.line + 1, lines };
    });
  }
  const oldLines = source.split('\n');
  // Group edits whose context windows overlap.
  const groups: TextEdit[][] = [];
  for (const e of edits) {
    const g = groups[groups.length - 1];
    if (g && e.span.start.line - g[g.length - 1].span.end.line <= 2 * context) g.push(e);
    else groups.push([e]);
  }
  return groups.map((g) => {
    const first = g[0].span.start.line;
    const last = g[g.length - 1].span.end.line;
    const from = Math.max(0, first - context);
    const to = Math.min(oldLines.length - 1, last + context);
    // Rewrite only the touched lines [first, last]: shift the edits to that excerpt.
    const excerpt = oldLines.slice(first, last + 1).join('\n');
    const shifted = g.map((e) => ({ ...e, span: { ...e.span, start: { ...e.span.start, line: e.span.start.line - first }, end: { ...e.span.end, line: e.span.end.line - first } } }));
    const newExcerpt = applyEdits(excerpt, shifted).split('\n');
    const before: DiffLine[] = [];
    for (let i = from; i < first; i++) before.push({ kind: 'context', line: i + 1, text: oldLines[i] });
    const dels = oldLines.slice(first, last + 1);
    // Lines that did not change inside the touched range read better as context.
    let head = 0;
    while (head < dels.length && head < newExcerpt.length && dels[head] === newExcerpt[head]) head++;
    let tail = 0;
    while (tail < dels.length - head && tail < newExcerpt.length - head && dels[dels.length - 1 - tail] === newExcerpt[newExcerpt.length - 1 - tail]) tail++;
    const lines: DiffLine[] = [...before];
    for (let i = 0; i < head; i++) lines.push({ kind: 'context', line: first + 1 + i, text: dels[i] });
    for (let i = head; i < dels.length - tail; i++) lines.push({ kind: 'del', line: first + 1 + i, text: dels[i] });
    for (let i = head; i < newExcerpt.length - tail; i++) lines.push({ kind: 'add', line: first + 1 + i, text: newExcerpt[i] });
    for (let i = dels.length - tail; i < dels.length; i++) lines.push({ kind: 'context', line: first + 1 + i, text: dels[i] });
    for (let i = last + 1; i <= to; i++) lines.push({ kind: 'context', line: i + 1, text: oldLines[i] });
    return { oldStart: from + 1, lines };
  });
}

/** Key of a fix inside a report, used for the diffs map the HTML export embeds. */
export function fixKey(fileIndex: number, modelIndex: number, findingIndex: number, fixIndex: number): string {
  return `${fileIndex}/${modelIndex}/${findingIndex}/${fixIndex}`;
}
