// Deterministic structure scores: what the generated figures contain against what the ground truth's
// figures contain (chart type, layout, text, data, colour), each 0–100, no judge involved. Works on
// figure summaries (src/kernel/figureSummary.ts). docs/benchmark.md ("Structure scores") explains
// each part and its limits.
import { gridCells } from '../src/core/figureGrid.js';
import type { ArtistSummary, AxesSummary, FigureSummary } from '../src/kernel/figureSummary.js';

export const STRUCTURE_PARTS = ['chartType', 'layout', 'text', 'data', 'color'] as const;
export type StructurePart = (typeof STRUCTURE_PARTS)[number];

export interface StructureScores {
  /** 0–100; null when the part could not be compared (see `skipped`). */
  chartType: number | null;
  layout: number | null;
  text: number | null;
  data: number | null;
  color: number | null;
  /** The mean of the parts that were compared. */
  combined: number | null;
  /** What was left out of the comparison, and why. */
  skipped: string[];
}

/** Artist types that are the chart itself (error bars, reference lines and loose shapes are not). */
const CHART_TYPES = new Set<ArtistSummary['type']>(['line', 'scatter', 'bar', 'area', 'pie', 'heatmap', 'box', 'violin']);

/** Harmonic F1 of two multisets of keys, 0–1; two empty multisets agree fully. */
export function multisetF1(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) {
    return 1;
  }
  const counts = new Map<string, number>();
  for (const key of a) {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let common = 0;
  for (const key of b) {
    const left = counts.get(key) ?? 0;
    if (left > 0) {
      common++;
      counts.set(key, left - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

function plotAxes(figure: FigureSummary): AxesSummary[] {
  return figure.axes.filter((axes) => !axes.colorbar);
}

function chartTypes(figure: FigureSummary): string[] {
  // Each axes contributes each of its chart types once: three bar series are one bar chart.
  return plotAxes(figure).flatMap((axes) => [...new Set(axes.artists.filter((a) => CHART_TYPES.has(a.type)).map((a) => a.type))]);
}

function layoutCells(figure: FigureSummary): string[] {
  return gridCells(plotAxes(figure)).map((cell) => `${cell.row},${cell.col}`);
}

function normalizeText(text: string): string {
  return text.replace(/\u2212/g, '-').replace(/\s+/g, ' ').trim().toLowerCase();
}

function figureTexts(figure: FigureSummary, withTicks: boolean): string[] {
  const texts = [figure.title, figure.xLabel, figure.yLabel, ...figure.texts, ...figure.legends.flatMap((legend) => legend.entries)];
  for (const axes of plotAxes(figure)) {
    texts.push(axes.title, axes.x.label, axes.y.label, ...axes.texts, ...(axes.legend?.entries ?? []));
    if (withTicks) {
      texts.push(...axes.x.tickLabels, ...axes.y.tickLabels);
    }
  }
  return texts.map(normalizeText).filter(Boolean);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 + 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** How far two value lists agree, 0–1: position by position when they are as long, else as multisets. */
export function valueSimilarity(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>): number {
  if (a.length === 0 && b.length === 0) {
    return 1;
  }
  if (a.length === b.length) {
    let same = 0;
    a.forEach((value, i) => {
      const other = b[i]!;
      if ((value === null && other === null) || (value !== null && other !== null && close(value, other))) {
        same++;
      }
    });
    return same / a.length;
  }
  const left = a.filter((v): v is number => v !== null).sort((x, y) => x - y);
  const right = b.filter((v): v is number => v !== null).sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let same = 0;
  while (i < left.length && j < right.length) {
    if (close(left[i]!, right[j]!)) {
      same++;
      i++;
      j++;
    } else if (left[i]! < right[j]!) {
      i++;
    } else {
      j++;
    }
  }
  return same / Math.max(a.length, b.length);
}

function dataArtists(figure: FigureSummary): ArtistSummary[] {
  return plotAxes(figure).flatMap((axes) => axes.artists.filter((a) => CHART_TYPES.has(a.type)));
}

/** Greedy one-to-one matching of artists by value similarity; unmatched artists count as 0. */
function dataScore(generated: ArtistSummary[], truth: ArtistSummary[]): number {
  if (generated.length === 0 && truth.length === 0) {
    return 1;
  }
  const pairs: Array<{ g: number; t: number; similarity: number }> = [];
  generated.forEach((g, gi) => {
    truth.forEach((t, ti) => {
      pairs.push({ g: gi, t: ti, similarity: valueSimilarity(g.values, t.values) });
    });
  });
  pairs.sort((p, q) => q.similarity - p.similarity || p.t - q.t || p.g - q.g);
  const usedG = new Set<number>();
  const usedT = new Set<number>();
  let total = 0;
  for (const pair of pairs) {
    if (!usedG.has(pair.g) && !usedT.has(pair.t)) {
      usedG.add(pair.g);
      usedT.add(pair.t);
      total += pair.similarity;
    }
  }
  return total / Math.max(generated.length, truth.length);
}

function colors(artists: ArtistSummary[]): string[] {
  return artists.flatMap((a) => (a.color ? [a.color.trim().toLowerCase()] : []));
}

interface PairScores {
  chartType: number;
  layout: number;
  text: number;
  data: number | null;
  color: number | null;
}

function scorePair(generated: FigureSummary, truth: FigureSummary, skipped: Set<string>): PairScores {
  const bothMatplotlib = generated.library === 'matplotlib' && truth.library === 'matplotlib';
  if (!bothMatplotlib) {
    skipped.add('tick text: Plotly computes its ticks in the browser, so tick labels are compared only between Matplotlib figures');
  }
  const comparable = (artists: ArtistSummary[]): ArtistSummary[] => artists.filter((a) => a.valuesKnown !== false);
  const generatedArtists = dataArtists(generated);
  const truthArtists = dataArtists(truth);
  if (comparable(generatedArtists).length < generatedArtists.length || comparable(truthArtists).length < truthArtists.length) {
    skipped.add('data of Plotly histograms: their bins are computed in the browser');
  }
  const g = comparable(generatedArtists);
  const t = comparable(truthArtists);
  const data = g.length === 0 && t.length === 0 && (generatedArtists.length > 0 || truthArtists.length > 0) ? null : dataScore(g, t);
  const gColors = colors(generatedArtists);
  const tColors = colors(truthArtists);
  let color: number | null = null;
  if (gColors.length === 0 || tColors.length === 0) {
    skipped.add('colour: one of the figures leaves its colours to the renderer');
  } else {
    color = multisetF1(gColors, tColors);
  }
  return {
    chartType: multisetF1(chartTypes(generated), chartTypes(truth)),
    layout: multisetF1(layoutCells(generated), layoutCells(truth)),
    text: multisetF1(figureTexts(generated, bothMatplotlib), figureTexts(truth, bothMatplotlib)),
    data,
    color,
  };
}

function percent(value: number): number {
  return Math.round(value * 1000) / 10;
}

/**
 * Structure scores of the figures a generated program drew against the ground truth's. Figures are
 * paired in the order they were drawn; a figure without a partner scores 0 on every part.
 */
export function scoreStructure(generated: readonly FigureSummary[], truth: readonly FigureSummary[]): StructureScores {
  const skipped = new Set<string>();
  const usable = (figures: readonly FigureSummary[]) => figures.filter((f) => !f.error);
  const g = usable(generated);
  const t = usable(truth);
  if (t.length === 0) {
    return { chartType: null, layout: null, text: null, data: null, color: null, combined: null, skipped: ['everything: the ground truth drew no figure'] };
  }
  const sums: Record<StructurePart, { total: number; count: number }> = {
    chartType: { total: 0, count: 0 },
    layout: { total: 0, count: 0 },
    text: { total: 0, count: 0 },
    data: { total: 0, count: 0 },
    color: { total: 0, count: 0 },
  };
  const figures = Math.max(g.length, t.length);
  for (let i = 0; i < figures; i++) {
    const pair: PairScores | undefined = g[i] && t[i] ? scorePair(g[i]!, t[i]!, skipped) : undefined;
    for (const part of STRUCTURE_PARTS) {
      const value = pair ? pair[part] : 0;
      if (value !== null) {
        sums[part].total += value;
        sums[part].count++;
      }
    }
  }
  const result = Object.fromEntries(
    STRUCTURE_PARTS.map((part) => [part, sums[part].count > 0 ? percent(sums[part].total / sums[part].count) : null]),
  ) as Record<StructurePart, number | null>;
  const compared = STRUCTURE_PARTS.map((part) => result[part]).filter((v): v is number => v !== null);
  return {
    ...result,
    combined: compared.length > 0 ? percent(compared.reduce((s, v) => s + v, 0) / compared.length / 100) : null,
    skipped: [...skipped],
  };
}
