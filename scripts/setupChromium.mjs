// Debian's headless Chromium for playwright-core (never `npx playwright install`: nothing is downloaded but the
// apt package). Reusable: `node scripts/setupChromium.mjs` prints the executable path; or
//   import { ensureChromium, chromiumLaunchOptions } from './setupChromium.mjs';
//   const browser = await chromium.launch(chromiumLaunchOptions());
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureAptPackages } from './setupApt.mjs';

export const CHROMIUM_PATH = process.env.STABILITY_LENS_CHROMIUM ?? '/usr/bin/chromium';

/** Makes sure Chromium is installed (apt) and returns its executable path. */
export function ensureChromium(log) {
  if (!fs.existsSync(CHROMIUM_PATH)) ensureAptPackages(['chromium'], log);
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

/** playwright-core launch options for a headless, offline, quiet Chromium. */
export function chromiumLaunchOptions(extra = {}) {
  return {
    executablePath: ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    ...extra,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureChromium());
}
