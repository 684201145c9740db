// Statistics of the pencil strokes of a drawing whose true trace is known: how wide and dark the
// ink is, how far it wanders from the ideal geometry, where it leaves gaps and where it runs past a
// corner. Computed the same way for scans and for synthetic drawings (handStyle.ts), so the two can
// be compared (scripts/drawings/compareHandStyle.ts).
import { gridToPixel, inkAt, primitiveSegments, segmentDistance, type Raster, type Segment } from './raster.js';
import type { Trace } from './trace.js';

export interface StrokeStats {
  /** Median ink amount (0–1) of ink pixels. */
  darkness: number;
  /** Ink pixels per px of ideal stroke length: about the stroke width. */
  width: number;
  /** Root-mean-square distance (px) of ink pixels from the ideal strokes (ink within 8 px of them). */
  wander: number;
  /** Fraction of points along ideal solid strokes with no ink within 2 px. */
  gaps: number;
  /** Fraction of rectangle corners where an edge runs on ≥ 3 px past the corner. */
  overshoot: number;
  /** Fraction of rectangle corners with no ink within 2 px of the corner point. */
  roundedCorners: number;
  /** Fraction of ink pixels more than 8 px from every ideal stroke. */
  stray: number;
}

export const STROKE_STAT_NAMES: Array<keyof StrokeStats> = ['darkness', 'width', 'wander', 'gaps', 'overshoot', 'roundedCorners', 'stray'];

const INK = 0.3;

function inkNear(raster: Raster, x: number, y: number, radius: number): boolean {
  for (let row = Math.floor(y - radius); row <= Math.ceil(y + radius); row++) {
    for (let col = Math.floor(x - radius); col <= Math.ceil(x + radius); col++) {
      if (col < 0 || row < 0 || col >= raster.width || row >= raster.height || Math.hypot(col - x, row - y) > radius) {
        continue;
      }
      if (inkAt(raster.data[row * raster.width + col]) > INK) {
        return true;
      }
    }
  }
  return false;
}

export function strokeStats(raster: Raster, trace: Trace): StrokeStats {
  const segments: Segment[] = trace.flatMap((p) => primitiveSegments(p, { dashes: false }));
  const solid: Segment[] = trace.flatMap((p) => (p.type === 'line' && !p.solid ? [] : primitiveSegments(p, { dashes: false })));
  const amounts: number[] = [];
  let near = 0;
  let squared = 0;
  let stray = 0;
  for (let row = 0; row < raster.height; row++) {
    for (let col = 0; col < raster.width; col++) {
      const a = inkAt(raster.data[row * raster.width + col]);
      if (a <= INK) {
        continue;
      }
      amounts.push(a);
      let d = Infinity;
      for (const s of segments) {
        d = Math.min(d, segmentDistance(col, row, s));
      }
      if (d <= 8) {
        near++;
        squared += d * d;
      } else {
        stray++;
      }
    }
  }
  amounts.sort((p, q) => p - q);
  const length = segments.reduce((sum, s) => sum + Math.hypot(s.x2 - s.x1, s.y2 - s.y1), 0);
  let points = 0;
  let missing = 0;
  for (const s of solid) {
    const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
    for (let t = 0; t <= len; t += 2) {
      points++;
      if (!inkNear(raster, s.x1 + ((s.x2 - s.x1) * t) / len, s.y1 + ((s.y2 - s.y1) * t) / len, 2)) {
        missing++;
      }
    }
  }
  let corners = 0;
  let over = 0;
  let rounded = 0;
  for (const p of trace) {
    if (p.type !== 'rectangle') {
      continue;
    }
    const a = gridToPixel(p.x1, p.y1);
    const b = gridToPixel(p.x2, p.y2);
    const xs = [a.px, b.px];
    const ys = [a.py, b.py];
    for (const [cx, ox] of [[xs[0], xs[1]], [xs[1], xs[0]]]) {
      for (const [cy, oy] of [[ys[0], ys[1]], [ys[1], ys[0]]]) {
        corners++;
        if (!inkNear(raster, cx, cy, 2)) {
          rounded++;
        }
        // Past the corner, away from the rectangle, along each of its two edges.
        const sx = Math.sign(cx - ox);
        const sy = Math.sign(cy - oy);
        if (inkNear(raster, cx + sx * 4, cy, 1) || inkNear(raster, cx, cy + sy * 4, 1)) {
          over++;
        }
      }
    }
  }
  return {
    darkness: amounts.length === 0 ? 0 : amounts[Math.floor(amounts.length / 2)],
    width: length === 0 ? 0 : near / length,
    wander: near === 0 ? 0 : Math.sqrt(squared / near),
    gaps: points === 0 ? 0 : missing / points,
    overshoot: corners === 0 ? 0 : over / corners,
    roundedCorners: corners === 0 ? 0 : rounded / corners,
    stray: amounts.length === 0 ? 0 : stray / amounts.length,
  };
}

/** Mean of each statistic over drawings. */
export function meanStats(all: StrokeStats[]): StrokeStats {
  const out = Object.fromEntries(STROKE_STAT_NAMES.map((k) => [k, 0])) as unknown as StrokeStats;
  for (const s of all) {
    for (const k of STROKE_STAT_NAMES) {
      out[k] += s[k] / all.length;
    }
  }
  return out;
}
