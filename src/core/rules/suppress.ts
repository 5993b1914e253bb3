import type { Suppression } from '../parse/types';
import type { Finding } from './types';

/**
 * Drops findings silenced by `// stability-lens-disable-next-line <rule-id...>` (the finding's first line or the
 * model's first line) or a whole-file `// stability-lens-disable <rule-id...>`; an empty rule list silences all.
 */
export function applySuppressions(findings: Finding[], suppressions: Suppression[], modelLine?: number): Finding[] {
  if (suppressions.length === 0) return findings;
  return findings.filter((f) => {
    for (const s of suppressions) {
      if (s.rules.length > 0 && !s.rules.includes(f.ruleId)) continue;
      if (s.line === -1 || s.line === f.span.start.line || (modelLine !== undefined && s.line === modelLine)) return false;
    }
    return true;
  });
}
