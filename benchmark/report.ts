// Markdown reports in the layout of the PandasPlotBench paper's tables: one run's summary.md, and a
// comparison of runs along one dimension (Table I: models × libraries, Table II: task variants,
// Table III: data descriptors).
import type { ScoreStats, Summary } from './metrics.js';

export type CompareDimension = 'model' | 'library' | 'taskVariant' | 'descriptor';
export const COMPARE_DIMENSIONS: readonly CompareDimension[] = ['model', 'library', 'taskVariant', 'descriptor'];

export const DIMENSION_HEADER: Record<CompareDimension, string> = {
  model: 'model',
  library: 'library',
  taskVariant: 'task variant',
  descriptor: 'descriptor',
};

export const DIMENSION_PLURAL: Record<CompareDimension, string> = {
  model: 'models',
  library: 'libraries',
  taskVariant: 'task variants',
  descriptor: 'descriptors',
};

/** The dimension a set of runs varies along: the first that has more than one value, else models. */
export function variedDimension(summaries: readonly Summary[]): CompareDimension {
  return COMPARE_DIMENSIONS.find((d) => new Set(summaries.map((s) => s[d])).size > 1) ?? 'model';
}

const NA = '–';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fixed(v: number | null, digits: number): string {
  return v === null ? NA : v.toFixed(digits);
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(header: string[], rows: string[][], numericFrom: number): string {
  const align = header.map((_, i) => (i >= numericFrom ? '---:' : '---'));
  return [row(header), `| ${align.join(' | ')} |`, ...rows.map(row)].join('\n');
}

const SCORE_HEADER = ['incorrect code, %', 'visual mean', 'visual good', 'task mean', 'task good', 'pixel mean', 'pixel good'];

function scoreCells(s: Summary): string[] {
  const pair = (x: ScoreStats): string[] => [fixed(x.mean, 1), fixed(x.goodRatio, 2)];
  return [fixed(s.incorrectCodePct, 1), ...pair(s.visual), ...pair(s.task), ...pair(s.pixel)];
}

/** summary.md of one run. */
export function summaryMarkdown(summary: Summary, options: { title?: string } = {}): string {
  const s = summary;
  const lines: string[] = [];
  lines.push(`# ${options.title ?? 'PandasPlotBench results'}`, '');
  lines.push(
    table(
      ['model', 'library', 'task variant', 'descriptor', ...SCORE_HEADER],
      [[s.model, s.library, s.taskVariant, s.descriptor, ...scoreCells(s)]],
      4,
    ),
    '',
  );
  lines.push(
    table(
      ['score', 'mean', 'std', 'good (≥ 75)'],
      (['visual', 'task', 'pixel'] as const).map((k) => [k, fixed(s[k].mean, 1), fixed(s[k].std, 1), fixed(s[k].goodRatio, 2)]),
      1,
    ),
    '',
  );
  lines.push(
    `- items: ${s.items}, repeats: ${s.repeats}`,
    `- incorrect code (no plot): ${s.incorrectCodePct.toFixed(1)} %; code that raised: ${s.errorPct.toFixed(1)} %; wrong library: ${s.wrongLibrary}`,
    `- generation time per item: ${s.timePerItemS.toFixed(1)} s`,
    `- judge errors (excluded from the means): ${s.judgeErrors}`,
    '',
    'Items without a plot or with the wrong library score 0. Means and std are over items (repeats are averaged per item first);',
    '"good" is the share of scores of 75 or more. A dash means no score of that kind was recorded.',
    '',
  );
  return lines.join('\n');
}

export interface CompareRows {
  header: string[];
  /** Table rows in order; `index` is the row's summary in the input. */
  rows: Array<{ index: number; cells: string[] }>;
  /** Leading columns that name the run (the rest are scores). */
  nameColumns: number;
}

/**
 * Rows per value of `dimension`; any other dimension that differs between the summaries gets its
 * own column too, so every row is unambiguous (e.g. Table I: model rows within each library).
 */
export function compareRows(summaries: readonly Summary[], dimension: CompareDimension): CompareRows {
  const others = COMPARE_DIMENSIONS.filter((d) => d !== dimension && new Set(summaries.map((s) => s[d])).size > 1);
  const firstSeen = (d: CompareDimension): Map<string, number> => {
    const order = new Map<string, number>();
    summaries.forEach((s) => {
      if (!order.has(s[d])) {
        order.set(s[d], order.size);
      }
    });
    return order;
  };
  const orders = others.map((d) => [d, firstSeen(d)] as const);
  const sorted = summaries
    .map((s, i) => ({ s, i }))
    .sort((a, b) => {
      for (const [d, order] of orders) {
        const diff = order.get(a.s[d])! - order.get(b.s[d])!;
        if (diff !== 0) {
          return diff;
        }
      }
      return a.i - b.i;
    });
  const dims: CompareDimension[] = [...others, dimension];
  const header = [...dims.map((d) => DIMENSION_HEADER[d]), ...SCORE_HEADER, 'judge errors'];
  const rows = sorted.map(({ s, i }) => ({ index: i, cells: [...dims.map((d) => s[d]), ...scoreCells(s), String(s.judgeErrors)] }));
  return { header, rows, nameColumns: dims.length };
}

/** compareRows as a Markdown table (compare.md). */
export function compareTable(summaries: readonly Summary[], dimension: CompareDimension): string {
  const { header, rows, nameColumns } = compareRows(summaries, dimension);
  return table(
    header,
    rows.map((r) => r.cells),
    nameColumns,
  );
}
