// plotwright.visualCheck in the notebook: one round, never when the user keeps the data's rows private
// (the figure shows the data as much as the rows do), and never through VS Code's language models,
// which Plotwright sends text only (the model would "check" a figure it cannot see).
import type { PlotOutcome } from '../core/plotEngine.js';
import type { PlotwrightSettings } from './settingsSchema.js';

function whyOff(settings: PlotwrightSettings): string | undefined {
  if (!settings.visualCheck) {
    return undefined;
  }
  if (!settings.sendSampleRows) {
    return 'The visual check is off while plotwright.sendSampleRows is off, since the figure shows the data.';
  }
  if (settings.provider === 'vscode-lm') {
    return "The visual check needs an OpenAI-compatible endpoint: VS Code's language models get text only from Plotwright.";
  }
  return undefined;
}

export function visualCheckRounds(settings: PlotwrightSettings): number {
  return settings.visualCheck && whyOff(settings) === undefined ? 1 : 0;
}

/** Says why a visual check that was asked for did not happen, on a plot that rendered. */
export function explainVisualCheckOff(settings: PlotwrightSettings, outcome: PlotOutcome): void {
  const why = whyOff(settings);
  if (why && outcome.ok && !outcome.visualCheck) {
    outcome.visualCheck = { verdict: 'skipped', message: why };
  }
}
