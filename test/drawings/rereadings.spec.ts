import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { HAND_SET_PARAMS } from '../../src/drawings/infer/params.js';
import { rereadings, structuralVariants, topWithReserved } from '../../src/drawings/infer/rereadings.js';
import { renderTrace } from '../../src/drawings/raster.js';
import { traceKeys, type Line, type Trace } from '../../src/drawings/trace.js';

const line = (x1: number, y1: number, x2: number, y2: number, arrow = false): Line => ({ type: 'line', x1, y1, x2, y2, arrow, solid: true });
const keys = (t: Trace): string => traceKeys(t).join(' ');

// Two boxes joined by two short arrows, as in expert-24: the search likes to read the arrows and the
// box edges between them as one rectangle.
const upper = { type: 'rectangle' as const, x1: 2, y1: 13, x2: 9, y2: 15 };
const lower = { type: 'rectangle' as const, x1: 2, y1: 9, x2: 9, y2: 12 };
const connectors: Trace = [upper, lower, line(4, 13, 4, 12, true), line(8, 13, 8, 12, true)];
const asBox: Trace = [upper, lower, { type: 'rectangle', x1: 4, y1: 12, x2: 8, y2: 13 }];

describe('re-readings', () => {
  it('reads a rectangle whose two sides run along other boxes as its two other sides', () => {
    const variants = structuralVariants(asBox).map(keys);
    assert.deepEqual(variants, [keys([upper, lower, line(8, 12, 8, 13), line(4, 13, 4, 12)])]);
  });

  it('leaves a rectangle alone when no side, or every side, runs along something else', () => {
    assert.deepEqual(structuralVariants([upper, lower]), []);
    const inner = { type: 'rectangle' as const, x1: 3, y1: 13, x2: 5, y2: 15 };
    assert.deepEqual(structuralVariants([upper, inner, { type: 'rectangle', x1: 3, y1: 13, x2: 5, y2: 15 }]).length, 0);
  });

  it('merges two collinear lines that meet end to end, and only those', () => {
    const pieces: Trace = [line(2, 10, 3, 11), line(5, 13, 3, 11), line(3, 11, 3, 14)];
    assert.deepEqual(structuralVariants(pieces).map(keys), [keys([line(3, 11, 3, 14), line(2, 10, 5, 13)])]);
    assert.deepEqual(structuralVariants([line(2, 10, 3, 11), line(3, 11, 5, 11)]), []);
    // Collinear but overlapping (turning back) is not one line.
    assert.deepEqual(structuralVariants([line(2, 10, 4, 12), line(4, 12, 3, 11)]), []);
  });

  it('applies every disjoint change at once as one more variant', () => {
    const both: Trace = [...asBox, line(10, 2, 11, 3), line(11, 3, 12, 4)];
    const variants = structuralVariants(both).map(keys);
    assert.equal(variants.length, 3);
    assert.ok(variants.includes(keys([upper, lower, line(4, 12, 4, 13), line(8, 12, 8, 13), line(10, 2, 12, 4)])));
  });

  it('re-reads the box reading of a clean rendering as the two arrows, heads at the right ends', () => {
    const map = buildInkMap(renderTrace(connectors), HAND_SET_PARAMS.inkThreshold);
    const readings = rereadings(map, HAND_SET_PARAMS, asBox);
    const found = readings.find((r) => keys(r.trace) === keys(connectors));
    assert.ok(found, readings.map((r) => keys(r.trace)).join('\n'));
    // Scored with the search's energy: one primitive more than the box, so worse; hence reserved places.
    const box = readings.find((r) => keys(r.trace) === keys(asBox));
    assert.ok(box !== undefined && found.cost > box.cost);
    assert.ok(readings.every((r) => keys(r.trace) !== keys([upper, lower, line(4, 12, 4, 13), line(8, 12, 8, 13)]) || r.cost > found.cost));
  });
});

describe('reserved places in the top k', () => {
  const reading = (key: string, score: number): { key: string; score: number } => ({ key, score });
  const all = [reading('a', -10), reading('b', -11), reading('c', -12), reading('d', -13), reading('e', -14), reading('r1', -15), reading('r2', -40)];
  const rereadKeys = new Set(['r1', 'r2']);
  const top = (slots: number, slack: number): string[] =>
    topWithReserved(all, (t) => t.key, rereadKeys, 5, { ...HAND_SET_PARAMS, rereadSlots: slots, rereadSlack: slack }).map((t) => t.key);

  it('is the plain ranking with no reserved places', () => {
    assert.deepEqual(top(0, 40), ['a', 'b', 'c', 'd', 'e']);
  });

  it('gives the last places to re-readings within the slack of the best, best first', () => {
    assert.deepEqual(top(1, 10), ['a', 'b', 'c', 'd', 'r1']);
    assert.deepEqual(top(2, 10), ['a', 'b', 'c', 'd', 'r1']);
    assert.deepEqual(top(2, 40), ['a', 'b', 'c', 'r1', 'r2']);
    assert.deepEqual(top(2, 4), ['a', 'b', 'c', 'd', 'e']);
  });

  it('never reserves the first place', () => {
    const one = topWithReserved(all, (t) => t.key, rereadKeys, 1, { ...HAND_SET_PARAMS, rereadSlots: 3, rereadSlack: 100 });
    assert.deepEqual(one.map((t) => t.key), ['a']);
  });
});
