// Arrow heads and dashes of the lines of a trace, read from the ink once the trace's geometry is known.
import { drawSegments, gridToPixel, type Segment } from '../raster.js';
import type { Line, Trace } from '../trace.js';
import { strokeRuns } from './evidence.js';
import type { InkMap } from './inkMap.js';
import type { InferParams } from './params.js';

export interface LineChoice {
  line: Line;
  /** Cost of this choice of attributes (0 for the most likely one). */
  cost: number;
}

/** Positive when the line looks dashed (frequent gaps, partial coverage), negative when solid. */
export function dashedScore(map: InkMap, params: InferParams, line: Line): number {
  const a = gridToPixel(line.x1, line.y1);
  const b = gridToPixel(line.x2, line.y2);
  const runs = strokeRuns(map, { x1: a.px, y1: a.py, x2: b.px, y2: b.py }, 3, params.inkThreshold, 4);
  const units = Math.hypot(b.px - a.px, b.py - a.py) / 16;
  const gapRate = runs.gaps / Math.max(units, 0.5);
  return Math.min((gapRate - params.dashGapRate) / params.dashGapScale, (params.dashCoverage - runs.coverage) / params.dashCoverageScale);
}

/**
 * The attribute choices for one line, cheapest first: head at either end or none, solid or dashed.
 * `expected` marks the pixels a clean rendering of the whole trace (without heads) inks.
 */
export function lineChoices(map: InkMap, params: InferParams, line: Line, expected: Uint8Array, clear = expected): LineChoice[] {
  const a = gridToPixel(line.x1, line.y1);
  const b = gridToPixel(line.x2, line.y2);
  const atB = tipSurplus(map, expected, a.px, a.py, b.px, b.py, params.tipRadius, params.tipMinBack);
  const atA = tipSurplus(map, expected, b.px, b.py, a.px, a.py, params.tipRadius, params.tipMinBack);
  // z > 0 argues for a head at that end: plenty of surplus ink, or clearly more than at the other
  // end while not much below the threshold.
  const z = (e: number, other: number): number =>
    Math.max(e - params.arrowThreshold, Math.min(e - other - params.arrowMargin, e - params.arrowFloor));
  // Plus the shape of a head: two barbs fanning back from the tip.
  const barbs = (fx: number, fy: number, tx: number, ty: number): number =>
    params.barbWeight === 0 ? 0 : params.barbWeight * (barbEvidence(map, clear, fx, fy, tx, ty) - params.barbCentre);
  const zA = z(atA, atB) + barbs(b.px, b.py, a.px, a.py);
  const zB = z(atB, atA) + barbs(a.px, a.py, b.px, b.py);
  const w = params.arrowWeight;
  const over = (v: number): number => Math.max(0, v);
  const under = (v: number): number => Math.max(0, -v);
  const heads: Array<{ from: 'a' | 'b' | 'none'; cost: number }> = [
    { from: 'none', cost: w * (over(zA) + over(zB)) },
    { from: 'b', cost: w * (under(zB) + over(zA)) },
    { from: 'a', cost: w * (under(zA) + over(zB)) },
  ];
  const ds = dashedScore(map, params, line);
  const dashes = [
    { solid: true, cost: params.dashedCost * Math.max(0, ds) },
    { solid: false, cost: params.dashedCost * Math.max(0, -ds) },
  ];
  const out: LineChoice[] = [];
  for (const h of heads) {
    for (const d of dashes) {
      const base = { x1: line.x1, y1: line.y1, x2: line.x2, y2: line.y2 };
      const ends = h.from === 'a' ? { x1: base.x2, y1: base.y2, x2: base.x1, y2: base.y1 } : base;
      out.push({ line: { type: 'line', ...ends, arrow: h.from !== 'none', solid: d.solid }, cost: h.cost + d.cost });
    }
  }
  return out.sort((p, q) => p.cost - q.cost);
}

export interface AttributedTrace {
  trace: Trace;
  cost: number;
}

/**
 * The best attribute assignment of a trace, and single-line alternatives with their extra cost.
 * `segmentsOf[i]` are the pixel segments of `trace[i]` (for lines, without heads).
 */
