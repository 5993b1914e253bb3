/**
 * Reading a file the analysed code imports (CLI and worker hosts). The path comes from the code
 * (`import { depth } from '/dev/zero'`, `'../../pipe'`), so only a regular file of at most `maxBytes` is read:
 * a device never ends (reading /dev/zero fills the memory), a FIFO blocks the thread until someone writes to
 * it, and a huge file is not worth parsing. Anything else reads as missing (undefined): the import is then
 * unknown, with the evaluator's note.
 */
import fs from 'node:fs';

export function readRegularFile(path: string, maxBytes: number): string | undefined {
  try {
    const st = fs.statSync(path);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
