#!/usr/bin/env node
// `npm run package`: a production build, then a .vsix with @vscode/vsce (--no-dependencies: everything is
// bundled). .vscodeignore is an allowlist. Prints the package's size and contents.
//   --out <file.vsix>   where to write it (default: stability-lens-<version>.vsix in the repository root)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const argv = process.argv.slice(2);
const out = argv.includes('--out') ? path.resolve(argv[argv.indexOf('--out') + 1]) : path.join(root, `${pkg.name}-${pkg.version}.vsix`);

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
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
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out]);
const listing = run(process.execPath, [vsce, 'ls', '--no-dependencies']);
const files = listing.split('\n').filter(Boolean);
const bytes = fs.statSync(out).size;
console.log(`${path.relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(1)} KiB, ${files.length} files`);
for (const f of files) console.log(`  ${f}`);
