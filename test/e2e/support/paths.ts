// Where the end-to-end harness keeps its tools and results.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Tools and build products of the harness (gitignored by its own .gitignore). */
export const E2E_DIR = process.env.PLOTWRIGHT_E2E_DIR ?? join(REPO_ROOT, '.e2e');
export const CODE_SERVER_ENTRY = join(E2E_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const CHROMIUM = process.env.PLOTWRIGHT_E2E_CHROMIUM ?? '/usr/bin/chromium';
