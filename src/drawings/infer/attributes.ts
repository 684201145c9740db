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
  return Math.min((gapRate - 0.9) / 0.5, (0.8 - runs.coverage) / 0.1);
}

/**
 * The attribute choices for one line, cheapest first: head at either end or none, solid or dashed.
 * `expected` marks the pixels a clean rendering of the whole trace (without heads) inks.
 */
export function lineChoices(map: InkMap, params: InferParams, line: Line, expected: Uint8Array): LineChoice[] {
  const a = gridToPixel(line.x1, line.y1);
  const b = gridToPixel(line.x2, line.y2);
  const atB = tipSurplus(map, expected, a.px, a.py, b.px, b.py);
  const atA = tipSurplus(map, expected, b.px, b.py, a.px, a.py);
  // z > 0 argues for a head at that end: plenty of surplus ink, or clearly more than at the other
  // end while not much below the threshold.
  const z = (e: number, other: number): number =>
    Math.max(e - params.arrowThreshold, Math.min(e - other - params.arrowMargin, e - params.arrowFloor));
  const zA = z(atA, atB);
  const zB = z(atB, atA);
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
  const expected = expectedInk(segmentsOf.flat(), map.width, map.height, 2.5);
  const choices: Array<LineChoice[] | undefined> = trace.map((p) =>
    p.type === 'line' ? lineChoices(map, params, p, expected) : undefined,
  );
  const best: Trace = trace.map((p, i) => choices[i]?.[0].line ?? p);
  const baseCost = choices.reduce((s, c) => s + (c ? c[0].cost : 0), 0);
  const out: AttributedTrace[] = [{ trace: best, cost: baseCost }];
  const alts: AttributedTrace[] = [];
  choices.forEach((c, i) => {
    if (!c) {
      return;
    }
    for (const alt of c.slice(1)) {
      const t = [...best];
      t[i] = alt.line;
      alts.push({ trace: t, cost: baseCost - c[0].cost + alt.cost });
    }
  });
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
