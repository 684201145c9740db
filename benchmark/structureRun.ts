// Runs the ground truth and the generated code on the same kernel state and scores their figures'
// structure: the piece a grader calls per item (PandasPlotBench's `code_plot` is the ground truth).
import type { AttemptRunner } from '../src/core/plotEngine.js';
import { figureSummaries, type FigureSummary } from '../src/kernel/figureSummary.js';
import { scoreStructure, type StructureScores } from './structureScore.js';

export interface FiguresRun {
  figures: FigureSummary[];
  /** Why the code drew no comparable figures: its error, or that it drew none. */
  error?: string;
}

export interface StructureRun {
  /** Null when the ground truth could not be run or drew nothing: the item has no structure scores. */
  scores: StructureScores | null;
  truth: FiguresRun;
  generated: FiguresRun;
}

export interface StructureRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs code and returns what its figures contain. `attempt` is passed to the runner; a runner gives
 * every attempt after the first a fresh copy of the item's frame and no open figures (ItemSession,
 * DataFrameSession), which is what puts two programs on the same state.
 */
export async function runForFigures(runner: AttemptRunner, code: string, attempt: number, options: StructureRunOptions): Promise<FiguresRun> {
  const result = await runner.run(code, attempt, options);
  if (result.status !== 'ok') {
    return { figures: [], error: result.error ? `${result.error.ename}: ${result.error.evalue}` : `the code ended with status ${result.status}` };
  }
  const figures = figureSummaries(result);
  return figures.length > 0 ? { figures } : { figures, error: 'the code drew no figure' };
}

/** The ground truth, then the generated code, each on a fresh copy of the same frame; then the scores. */
export async function structureInKernel(
  runner: AttemptRunner,
  truthCode: string,
  generatedCode: string,
  options: StructureRunOptions,
): Promise<StructureRun> {
  const truth = await runForFigures(runner, truthCode, 1, options);
  const generated = await runForFigures(runner, generatedCode, 2, options);
  return { scores: truth.error ? null : scoreStructure(generated.figures, truth.figures), truth, generated };
}
