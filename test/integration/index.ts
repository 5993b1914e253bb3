/**
 * The mocha runner the extension host loads (VS Code's extensionTestsPath contract: `run()` returning a promise).
 * Runs every bundled *.test.js beside it, prints through the console (forwarded to the launcher), and writes
 * the totals {passed, failed} to $STABILITY_LENS_RUN_RESULTS for scripts/integration.mjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Marks the tests' own output lines, so the launcher can tell them from the workbench's log. */
export const TEST_PREFIX = '\u200b[t]';

export function prefixConsole(): void {
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const log = console.log.bind(console);
  base.consoleLog = (...args: unknown[]) => log(TEST_PREFIX + format(...args));
}

export async function run(): Promise<void> {
  prefixConsole();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.STABILITY_LENS_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const totals = { passed: runner.stats?.passes ?? 0, failed: failures, pending: runner.stats?.pending ?? 0, ms: Date.now() - started };
      const out = process.env.STABILITY_LENS_RUN_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(totals));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
