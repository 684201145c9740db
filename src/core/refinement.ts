// Refining a Plotwright cell: what of the cell goes into the request (its code as it is now, its last
// error or the plot checks' findings), and the short history of instructions that lets Undo Refine
// put the previous version back. Pure: the extension and its tests share it.
import type { KernelError } from '../kernel/kernel.js';
import { formatKernelError } from './plotEngine.js';
import { codeWithoutHeader } from './plotCellSource.js';
import type { PlotLibrary, PreviousCode } from './prompts.js';

/** How many refinements a cell remembers (each keeps the text it replaced, for Undo Refine). */
export const REFINEMENT_HISTORY_CAP = 5;

export interface Refinement {
  instruction: string;
  /** The whole cell text the refinement replaced. */
  previousSource: string;
  /** ISO time. */
  at: string;
}

/** What Plotwright keeps in a generated cell's metadata (`plotwright`). */
export interface PlotProvenance {
  task: string;
  model: string;
  library: PlotLibrary;
  /** The DataFrame plotted; absent in cells made before it was recorded. */
  variable?: string;
  /** Plot-check findings on the last figure. */
  lint?: string[];
  refinements?: Refinement[];
  [key: string]: unknown;
}

/** The provenance in a cell's metadata, or undefined for a cell Plotwright did not make. */
export function plotProvenance(cellMetadata: unknown): PlotProvenance | undefined {
  const record = cellMetadata as { metadata?: { plotwright?: Partial<PlotProvenance> } } | undefined;
  const provenance = record?.metadata?.plotwright;
  if (!provenance || typeof provenance.task !== 'string' || typeof provenance.library !== 'string') {
    return undefined;
  }
  return provenance as PlotProvenance;
}

/** The code to refine, as the cell has it now, with its last error, else its last plot-check findings. */
export function previousFromCell(source: string, lastError: KernelError | undefined, lint: string[] | undefined): PreviousCode {
  const code = codeWithoutHeader(source);
  if (lastError) {
    return { code, error: formatKernelError(lastError) };
  }
  return lint && lint.length > 0 ? { code, lint } : { code };
}

/** The history with one more refinement, the oldest dropped beyond the cap. */
export function withRefinement(history: readonly Refinement[] | undefined, refinement: Refinement): Refinement[] {
  return [...(history ?? []), refinement].slice(-REFINEMENT_HISTORY_CAP);
}

/** The refinement Undo Refine reverts and the history without it; undefined when there is none. */
export function lastRefinement(history: readonly Refinement[] | undefined): { last: Refinement; rest: Refinement[] } | undefined {
  if (!history || history.length === 0) {
    return undefined;
  }
  return { last: history[history.length - 1], rest: history.slice(0, -1) };
}
