/** node:fs behind the core's FsHost. */
import fs from 'node:fs';
import path from 'node:path';
import type { FsHost } from '../core/analyze';
import { DEFAULT_LIMITS } from '../core/limits';
import { readRegularFile } from '../core/readFile';

/** `maxFileBytes` bounds the files the analysed code imports too (regular files only: see readRegularFile). */
export function nodeFsHost(maxFileBytes = DEFAULT_LIMITS.maxFileBytes): FsHost {
  return {
    stat(p) {
      try {
        const s = fs.statSync(p);
        return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size };
      } catch {
        return undefined;
      }
    },
    readDir(p) {
      return fs.readdirSync(p);
    },
    readText(p) {
      try {
        return fs.readFileSync(p, 'utf8');
      } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
      }
    },
    readFile: (p) => readRegularFile(p, maxFileBytes),
    join: (a, b) => path.join(a, b),
    realPath(p) {
      try {
        return fs.realpathSync(p);
      } catch {
        return p;
      }
    },
  };
}
