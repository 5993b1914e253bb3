/**
 * The TypeScript compiler API, loaded on first use: the extension must not pay for it at activation
 * (../shared/STYLE.md §2). Only this file loads it; every other file imports its types only.
 */
import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

export function getTs(): typeof TS {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('typescript') as typeof TS;
  }
  return loaded;
}
