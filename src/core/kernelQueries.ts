// Small questions asked of a user's kernel: which DataFrames exist, which plotting libraries are installed.
// Each snippet prints one marked JSON line and leaves no names behind in the user's namespace.

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

/** Versions without importing the libraries (importing matplotlib in a user's kernel has side effects). */
export const environmentCode = `def _plotwright_environment():
    import platform
    try:
        from importlib.metadata import version, PackageNotFoundError
    except ImportError:
        return {"python": platform.python_version()}
    found = {"python": platform.python_version()}
    for name in ${JSON.stringify(PLOTTING_PACKAGES)}:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
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
