// Starts the pinned code-server for tests: private user-data / extensions / XDG dirs, a free port, its own
// process group under coreutils `timeout` (so it dies even if we are SIGKILLed), stopped by process-group id on
// exit and on SIGINT/SIGTERM/SIGHUP. Never kills anything by name.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ENTRY = path.join(here, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Quiet user settings: no telemetry, updates, welcome pages, git, type acquisition or trust prompts. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
  'editor.codeLens': true,
  'window.commandCenter': false,
};

/** Private directories for one run (removed by cleanup()). */
export function makeDirs(prefix = 'sl-vscode-') {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    base,
    userDataDir: path.join(base, 'user-data'),
    extensionsDir: path.join(base, 'extensions'),
    xdgConfig: path.join(base, 'xdg-config'),
    xdgData: path.join(base, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2));
}

function baseEnv(dirs) {
  return {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
  };
}

/** `code-server --install-extension <vsix>` into a private extensions dir; returns its output. */
export function installExtension(vsix, dirs) {
  const r = spawnSync(
    'timeout',
    ['--kill-after=10', '120', process.execPath, ENTRY, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix, '--force'],
    { env: baseEnv(dirs), encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`--install-extension failed (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function healthz(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts code-server on a free port. Options: dirs (from makeDirs), workspaceTrust (default false: the
 * --disable-workspace-trust flag is passed), maxSeconds (hard limit, default 600), log (line callback).
 * Resolves to { port, origin, stop() } once /healthz answers 200.
 */
export async function startCodeServer({ dirs, workspaceTrust = false, maxSeconds = 600, log = () => {} }) {
  if (!fs.existsSync(ENTRY)) throw new Error(`code-server is not installed (${ENTRY}); run node scripts/setupCodeServer.mjs`);
  const configFile = path.join(dirs.base, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    `--kill-after=10`,
    String(maxSeconds),
    process.execPath,
    ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--config',
    configFile,
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
  ];
  if (!workspaceTrust) args.push('--disable-workspace-trust');
  const child = spawn('timeout', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: baseEnv(dirs) });
  const pgid = child.pid;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 3000);
    t.unref();
  };
  const onSignal = (sig) => {
    stop();
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(s, () => onSignal(s));

  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output.slice(-2000)}`)), 60_000);
    const onData = (d) => {
      const s = d.toString();
      output += s;
      for (const line of s.split('\n')) if (line.trim()) log(line);
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${output.slice(-2000)}`));
    });
  }).catch((e) => {
    stop();
    throw e;
  });
  const deadline = Date.now() + 30_000;
  while (!(await healthz(port))) {
    if (Date.now() > deadline) {
      stop();
      throw new Error('code-server /healthz did not answer 200 within 30 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, origin: `http://127.0.0.1:${port}`, stop, child };
}

/** The workbench URL that loads an extension under development and runs its tests (VS Code's web test payload). */
export function workbenchUrl(origin, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const host = new URL(origin).host;
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', `vscode-remote://${host}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.splice(1, 0, ['extensionTestsPath', `vscode-remote://${host}${extensionTestsPath.replace(/\.js$/, '')}`]);
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  q.set('payload', JSON.stringify(payload));
  return `${origin}/?${q.toString()}`;
}

export function removeDirs(dirs) {
  fs.rmSync(dirs.base, { recursive: true, force: true });
}
