/** SARIF 2.1.0 for code-scanning tools. */
import type { Span } from '../core/graph/types';
import type { AnalysisReport } from '../core/report/types';
import type { Severity } from '../core/rules/types';
import { RULES } from '../core/rules/registry';
import { distinctFindings } from '../core/report/build';
import { THRESHOLD_DOCS } from '../core/rules/thresholds';

export interface SarifOptions {
  /** Artifact URI (relative, '/'-separated, percent-encoded) of a report path. */
  uriOf(path: string): string;
  /** file:// URI of the folder the relative URIs are relative to (ends with '/'). */
  baseUri?: string;
  helpBase: string;
  version: string;
}

type Json = { [key: string]: unknown };

const LEVEL: { [s in Severity]: string } = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function region(span: Span): Json {
  return {
    startLine: span.start.line + 1,
    startColumn: span.start.character + 1,
    endLine: span.end.line + 1,
    endColumn: span.end.character + 1,
  };
}

export function formatSarif(report: AnalysisReport, opts: SarifOptions): string {
  const artifact = (path: string): Json => ({ uri: opts.uriOf(path), ...(opts.baseUri ? { uriBaseId: '%SRCROOT%' } : {}) });
  const location = (span: Span, message?: string, id?: number): Json => ({
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: artifact(span.file), region: region(span) },
    ...(message ? { message: { text: message } } : {}),
  });
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    helpUri: `${opts.helpBase}${r.id}.md`,
    help: { text: `${r.description} See ${opts.helpBase}${r.id}.md` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      thresholds: Object.fromEntries(THRESHOLD_DOCS.filter((t) => t.rule === r.id).map((t) => [t.key, t.default])),
    },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: Json[] = [];
  const notifications: Json[] = [];
  for (const f of report.files) {
    for (const e of f.errors) {
      notifications.push({
        level: 'error',
        message: { text: e.message },
        locations: [e.span ? location(e.span) : { physicalLocation: { artifactLocation: artifact(f.path) } }],
      });
    }
    for (const { model: m, finding: x } of distinctFindings(f)) {
      const result: Json = {
        ruleId: x.ruleId,
        level: LEVEL[x.severity],
        message: { text: x.message },
        locations: [location(x.span)],
      };
      const idx = ruleIndex.get(x.ruleId);
      if (idx !== undefined) result.ruleIndex = idx;
      if (x.related.length) result.relatedLocations = x.related.map((r, i) => location(r.span, r.message, i + 1));
      const fixes = x.fixes.filter((fx) => fx.edits.length > 0);
      if (fixes.length) {
        result.fixes = fixes.map((fx) => {
          const byFile = new Map<string, Json[]>();
          for (const e of fx.edits) {
            const list = byFile.get(e.span.file) ?? [];
            list.push({ deletedRegion: region(e.span), insertedContent: { text: e.newText } });
            byFile.set(e.span.file, list);
          }
          return {
            description: { text: fx.title },
            artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifact(file), replacements })),
          };
        });
      }
      result.partialFingerprints = { 'stabilityLens/v1': `${x.ruleId}:${m.name}:${x.span.start.line}` };
      result.properties = { model: m.name, ...(x.data ?? {}) };
      results.push(result);
    }
  }
  const run: Json = {
    tool: {
      driver: {
        name: 'stability-lens',
        version: opts.version,
        semanticVersion: opts.version,
        informationUri: opts.helpBase.replace(/docs\/rules\/$/, ''),
        rules,
      },
    },
    invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
    results,
    columnKind: 'utf16CodeUnits',
  };
  if (opts.baseUri) run.originalUriBaseIds = { '%SRCROOT%': { uri: opts.baseUri } };
  return JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] }, null, 2) + '\n';
}
