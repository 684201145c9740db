import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPythonNotebook } from '../../src/vscode/kernelLanguage.js';

describe('isPythonNotebook', () => {
  it('accepts a Python kernel whose notebook says Python', () => {
    assert.ok(isPythonNotebook({ kernelLanguage: 'python', kernelspecLanguage: 'python', languageInfo: 'python', cellLanguages: ['python', 'markdown'] }));
    assert.ok(isPythonNotebook({ kernelLanguage: 'Python', cellLanguages: [] }));
  });

  it('does not believe a remote session\'s "python" when the notebook or its cells say otherwise', () => {
    assert.ok(!isPythonNotebook({ kernelLanguage: 'python', kernelspecLanguage: 'R', cellLanguages: ['r'] }));
    assert.ok(!isPythonNotebook({ kernelLanguage: 'python', languageInfo: 'julia', cellLanguages: [] }));
    assert.ok(!isPythonNotebook({ kernelLanguage: 'python', cellLanguages: ['python', 'r'] }));
    assert.ok(!isPythonNotebook({ kernelLanguage: 'r', cellLanguages: ['python'] }));
  });
});
