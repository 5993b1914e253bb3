// Installs the pinned code-server (VS Code 1.100.3 server + web workbench) into tools/code-server/ for the
// offline integration and UI tests (../shared/REAL-VSCODE-TESTS.md). Idempotent: fast when already installed.
// Usage: node scripts/setupCodeServer.mjs | import { ensureCodeServer } from './setupCodeServer.mjs'
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAptPackages } from './setupApt.mjs';
import { ensureChromium } from './setupChromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_DIR = path.join(root, 'tools', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const MARKER = path.join(CODE_SERVER_DIR, 'node_modules', '.stability-lens-ready');

function lockHash() {
  const h = crypto.createHash('sha256');
  h.update(fs.readFileSync(path.join(CODE_SERVER_DIR, 'package.json')));
  h.update(fs.readFileSync(path.join(CODE_SERVER_DIR, 'package-lock.json')));
  return h.digest('hex');
}

export function codeServerReady() {
  return fs.existsSync(CODE_SERVER_ENTRY) && fs.existsSync(MARKER) && fs.readFileSync(MARKER, 'utf8').trim() === lockHash();
}

/** @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache holds the tarball: give it Debian's rg. */
function seedRipgrepCache(log) {
  const dir = path.join(process.env.TMPDIR || os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const tarball = path.join(dir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(tarball)) return;
  const rg = ['/usr/bin/rg', '/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) throw new Error('ripgrep is not installed');
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('tar', ['-czf', tarball, '-C', path.dirname(rg), 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not write the ripgrep cache tarball');
  log(`seeded ${tarball}`);
}

/** Installs what is missing; returns the path of code-server's entry script. */
export function ensureCodeServer(log = (m) => console.log(m)) {
  if (codeServerReady()) {
    ensureChromium(log);
    return CODE_SERVER_ENTRY;
  }
  const started = Date.now();
  ensureAptPackages(['chromium', 'libkrb5-dev', 'ripgrep'], log);
  seedRipgrepCache(log);
  log('installing code-server 4.100.3 into tools/code-server (about 1.5 min)...');
  const r = spawnSync('npm', ['ci', '--foreground-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: CODE_SERVER_DIR,
    stdio: ['ignore', process.env.STABILITY_LENS_VERBOSE ? 'inherit' : 'ignore', 'inherit'],
    env: {
      ...process.env,
      // code-server's postinstall refuses to run as root otherwise
      npm_config_unsafe_perm: 'true',
      // node-pty's postinstall runs `npx node-gyp`, which a machine-wide `yes=false` would cancel
      npm_config_yes: 'true',
      // build native addons (argon2) from source instead of trying a prebuilt download from GitHub first
      npm_config_build_from_source: 'true',
    },
  });
  if (r.status !== 0 || !fs.existsSync(CODE_SERVER_ENTRY)) throw new Error(`npm ci in tools/code-server failed (exit ${r.status})`);
  fs.writeFileSync(MARKER, lockHash() + '\n');
  log(`code-server ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CODE_SERVER_ENTRY;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureCodeServer());
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(1);
  }
}
