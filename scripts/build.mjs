// Bundles the CLI (and, when present, the extension) with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync('dist', { recursive: true });

await build({
  entryPoints: ['src/cli/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The CLI runs from the installed package, next to its node_modules.
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);

// Python files the kernel runs are read from next to the bundle.
for (const name of readdirSync('src/kernel')) {
  if (name.endsWith('.py')) {
    copyFileSync(join('src/kernel', name), join('dist', name));
  }
}

if (existsSync('src/extension.ts')) {
  await build({
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: true,
    minify: true,
    define: { 'import.meta.url': 'importMetaUrl' },
    inject: ['scripts/import-meta-url.js'],
    logLevel: 'warning',
  });
  // Trace inference runs in a worker thread of the extension host (src/drawings/infer/workerClient.ts).
  await build({
    entryPoints: ['src/drawings/infer/worker.ts'],
    outfile: 'dist/inferWorker.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
}
console.log('built dist/');
