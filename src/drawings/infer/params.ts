// The global knobs of trace inference. They are never set per image: scripts/drawings/fitParams.ts
// fits them to drawings (fittedParams.ts holds the result) starting from the hand-set values below.

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
  /** Dashed evidence (attributes.ts dashedScore): gaps per grid unit centred at `dashGapRate`, scaled by `dashGapScale`… */
  dashGapRate: number;
  dashGapScale: number;
  /** …and the fraction of the line with ink across it, centred at `dashCoverage`, scaled by `dashCoverageScale`. */
  dashCoverage: number;
  dashCoverageScale: number;
  /** Arrow evidence (attributes.ts tipSurplus): ink within `tipRadius` px of a tip and `tipMinBack` px behind it. */
  tipRadius: number;
  tipMinBack: number;
  /** Stroke width in px of the clean rendering the ink behind a tip is compared with. */
  cleanStrokeWidth: number;
  /** Arrow heads by shape (attributes.ts barbEvidence): `barbWeight` × (evidence − `barbCentre`) joins the surplus. */
  barbWeight: number;
  barbCentre: number;
  /** Alternatives also flip two lines at once, among this many most doubtful single flips (0: never). */
  doubtfulPairs: number;
  /**
   * Re-readings (rereadings.ts) of each view's best structure join the ranking, and this many of the
   * last places of the top k are kept for the best of them not already ranked (0: no re-readings).
   */
  rereadSlots: number;
  /** …for those whose score is at most this much below the best reading's. */
  rereadSlack: number;
}

/** The values chosen by hand before any fitting: the fit's starting point. */
export const HAND_SET_PARAMS: InferParams = {
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
  dashGapRate: 0.9,
  dashGapScale: 0.5,
  dashCoverage: 0.8,
  dashCoverageScale: 0.1,
  tipRadius: 10,
  tipMinBack: 3,
  cleanStrokeWidth: 2.5,
  barbWeight: 0,
  barbCentre: 0.5,
  doubtfulPairs: 0,
  rereadSlots: 0,
  rereadSlack: 10,
};
