// Benchmark scripts share docs/performance.md: each one rewrites only its own marked section.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PERFORMANCE_DOC = join(import.meta.dirname, '..', '..', 'docs', 'performance.md');

export function writeSection(name: string, markdown: string, path = PERFORMANCE_DOC): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  mkdirSync(dirname(path), { recursive: true });
  const current = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Performance\n\nMeasured by the `npm run bench:*` scripts on the machine named in each section.\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
