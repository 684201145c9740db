// Plotwright's settings: types, defaults and validation (no vscode import, so unit tests load it as is).
import type { DescriptorMode } from '../core/describe.js';
import type { RunConsentSetting } from '../core/cellConsent.js';
import type { PlotLibrary, TaskDetail } from '../core/prompts.js';
import type { PreviewPolicy } from '../core/requestPreview.js';

export type Provider = 'openai-compatible' | 'vscode-lm';
export type RunConsent = RunConsentSetting;

export interface PlotwrightSettings {
  provider: Provider;
  baseUrl: string;
  model: string;
  library: PlotLibrary;
  taskDetail: TaskDetail;
  dataDescription: DescriptorMode;
  maxRepairs: number;
  runGeneratedCode: RunConsent;
  requestTimeoutSeconds: number;
  sendSampleRows: boolean;
  /** After a plot renders, the model sees it and accepts it or corrects the code. */
  visualCheck: boolean;
  /** The benchmark's judge; empty: the generator's model. */
  judgeModel: string;
  /** The judge's OpenAI-compatible endpoint; empty: the generator's. */
  judgeBaseUrl: string;
  /** The Python of the benchmark's kernels; empty: the Python extension's interpreter, then python3. */
  pythonPath: string;
  /** A Chromium, Chrome or Edge binary for Plotly figures; empty: looked for. */
  browserPath: string;
  /** When the exact request is shown before it is sent. */
  previewRequests: PreviewPolicy;
  /** Save each accepted Plotwright cell as a benchmark task in the workspace's .plotwright/tasks. */
  collectTasks: boolean;
}

/** Defaults, identical to package.json's (the unit test compares them). */
export const SETTING_DEFAULTS: PlotwrightSettings = {
  provider: 'openai-compatible',
  baseUrl: '',
  model: 'gpt-4o-mini',
  library: 'matplotlib',
  taskDetail: 'full',
  dataDescription: 'head',
  maxRepairs: 2,
  runGeneratedCode: 'ask',
  requestTimeoutSeconds: 120,
  sendSampleRows: true,
  visualCheck: false,
  judgeModel: '',
  judgeBaseUrl: '',
  pythonPath: '',
  browserPath: '',
  previewRequests: 'firstPerNotebook',
  collectTasks: false,
};

export const SETTING_CHOICES: Partial<Record<keyof PlotwrightSettings, readonly string[]>> = {
  provider: ['openai-compatible', 'vscode-lm'],
  library: ['matplotlib', 'seaborn', 'plotly'],
  taskDetail: ['full', 'short', 'single'],
  dataDescription: ['head', 'rich', 'none'],
  runGeneratedCode: ['ask', 'always', 'never'],
  previewRequests: ['firstPerNotebook', 'always', 'never'],
};

/**
 * Settings a repository must not set: consent to run generated code, where requests (with the key)
 * go and to which model, and which programs run. package.json gives them application or machine scope, and the reader
 * below takes only the user's value, so a cloned repository's .vscode/settings.json cannot change them.
 */
export const USER_ONLY_SETTINGS: ReadonlySet<keyof PlotwrightSettings> = new Set([
  'runGeneratedCode',
  'provider',
  'baseUrl',
  'model',
  'requestTimeoutSeconds',
  'judgeModel',
  'judgeBaseUrl',
  'pythonPath',
  'browserPath',
  'previewRequests',
  'collectTasks',
]);

/** The shape of vscode's WorkspaceConfiguration.inspect result used here. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** The value a key has: for a user-only setting the user's (or the default), else the most specific one. */
export function effectiveValue(key: keyof PlotwrightSettings, inspected: InspectedSetting | undefined): unknown {
  if (!inspected) {
    return undefined;
  }
  if (USER_ONLY_SETTINGS.has(key)) {
    return inspected.globalValue ?? inspected.defaultValue;
  }
  if (key === 'sendSampleRows') {
    // A repository may keep rows private, never send rows the user keeps private.
    const levels = [inspected.defaultValue, inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue];
    return levels.includes(false) ? false : true;
  }
  return (
    inspected.workspaceFolderLanguageValue ??
    inspected.workspaceLanguageValue ??
    inspected.globalLanguageValue ??
    inspected.workspaceFolderValue ??
    inspected.workspaceValue ??
    inspected.globalValue ??
    inspected.defaultValue
  );
}

/** A section's values with anything malformed (a hand-edited settings.json) replaced by its default. */
export function validateSettings(read: (key: keyof PlotwrightSettings) => unknown): PlotwrightSettings {
  const result = { ...SETTING_DEFAULTS } as Record<keyof PlotwrightSettings, unknown>;
  for (const key of Object.keys(SETTING_DEFAULTS) as Array<keyof PlotwrightSettings>) {
    const value = read(key);
    const fallback = SETTING_DEFAULTS[key];
    const choices = SETTING_CHOICES[key];
    if (value === undefined || typeof value !== typeof fallback) {
      continue;
    }
    if (choices && !choices.includes(value as string)) {
      continue;
    }
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      continue;
    }
    result[key] = key === 'maxRepairs' ? Math.min(5, Math.floor(value as number)) : value;
  }
  return result as unknown as PlotwrightSettings;
}
