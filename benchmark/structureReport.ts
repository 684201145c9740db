// The structure scores in the reports: summary.md's section, the compare table's columns and the
// HTML report's table (the numbers come from metrics.ts's structureSummary).
import { correlationText } from './correlation.js';
import { STRUCTURE_SUMMARY_PARTS, type StructureSummary, type StructureSummaryPart, type Summary } from './metrics.js';

export const STRUCTURE_PART_NAMES: Record<StructureSummaryPart, string> = {
  chartType: 'chart type',
  layout: 'layout',
  text: 'text',
  data: 'data',
  color: 'colour',
  combined: 'combined',
};

function fixed(v: number | null | undefined, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** Rows of part, mean, std, good, n. */
export function structureRows(structure: StructureSummary): string[][] {
  return STRUCTURE_SUMMARY_PARTS.map((part) => {
    const stats = structure.parts[part];
    return [STRUCTURE_PART_NAMES[part], fixed(stats.mean, 1), fixed(stats.std, 1), fixed(stats.goodRatio, 2), String(stats.n)];
  });
}

function mdRow(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')).join(' | ')} |`;
}

/** summary.md's "Structure scores" section; empty when the run has none. */
export function structureMarkdown(summary: Summary): string {
  const structure = summary.structure;
  if (!structure) {
    return '';
  }
  const lines = [
    '## Structure scores',
    '',
    'Deterministic scores (0–100) of what the figures contain against the ground truth\'s `code_plot`, both run on the same frame in the item\'s kernel (docs/benchmark.md, "Structure scores").',
    '',
    mdRow(['part', 'mean', 'std', 'good (≥ 75)', 'items']),
    '| --- | ---: | ---: | ---: | ---: |',
    ...structureRows(structure).map(mdRow),
    '',
    `- runs whose structure scores could not be computed (left out of the means): ${structure.errors}`,
  ];
  const skipped = Object.entries(structure.skipped);
  if (skipped.length > 0) {
    lines.push('- parts skipped (not compared, left out of that part\'s mean):');
    lines.push(...skipped.map(([reason, count]) => `  - ${reason} (${count} run${count === 1 ? '' : 's'})`));
  }
  const correlation = structure.judgeCorrelation ?? [];
  if (correlation.length > 0) {
    lines.push(
      '',
      '### Which structure scores track the judge',
      '',
      'Correlation of each structure part with each judge score over the item × repeat runs that have both (only a real judge\'s scores are evidence; a mock judge\'s are not):',
      '',
      mdRow(['part', 'judge', 'correlation']),
      '| --- | --- | --- |',
      ...correlation.map((c) => mdRow([STRUCTURE_PART_NAMES[c.part], c.judge, correlationText(c)])),
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Extra compare-table columns: one per structure part, when any run has structure scores. */
export function structureCompareHeader(summaries: readonly Summary[]): string[] {
  return summaries.some((s) => s.structure) ? STRUCTURE_SUMMARY_PARTS.map((part) => `structure ${STRUCTURE_PART_NAMES[part]}`) : [];
}

export function structureCompareCells(summaries: readonly Summary[], summary: Summary): string[] {
  if (!summaries.some((s) => s.structure)) {
    return [];
  }
  return STRUCTURE_SUMMARY_PARTS.map((part) => fixed(summary.structure?.parts[part].mean, 1));
}