export function attributeTrace(
  map: InkMap,
  params: InferParams,
  trace: Trace,
  segmentsOf: Segment[][],
  alternatives: number,
): AttributedTrace[] {
  const expected = expectedInk(segmentsOf.flat(), map.width, map.height, params.cleanStrokeWidth);
  // Barbs are looked for off the trace's strokes, wherever a hand might have drawn them.
  const clear = params.barbWeight === 0 ? expected : expectedInk(segmentsOf.flat(), map.width, map.height, params.cleanStrokeWidth + 1);
  const choices: Array<LineChoice[] | undefined> = trace.map((p) =>
    p.type === 'line' ? lineChoices(map, params, p, expected, clear) : undefined,
  );
  const best: Trace = trace.map((p, i) => choices[i]?.[0].line ?? p);
  const baseCost = choices.reduce((s, c) => s + (c ? c[0].cost : 0), 0);
  const out: AttributedTrace[] = [{ trace: best, cost: baseCost }];
  const flips: Array<{ index: number; line: Line; extra: number }> = [];
  choices.forEach((c, i) => {
    if (!c) {
      return;
    }
    for (const alt of c.slice(1)) {
      flips.push({ index: i, line: alt.line, extra: alt.cost - c[0].cost });
    }
  });
  flips.sort((p, q) => p.extra - q.extra);
  const alts: AttributedTrace[] = flips.map((f) => {
    const t = [...best];
    t[f.index] = f.line;
    return { trace: t, cost: baseCost + f.extra };
  });
  // Two doubtful lines at once (two heads read from faint ink, say): pairs of the cheapest flips.
  const doubtful = flips.slice(0, params.doubtfulPairs);
  for (let i = 0; i < doubtful.length; i++) {
    for (let j = i + 1; j < doubtful.length; j++) {
      if (doubtful[i].index !== doubtful[j].index) {
        const t = [...best];
        t[doubtful[i].index] = doubtful[i].line;
        t[doubtful[j].index] = doubtful[j].line;
        alts.push({ trace: t, cost: baseCost + doubtful[i].extra + doubtful[j].extra });
      }
    }
  }
  alts.sort((p, q) => p.cost - q.cost);
  return out.concat(alts.slice(0, alternatives));
}

/** Pixels a clean rendering of these segments inks. */
export function expectedInk(segments: Segment[], width: number, height: number, strokeWidth = 2.5): Uint8Array {
  const raster = { width, height, data: new Uint8Array(width * height).fill(255) };
  drawSegments(raster, segments, strokeWidth, 1);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = raster.data[i] < 128 ? 1 : 0;
  }
  return out;
}

/**
 * Ink near a line end beyond what a clean rendering of the trace predicts there, in px: ink within
 * `radius` px of the tip and at least `minBack` px behind it (so a stroke the tip touches, drawn a
 * little off, does not count), minus the predicted ink there. Hand-drawn tips often stop short of
 * the grid point, so the tip slides back along the shaft by each of `shifts` px and the best counts.
 */
export function tipSurplus(
  map: InkMap,
  expected: Uint8Array,
  fx: number,
  fy: number,
  tx: number,
  ty: number,
  radius = 10,
  minBack = 3,
  shifts: number[] = [0],
): number {
  const len = Math.hypot(fx - tx, fy - ty) || 1;
  const bx = (fx - tx) / len;
  const by = (fy - ty) / len;
  let best = -Infinity;
  for (const shift of shifts) {
    const cx = tx + bx * shift;
    const cy = ty + by * shift;
    let real = 0;
    let predicted = 0;
    const c0 = Math.max(0, Math.floor(cx - radius));
    const c1 = Math.min(map.width - 1, Math.ceil(cx + radius));
    const r0 = Math.max(0, Math.floor(cy - radius));
    const r1 = Math.min(map.height - 1, Math.ceil(cy + radius));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        if (Math.hypot(col - cx, row - cy) > radius) {
          continue;
        }
        const back = (col - cx) * bx + (row - cy) * by;
        if (back < minBack) {
          continue;
        }
        const i = row * map.width + col;
        if (map.inkIndex[i] >= 0) {
          real++;
        }
        if (expected[i]) {
          predicted++;
        }
      }
    }
    best = Math.max(best, real - predicted);
  }
  return best;
}

/**
 * How much a line end looks like an arrow head, 0–1: over head sizes, barb angles and tips stopping a
 * little short, the best of the smaller of the two barbs' inked fractions. Points that a clean
 * rendering of the trace (`expected`) already inks, the shaft and any box or circle the tip
 * touches, count neither way; a barb needs two points that do count.
 */
export function barbEvidence(map: InkMap, expected: Uint8Array, fx: number, fy: number, tx: number, ty: number): number {
  const len = Math.hypot(fx - tx, fy - ty) || 1;
  // A head is short beside its shaft: longer barbs of a short line would reach the other end.
  const longest = Math.min(11, Math.max(7, 0.45 * len));
  const bx = (fx - tx) / len;
  const by = (fy - ty) / len;
  let best = 0;
  for (const shift of [0, 2, 4]) {
    const cx = tx + bx * shift;
    const cy = ty + by * shift;
    for (const length of [5, 7, 9, 11].filter((l) => l <= longest)) {
      for (const degrees of [25, 35, 45]) {
        let worst = 1;
        for (const side of [-1, 1]) {
          const angle = (side * degrees * Math.PI) / 180;
          const dx = bx * Math.cos(angle) - by * Math.sin(angle);
          const dy = bx * Math.sin(angle) + by * Math.cos(angle);
          let counted = 0;
          let inked = 0;
          for (let d = 2; d <= length; d++) {
            const col = Math.round(cx + dx * d);
            const row = Math.round(cy + dy * d);
            if (col < 0 || row < 0 || col >= map.width || row >= map.height || expected[row * map.width + col]) {
              continue;
            }
            counted++;
            if (map.inkIndex[row * map.width + col] >= 0) {
              inked++;
            }
          }
          worst = Math.min(worst, counted < 2 ? 0 : inked / counted);
        }
        best = Math.max(best, worst);
      }
    }
  }
  return best;
}
