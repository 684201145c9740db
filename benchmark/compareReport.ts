// The report of a comparison folder (compare.md and one run folder per cell): the comparison table
// from the cells' summary.json, one row per cell with a link to that cell's own report. In
// report.html the link is relative (`<cell>/report.html`); in the webview media/report.js turns a
// click into a message to the extension, which opens the cell's report in its own panel.
import { join } from 'node:path';
import type { Summary } from './metrics.js';
import { compareRows, DIMENSION_PLURAL, variedDimension, type CompareDimension } from './report.js';
import { escapeHtml, renderReportHtml, reportPage, withRandomNonce, type ReportHtmlOptions } from './reportHtml.js';
import { compareCellDirs, isCompareFolder, isPartialCompare, readSummary } from './runFolders.js';
import { compareHeadline } from './runText.js';

export interface CompareFolder {
  /** Cells that have a summary, in compare.md's order: folder name and summary. */
  cells: Array<{ dir: string; summary: Summary }>;
  dimension: CompareDimension;
  partial: boolean;
}

export function readCompareFolder(dir: string): CompareFolder {
  const cells = compareCellDirs(dir).flatMap((cell) => {
    const { summary } = readSummary(join(dir, cell));
    return summary ? [{ dir: cell, summary }] : [];
  });
  return { cells, dimension: variedDimension(cells.map((c) => c.summary)), partial: isPartialCompare(dir) };
}

/** The comparison page; `{{nonce}}` is left for the caller to fill. */
export function renderCompareReportHtml(dir: string, options: ReportHtmlOptions = {}): string {
  const { cells, dimension, partial } = readCompareFolder(dir);
  const summaries = cells.map((c) => c.summary);
  const { header, rows, nameColumns } = compareRows(summaries, dimension);
  const th = header.map((h, i) => `<th${i >= nameColumns ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(({ index, cells: values }) => {
      const cell = (cells[index] as { dir: string }).dir;
      const tds = values.map((v, i) => `<td${i >= nameColumns ? ' class="num"' : ''}>${escapeHtml(v)}</td>`).join('');
      const link = `<a class="open-cell" href="${escapeHtml(encodeURIComponent(cell))}/report.html" data-cell="${escapeHtml(cell)}">Open report</a>`;
      return `<tr class="cell" data-cell="${escapeHtml(cell)}">${tds}<td>${link}</td></tr>`;
    })
    .join('\n');
  return reportPage(
    'PandasPlotBench comparison',
    `${partial ? '<p class="partial">Cancelled: a partial comparison (the cells that ran, the last one possibly incomplete).</p>' : ''}
<p class="headline">${escapeHtml(cells.length > 0 ? compareHeadline(summaries, dimension) : 'No cell has a summary yet.')}</p>
<p>${cells.length} run${cells.length === 1 ? '' : 's'} compared across ${escapeHtml(DIMENSION_PLURAL[dimension])}; each row links to that run's own report.</p>
<table id="compare"><thead><tr>${th}<th>run</th></tr></thead>
<tbody>
${body}
</tbody></table>`,
    options,
  );
}

/** The report of a results folder, whichever it holds: a comparison or one run. */
export function renderFolderReportHtml(dir: string, options: ReportHtmlOptions = {}): string {
  return isCompareFolder(dir) ? renderCompareReportHtml(dir, options) : renderReportHtml(dir, options);
}

/** report.html of a results folder: self-contained, with a fresh nonce. */
export function folderReportFile(dir: string): string {
  return withRandomNonce(renderFolderReportHtml(dir));
}
