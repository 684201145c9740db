// Is the notebook's kernel Python? The Jupyter API's `language` alone cannot say: a remote Jupyter
// session reports "python" whatever kernel it runs. No vscode import (unit-tested as is).

export interface LanguageEvidence {
  /** Kernel.language from the Jupyter API. */
  kernelLanguage?: string;
  /** The notebook's metadata.kernelspec.language. */
  kernelspecLanguage?: string;
  /** The notebook's metadata.language_info.name. */
  languageInfo?: string;
  /** languageId of each code cell. */
  cellLanguages: string[];
}

/** Languages a Python notebook's code cells may have besides Python (magics, raw cells). */
const NEUTRAL = new Set(['python', 'raw', 'markdown', 'plaintext']);

export function isPythonNotebook(evidence: LanguageEvidence): boolean {
  const named = [evidence.kernelLanguage, evidence.kernelspecLanguage, evidence.languageInfo]
    .filter((name): name is string => Boolean(name))
    .map((name) => name.toLowerCase());
  if (named.some((name) => name !== 'python')) {
    return false;
  }
  // Cells of another language (R, Julia, …) mean another kernel, whatever the API says.
  return evidence.cellLanguages.every((id) => NEUTRAL.has(id.toLowerCase()));
}
