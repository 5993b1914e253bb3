/** Rule-threshold setting keys (`stabilityLens.rules.<key>`): core/rules/thresholds is the source of truth. */
export { THRESHOLD_KEYS } from '../core/rules/thresholds';
