// The few global knobs of trace inference. They are tuned once for all drawings, never per image.

export interface InferParams {
  /** A pixel is ink when its ink amount (1 − value/255) exceeds this. */
  inkThreshold: number;
  /** Ink within `explainNear` px of a primitive is fully explained, beyond `explainFar` not at all. */
  explainNear: number;
  explainFar: number;
  /** A model point within `missNear` px of ink costs nothing, beyond `missFar` it costs `missWeight`. */
  missNear: number;
  missFar: number;
  missWeight: number;
  /** Cost of one more primitive, by type. */
  primitiveCost: { circle: number; rectangle: number; line: number };
  /** Candidate filter: fraction of a primitive's points within `supportTolerance` px of ink. */
  supportTolerance: number;
  minSupport: number;
  /** Cost per unit of dashed-vs-solid evidence (attributes.ts dashedScore) against the chosen style. */
  dashedCost: number;
  /**
   * Arrow heads: surplus ink px behind a tip (attributes.ts) above `arrowThreshold`, or at least
   * `arrowMargin` px more than at the other end and above `arrowFloor`, argues for a head there;
   * `arrowWeight` is the cost per px of going against that.
   */
  arrowThreshold: number;
  arrowMargin: number;
  arrowFloor: number;
  arrowWeight: number;
  /** Cost per px of one primitive's stroke running along another's (the drawings do not stack strokes). */
  overlapCost: number;
  /** Cost per px of any stroke drawn well inside a circle. */
  insideCircleCost: number;
  /** Also read the image shifted onto the grid when its estimated offset reaches this many px. */
  realignFrom: number;
  /** Model circles have this radius in px (the data set's r = 1 is 16 px). */
  circleRadius: number;
}

export const DEFAULT_PARAMS: InferParams = {
  inkThreshold: 0.3,
  explainNear: 2,
  explainFar: 7,
  missNear: 2,
  missFar: 6,
  missWeight: 2,
  primitiveCost: { circle: 10, rectangle: 10, line: 12 },
  supportTolerance: 4,
  minSupport: 0.7,
  dashedCost: 10,
  arrowThreshold: 3,
  arrowMargin: 8,
  arrowFloor: -2,
  arrowWeight: 1.5,
  overlapCost: 0,
  insideCircleCost: 1,
  realignFrom: 2,
  circleRadius: 16,
};
