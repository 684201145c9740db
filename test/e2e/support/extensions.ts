// Builds the test extensions as .vsix files: esbuild bundles the TypeScript (CommonJS, `vscode`
// external), the manifest.json next to the sources becomes package.json, and vsce packages it.
// A .vsix is rebuilt only when its inputs changed (the hash is in the file name).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { E2E_DIR, REPO_ROOT } from './paths.js';

const execFileAsync = promisify(execFile);

export interface ExtensionSpec {
  /** Folder holding manifest.json (copied as package.json). */
  folder: string;
  /** Entry point, relative to folder. */
  entry: string;
  /** Extra files to put next to the bundle (dist/), as absolute paths. */
  distFiles?: string[];
  /** Folders whose sources, when changed, invalidate the cached .vsix. */
  inputs?: string[];
}

/**
 * Microsoft's Jupyter extension (2025.4.1, the newest that installs in VS Code 1.100), as built into
 * ../shared/vendor (see the README there). It finds Debian's python3 kernelspec by itself.
 */
export const JUPYTER_VSIX = join(REPO_ROOT, '..', 'shared', 'vendor', 'ms-toolsai.jupyter-2025.4.1-linux-x64.vsix');

/** The real Jupyter extension's .vsix; throws a clear error when ../shared/vendor lacks it. */
export function realJupyter(): string {
  if (!existsSync(JUPYTER_VSIX)) {
    throw new Error(`The Jupyter extension is not at ${JUPYTER_VSIX}: the e2e tests read it from ../shared/vendor beside the repository.`);
  }
  return JUPYTER_VSIX;
}

export const KERNEL_PROBE: ExtensionSpec = {
  folder: join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'kernel-probe'),
  entry: 'extension.ts',
};

/** A VS Code language model answering from the mock server (needs --enable-proposed-api for it). */
export const MOCK_LM: ExtensionSpec = {
  folder: join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'mock-lm'),
  entry: 'extension.ts',
};
export const MOCK_LM_ID = 'plotwright-e2e.mock-lm';

/** Returns the path of an up-to-date .vsix for the extension, under .e2e/vsix/. */
export async function packageExtension(spec: ExtensionSpec): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(spec.folder, 'manifest.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const id = `${manifest.publisher}.${manifest.name}`;
  const outDir = join(E2E_DIR, 'vsix');
  const vsix = join(outDir, `${id}-${manifest.version}-${inputHash(spec)}.vsix`);
  if (existsSync(vsix)) {
    return vsix;
  }
  const stage = join(E2E_DIR, 'stage', id);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'dist'), { recursive: true });
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(stage, 'README.md'), `# ${id}\n\nBuilt by Plotwright's end-to-end tests; not for publishing.\n`);
  writeFileSync(join(stage, 'LICENSE'), 'MIT\n');
  await build({
    entryPoints: [join(spec.folder, spec.entry)],
    outfile: join(stage, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    // Sources are ES modules; the bundle is CommonJS, where import.meta does not exist.
    define: { 'import.meta.url': 'importMetaUrl' },
    inject: [join(REPO_ROOT, 'scripts', 'import-meta-url.js')],
    logLevel: 'warning',
  });
  for (const file of spec.distFiles ?? []) {
    copyFileSync(file, join(stage, 'dist', basename(file)));
  }
  mkdirSync(outDir, { recursive: true });
  // Older builds of the same extension are never used again.
  for (const old of readdirSync(outDir).filter((name) => name.startsWith(`${id}-${manifest.version}-`))) {
    rmSync(join(outDir, old), { force: true });
  }
  await execFileAsync(
    vsceBin(),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--allow-star-activation', '--out', vsix],
    { cwd: stage, timeout: 120_000 },
  );
  return vsix;
}

/**
 * Plotwright itself: `node scripts/build.mjs`, then vsce on the repository root (its package.json
 * and .vscodeignore). Not cached: the build is what is under test.
 */
export async function packagePlotwright(): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const outDir = join(E2E_DIR, 'vsix');
  mkdirSync(outDir, { recursive: true });
  const vsix = join(outDir, `${manifest.publisher}.${manifest.name}-${manifest.version}.vsix`);
  await execFileAsync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, timeout: 120_000 });
  await execFileAsync(vsceBin(), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
    cwd: REPO_ROOT,
    timeout: 120_000,
  });
  return vsix;
}

/**
 * An empty extension with a built-in extension's id and a higher version: VS Code then loads it
 * instead of the built-in one. This is how a session runs without a built-in extension, since
 * code-server has no --disable-extension.
 */
export async function placeholderExtension(id: string): Promise<string> {
  const [publisher, name] = id.split('.');
  const vsix = join(E2E_DIR, 'vsix', `${id}-placeholder.vsix`);
  if (existsSync(vsix)) {
    return vsix;
  }
  const stage = join(E2E_DIR, 'stage', `${id}-placeholder`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const manifest = {
    name,
    publisher,
    displayName: `${id} (disabled by the e2e tests)`,
    description: `Stands in for the built-in ${id} so that it does not load.`,
    version: '9999.0.0',
    license: 'MIT',
    engines: { vscode: '^1.95.0' },
  };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(stage, 'README.md'), `# ${id} placeholder\n`);
  writeFileSync(join(stage, 'LICENSE'), 'MIT\n');
  mkdirSync(join(E2E_DIR, 'vsix'), { recursive: true });
  await execFileAsync(vsceBin(), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
    cwd: stage,
    timeout: 120_000,
  });
  return vsix;
}

function vsceBin(): string {
  const bin = join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  if (!existsSync(bin)) {
    throw new Error(`vsce is not installed at ${bin}: it is a devDependency (@vscode/vsce), run npm ci`);
  }
  return bin;
}

function inputHash(spec: ExtensionSpec): string {
  const hash = createHash('sha256');
  const files = [spec.folder, ...(spec.inputs ?? [])].flatMap((dir) => listFiles(dir)).sort();
  for (const file of files) {
    hash.update(file);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) {
      return [];
    }
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
