// Small questions asked of a user's kernel: which DataFrames exist, which plotting libraries are installed.
// Each snippet prints one marked JSON line and leaves no names behind in the user's namespace.
import { stripAnsi } from './plotEngine.js';

const FRAMES = '__PLOTWRIGHT_FRAMES__';
const ENVIRONMENT = '__PLOTWRIGHT_ENVIRONMENT__';

export interface DataFrameInfo {
  name: string;
  rows: number;
  columns: number;
}

export const listDataFramesCode = `def _plotwright_frames():
    import sys
    pd = sys.modules.get("pandas")
    if pd is None:
        return []
    found = []
    for name, value in list(globals().items()):
        if not name.startswith("_") and isinstance(value, pd.DataFrame):
            found.append({"name": name, "rows": int(value.shape[0]), "columns": int(value.shape[1])})
    return found
try:
    print(${JSON.stringify(FRAMES)} + __import__("json").dumps(_plotwright_frames()))
finally:
    del _plotwright_frames
`;

export const PLOTTING_PACKAGES = ['pandas', 'matplotlib', 'seaborn', 'plotly'] as const;

/**
 * Which libraries the kernel can import, and their versions, without importing them (importing
 * matplotlib in a user's kernel has side effects). find_spec asks the kernel's own import system, so
 * a package that is installed but not importable there counts as missing.
 */
export const environmentCode = `def _plotwright_environment():
    import platform
    import importlib.util
    try:
        from importlib.metadata import version
    except ImportError:
        version = None
    importlib.invalidate_caches()
    found = {"python": platform.python_version()}
    for name in ${JSON.stringify(PLOTTING_PACKAGES)}:
        try:
            spec = importlib.util.find_spec(name)
        except Exception:
            spec = None
        if spec is None:
            found[name] = None
            continue
        try:
            found[name] = version(name) if version else "installed"
        except Exception:
            found[name] = "installed"
    return found
try:
    print(${JSON.stringify(ENVIRONMENT)} + __import__("json").dumps(_plotwright_environment()))
finally:
    del _plotwright_environment
`;

function markedJson(stdout: string, marker: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith(marker));
  if (!line) {
    throw new Error('The kernel did not answer (no marked line in its output).');
  }
  return JSON.parse(line.slice(marker.length));
}

export function parseDataFrames(stdout: string): DataFrameInfo[] {
  return markedJson(stdout, FRAMES) as DataFrameInfo[];
}

export type KernelEnvironment = { python: string } & Partial<Record<(typeof PLOTTING_PACKAGES)[number], string | null>>;

export function parseEnvironment(stdout: string): KernelEnvironment {
  return markedJson(stdout, ENVIRONMENT) as KernelEnvironment;
}

/** The pip name of the package a library needs, when it is missing from the kernel. */
export function missingPackages(environment: KernelEnvironment, library: 'matplotlib' | 'seaborn' | 'plotly'): string[] {
  const needed: Array<(typeof PLOTTING_PACKAGES)[number]> =
    library === 'seaborn' ? ['pandas', 'matplotlib', 'seaborn'] : library === 'plotly' ? ['pandas', 'plotly'] : ['pandas', 'matplotlib'];
  return needed.filter((name) => !environment[name]);
}

/** Why `%pip install` failed, from what it printed: pip's own error line, else its last line. */
export function pipFailure(output: string): string {
  // pip colours its messages even when they go to a kernel.
  const lines = stripAnsi(output)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^note: you may need to restart the kernel/i.test(line));
  return lines.find((line) => /^(error|ERROR)\b/.test(line)) ?? lines.at(-1) ?? 'pip printed nothing';
}
