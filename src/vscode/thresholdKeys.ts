/** Rule-threshold setting keys (`stabilityLens.rules.<key>`), mirroring core/rules/thresholds. */
export const THRESHOLD_KEYS: readonly string[] = [];
