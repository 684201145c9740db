// Markdown reports in the layout of the PandasPlotBench paper's tables: one run's summary.md, and a
// comparison of runs along one dimension (Table I: models × libraries, Table II: task variants,
// Table III: data descriptors).
import { FAILURE_STAGES, type FailureCounts, type ScoreStats, type Summary } from './metrics.js';
import { positionBiasLine } from './positionCheck.js';
import { structureCompareCells, structureCompareHeader, structureMarkdown } from './structureReport.js';

export type CompareDimension = 'model' | 'library' | 'taskVariant' | 'descriptor' | 'visualCheck';
export const COMPARE_DIMENSIONS: readonly CompareDimension[] = ['model', 'library', 'taskVariant', 'descriptor', 'visualCheck'];

export const DIMENSION_HEADER: Record<CompareDimension, string> = {
  model: 'model',
  library: 'library',
  taskVariant: 'task variant',
  descriptor: 'descriptor',
  visualCheck: 'visual check',
};

export const DIMENSION_PLURAL: Record<CompareDimension, string> = {
  model: 'models',
  library: 'libraries',
  taskVariant: 'task variants',
  descriptor: 'descriptors',
  visualCheck: 'visual-check modes',
};

/** A run's value along a dimension (summaries from before the visual check was a mode ran without it). */
export function dimensionValue(s: Summary, d: CompareDimension): string {
  return d === 'visualCheck' ? (s.visualCheck ?? 'off') : s[d];
}

/** The dimension a set of runs varies along: the first that has more than one value, else models. */
export function variedDimension(summaries: readonly Summary[]): CompareDimension {
  return COMPARE_DIMENSIONS.find((d) => new Set(summaries.map((s) => dimensionValue(s, d))).size > 1) ?? 'model';
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
function visualCheckText(counts: Record<string, number> | undefined): string {
  const entries = Object.entries(counts ?? {});
  return entries.length === 0 ? 'no plot was checked' : entries.map(([verdict, n]) => `${verdict} ${n}`).join(', ');
}

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
    `- generation time per item: ${s.timePerItemS === null ? '– (every answer came from the cache)' : `${s.timePerItemS.toFixed(1)} s`}${s.cachedRuns ? ` (${s.cachedRuns} run(s) answered from the cache are left out)` : ''}`,
    `- judge errors (excluded from the means): ${s.judgeErrors}`,
    ...(s.visualCheck && s.visualCheck !== 'off' ? [`- visual self-check: ${s.visualCheck}; ${visualCheckText(s.visualChecks)}`] : []),
    `- failed runs by stage: ${failureText(s.failures)}`,
    ...judgeSpreadLines(s),
    ...positionBiasLine(s.positionBias),
    '',
    'Every item × repeat has one record. Items without a plot (the model request failed, the answer held no code, the code raised or drew',
    'nothing) or with the wrong library score 0; a figure our renderer could not turn into PNG is not scored and not counted as incorrect code;',
    'a judge error is left out of that score\'s mean. Means and std are over items (repeats are averaged per item first);',
    '"good" is the share of scores of 75 or more. A dash means no score of that kind was recorded.',
    '',
  );
  const structure = structureMarkdown(s);
  if (structure) {
    lines.push(structure);
  }
  const debug = selfDebugMarkdown([s]);
  if (debug) {
    lines.push(debug, '');
  }
  return lines.join('\n');
}

/** With --judge-repeats: how much one judge's repeated scores of the same plot differ. */
export function judgeSpreadLines(s: Summary): string[] {
  return Object.entries(s.judgeSpread ?? {}).map(
    ([kind, spread]) => `- ${kind} judge asked repeatedly: mean spread per run ${spread.meanStdev.toFixed(1)} (stdev), ${spread.meanRange.toFixed(1)} (max − min) over ${spread.n} run(s)`,
  );
}

const STAGE_SHORT: Record<keyof FailureCounts, string> = { generation: 'generation', execution: 'execution', rendering: 'rendering', judging: 'judging' };

export function failureText(failures: FailureCounts | undefined): string {
  if (!failures) {
    return '–';
  }
  const total = FAILURE_STAGES.reduce((sum, stage) => sum + failures[stage], 0);
  return total === 0 ? 'none' : FAILURE_STAGES.map((stage) => `${STAGE_SHORT[stage]} ${failures[stage]}`).join(', ');
}

