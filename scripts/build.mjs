// Bundles the CLI (and, when present, the extension) with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

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

// The Plotly renderer loads plotly.js from next to the bundle (the .vsix ships no node_modules).
copyFileSync(require.resolve('plotly.js-dist-min'), join('dist', 'plotly.min.js'));

if (existsSync('src/extension.ts')) {
  // playwright-core, bundled on its own: it reads its package.json and browsers.json from the folder
  // above its code, so it gets a folder of its own in dist/ and the extension requires it from there.
  const playwrightRoot = dirname(require.resolve('playwright-core/package.json'));
  mkdirSync('dist/playwright-core/lib', { recursive: true });
  for (const name of ['package.json', 'browsers.json', 'LICENSE', 'NOTICE', 'ThirdPartyNotices.txt']) {
    if (existsSync(join(playwrightRoot, name))) {
      copyFileSync(join(playwrightRoot, name), join('dist/playwright-core', name));
    }
  }
  await build({
    entryPoints: [join(playwrightRoot, 'index.js')],
    outfile: 'dist/playwright-core/lib/playwright.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Optional native speed-ups and other browsers' drivers, loaded only when present.
    external: ['electron', 'electron/index.js', 'bufferutil', 'utf-8-validate', 'chromium-bidi/*'],
    logLevel: 'error',
  });
  const playwrightExternal = {
    name: 'playwright-core-external',
    setup(b) {
      b.onResolve({ filter: /^playwright-core$/ }, () => ({ path: './playwright-core/lib/playwright.cjs', external: true }));
    },
  };
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
    plugins: [playwrightExternal],
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
