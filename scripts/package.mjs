#!/usr/bin/env node
// `npm run package`: a production build, then a .vsix with @vscode/vsce (--no-dependencies: everything is
// bundled). .vscodeignore is an allowlist. Prints the package's size and contents.
//   --out <file.vsix>   where to write it (default: stability-lens-<version>.vsix in the repository root)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const argv = process.argv.slice(2);
const out = argv.includes('--out') ? path.resolve(argv[argv.indexOf('--out') + 1]) : path.join(root, `${pkg.name}-${pkg.version}.vsix`);

const run = (cmd, args, cwd = root) => {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout;
};

run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production']);
for (const f of ['dist/extension.js', 'dist/worker.js']) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`missing ${f}: the build did not produce it`);
    process.exit(1);
  }
}
// vsce refuses a package.json "files" list (the npm package's, for the CLI) next to .vscodeignore: package from
// a staging copy without it; .vscodeignore (the allowlist) still decides what goes in.
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-vsix-'));
process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));
const manifest = { ...pkg };
delete manifest.files;
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
for (const p of ['.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist', 'media', 'docs']) {
  if (fs.existsSync(path.join(root, p))) fs.cpSync(path.join(root, p), path.join(stage, p), { recursive: true });
}
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// README links and images are relative: vsce makes them absolute against the repository
const repo = String(pkg.repository?.url ?? pkg.homepage ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const base = repo ? ['--baseContentUrl', `${repo}/blob/main`, '--baseImagesUrl', `${repo}/raw/main`] : [];
run(process.execPath, [vsce, 'package', '--no-dependencies', ...base, '--out', out], stage);
const listing = run(process.execPath, [vsce, 'ls', '--no-dependencies'], stage);
const files = listing.split('\n').filter(Boolean);
const bytes = fs.statSync(out).size;
console.log(`${out.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), out) : out}: ${(bytes / 1024).toFixed(1)} KiB, ${files.length} files`);
for (const f of files) console.log(`  ${f}`);
