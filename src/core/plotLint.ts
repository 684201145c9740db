// Plot lint: problems a drawn figure shows that "the code ran" does not catch. Works on figure
// summaries only (src/kernel/figureSummary.ts), so it is deterministic and costs no model call.
// Each rule, and where it cannot see, is described in docs/benchmark.md ("Plot lint").
import type { ArtistSummary, AxesSummary, AxisSummary, FigureSummary } from '../kernel/figureSummary.js';
import { gridCells } from './figureGrid.js';

export type LintRule =
  | 'no-data'
  | 'empty-subplot'
  | 'all-nan-series'
  | 'missing-labels'
  | 'tick-overlap'
  | 'clipped-text'
  | 'empty-legend'
  | 'crowded-categories';

export interface LintFinding {
  rule: LintRule;
  message: string;
}

export interface LintOptions {
  /** The user's request; labels and titles are only required when it asks for them. */
  task?: string;
}

const SERIES_TYPES = new Set<ArtistSummary['type']>(['line', 'scatter', 'bar', 'area', 'pie', 'heatmap', 'box', 'violin']);

const TITLE_ASKED = /\btitle[ds]?\b/i;
const LABELS_ASKED = [
  /\b(?:axis|axes)\s+(?:labels?|titles?)\b/i,
  /\blabel(?:l?ed|s|ing)?\b[^.;]{0,40}\b(?:[xy][- ]?axis|axes|axis)\b/i,
  /\b(?:[xy][- ]?axis|axes)\b[^.;]{0,40}\blabel(?:l?ed|s)?\b/i,
  /\b[xy][- ]?label\b/i,
];
const X_MENTIONED = /\bx[- ]?(?:axis|label)\b/i;
const Y_MENTIONED = /\by[- ]?(?:axis|label)\b/i;

/** Which labels the task asks for, read from its wording. */
export function requestedLabels(task: string): { title: boolean; x: boolean; y: boolean } {
  const labels = LABELS_ASKED.some((pattern) => pattern.test(task));
  const x = X_MENTIONED.test(task);
  const y = Y_MENTIONED.test(task);
  // "Label the axes" asks for both; "label the y-axis" only for y.
  return { title: TITLE_ASKED.test(task), x: labels && (x || !y), y: labels && (y || !x) };
}

/** Drawn content: data, a table, or free text (a figure of annotations is not empty). */
function hasData(axes: AxesSummary): boolean {
  return axes.artists.some((artist) => artist.points > 0) || axes.texts.length > 0;
}

function sameBounds(a: AxesSummary, b: AxesSummary): boolean {
  return a.bounds.every((edge, i) => Math.abs(edge - b.bounds[i]!) < 1e-3);
}

function plotAxes(figure: FigureSummary): AxesSummary[] {
  return figure.axes.filter((axes) => !axes.colorbar);
}

function quoteList(texts: readonly string[], max = 3): string {
  const shown = texts.slice(0, max).map((t) => `"${t.length > 30 ? `${t.slice(0, 29)}…` : t}"`);
  return texts.length > max ? `${shown.join(', ')} and ${texts.length - max} more` : shown.join(', ');
}

function crowded(axis: AxisSummary): boolean {
  return axis.categorical && axis.ticksMeasured && axis.fitsAtMost !== null && axis.tickCount > axis.fitsAtMost;
}

