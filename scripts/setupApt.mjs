// Installs Debian packages when they are missing (idempotent; apt-get update only when something is missing).
// Usage: node scripts/setupApt.mjs pkg... | import { ensureAptPackages } from './setupApt.mjs'
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** True when dpkg knows the package as installed. */
export function aptInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** Installs the missing ones among `pkgs`; throws with a readable message when that is impossible. */
export function ensureAptPackages(pkgs, log = (m) => console.log(m)) {
  const missing = pkgs.filter((p) => !aptInstalled(p));
  if (missing.length === 0) return [];
  log(`apt: installing ${missing.join(' ')}`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const cmd = [...prefix, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) throw new Error(`'${cmd.join(' ')}' failed (exit ${r.status}); install ${missing.join(' ')} by hand`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  return missing;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureAptPackages(process.argv.slice(2));
}
