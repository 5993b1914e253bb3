/**
 * Findings: severity, the message, the numbers behind it, the layers involved, the fix (a button in VS Code; a
 * diff in the HTML export), what the simulated fix would change, the citation, and a link to the explainer.
 */
import type { ModelReport } from '../src/core/report/types';
import type { Finding } from '../src/core/rules/types';
import type { DiffHunk } from '../src/core/report/diff';
import { citationFor, dataLabel, formatNumber } from '../src/core/report/words';
import { button, el } from './dom';

export interface FindingsActions {
  selectFinding(displayIndex: number, firstNode: string | undefined): void;
  applyFix(findingIndex: number, fixIndex: number): void;
  reveal(finding: Finding): void;
  openExplainer(): void;
}

export interface FindingsOptions {
  host: 'vscode' | 'html';
  canApplyFixes: boolean;
  activeFinding?: number;
  /** Diff hunks per fix, keyed `${findingIndex}/${fixIndex}` (model-local). */
  diffs: (findingIndex: number, fixIndex: number) => DiffHunk[] | undefined;
}

const SEVERITY_WORD: { [s: string]: string } = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' };
const SEVERITY_ICON: { [s: string]: string } = { error: '⨯', warning: '⚠', info: 'ℹ', hint: '💡' };
const SEVERITY_ORDER: { [s: string]: number } = { error: 0, warning: 1, info: 2, hint: 3 };

/** Display order: severity first, then source position; returns original indices. */
export function findingOrder(findings: Finding[]): number[] {
  return findings
    .map((f, i) => i)
    .sort((a, b) => SEVERITY_ORDER[findings[a].severity] - SEVERITY_ORDER[findings[b].severity] || findings[a].span.start.line - findings[b].span.start.line || a - b);
}

export function renderDiff(doc: Document, hunks: DiffHunk[], file: string): HTMLElement {
  const box = el(doc, 'div', { class: 'diff', role: 'group', 'aria-label': 'Proposed edit as a diff' });
  box.appendChild(el(doc, 'div', { class: 'diff-file' }, file));
  for (const h of hunks) {
    box.appendChild(el(doc, 'div', { class: 'diff-hunk' }, `@@ line ${h.oldStart} @@`, h.note ? el(doc, 'span', { class: 'diff-note' }, ` ${h.note}`) : null));
    const pre = el(doc, 'pre', { class: 'diff-lines' });
    for (const l of h.lines) {
      const mark = l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' ';
      pre.appendChild(
        el(
          doc,
          'span',
          { class: `diff-line diff-${l.kind}`, 'aria-label': `${l.kind === 'add' ? 'added' : l.kind === 'del' ? 'removed' : 'unchanged'} line ${l.line}` },
          el(doc, 'span', { class: 'diff-no', 'aria-hidden': 'true' }, String(l.line)),
          el(doc, 'span', { class: 'diff-mark', 'aria-hidden': 'true' }, mark),
          l.text,
        ),
      );
    }
    box.appendChild(pre);
  }
  return box;
}

function whatIfLine(doc: Document, model: ModelReport, kind: string | undefined): HTMLElement | null {
  if (!kind) return null;
  const w = (model.whatIf ?? []).find((x) => x.fix === kind);
  if (!w) return null;
  const sim = model.simulation;
  return el(
    doc,
    'p',
    { class: `whatif verdict-${w.verdict}` },
    'Simulated with this fix: ',
    el(doc, 'strong', {}, w.verdict),
    w.borderline ? ' (borderline)' : '',
    `, output gain ${formatNumber(w.outputGain)}`,
    sim ? ` (now ${formatNumber(sim.outputGain)})` : '',
    `, gradient gain ${formatNumber(w.gradientGain)}`,
    sim ? ` (now ${formatNumber(sim.gradientGain)})` : '',
    '. It is drawn as “',
    w.label,
    '” in the plots.',
  );
}

