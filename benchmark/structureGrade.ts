// Structure scores of one benchmark sample: the item's ground truth (`code_plot`) and the model's final
// code, run again on fresh copies of the item's frame in the item's own contained kernel. A failure to
// compute them is recorded with its reason (the item then has no structure score), never a silent 0.
import type { AttemptRunner } from '../src/core/plotEngine.js';
import { runForFigures, type StructureRunOptions } from './structureRun.js';
import { scoreStructure, type StructureScores } from './structureScore.js';

export interface StructureOutcome {
  /** Null when they could not be computed (`error` says why). */
  scores: StructureScores | null;
  error: string | null;
}

/**
 * `generatedCode` null: the model's code drew no figure, so every part scores 0 against the ground
 * truth's figures (still run, so a broken ground truth is reported instead of blaming the model).
 */
export async function gradeStructure(runner: AttemptRunner, truthCode: string, generatedCode: string | null, options: StructureRunOptions): Promise<StructureOutcome> {
  const truth = await runForFigures(runner, truthCode, 1, options);
  if (truth.error) {
    return { scores: null, error: `the ground truth (code_plot) gave no figure to compare with: ${truth.error}` };
  }
  const generated = generatedCode === null ? { figures: [] } : await runForFigures(runner, generatedCode, 2, options);
  return { scores: scoreStructure(generated.figures, truth.figures), error: null };
}
