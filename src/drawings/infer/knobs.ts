// Every knob of trace inference that the fit may move, with the values it may take. `geometry`
// knobs change the candidates and the search (a full rerun); `attribute` knobs only arrow heads and
// dashes, which the fit scores on the structures it already has.
import type { InferParams } from './params.js';

export interface Knob {
  /** Path in InferParams, e.g. "primitiveCost.line". */
  name: string;
  stage: 'geometry' | 'attribute';
  values: number[];
  /**
   * An attribute knob that only matters together with this one: the fit tries every pair of their
   * values (one at a time, neither would ever move).
   */
  jointWith?: string;
}

export const KNOBS: Knob[] = [
  { name: 'primitiveCost.line', stage: 'geometry', values: [8, 10, 12, 14, 16] },
  { name: 'primitiveCost.rectangle', stage: 'geometry', values: [6, 8, 10, 12, 14] },
  { name: 'primitiveCost.circle', stage: 'geometry', values: [6, 8, 10, 12, 14] },
  { name: 'missWeight', stage: 'geometry', values: [1, 1.5, 2, 2.5, 3] },
  { name: 'explainFar', stage: 'geometry', values: [5, 6, 7, 8, 9] },
  { name: 'minSupport', stage: 'geometry', values: [0.6, 0.65, 0.7, 0.75, 0.8] },
  { name: 'inkThreshold', stage: 'geometry', values: [0.2, 0.25, 0.3, 0.35, 0.4] },
  { name: 'insideCircleCost', stage: 'geometry', values: [0.5, 1, 1.5, 2] },
  { name: 'explainNear', stage: 'geometry', values: [1, 2, 3] },
  { name: 'missNear', stage: 'geometry', values: [1, 2, 3] },
  { name: 'missFar', stage: 'geometry', values: [5, 6, 7, 8] },
  { name: 'supportTolerance', stage: 'geometry', values: [3, 4, 5] },
  { name: 'overlapCost', stage: 'geometry', values: [0, 0.25, 0.5] },
  { name: 'realignFrom', stage: 'geometry', values: [1, 2, 3] },
  { name: 'circleRadius', stage: 'geometry', values: [15, 16, 17] },
  { name: 'arrowThreshold', stage: 'attribute', values: [1, 2, 3, 4, 5, 7, 9] },
  { name: 'arrowMargin', stage: 'attribute', values: [4, 6, 8, 10, 12] },
  { name: 'arrowFloor', stage: 'attribute', values: [-6, -4, -2, 0, 2] },
  { name: 'arrowWeight', stage: 'attribute', values: [0.5, 1, 1.5, 2, 3] },
  { name: 'dashedCost', stage: 'attribute', values: [3, 5, 10, 20, 40] },
  { name: 'dashGapRate', stage: 'attribute', values: [0.5, 0.7, 0.9, 1.1, 1.3] },
  { name: 'dashGapScale', stage: 'attribute', values: [0.25, 0.5, 1] },
  { name: 'dashCoverage', stage: 'attribute', values: [0.7, 0.8, 0.9] },
  { name: 'dashCoverageScale', stage: 'attribute', values: [0.05, 0.1, 0.2] },
  { name: 'tipRadius', stage: 'attribute', values: [8, 10, 12] },
  { name: 'tipMinBack', stage: 'attribute', values: [2, 3, 4] },
  { name: 'cleanStrokeWidth', stage: 'attribute', values: [2, 2.5, 3, 3.5] },
  { name: 'barbWeight', stage: 'attribute', values: [0, 2, 5, 10, 20] },
  { name: 'barbCentre', stage: 'attribute', values: [0.3, 0.5, 0.7] },
  { name: 'doubtfulPairs', stage: 'attribute', values: [0, 2, 4] },
  { name: 'rereadSlots', stage: 'attribute', values: [0, 1, 2, 3], jointWith: 'rereadSlack' },
  { name: 'rereadSlack', stage: 'attribute', values: [5, 10, 20, 40] },
];

export function getKnob(params: InferParams, name: string): number {
  let value: unknown = params;
  for (const part of name.split('.')) {
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value !== 'number') {
    throw new Error(`Unknown inference knob "${name}".`);
  }
  return value;
}

/** A copy of `params` with one knob changed. */
export function setKnob(params: InferParams, name: string, value: number): InferParams {
  const copy = structuredClone(params);
  const parts = name.split('.');
  let target = copy as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]] = value;
  getKnob(copy, name);
  return copy;
}

/** The knobs of one stage as a key: two parameter sets with the same key read the same structures. */
export function stageKey(params: InferParams, stage: Knob['stage'], knobs: Knob[] = KNOBS): string {
  return knobs
    .filter((k) => k.stage === stage)
    .map((k) => `${k.name}=${getKnob(params, k.name)}`)
    .join(',');
}
