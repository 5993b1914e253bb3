import type { Position, Span } from '../graph/types';

/** A file's text with line offsets: positions <-> offsets, span slices, line indentation. */
export class SourceText {
  private readonly starts: number[] = [0];

  constructor(
    readonly text: string,
    readonly path: string,
  ) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  offset(p: Position): number {
    const line = Math.max(0, Math.min(p.line, this.starts.length - 1));
    return Math.min(this.text.length, this.starts[line] + p.character);
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

  slice(span: Span): string {
    return this.text.slice(this.offset(span.start), this.offset(span.end));
  }

  /** The text of a line without its line break. */
  line(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    const start = this.starts[line];
    const end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }

  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.line(line))?.[0] ?? '';
  }

  /** The line break style of the file. */
  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  span(start: number, end: number): Span {
    return { file: this.path, start: this.position(start), end: this.position(end) };
  }
}
