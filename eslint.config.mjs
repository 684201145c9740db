import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers: the pure ones (core, llm, kernel, drawings) never import vscode at runtime, the VS Code
// adapters (src/vscode) or the CLI (src/cli), nor the benchmark; the benchmark imports neither
// adapters nor CLI; the CLI does not import vscode. That is what lets the CLI and the palette share
// one runner. (microsoft/vscode-copilot-chat enforces its layers the same way.)
const pureLayers = ['src/core/**', 'src/llm/**', 'src/kernel/**', 'src/drawings/**'];
const noVscode = { name: 'vscode', message: 'This layer must not import vscode at runtime.', allowTypeImports: true };
const noAdapters = { group: ['**/vscode/*', '**/vscode/**/*'], message: 'Only src/vscode and src/extension.ts may import the VS Code adapters.' };
const noCli = { group: ['**/cli/*', '**/cli/**/*'], message: 'Only the CLI entry imports src/cli.' };
const noBenchmark = { group: ['**/benchmark/*', '**/benchmark/**/*'], message: 'The pure layers must not import the benchmark.' };
const restrict = (files, paths, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'media/**/*.js', '.e2e/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  restrict(pureLayers, [noVscode], [noAdapters, noCli, noBenchmark]),
  restrict(['benchmark/**'], [noVscode], [noAdapters, noCli]),
  restrict(['src/cli/**'], [noVscode], [noAdapters]),
  {
    // Injected into CommonJS bundles, where require and __filename exist.
    files: ['scripts/import-meta-url.js'],
    languageOptions: { globals: { require: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
