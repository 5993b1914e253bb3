/** Every command id, in one table (a unit test checks it against package.json's contributes.commands). */
export const COMMANDS = {
  analyzeFile: 'stabilityLens.analyzeFile',
  analyzeWorkspace: 'stabilityLens.analyzeWorkspace',
  showReport: 'stabilityLens.showReport',
  exportHtml: 'stabilityLens.exportHtml',
  rerunWithSeed: 'stabilityLens.rerunWithSeed',
  toggleLiveAnalysis: 'stabilityLens.toggleLiveAnalysis',
  /** Internal (code actions, report panel): hidden from the command palette. */
  applyFix: 'stabilityLens.applyFix',
  revealSpan: 'stabilityLens.revealSpan',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Commands not meant for the palette (their `commandPalette` menu entry is `when: false`). */
export const INTERNAL_COMMANDS: readonly CommandId[] = [COMMANDS.applyFix, COMMANDS.revealSpan];

/** Context keys set by the extension for `when` clauses. */
export const CONTEXT_KEYS = {
  /** The active editor's document is analysed and has at least one model. */
  activeHasModels: 'stabilityLens.activeHasModels',
  /** The active editor's language is one the extension analyses. */
  activeSupported: 'stabilityLens.activeSupported',
  liveAnalysis: 'stabilityLens.liveAnalysis',
} as const;
