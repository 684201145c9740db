// Finds the installed package's folder (prompts/ lives there) from wherever this code was bundled to.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) {
    return cached;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'plotwright') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('Cannot find the plotwright package folder (looked upwards from ' + fileURLToPath(import.meta.url) + ')');
    }
    dir = parent;
  }
}
