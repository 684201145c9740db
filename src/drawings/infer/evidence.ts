// Measurements of how well one primitive's geometry agrees with the ink of an image.
import type { Segment } from '../raster.js';
import { distanceAt, type InkMap } from './inkMap.js';

export interface Point {
  x: number;
  y: number;
}

/** Points every `step` px along the segments (both ends included). */
export function samplePoints(segments: Segment[], step = 1): Point[] {
  const out: Point[] = [];
  for (const s of segments) {
    const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
    const n = Math.max(1, Math.ceil(len / step));
    for (let i = 0; i <= n; i++) {
      const t = i / n;
      out.push({ x: s.x1 + t * (s.x2 - s.x1), y: s.y1 + t * (s.y2 - s.y1) });
    }
  }
  return out;
}

/** Fraction of points within `tolerance` px of ink. */
export function support(map: InkMap, points: Point[], tolerance: number): number {
  let hits = 0;
  for (const p of points) {
    if (distanceAt(map, p.x, p.y) <= tolerance) {
      hits++;
    }
  }
  return points.length === 0 ? 0 : hits / points.length;
}

/** 0 up to `near`, rising linearly to 1 at `far`. */
export function ramp(d: number, near: number, far: number): number {
  return d <= near ? 0 : d >= far ? 1 : (d - near) / (far - near);
}

/** Summed ramp of the points' distances to ink: how much of the model is drawn where there is no ink. */
export function missCost(map: InkMap, points: Point[], near: number, far: number): number {
  let sum = 0;
  for (const p of points) {
    sum += ramp(distanceAt(map, p.x, p.y), near, far);
  }
  return sum;
}

export interface StrokeRuns {
  /** Fraction of positions along the stroke with ink across it. */
  coverage: number;
  /** Number of gaps (runs without ink, at least one px) between inked runs. */
  gaps: number;
  /** Longest gap in px, counting gaps at the ends too. */
  longestGap: number;
}

/**
 * On/off pattern of ink along a straight stroke, ignoring `skip` px at each end: position t is on
 * when some pixel within `halfWidth` px across the stroke has ink above `threshold`.
 */
export function strokeRuns(map: InkMap, s: Segment, halfWidth: number, threshold: number, skip = 3): StrokeRuns {
  const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
  if (len === 0) {
    return { coverage: 0, gaps: 0, longestGap: 0 };
  }
  const ux = (s.x2 - s.x1) / len;
  const uy = (s.y2 - s.y1) / len;
  let on = 0;
  let total = 0;
  let gaps = 0;
  let longest = 0;
  let run = 0;
  let seenInk = false;
  for (let i = skip; i <= len - skip; i++) {
    let isOn = false;
    for (let k = -halfWidth; k <= halfWidth && !isOn; k++) {
      const col = Math.round(s.x1 + ux * i - uy * k);
      const row = Math.round(s.y1 + uy * i + ux * k);
      if (col >= 0 && row >= 0 && col < map.width && row < map.height && map.amount[row * map.width + col] > threshold) {
        isOn = true;
      }
    }
    total++;
    if (isOn) {
      on++;
      if (run >= 1 && seenInk) {
        gaps++;
      }
      longest = Math.max(longest, run);
      run = 0;
      seenInk = true;
    } else {
      run++;
    }
  }
  longest = Math.max(longest, run);
  return { coverage: total === 0 ? 0 : on / total, gaps, longestGap: longest };
}
