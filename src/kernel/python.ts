// Finds a Python interpreter that can run the headless kernel: one that has ipykernel,
// jupyter_client, matplotlib and pandas. One quick subprocess per candidate (package metadata only,
// nothing imported), cached per process.
import { execFile } from 'node:child_process';

export interface PythonVersions {
  python: string;
  matplotlib?: string;
  seaborn?: string;
  plotly?: string;
  pandas?: string;
  ipykernel?: string;
  jupyter_client?: string;
}

export interface ResolvedPython {
  /** Absolute path of the interpreter (its sys.executable). */
  path: string;
  versions: PythonVersions;
  /** Candidates tried before this one and why they were skipped. */
  skipped: string[];
}

export interface ResolvePythonOptions {
  /** From `--python` or a setting; tried first. */
  explicit?: string;
  /** Where PLOTWRIGHT_PYTHON is read from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Tried after explicit and PLOTWRIGHT_PYTHON. */
  fallbacks?: string[];
}

export const REQUIRED_PACKAGES = ['ipykernel', 'jupyter_client', 'matplotlib', 'pandas'] as const;
export const OPTIONAL_PACKAGES = ['seaborn', 'plotly'] as const;
export const DEFAULT_PYTHON_FALLBACKS = ['python3', '/usr/bin/python3'];

const DEBIAN_PACKAGES: Record<string, string> = {
  ipykernel: 'python3-ipykernel',
  jupyter_client: 'python3-jupyter-client',
  matplotlib: 'python3-matplotlib',
  pandas: 'python3-pandas',
  seaborn: 'python3-seaborn',
  plotly: 'python3-plotly',
};

// Prints what the interpreter has, without importing the packages (importing matplotlib and
// pandas alone takes over a second).
const PROBE = `
import importlib.util, json, platform, sys
try:
    from importlib import metadata
except ImportError:
    metadata = None
names = ${JSON.stringify([...REQUIRED_PACKAGES, ...OPTIONAL_PACKAGES])}
found = {}
for name in names:
    try:
        spec = importlib.util.find_spec(name)
    except Exception:
        spec = None
    if spec is None:
        continue
    version = 'unknown'
    if metadata is not None:
        for dist in (name, name.replace('_', '-')):
            try:
                version = metadata.version(dist)
                break
            except Exception:
                pass
    found[name] = version
print(json.dumps({'executable': sys.executable, 'python': platform.python_version(), 'packages': found}))
`;

interface ProbeResult {
  executable: string;
  python: string;
  packages: Record<string, string>;
}

export class PythonNotFoundError extends Error {
  constructor(
    message: string,
    /** Required packages missing from the best candidate. */
    readonly missing: string[],
  ) {
    super(message);
    this.name = 'PythonNotFoundError';
  }
}

const cache = new Map<string, Promise<ResolvedPython>>();

export function resolvePython(options: ResolvePythonOptions = {}): Promise<ResolvedPython> {
  const env = options.env ?? process.env;
  const candidates = unique([
    ...(options.explicit ? [options.explicit] : []),
    ...(env.PLOTWRIGHT_PYTHON ? [env.PLOTWRIGHT_PYTHON] : []),
    ...(options.fallbacks ?? DEFAULT_PYTHON_FALLBACKS),
  ]);
  const key = JSON.stringify(candidates);
  let found = cache.get(key);
  if (!found) {
    found = findPython(candidates);
    cache.set(key, found);
    // A failure is not cached: the user may install packages and retry in the same process.
    found.catch(() => cache.delete(key));
  }
  return found;
}

/** Forgets cached answers (tests, or after the user installed packages). */
export function clearPythonCache(): void {
  cache.clear();
}

async function findPython(candidates: string[]): Promise<ResolvedPython> {
  const skipped: string[] = [];
  let bestMissing: string[] | undefined;
  for (const candidate of candidates) {
    let probe: ProbeResult;
    try {
      probe = await probePython(candidate);
    } catch (err) {
      skipped.push(`${candidate}: ${(err as Error).message}`);
      continue;
    }
    const missing = REQUIRED_PACKAGES.filter((name) => !(name in probe.packages));
    if (missing.length === 0) {
      return { path: probe.executable || candidate, versions: versionsOf(probe), skipped };
    }
    skipped.push(`${candidate} (Python ${probe.python} at ${probe.executable}) lacks ${missing.join(', ')}`);
    if (!bestMissing || missing.length < bestMissing.length) {
      bestMissing = missing;
    }
  }
  const missing = bestMissing ?? [...REQUIRED_PACKAGES];
  throw new PythonNotFoundError(noPythonMessage(skipped, missing), missing);
}

function versionsOf(probe: ProbeResult): PythonVersions {
  const versions: PythonVersions = { python: probe.python };
  for (const name of [...REQUIRED_PACKAGES, ...OPTIONAL_PACKAGES]) {
    const version = probe.packages[name];
    if (version !== undefined) {
      versions[name] = version;
    }
  }
  return versions;
}

function noPythonMessage(skipped: string[], missing: string[]): string {
  const wanted = unique([...missing, ...OPTIONAL_PACKAGES]);
  const debian = wanted.map((name) => DEBIAN_PACKAGES[name] ?? `python3-${name}`).join(' ');
  return [
    `No usable Python found: Plotwright needs ${REQUIRED_PACKAGES.join(', ')} (missing: ${missing.join(', ')}).`,
    ...skipped.map((line) => `  - ${line}`),
    'Install them, then point Plotwright at that interpreter with --python or PLOTWRIGHT_PYTHON:',
    `  Debian/Ubuntu: sudo apt-get install ${debian}`,
    `  pip:           python3 -m pip install ${wanted.join(' ')}`,
  ].join('\n');
}

function probePython(command: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new Error('not found'));
        } else {
          reject(new Error(`does not run (${firstLine(stderr) || error.message})`));
        }
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProbeResult);
      } catch {
        reject(new Error(`gave an unreadable answer (${firstLine(stdout + stderr)})`));
      }
    });
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
