/**
 * npm packages whose behaviour decides model shapes in real tfjs code, modelled where the analysis would
 * otherwise only see unknown values. Node training scripts (the tfjs-examples among them) read their
 * hyper-parameters through `argparse`: `parser.addArgument('--latentSize', {type: 'int', defaultValue: 100})`
 * (argparse 1.x) or `parser.add_argument('--latent_size', {default: 100})` (2.x), then `parser.parseArgs()`.
 * Without flags on the command line every argument takes its default; the analysis assumes exactly that, with a
 * note where each default is read (so it goes to the models built from it). Arguments without a default stay
 * unknown.
 */
import type * as TS from 'typescript';
import type { Evaluator } from './evaluator';
import { ArrayVal, AssumedProp, BuiltinVal, ObjectVal, UnknownVal, type Value } from './values';

/** The module's value for a package the analysis models, else undefined. */
export function knownPackage(ev: Evaluator, spec: string): Value | undefined {
  if (spec === 'argparse') return argparseModule(ev);
  return undefined;
}

interface ArgSpec {
  dest: string;
  flag: string;
  value: Value;
  hasDefault: boolean;
}

function str(v: Value): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** argparse's dest for a flag: leading dashes dropped, inner dashes to underscores ('--num-words' -> 'num_words'). */
function destOf(flags: string[]): string | undefined {
  const long = flags.find((f) => f.startsWith('--')) ?? flags.find((f) => f.startsWith('-')) ?? flags[0];
  if (!long) return undefined;
  return long.replace(/^-+/, '').replace(/-/g, '_');
}

function argparseModule(ev: Evaluator): ObjectVal {
  const mod = new ObjectVal();
  const ctor = new BuiltinVal('ArgumentParser', () => makeParser(ev));
  mod.props.set('ArgumentParser', ctor);
  mod.props.set('default', mod);
  return mod;
}

function makeParser(ev: Evaluator): ObjectVal {
  const parser = new ObjectVal();
  const specs: ArgSpec[] = [];
  const add = new BuiltinVal('addArgument', (_t, args) => {
    const first = args[0];
    const flags =
      first instanceof ArrayVal
        ? first.items.map(str).filter((x): x is string => x !== undefined)
        : typeof first === 'string'
          ? args.filter((a): a is string => typeof a === 'string')
          : [];
    const opts = args.find((a): a is ObjectVal => a instanceof ObjectVal);
    const get = (k: string): Value => opts?.props.get(k);
    const dest = str(get('dest')) ?? destOf(flags);
    if (!dest) return undefined;
    const action = str(get('action'));
    let value: Value;
    let hasDefault = true;
    if (opts?.props.has('defaultValue')) value = get('defaultValue');
    else if (opts?.props.has('default')) value = get('default');
    else if (action === 'storeTrue' || action === 'store_true') value = false;
    else if (action === 'storeFalse' || action === 'store_false') value = true;
    else {
      hasDefault = false;
      value = new UnknownVal(`command-line argument '${flags.join(', ') || dest}' (no default)`);
    }
    const i = specs.findIndex((s) => s.dest === dest);
    const spec: ArgSpec = { dest, flag: flags.find((f) => f.startsWith('--')) ?? flags[0] ?? dest, value, hasDefault };
    if (i >= 0) specs[i] = spec;
    else specs.push(spec);
    return undefined;
  });
  const parse = new BuiltinVal('parseArgs', (_t, _args, node) => parsed(ev, specs, node));
  for (const k of ['addArgument', 'add_argument']) parser.props.set(k, add);
  for (const k of ['parseArgs', 'parse_args', 'parseKnownArgs', 'parse_known_args']) parser.props.set(k, parse);
  return parser;
}

function parsed(ev: Evaluator, specs: ArgSpec[], node: TS.Node | undefined): ObjectVal {
  const out = new ObjectVal();
  const at = node ? { node, mod: ev.mod } : undefined;
  for (const s of specs) {
    if (!s.hasDefault) {
      out.props.set(s.dest, s.value);
      continue;
    }
    const shown = typeof s.value === 'string' ? `'${s.value}'` : String(s.value);
    out.props.set(
      s.dest,
      new AssumedProp(s.value, `Command-line argument ${s.flag} (argparse) is assumed to take its default ${shown}.`, at),
    );
  }
  return out;
}
