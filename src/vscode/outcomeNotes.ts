// The short notes under an outcome: what the visual check did and what plot lint found. Advice, never a failure.
import type { PlotOutcome } from '../core/plotEngine.js';

const SHOWN_FINDINGS = 2;

export function outcomeNotes(outcome: PlotOutcome): string[] {
  const notes: string[] = [];
  if (outcome.visualCheck) {
    notes.push(`visual check: ${outcome.visualCheck.message}`);
  }
  const findings = outcome.ok ? (outcome.lint ?? []) : [];
  for (const finding of findings.slice(0, SHOWN_FINDINGS)) {
    notes.push(`note: ${finding.message}`);
  }
  if (findings.length > SHOWN_FINDINGS) {
    notes.push(`and ${findings.length - SHOWN_FINDINGS} more lint note(s)`);
  }
  return notes;
}
