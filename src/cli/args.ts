/** Command-line arguments of `stability-lens`. */
import { THRESHOLD_KEYS } from '../core/rules/thresholds';

export type Format = 'text' | 'json' | 'sarif' | 'html';
export type FailOn = 'error' | 'warning' | 'info' | 'none';

export interface CliOptions {
  paths: string[];
  format: Format;
  output?: string;
  failOn: FailOn;
  thresholds: { [key: string]: number };
  quiet: boolean;
  help: boolean;
  version: boolean;
  simulate: boolean;
  seed?: number;
  width?: number;
  batch?: number;
  profile: 'full' | 'interactive';
  maxFileBytes?: number;
}

export class UsageError extends Error {}

export const HELP = `Usage: stability-lens [options] [paths...]

Finds numerically unstable neural-network architectures in TensorFlow.js code (tfjs Layers API) and tfjs
model.json files. Paths are files or folders (searched recursively for .ts .tsx .js .mjs .cjs files and .json
model topologies; node_modules and dot-folders are skipped). Default path: the current folder.

Output
  -f, --format <fmt>        text (default) | json | sarif | html
  -o, --output <file>       write the report to <file>, created or replaced; its folder must exist.
                            Nothing else is written, and nothing to stdout
  -q, --quiet               text: only the findings and errors, no tables or summary

Exit status
  --fail-on <level>         error (default) | warning | info | none: exit 1 when a finding at or above <level>
                            exists. Exit 2 on usage errors, missing paths, unreadable files or an unwritable output.

Rules
  --threshold <key>=<n>     override a rule threshold (repeatable); keys:
                              ${THRESHOLD_KEYS.join('\n                              ')}
  --max-file-bytes <n>      files larger than this are not analysed (default 2097152)

Simulation
  --no-simulate             structural analysis only
  --profile <p>             full (default) | interactive
  --seed <n>                random seed (default 42)
  --width <n>               simulated width (units)
  --batch <n>               simulated batch size

  -h, --help                this help
  -v, --version             the version
`;

function int(name: string, v: string | undefined, min: number): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${name} expects a non-negative integer, got '${v ?? ''}'`);
  const n = Number(v);
  if (n < min) throw new UsageError(`${name} must be at least ${min}`);
  return n;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    paths: [],
    format: 'text',
    failOn: 'error',
    thresholds: {},
    quiet: false,
    help: false,
    version: false,
    simulate: true,
    profile: 'full',
  };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (onlyPaths || !a.startsWith('-') || a === '-') {
      o.paths.push(a);
      continue;
    }
    if (a === '--') {
      onlyPaths = true;
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} expects a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '-v':
      case '--version':
        o.version = true;
        break;
      case '-q':
      case '--quiet':
        o.quiet = true;
        break;
      case '-f':
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'html') throw new UsageError(`unknown format '${v}' (text, json, sarif, html)`);
        o.format = v;
        break;
      }
      case '-o':
      case '--output':
        o.output = value();
        break;
      case '--fail-on': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info' && v !== 'none') throw new UsageError(`--fail-on expects error, warning, info or none, got '${v}'`);
        o.failOn = v;
        break;
      }
      case '--threshold': {
        const v = value();
        const m = /^([\w.]+)=(\d+(?:\.\d+)?)$/.exec(v);
        if (!m) throw new UsageError(`--threshold expects <key>=<number>, got '${v}'`);
        if (!THRESHOLD_KEYS.includes(m[1])) throw new UsageError(`unknown threshold '${m[1]}' (${THRESHOLD_KEYS.join(', ')})`);
        const n = Number(m[2]);
        if (!(n > 0)) throw new UsageError(`threshold ${m[1]} must be positive`);
        o.thresholds[m[1]] = n;
        break;
      }
      case '--max-file-bytes':
        o.maxFileBytes = int(a, value(), 1);
        break;
      case '--no-simulate':
        o.simulate = false;
        break;
      case '--simulate':
        o.simulate = true;
        break;
      case '--profile': {
        const v = value();
        if (v !== 'full' && v !== 'interactive') throw new UsageError(`--profile expects full or interactive, got '${v}'`);
        o.profile = v;
        break;
      }
      case '--seed':
        o.seed = int(a, value(), 0);
        break;
      case '--width':
        o.width = int(a, value(), 1);
        break;
      case '--batch':
        o.batch = int(a, value(), 2);
        break;
      default:
        throw new UsageError(`unknown option '${a}'`);
    }
    if (inline !== undefined && !['--format', '--output', '--fail-on', '--threshold', '--max-file-bytes', '--profile', '--seed', '--width', '--batch'].includes(a)) {
      throw new UsageError(`${a} takes no value`);
    }
  }
  return o;
}
