/**
 * The "disable this rule for this line" fix as core data (a TextEdit): insert
 * `// stability-lens-disable-next-line <rule-id>` above the line, or add the rule to such a comment already there.
 */
import type { TextEdit } from '../core/rules/types';

export const DISABLE_NEXT_LINE = 'stability-lens-disable-next-line';

/**
 * @param line 0-based line of the finding
 * @param lineText that line's text
 * @param previousText the line above (undefined on line 0)
 */
export function disableLineEdit(file: string, ruleId: string, line: number, lineText: string, previousText: string | undefined): TextEdit {
  const existing = previousText === undefined ? null : /^(\s*\/\/\s*stability-lens-disable-next-line)((?:\s+[\w-]+)*)\s*$/.exec(previousText);
  if (existing && line > 0) {
    const rules = existing[2].trim().split(/\s+/).filter(Boolean);
    if (rules.length === 0 || rules.includes(ruleId)) {
      // already covers all rules / this rule: nothing to add (an empty edit keeps the action harmless)
      const at = { line: line - 1, character: previousText!.length };
      return { span: { file, start: at, end: at }, newText: '' };
    }
    const at = { line: line - 1, character: existing[0].replace(/\s+$/, '').length };
    return { span: { file, start: at, end: at }, newText: ` ${ruleId}` };
  }
  const indent = /^\s*/.exec(lineText)![0];
  const at = { line, character: 0 };
  return { span: { file, start: at, end: at }, newText: `${indent}// ${DISABLE_NEXT_LINE} ${ruleId}\n` };
}
