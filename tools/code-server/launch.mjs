#!/usr/bin/env node
// A stand-in for a VS Code binary, for @vscode/test-electron's runTests({ vscodeExecutablePath }): takes the
// command line runTests gives VS Code (--extensionDevelopmentPath=… --extensionTestsPath=… --user-data-dir=…
// --extensions-dir=… [folder]; Electron-only flags ignored), starts the pinned code-server, opens its workbench
// in Debian's headless Chromium (playwright-core) with VS Code's test payload, prints the tests' output and
// exits with their exit code.
//   STABILITY_LENS_WORKSPACE_TRUST=1   keep Workspace Trust on (the folder opens in Restricted Mode)
//   STABILITY_LENS_USER_SETTINGS=JSON  extra user settings
//   STABILITY_LENS_TEST_TIMEOUT=secs   overall limit (default 420)
//   STABILITY_LENS_VERBOSE=1           also print code-server's and the browser's logs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { startCodeServer, workbenchUrl, writeUserSettings } from './server.mjs';

const require = createRequire(import.meta.url);
const verbose = !!process.env.STABILITY_LENS_VERBOSE;
const TEST_PREFIX = '\u200b[t]';

function parseArgs(argv) {
  const o = { folder: undefined };
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) o[m[1]] = m[2];
    else if (!a.startsWith('-')) o.folder = path.resolve(a);
  }
  return o;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const limit = Number(process.env.STABILITY_LENS_TEST_TIMEOUT ?? 420);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-launch-'));
  const dirs = {
    base,
    userDataDir: path.resolve(args['user-data-dir'] ?? path.join(base, 'user-data')),
    extensionsDir: path.resolve(args['extensions-dir'] ?? path.join(base, 'extensions')),
    xdgConfig: path.join(base, 'xdg-config'),
    xdgData: path.join(base, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  writeUserSettings(dirs.userDataDir, process.env.STABILITY_LENS_USER_SETTINGS ? JSON.parse(process.env.STABILITY_LENS_USER_SETTINGS) : {});

  const started = Date.now();
  const server = await startCodeServer({
    dirs,
    workspaceTrust: process.env.STABILITY_LENS_WORKSPACE_TRUST === '1',
    maxSeconds: limit + 60,
    log: verbose ? (l) => console.log(`[code-server] ${l}`) : () => {},
  });
  let browser;
  let code = 1;
  try {
    const { chromium } = require('playwright-core');
    const { chromiumLaunchOptions } = await import('../../scripts/setupChromium.mjs');
    browser = await chromium.launch(chromiumLaunchOptions());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if (verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    // The tests' lines carry TEST_PREFIX (test/integration/index.ts); the workbench's own log only when verbose.
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      const ours = text.startsWith(TEST_PREFIX);
      if (!ours && !verbose) return;
      const line = ours ? text.slice(TEST_PREFIX.length) : `[workbench ${type}] ${text}`;
      if (type === 'error') console.error(line);
      else console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (c) => resolveExit(Number(c)));
    const url = workbenchUrl(server.origin, {
      folder: args.folder,
      extensionDevelopmentPath: args.extensionDevelopmentPath ? path.resolve(args.extensionDevelopmentPath) : undefined,
      extensionTestsPath: args.extensionTestsPath ? path.resolve(args.extensionTestsPath) : undefined,
    });
    await page.goto(url);
    const remaining = Math.max(10, limit - (Date.now() - started) / 1000);
    code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), remaining * 1000))]);
    if (code === 'timeout') {
      console.error(`tests did not finish within ${limit} s`);
      const shots = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'test', 'screenshots');
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'integration-timeout.png') }).catch(() => {});
      code = 1;
    }
  } finally {
    await browser?.close().catch(() => {});
    server.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