/** "generation/execution/rendering/judging" counts in one cell. */
function failureCell(failures: FailureCounts | undefined): string {
  return failures ? FAILURE_STAGES.map((stage) => String(failures[stage])).join('/') : NA;
}

function runName(s: Summary, names: readonly string[] | undefined, index: number): string {
  return names?.[index] ?? `${s.model} · ${s.library}`;
}

/**
 * The self-debug tables (VisCoder's protocol): pass rate after attempt 0..N per run, and error types
 * before and after repair. Empty when no run repaired anything (one attempt each).
 */
export function selfDebugMarkdown(summaries: readonly Summary[], names?: readonly string[]): string {
  const withDebug = summaries.map((s, i) => ({ s, i })).filter(({ s }) => (s.selfDebug?.passAfterAttempt.length ?? 0) > 1);
  if (withDebug.length === 0) {
    return '';
  }
  const attempts = Math.max(...withDebug.map(({ s }) => s.selfDebug?.passAfterAttempt.length ?? 0));
  const passHeader = ['run', ...Array.from({ length: attempts }, (_, k) => `plot after attempt ${k}, %`)];
  const passRows = withDebug.map(({ s, i }) => [runName(s, names, i), ...Array.from({ length: attempts }, (_, k) => fixed(s.selfDebug?.passAfterAttempt[k] ?? s.selfDebug?.passAfterAttempt.at(-1) ?? null, 1))]);
  const typeRows = withDebug.flatMap(({ s, i }) => {
    const before = s.selfDebug?.errorsBefore ?? {};
    const after = s.selfDebug?.errorsAfter ?? {};
    const types = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return types.map((type) => [runName(s, names, i), type, String(before[type] ?? 0), String(after[type] ?? 0)]);
  });
  const parts = ['## Self-debug', '', 'Share of item × repeat runs with a plot after the first answer (attempt 0) and after each repair:', '', table(passHeader, passRows, 1), ''];
  if (typeRows.length > 0) {
    parts.push('Error types of the first answers and after the last repair:', '', table(['run', 'error type', 'before repair', 'after repair'], typeRows, 2));
  }
  return parts.join('\n');
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
  const others = COMPARE_DIMENSIONS.filter((d) => d !== dimension && new Set(summaries.map((s) => dimensionValue(s, d))).size > 1);
  const firstSeen = (d: CompareDimension): Map<string, number> => {
    const order = new Map<string, number>();
    summaries.forEach((s) => {
      if (!order.has(dimensionValue(s, d))) {
        order.set(dimensionValue(s, d), order.size);
      }
    });
    return order;
  };
  const orders = others.map((d) => [d, firstSeen(d)] as const);
  const sorted = summaries
    .map((s, i) => ({ s, i }))
    .sort((a, b) => {
      for (const [d, order] of orders) {
        const diff = order.get(dimensionValue(a.s, d))! - order.get(dimensionValue(b.s, d))!;
        if (diff !== 0) {
          return diff;
        }
      }
      return a.i - b.i;
    });
  const dims: CompareDimension[] = [...others, dimension];
  const header = [...dims.map((d) => DIMENSION_HEADER[d]), ...SCORE_HEADER, 'runs', 'failed (gen/exec/render/judge)', 'judge errors', ...structureCompareHeader(summaries)];
  const rows = sorted.map(({ s, i }) => ({
    index: i,
    cells: [...dims.map((d) => dimensionValue(s, d)), ...scoreCells(s), String(s.items), failureCell(s.failures), String(s.judgeErrors), ...structureCompareCells(summaries, s)],
  }));
  return { header, rows, nameColumns: dims.length };
}

/** compareRows as a Markdown table (compare.md). */
export function compareTable(summaries: readonly Summary[], dimension: CompareDimension): string {
  const { header, rows, nameColumns } = compareRows(summaries, dimension);
  const names = summaries.map((s) => COMPARE_DIMENSIONS.filter((d) => new Set(summaries.map((x) => dimensionValue(x, d))).size > 1).map((d) => dimensionValue(s, d)).join(' · ') || dimensionValue(s, dimension));
  const debug = selfDebugMarkdown(summaries, names);
  return (
    table(
      header,
      rows.map((r) => r.cells),
      nameColumns,
    ) + (debug ? `\n\n${debug}` : '')
  );
}