/** Every finding for the figures one run drew, in figure order. */
export function lintFigures(figures: readonly FigureSummary[], options: LintOptions = {}): LintFinding[] {
  const findings: LintFinding[] = [];
  const asked = requestedLabels(options.task ?? '');
  figures.forEach((figure, index) => {
    const name = figures.length === 1 ? 'The figure' : `Figure ${index + 1}`;
    const add = (rule: LintRule, message: string): void => {
      findings.push({ rule, message });
    };
    if (figure.error) {
      return;
    }
    const axesList = plotAxes(figure);
    const cells = gridCells(axesList);
    const where = (i: number): string =>
      axesList.length === 1 ? '' : ` (subplot at row ${cells[i]!.row + 1}, column ${cells[i]!.col + 1})`;
    const withData = axesList.filter(hasData);

    if (withData.length === 0 && figure.texts.length === 0) {
      add('no-data', `${name} has no data: ${axesList.length === 0 ? 'it has no axes' : 'its axes are empty'}. Check that the columns exist and are not empty after filtering.`);
    } else {
      // An empty axes under a twin that has data (twinx, Seaborn's pairplot diagonal) is not left empty.
      const empty = axesList
        .map((axes, i) => ({ axes, i }))
        .filter(({ axes }) => !hasData(axes) && axes.axisOn && !withData.some((other) => sameBounds(other, axes)));
      if (empty.length > 0) {
        add(
          'empty-subplot',
          `${name} leaves ${empty.length} of ${axesList.length} subplots empty${empty.length <= 3 ? `: ${empty.map(({ i }) => where(i).slice(2, -1)).join('; ')}` : ''}. Draw into them or create only the subplots you use.`,
        );
      }
    }

    axesList.forEach((axes, i) => {
      for (const artist of axes.artists) {
        // Error bars and reference lines are not series (Seaborn draws NaN error bars for single values).
        if (SERIES_TYPES.has(artist.type) && artist.points > 0 && artist.finite === 0) {
          const series = artist.label ? `The ${artist.type} "${artist.label}"` : `A ${artist.type}`;
          add('all-nan-series', `${series} in ${name.toLowerCase()}${where(i)} has ${artist.points} points and none is a number (all NaN): check the column and any conversion or filter before plotting.`);
        }
      }
      for (const [letter, axis] of [['x', axes.x], ['y', axes.y]] as const) {
        if (crowded(axis)) {
          add('crowded-categories', `The ${letter} axis of ${name.toLowerCase()}${where(i)} has ${axis.tickCount} categories but at most ${axis.fitsAtMost} labels fit along it, even turned vertical: show the top categories, aggregate, or make the figure larger.`);
        } else if (axis.ticksMeasured && axis.overlaps > 0) {
          add('tick-overlap', `${axis.overlaps} of ${axis.tickCount} ${letter} tick labels of ${name.toLowerCase()}${where(i)} overlap each other: rotate them (e.g. rotation=45, ha='right'), show fewer ticks, or widen the figure.`);
        }
      }
      if (axes.legend && axes.legend.entries.every((entry) => entry === '')) {
        add('empty-legend', `${name}${where(i)} has a legend with no entries: give the series labels (label=...) before calling legend(), or drop the legend.`);
      }
    });
    for (const legend of figure.legends) {
      if (legend.entries.every((entry) => entry === '')) {
        add('empty-legend', `${name} has a legend with no entries: name the series or drop the legend.`);
      }
    }

    if (figure.savedWithoutTightBox && figure.clippedTexts.length > 0) {
      add('clipped-text', `${name} was saved with ${quoteList(figure.clippedTexts)} cut off at its edge: call plt.tight_layout() or savefig(..., bbox_inches='tight').`);
    }

    const labelled = axesList.filter((axes) => axes.axisOn && hasData(axes) && !axes.artists.every((a) => a.type === 'pie'));
    if (asked.title && !figure.title && axesList.every((axes) => !axes.title)) {
      add('missing-labels', `The task asks for a title but ${name.toLowerCase()} has none.`);
    }
    const missing = [
      ...(asked.x && labelled.length > 0 && !figure.xLabel && labelled.every((axes) => !axes.x.label) ? ['x'] : []),
      ...(asked.y && labelled.length > 0 && !figure.yLabel && labelled.every((axes) => !axes.y.label) ? ['y'] : []),
    ];
    if (missing.length > 0) {
      add('missing-labels', `The task asks for axis labels but ${name.toLowerCase()} has no ${missing.join(' or ')} axis label.`);
    }
  });
  return findings;
}

/** The findings as the repair prompt lists them. */
export function formatLintFindings(findings: readonly LintFinding[]): string {
  return findings.map((finding) => `- ${finding.message} [${finding.rule}]`).join('\n');
}
