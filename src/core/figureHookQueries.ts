// Plot lint for Matplotlib in a user's notebook kernel: the headless kernel loads the figure hook at
// start (bridge.py), a notebook's kernel does not. These snippets install the same hook
// (src/kernel/figure_summary.py) before a generated cell and read what it recorded after, through the
// kernel API. Nothing goes into the user's namespace: the code runs in a throwaway dict and the hook
// lives in the private module `_plotwright_figures`; the hook only records, so the cell's display is unchanged.
import type { MatplotlibFigureSummary } from '../kernel/figureSummary.js';

const MARKER = '__PLOTWRIGHT_FIGURES__';
export const FIGURES_MODULE = '_plotwright_figures';

function isolated(body: string): string {
  return `exec(compile(${JSON.stringify(body)}, "<plotwright figure hook>", "exec"), {"__name__": "_plotwright_query"})\n`;
}

/**
 * Installs the hook once per kernel and forgets earlier figures. Imports matplotlib.backend_bases (not
 * pyplot: no backend is chosen), which the generated Matplotlib or Seaborn cell imports anyway.
 */
export function installFigureHookCode(figureSummarySource: string): string {
  return isolated(`import sys, types
module = sys.modules.get(${JSON.stringify(FIGURES_MODULE)})
if module is None:
    module = types.ModuleType(${JSON.stringify(FIGURES_MODULE)})
    exec(compile(${JSON.stringify(figureSummarySource)}, "<plotwright figure summary>", "exec"), module.__dict__)
    sys.modules[${JSON.stringify(FIGURES_MODULE)}] = module
import matplotlib.backend_bases
module.patch_canvas(matplotlib.backend_bases)
module.reset()
`);
}

/** Prints the summaries of the figures drawn since the install (or the last read), then forgets them. */
export const collectFiguresCode = isolated(`import sys, json
module = sys.modules.get(${JSON.stringify(FIGURES_MODULE)})
found = module.collected() if module is not None else []
if module is not None:
    module.reset()
print(${JSON.stringify(MARKER)} + json.dumps(found, default=str))
`);

export function parseCollectedFigures(stdout: string): MatplotlibFigureSummary[] {
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (line === undefined) {
    throw new Error('The kernel did not print the figure summaries.');
  }
  const parsed: unknown = JSON.parse(line.slice(MARKER.length));
  if (!Array.isArray(parsed)) {
    throw new Error('The figure summaries are not a list.');
  }
  return parsed as MatplotlibFigureSummary[];
}
