// Runs every test/**/*.spec.ts with node's test runner (Node 20 has no glob for --test).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function specFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'e2e' && !process.argv.includes('--e2e') ? [] : specFiles(path);
    }
    return name.endsWith('.spec.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = specFiles('test').filter((f) => filters.length === 0 || filters.some((p) => f.includes(p))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
