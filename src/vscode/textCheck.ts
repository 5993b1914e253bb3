/**
 * The cheap test every document passes before any analysis: does this text mention TensorFlow.js or a layers
 * API at all? No parsing; a few regular expressions over the text. Files that fail it cost nothing more.
 */

export const ANALYSED_LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'json'] as const;

export function isAnalysedLanguage(languageId: string): boolean {
  return (ANALYSED_LANGUAGES as readonly string[]).includes(languageId);
}

const CODE_MARKERS = [
  /@tensorflow\/tfjs/,
  /\btf\s*\.\s*(layers|sequential|model|input|Sequential|LayersModel)\b/,
  /\blayers\s*\.\s*[a-z][A-Za-z0-9]*\s*\(/,
  /\b(sequential|LayersModel)\s*\(/,
  /\bextends\s+[\w.]*Layer\b/,
];
const JSON_MARKERS = [/"class_name"\s*:/, /"(modelTopology|layers|model_config)"\s*:/];

/** True when the text may define a tfjs model (false negatives are bugs; false positives cost one parse). */
export function mentionsTfjs(text: string, languageId: string): boolean {
  if (languageId === 'json') return JSON_MARKERS.every((r) => r.test(text));
  return CODE_MARKERS.some((r) => r.test(text));
}
