import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_THRESHOLDS, THRESHOLD_KEYS } from '../../../src/core/rules/thresholds';
import { DEFAULT_SETTINGS, effectiveProfile, joinGlobs, normalizeSettings } from '../../../src/vscode/settings';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: { [k: string]: { default?: unknown } } }[] };
};
const declared: { [k: string]: unknown } = {};
for (const group of pkg.contributes.configuration) for (const [k, v] of Object.entries(group.properties)) declared[k] = v.default;

const flat = (o: object, prefix = ''): { [k: string]: unknown } => {
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flat(v as object, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
};

describe('settings', () => {
  it('package.json declares every setting with the same default, named stabilityLens.group.name', () => {
    const defaults = flat(DEFAULT_SETTINGS);
    delete defaults['thresholds'];
    for (const [k, v] of Object.entries(defaults)) assert.deepEqual(declared[`stabilityLens.${k}`], v, k);
    for (const k of Object.keys(declared)) {
      if (k.startsWith('stabilityLens.rules.')) continue;
      assert.match(k, /^stabilityLens\.[a-z][A-Za-z]*\.[a-z][A-Za-z0-9]*$/, k);
      assert.ok(`${k.slice('stabilityLens.'.length)}` in defaults, `${k} is not read by settings.ts`);
    }
  });

  it('rule thresholds mirror core/rules/thresholds: one setting per key, same default', () => {
    const rules = Object.keys(declared).filter((k) => k.startsWith('stabilityLens.rules.'));
    assert.deepEqual(rules.map((k) => k.slice('stabilityLens.rules.'.length)).sort(), [...THRESHOLD_KEYS].sort());
    for (const k of THRESHOLD_KEYS) assert.equal(declared[`stabilityLens.rules.${k}`], DEFAULT_THRESHOLDS[k], k);
  });

  it('reads values, falls back on bad ones, clamps numbers', () => {
    const values: { [k: string]: unknown } = {
      'analysis.live': false,
      'analysis.debounceMs': -5,
      'analysis.include': ['**/*.ts', 3, ''],
      'simulation.profile': 'bogus',
      'simulation.seed': 7.4,
      'simulation.timeBudgetMs': 'fast',
      'rules.minPlainRun': 12,
      'rules.other': 'x',
    };
    const s = normalizeSettings((k) => values[k], ['minPlainRun', 'other']);
    assert.equal(s.analysis.live, false);
    assert.equal(s.analysis.debounceMs, 0);
    assert.deepEqual(s.analysis.include, ['**/*.ts']);
    assert.deepEqual(s.analysis.exclude, DEFAULT_SETTINGS.analysis.exclude);
    assert.equal(s.simulation.profile, 'auto');
    assert.equal(s.simulation.seed, 7);
    assert.equal(s.simulation.timeBudgetMs, DEFAULT_SETTINGS.simulation.timeBudgetMs);
    assert.deepEqual(s.thresholds, { minPlainRun: 12 });
  });

  it('auto profile: interactive while typing, full when asked', () => {
    assert.equal(effectiveProfile(DEFAULT_SETTINGS, false), 'interactive');
    assert.equal(effectiveProfile(DEFAULT_SETTINGS, true), 'full');
    const pinned = { ...DEFAULT_SETTINGS, simulation: { ...DEFAULT_SETTINGS.simulation, profile: 'interactive' as const } };
    assert.equal(effectiveProfile(pinned, true), 'interactive');
  });

  it('joins globs with braces', () => {
    assert.equal(joinGlobs([]), undefined);
    assert.equal(joinGlobs(['a/**']), 'a/**');
    assert.equal(joinGlobs(['a/**', '**/b']), '{a/**,**/b}');
  });
});
