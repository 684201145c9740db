// The one module that reads Plotwright's settings; test/vscode/settings.spec.ts checks it against package.json.
import * as vscode from 'vscode';
import { effectiveValue, validateSettings, type PlotwrightSettings } from './settingsSchema.js';

export * from './settingsSchema.js';

export function readSettings(scope?: vscode.ConfigurationScope): PlotwrightSettings {
  const config = vscode.workspace.getConfiguration('plotwright', scope);
  return validateSettings((key) => effectiveValue(key, config.inspect(key)));
}
