// Does the code draw with the library the user asked for? Static evidence from the code, plus what the
// kernel actually produced when that is known.
import type { PlotLibrary } from './prompts.js';

export type LibraryVerdict = 'ok' | 'wrong-library' | 'none';

export interface LibraryCheck {
  verdict: LibraryVerdict;
  /** Libraries the code draws with. */
  used: PlotLibrary[];
}

/** Removes string literals and comments, so that `"plt.plot"` in a title does not count. */
export function stripStringsAndComments(code: string): string {
  return code
    .replace(/([rRbBuUfF]{0,2})("""[\s\S]*?"""|'''[\s\S]*?''')/g, '""')
    .replace(/([rRbBuUfF]{0,2})("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g, '""')
    .replace(/#[^\n]*/g, '');
}

function aliases(code: string, module: RegExp, fallback: string[]): string[] {
  const names = new Set(fallback);
  for (const m of code.matchAll(/^\s*import\s+([\w.]+)\s+as\s+(\w+)/gm)) {
    if (module.test(m[1])) {
      names.add(m[2]);
    }
  }
  for (const m of code.matchAll(/^\s*from\s+([\w.]+)\s+import\s+(.+)$/gm)) {
    for (const part of m[2].replace(/[()]/g, '').split(',')) {
      const [imported, alias] = part.trim().split(/\s+as\s+/);
      // `from matplotlib import pyplot as P` binds the module matplotlib.pyplot.
      if (imported && (module.test(m[1]) || module.test(`${m[1]}.${imported}`))) {
        names.add(alias ?? imported);
      }
    }
  }
  return [...names];
}

const uses = (code: string, names: string[]) =>
  names.some((name) => new RegExp(`(^|[^\\w.])${name}\\s*[.(]`, 'm').test(code));

export function detectLibraries(source: string): { matplotlib: boolean; seaborn: boolean; plotly: boolean } {
  const code = stripStringsAndComments(source);
  const seabornNames = aliases(code, /^seaborn(\.|$)/, ['seaborn']);
  const seaborn = /^\s*(import|from)\s+seaborn\b/m.test(code) && uses(code, seabornNames);
  const plotly =
    /^\s*(import|from)\s+plotly\b/m.test(code) || /plotting\.backend['"]?\s*[=,]\s*['"]plotly['"]/.test(source);
  const pyplotNames = aliases(code, /^matplotlib\.pyplot$|^pylab$/, ['plt', 'pyplot']);
  // Drawing with matplotlib: pyplot calls, axes/figure objects from pyplot, or pandas' matplotlib plotting.
  const pandasPlotting = !plotly && /\.(plot|hist|boxplot)\s*\(|\.plot\.\w+\s*\(|pd\.plotting\./.test(code);
  const matplotlib =
    (/^\s*(import|from)\s+(matplotlib|pylab)\b/m.test(code) && uses(code, pyplotNames)) ||
    /^\s*from\s+matplotlib\.(patches|collections|lines|figure)\s+import/m.test(code) ||
    pandasPlotting;
  return { matplotlib, seaborn, plotly };
}

export interface RuntimeEvidence {
  images: number;
  plotlyFigures: number;
}

export function checkLibrary(code: string, library: PlotLibrary, runtime?: RuntimeEvidence): LibraryCheck {
  const found = detectLibraries(code);
  if (runtime && runtime.plotlyFigures > 0) {
    found.plotly = true;
  }
  if (runtime && runtime.images > 0 && !found.seaborn) {
    found.matplotlib = true;
  }
  const used = (['matplotlib', 'seaborn', 'plotly'] as const).filter((name) => found[name]);
  let verdict: LibraryVerdict;
  switch (library) {
    case 'matplotlib':
      verdict = found.seaborn || found.plotly ? 'wrong-library' : found.matplotlib ? 'ok' : 'none';
      break;
    case 'seaborn':
      verdict = found.plotly ? 'wrong-library' : found.seaborn ? 'ok' : found.matplotlib ? 'wrong-library' : 'none';
      break;
    case 'plotly':
      verdict = found.matplotlib || found.seaborn ? 'wrong-library' : found.plotly ? 'ok' : 'none';
      break;
  }
  return { verdict, used };
}
