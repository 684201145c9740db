// `bench compare`: runs a grid of benchmark runs (models × libraries × task variants × descriptors),
// one sub-folder per cell, and writes one table in the layout of the paper's Tables I–III.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DescriptorMode } from '../src/core/describe.js';
import type { PlotLibrary } from '../src/core/prompts.js';
import type { ChatModel } from '../src/llm/chatModel.js';
import { loadDataset, type TaskVariant } from './dataset.js';
import type { Summary } from './metrics.js';
import { compareTable, type CompareDimension } from './report.js';
import { writeReportHtml } from './reportWriter.js';
import { defaultCacheDir, runBenchmark, type BenchmarkHooks, type BenchmarkOptions, type BenchmarkProgress } from './runner.js';

export interface CompareGrid {
  models?: string[];
  libraries?: PlotLibrary[];
  taskVariants?: TaskVariant[];
  descriptors?: DescriptorMode[];
  /** 'off' and/or 'on': runs without and with the visual self-check (its rounds from the options). */
  visualChecks?: VisualCheckMode[];
}

export type VisualCheckMode = 'off' | 'on';
export const VISUAL_CHECK_MODES: readonly VisualCheckMode[] = ['off', 'on'];

export interface CompareCell {
  model: string;
  library: PlotLibrary;
  taskVariant: TaskVariant;
  descriptor: DescriptorMode;
  visualCheck: VisualCheckMode;
  /** Sub-folder of the compare folder. */
  dir: string;
}

export interface CompareOptions extends Omit<BenchmarkOptions, 'model' | 'outDir'> {
  grid: CompareGrid;
  /** The sampler for a model name (the judge stays the same for every cell). */
  makeModel: (name: string) => ChatModel;
  /** The model used when the grid has no models. */
  defaultModel: string;
  outDir: string;
}

export interface CompareHooks extends Omit<BenchmarkHooks, 'onProgress'> {
  onProgress?: (cell: CompareCell, index: number, cells: number, progress: BenchmarkProgress) => void;
  onCellDone?: (cell: CompareCell, summary: Summary) => void;
}

export interface CompareResult {
  summaries: Summary[];
  dimension: CompareDimension;
  table: string;
  cancelled: boolean;
  outDir: string;
}

/** The dimension rows vary along: the first of models, libraries, task variants, descriptors given with more than one value, else the first given. */
export function compareDimension(grid: CompareGrid): CompareDimension {
  const given: Array<[CompareDimension, unknown[] | undefined]> = [
    ['model', grid.models],
    ['library', grid.libraries],
    ['taskVariant', grid.taskVariants],
    ['descriptor', grid.descriptors],
    ['visualCheck', grid.visualChecks],
  ];
  const many = given.find(([, values]) => values && values.length > 1);
  const any = given.find(([, values]) => values && values.length > 0);
  if (!any) {
    throw new Error('compare needs at least one of --models, --libraries, --task-variants, --descriptors, --visual-checks');
  }
  return (many ?? any)[0];
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'x';
}

export function compareCells(
  grid: CompareGrid,
  base: { model: string; library: PlotLibrary; taskVariant: TaskVariant; descriptor: DescriptorMode; visualCheck?: VisualCheckMode },
): CompareCell[] {
  const cells: CompareCell[] = [];
  for (const model of grid.models?.length ? grid.models : [base.model]) {
    for (const library of grid.libraries?.length ? grid.libraries : [base.library]) {
      for (const taskVariant of grid.taskVariants?.length ? grid.taskVariants : [base.taskVariant]) {
        for (const descriptor of grid.descriptors?.length ? grid.descriptors : [base.descriptor]) {
          for (const visualCheck of grid.visualChecks?.length ? grid.visualChecks : [base.visualCheck ?? 'off']) {
            // Runs without the check keep the folder names they had before it existed.
            const dir = [model, library, taskVariant, descriptor, ...(visualCheck === 'on' ? ['visual-check'] : [])].map(safeName).join('__');
            cells.push({ model, library, taskVariant, descriptor, visualCheck, dir });
          }
        }
      }
    }
  }
  return cells;
}

export async function runCompare(options: CompareOptions, hooks: CompareHooks = {}): Promise<CompareResult> {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const dimension = compareDimension(options.grid);
  const cells = compareCells(options.grid, {
    model: options.defaultModel,
    library: options.library,
    taskVariant: options.taskVariant,
    descriptor: options.descriptor,
    visualCheck: (options.visualCheck ?? 0) > 0 ? 'on' : 'off',
  });
  // Items a caller already loaded (the palette, to offer ids) are not read again.
  const items = options.items ?? (await loadDataset(options.dataset, { ...options.datasetOptions, signal: hooks.signal })).items;
  // Every cell shares one cache beside the compare folder.
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir(outDir) : options.cacheDir;
  const summaries: Summary[] = [];
  let cancelled = false;
  for (const [index, cell] of cells.entries()) {
    if (hooks.signal?.aborted) {
      cancelled = true;
      break;
    }
    const result = await runBenchmark(
      {
        ...options,
        items,
        model: options.makeModel(cell.model),
        library: cell.library,
        taskVariant: cell.taskVariant,
        descriptor: cell.descriptor,
        // 'on' uses the rounds asked for (at least one).
        visualCheck: cell.visualCheck === 'on' ? Math.max(1, options.visualCheck ?? 1) : 0,
        outDir: join(outDir, cell.dir),
        cacheDir,
      },
      { signal: hooks.signal, onProgress: (progress) => hooks.onProgress?.(cell, index, cells.length, progress) },
    );
    summaries.push(result.summary);
    hooks.onCellDone?.(cell, result.summary);
    if (result.cancelled) {
      cancelled = true;
      break;
    }
  }
  const table = compareTable(summaries, dimension);
  writeFileSync(join(outDir, 'compare.md'), compareMarkdown(table, cells, cancelled));
  writeReportHtml(outDir);
  return { summaries, dimension, table, cancelled, outDir };
}

/** compare.md: the table and the cell folders (benchmark/runFolders.ts reads both back). */
export function compareMarkdown(table: string, cells: ReadonlyArray<Pick<CompareCell, 'dir'>>, cancelled: boolean): string {
  const title = cancelled ? '# PandasPlotBench comparison (cancelled: partial)' : '# PandasPlotBench comparison';
  const cellList = cells.map((cell) => `- \`${cell.dir}/\``).join('\n');
  return `${title}\n\n${table}\n\nRuns (one folder each):\n${cellList}\n`;
}
