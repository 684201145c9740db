import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitParams, type ItemReading } from '../../src/drawings/infer/fit.js';
import { FITTED } from '../../src/drawings/infer/fittedParams.js';
import { assignFolds, FOLD_COUNT } from '../../src/drawings/infer/folds.js';
import { getKnob, KNOBS, setKnob, stageKey } from '../../src/drawings/infer/knobs.js';
import { HAND_SET_PARAMS, type InferParams } from '../../src/drawings/infer/params.js';
import { drawings } from './dataset.js';

function numericLeaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') {
    return [prefix];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => numericLeaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('cross-validation folds', () => {
  it('deals the 50 shared drawings into 5 fixed folds of 10, every fifth by id number', () => {
    const ids = drawings().map((d) => d.id);
    const folds = assignFolds(ids);
    const members = (f: number): number[] => ids.filter((id) => folds.get(id) === f).map((id) => Number(id.replace('expert-', ''))).sort((a, b) => a - b);
    assert.equal(FOLD_COUNT, 5);
    assert.deepEqual(members(0), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.deepEqual(members(1), [2, 12, 22, 32, 42, 52, 62, 72, 82, 92]);
    assert.deepEqual(members(2), [4, 14, 24, 34, 44, 54, 64, 74, 84, 94]);
    assert.deepEqual(members(3), [6, 16, 26, 36, 46, 56, 66, 76, 86, 96]);
    assert.deepEqual(members(4), [8, 18, 28, 38, 48, 58, 68, 78, 88, 98]);
  });

  it('does not depend on the order the ids come in', () => {
    const ids = drawings().map((d) => d.id);
    const forward = assignFolds(ids);
    const backward = assignFolds([...ids].reverse());
    assert.deepEqual([...ids].map((id) => backward.get(id)), ids.map((id) => forward.get(id)));
  });

  it('refuses duplicate ids', () => {
    assert.throws(() => assignFolds(['expert-0', 'expert-0']), /unique/);
  });

  it('the shipped fit holds out exactly those folds', () => {
    const ids = drawings().map((d) => d.id);
    const folds = assignFolds(ids);
    assert.equal(FITTED.folds.length, FOLD_COUNT);
    FITTED.folds.forEach((fold, f) => {
      assert.deepEqual(fold.heldOut, ids.filter((id) => folds.get(id) === f));
    });
  });
});

describe('inference knobs', () => {
  it('every knob of InferParams can be fitted, starting from a value on its list', () => {
    const names = KNOBS.map((k) => k.name).sort();
    assert.deepEqual(names, numericLeaves(HAND_SET_PARAMS).sort());
    for (const knob of KNOBS) {
      assert.ok(knob.values.includes(getKnob(HAND_SET_PARAMS, knob.name)), knob.name);
    }
  });

  it('setKnob changes one knob of a copy; stageKey tells geometry from attributes', () => {
    const changed = setKnob(HAND_SET_PARAMS, 'primitiveCost.line', 99);
    assert.equal(changed.primitiveCost.line, 99);
    assert.equal(HAND_SET_PARAMS.primitiveCost.line, 12);
    assert.notEqual(stageKey(changed, 'geometry'), stageKey(HAND_SET_PARAMS, 'geometry'));
    const arrow = setKnob(HAND_SET_PARAMS, 'arrowThreshold', 7);
    assert.equal(stageKey(arrow, 'geometry'), stageKey(HAND_SET_PARAMS, 'geometry'));
    assert.notEqual(stageKey(arrow, 'attribute'), stageKey(HAND_SET_PARAMS, 'attribute'));
  });
});

describe('fitting', () => {
  // A fake reader: training drawings are read exactly when arrowThreshold is 7, held-out ones when it is 1.
  const read = (params: InferParams, ids: string[]): Map<string, ItemReading> =>
    new Map(ids.map((id) => [id, { rank: params.arrowThreshold === (id.startsWith('train') ? 7 : 1) ? 1 : null }]));
  const knobs = KNOBS.filter((k) => k.name === 'arrowThreshold' || k.name === 'primitiveCost.line');

  it('moves a knob to the value that reads the training drawings best, whatever the held-out ones prefer', () => {
    const fit = fitParams(HAND_SET_PARAMS, ['train-1', 'train-2'], read, { knobs, passes: 2 });
    assert.equal(fit.params.arrowThreshold, 7);
    assert.equal(fit.params.primitiveCost.line, HAND_SET_PARAMS.primitiveCost.line);
    assert.equal(fit.score, 2000 + 2);
  });

  it('fits knobs that only matter together over pairs of their values', () => {
    // Only both knobs moved at once read the drawing (within the top 5); either alone changes nothing.
    const joint = (params: InferParams, ids: string[]): Map<string, ItemReading> =>
      new Map(ids.map((id) => [id, { rank: params.rereadSlots === 2 && params.rereadSlack === 40 ? 5 : null }]));
    const pair = KNOBS.filter((k) => k.name === 'rereadSlots' || k.name === 'rereadSlack');
    const fit = fitParams(HAND_SET_PARAMS, ['train-1'], joint, { knobs: pair, passes: 2 });
    assert.equal(fit.params.rereadSlots, 2);
    assert.equal(fit.params.rereadSlack, 40);
    const alone = fitParams(HAND_SET_PARAMS, ['train-1'], joint, { knobs: pair.map((k) => ({ ...k, jointWith: undefined })), passes: 2 });
    assert.deepEqual(alone.params, HAND_SET_PARAMS);
  });

  it('keeps the starting value when nothing scores strictly better', () => {
    const flat = (_: InferParams, ids: string[]): Map<string, ItemReading> => new Map(ids.map((id) => [id, { rank: 2 }]));
    const fit = fitParams(HAND_SET_PARAMS, ['train-1'], flat, { knobs, passes: 2 });
    assert.deepEqual(fit.params, HAND_SET_PARAMS);
  });
});
