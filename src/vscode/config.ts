import * as vscode from 'vscode';
import { normalizeSettings, SETTINGS_SECTION, type LensSettings } from './settings';
import { THRESHOLD_KEYS } from './thresholdKeys';

export function readSettings(): LensSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return normalizeSettings((k) => c.get(k), THRESHOLD_KEYS);
}
