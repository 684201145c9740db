// How a plotting request ended, in the words the notebook UI and chat show (no vscode import).
import type { PlotOutcome } from '../core/plotEngine.js';
import { outcomeNotes } from './outcomeNotes.js';

/** ok · ok after N repair(s) · wrong library · failed after N repair(s): why — then any notes, "·"-separated. */
export function outcomeSummary(outcome: PlotOutcome): string {
  const notes = outcomeNotes(outcome);
  const status = outcomeStatus(outcome);
  return notes.length > 0 ? `${status} · ${notes.join(' · ')}` : status;
}

function outcomeStatus(outcome: PlotOutcome): string {
  // A visual check that only looked is not a repair.
  const repairs = outcome.attempts.filter((a) => a.kind !== 'visual-check' || a.visualVerdict === 'corrected').length - 1;
  if (outcome.ok && !outcome.wrongLibrary) {
    return repairs <= 0 ? 'ok' : `ok after ${repairs} repair(s)`;
  }
  if (outcome.wrongLibrary) {
    return 'wrong library';
  }
  return `failed after ${repairs} repair(s): ${outcome.error ?? 'no plot'}`;
}
