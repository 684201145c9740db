// plotwright.visualCheck in the notebook: one round, and never when the user keeps the data's rows private
// (the figure shows the data as much as the rows do).
import type { PlotOutcome } from '../core/plotEngine.js';
import type { PlotwrightSettings } from './settingsSchema.js';

export function visualCheckRounds(settings: PlotwrightSettings): number {
  return settings.visualCheck && settings.sendSampleRows ? 1 : 0;
}

/** Says why a visual check that was asked for did not happen, on a plot that rendered. */
export function explainVisualCheckOff(settings: PlotwrightSettings, outcome: PlotOutcome): void {
  if (settings.visualCheck && !settings.sendSampleRows && outcome.ok && !outcome.visualCheck) {
    outcome.visualCheck = { verdict: 'skipped', message: 'The visual check is off while plotwright.sendSampleRows is off, since the figure shows the data.' };
  }
}
