import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlotOutcome } from '../../src/core/plotEngine.js';
import { outcomeSummary } from '../../src/vscode/outcomeSummary.js';
import { explainVisualCheckOff, visualCheckRounds } from '../../src/vscode/visualCheckSetting.js';
import { SETTING_DEFAULTS } from '../../src/vscode/settingsSchema.js';

const base = { ok: true, wrongLibrary: false, attempts: [{}], error: undefined, lint: [] } as unknown as PlotOutcome;

describe('the notes under an outcome', () => {
  it('adds lint findings after the status, at most two and a count', () => {
    const lint = [1, 2, 3].map((n) => ({ rule: 'no-data' as const, message: `Axes ${n} have no data.` }));
    assert.equal(outcomeSummary({ ...base, lint: lint.slice(0, 1) }), 'ok · note: Axes 1 have no data.');
    assert.equal(outcomeSummary({ ...base, lint }), 'ok · note: Axes 1 have no data. · note: Axes 2 have no data. · and 1 more lint note(s)');
    // A failed run's notes would be about a figure that is not the answer.
    assert.equal(outcomeSummary({ ...base, ok: false, attempts: [{}, {}], lint, error: 'no plot' } as PlotOutcome), 'failed after 1 repair(s): no plot');
  });

  it('says what the visual check did, and does not count a check that only looked as a repair', () => {
    const accepted = {
      ...base,
      attempts: [{}, { kind: 'visual-check', visualVerdict: 'accepted' }],
      visualCheck: { verdict: 'accepted', message: 'The model looked at the figure and accepted it.' },
    } as PlotOutcome;
    assert.equal(outcomeSummary(accepted), 'ok · visual check: The model looked at the figure and accepted it.');
    const corrected = { ...accepted, attempts: [{}, { kind: 'visual-check', visualVerdict: 'corrected' }], visualCheck: { verdict: 'corrected', message: 'corrected.' } } as PlotOutcome;
    assert.equal(outcomeSummary(corrected), 'ok after 1 repair(s) · visual check: corrected.');
  });

  it('runs the check only with sendSampleRows on and an OpenAI-compatible endpoint, and says why not', () => {
    assert.equal(visualCheckRounds(SETTING_DEFAULTS), 0);
    assert.equal(visualCheckRounds({ ...SETTING_DEFAULTS, visualCheck: true }), 1);
    assert.equal(visualCheckRounds({ ...SETTING_DEFAULTS, visualCheck: true, sendSampleRows: false }), 0);
    const outcome = { ...base };
    explainVisualCheckOff({ ...SETTING_DEFAULTS, visualCheck: true, sendSampleRows: false }, outcome);
    assert.equal(outcome.visualCheck?.verdict, 'skipped');
    assert.match(outcomeSummary(outcome), /visual check is off while plotwright\.sendSampleRows is off/);
    assert.equal(visualCheckRounds({ ...SETTING_DEFAULTS, visualCheck: true, provider: 'vscode-lm' }), 0);
    const viaLm = { ...base };
    explainVisualCheckOff({ ...SETTING_DEFAULTS, visualCheck: true, provider: 'vscode-lm' }, viaLm);
    assert.match(viaLm.visualCheck?.message ?? '', /needs an OpenAI-compatible endpoint/);
    // Off by the user: nothing to explain.
    const off = { ...base };
    explainVisualCheckOff(SETTING_DEFAULTS, off);
    assert.equal(off.visualCheck, undefined);
  });
});
