// How a plotting request ended, in the words the notebook UI and chat show (no vscode import).
import type { PlotOutcome } from '../core/plotEngine.js';

/** ok · ok after N repair(s) · wrong library · failed after N repair(s): why */
export function outcomeSummary(outcome: PlotOutcome): string {
  if (outcome.ok && !outcome.wrongLibrary) {
    return outcome.attempts.length === 1 ? 'ok' : `ok after ${outcome.attempts.length - 1} repair(s)`;
  }
  if (outcome.wrongLibrary) {
    return 'wrong library';
  }
  return `failed after ${outcome.attempts.length - 1} repair(s): ${outcome.error ?? 'no plot'}`;
}
