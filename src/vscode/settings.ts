/**
 * The extension's settings as plain data (no 'vscode' import): names, defaults and normalization. config.ts
 * reads them from VS Code; package.json's contributes.configuration declares them (a unit test keeps the two
 * in step).
 */
import type { Profile } from './worker/protocol';

export const SETTINGS_SECTION = 'stabilityLens';

export interface LensSettings {
  analysis: {
    live: boolean;
    debounceMs: number;
    include: string[];
    exclude: string[];
  };
  simulation: {
    enabled: boolean;
    /** 'auto': interactive while typing, full on explicit commands and the report. */
    profile: 'auto' | Profile;
    seed: number;
    /** 0: the profile's default. */
    width: number;
    /** 0: the profile's default. */
    batch: number;
    timeBudgetMs: number;
  };
  codeLens: { enabled: boolean };
  hover: { enabled: boolean };
  /** Rule thresholds by key (see core/rules/thresholds). */
  thresholds: { [key: string]: number };
}

export const DEFAULT_SETTINGS: LensSettings = {
  analysis: {
    live: true,
    debounceMs: 300,
    include: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', '**/*.json'],
    exclude: ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/*.min.js'],
  },
  simulation: {
    enabled: true,
    profile: 'auto',
    seed: 42,
    width: 0,
    batch: 0,
    timeBudgetMs: 5000,
  },
  codeLens: { enabled: true },
  hover: { enabled: true },
  thresholds: {},
};

/** Reads a flat `get(key)` source (keys like 'simulation.seed') into validated settings; bad values fall back. */
export function normalizeSettings(get: (key: string) => unknown, thresholdKeys: readonly string[] = []): LensSettings {
  const d = DEFAULT_SETTINGS;
  const bool = (k: string, def: boolean): boolean => (typeof get(k) === 'boolean' ? (get(k) as boolean) : def);
  const int = (k: string, def: number, min: number, max: number): number => {
    const v = get(k);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : def;
  };
  const globs = (k: string, def: string[]): string[] => {
    const v = get(k);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : def;
  };
  const profile = get('simulation.profile');
  const thresholds: { [key: string]: number } = {};
  for (const k of thresholdKeys) {
    const v = get(`rules.${k}`);
    if (typeof v === 'number' && Number.isFinite(v)) thresholds[k] = v;
  }
  return {
    analysis: {
      live: bool('analysis.live', d.analysis.live),
      debounceMs: int('analysis.debounceMs', d.analysis.debounceMs, 0, 5000),
      include: globs('analysis.include', d.analysis.include),
      exclude: globs('analysis.exclude', d.analysis.exclude),
    },
    simulation: {
      enabled: bool('simulation.enabled', d.simulation.enabled),
      profile: profile === 'full' || profile === 'interactive' || profile === 'auto' ? profile : d.simulation.profile,
      seed: int('simulation.seed', d.simulation.seed, 0, 2 ** 31 - 1),
      width: int('simulation.width', d.simulation.width, 0, 4096),
      batch: int('simulation.batch', d.simulation.batch, 0, 4096),
      timeBudgetMs: int('simulation.timeBudgetMs', d.simulation.timeBudgetMs, 100, 600_000),
    },
    codeLens: { enabled: bool('codeLens.enabled', d.codeLens.enabled) },
    hover: { enabled: bool('hover.enabled', d.hover.enabled) },
    thresholds,
  };
}

/** The profile a run uses: explicit requests (commands, the report) run full unless the user pinned one. */
export function effectiveProfile(s: LensSettings, explicit: boolean): Profile {
  if (s.simulation.profile !== 'auto') return s.simulation.profile;
  return explicit ? 'full' : 'interactive';
}

/** One glob for excludes: `{a,b}` (VS Code's glob syntax). */
export function joinGlobs(globs: readonly string[]): string | undefined {
  if (globs.length === 0) return undefined;
  return globs.length === 1 ? globs[0] : `{${globs.join(',')}}`;
}