export function renderFindings(doc: Document, model: ModelReport, file: string, opts: FindingsOptions, actions: FindingsActions): HTMLElement {
  const section = el(doc, 'section', { class: 'findings', 'aria-labelledby': 'findings-title' });
  section.appendChild(el(doc, 'h3', { id: 'findings-title' }, model.findings.length ? `Findings (${model.findings.length})` : 'Findings'));
  if (!model.findings.length) {
    section.appendChild(el(doc, 'p', { class: 'empty' }, 'No findings: no rule saw a risk in this model.'));
    return section;
  }
  const byName = new Map(model.layers.map((l) => [l.id, l] as const));
  const order = findingOrder(model.findings);
  order.forEach((fi, di) => {
    const f = model.findings[fi];
    const active = opts.activeFinding === di;
    const card = el(doc, 'article', { class: `finding f-${f.severity}${active ? ' active' : ''}`, 'data-finding': di });
    const head = el(
      doc,
      'header',
      {},
      el(doc, 'span', { class: `sev sev-${f.severity}` }, el(doc, 'span', { 'aria-hidden': 'true' }, SEVERITY_ICON[f.severity] ?? '•'), ` ${SEVERITY_WORD[f.severity] ?? f.severity}`),
      el(doc, 'code', { class: 'rule' }, f.ruleId),
    );
    card.appendChild(head);
    card.appendChild(el(doc, 'p', { class: 'message' }, f.message));

    // The numbers behind it.
    const data = Object.entries(f.data ?? {}).filter(([k]) => k !== 'citation' && k !== 'whatIf');
    if (data.length) {
      const dl = el(doc, 'dl', { class: 'numbers' });
      for (const [k, v] of data) dl.append(el(doc, 'dt', {}, dataLabel(k)), el(doc, 'dd', {}, typeof v === 'number' ? formatNumber(v, 3) : String(v)));
      card.appendChild(dl);
    }

    // Layers involved.
    const nodes = f.nodes ?? [];
    const links = el(doc, 'div', { class: 'finding-actions' });
    if (nodes.length) {
      const first = byName.get(nodes[0]);
      const last = byName.get(nodes[nodes.length - 1]);
      const label = nodes.length === 1 ? `Show layer ${first?.name ?? nodes[0]}` : `Show ${nodes.length} layers (${first?.name ?? nodes[0]} … ${last?.name ?? nodes[nodes.length - 1]})`;
      links.appendChild(button(doc, { class: 'link', 'aria-pressed': String(active), 'data-key': `finding:${di}:layers` }, label, () => actions.selectFinding(di, nodes[0])));
    }
    if (opts.host === 'vscode') links.appendChild(button(doc, { class: 'link', 'data-key': `finding:${di}:reveal` }, `Go to line ${f.span.start.line + 1}`, () => actions.reveal(f)));
    else links.appendChild(el(doc, 'span', { class: 'where' }, `${f.span.file}:${f.span.start.line + 1}`));
    links.appendChild(button(doc, { class: 'link', 'data-key': `finding:${di}:why` }, 'Why does depth do this?', () => actions.openExplainer()));
    card.appendChild(links);

    // A remedy simulated without a code edit (the finding names it in data.whatIf).
    const named = f.data?.whatIf;
    if (typeof named === 'string' && !f.fixes.some((x) => x.whatIf === named)) {
      const wi = whatIfLine(doc, model, named);
      if (wi) card.appendChild(wi);
    }

    // Fixes.
    f.fixes.forEach((fix, xi) => {
      const box = el(doc, 'div', { class: `fix${fix.isPreferred ? ' preferred' : ''}` });
      box.appendChild(el(doc, 'div', { class: 'fix-title' }, fix.isPreferred ? 'Suggested fix: ' : 'Alternative: ', el(doc, 'span', {}, fix.title)));
      const wi = whatIfLine(doc, model, fix.whatIf);
      if (wi) box.appendChild(wi);
      const hunks = opts.diffs(fi, xi);
      if (opts.host === 'vscode') {
        const apply = button(
          doc,
          { class: fix.isPreferred ? 'primary' : 'secondary', disabled: !opts.canApplyFixes || fix.edits.length === 0, 'data-key': `fix:${di}:${xi}`, 'data-apply': `${fi}/${xi}` },
          fix.edits.length ? 'Apply fix' : 'No automatic edit',
          () => actions.applyFix(fi, xi),
        );
        box.appendChild(apply);
        if (hunks?.length) {
          const det = el(doc, 'details', { class: 'fix-preview' }, el(doc, 'summary', {}, 'Preview the edit'));
          det.appendChild(renderDiff(doc, hunks, file));
          box.appendChild(det);
        }
      } else if (fix.edits.length) {
        box.appendChild(renderDiff(doc, hunks ?? [], file));
      } else {
        box.appendChild(el(doc, 'p', { class: 'muted' }, 'This fix has no automatic edit.'));
      }
      card.appendChild(box);
    });

    const cite = citationFor(f);
    if (cite) card.appendChild(el(doc, 'p', { class: 'cite' }, 'Source: ', el(doc, 'cite', {}, cite)));
    section.appendChild(card);
  });
  return section;
}
