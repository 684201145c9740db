// Random scenes resembling the drawings data set: circles and boxes that do not touch, joined by
// lines and arrows that start and end on their outlines and cross nothing. Deterministic per seed.
import { randomInt, seededRng, type Rng } from './handStyle.js';
import type { Circle, Line, Primitive, Rectangle, Trace } from './trace.js';

export interface SceneOptions {
  /** At most this many primitives (default 12). */
  maxObjects: number;
  /** At least this many primitives (default 1). */
  minObjects: number;
  /** Grid coordinates stay in [lo, hi] (default 1..15, so everything is inside the 256 px image). */
  lo: number;
  hi: number;
  /** Probability that a shape is a circle rather than a rectangle (default 0.45). */
  circleProbability: number;
  /** Probability that a line has an arrow head (default 0.55) and that it is dashed (default 0.05). */
  arrowProbability: number;
  dashedProbability: number;
  /** Share of the primitives that are lines, at most (default 0.5). */
  lineShare: number;
}

export const DEFAULT_SCENE: SceneOptions = {
  maxObjects: 12,
  minObjects: 1,
  lo: 1,
  hi: 15,
  circleProbability: 0.45,
  arrowProbability: 0.55,
  dashedProbability: 0.05,
  lineShare: 0.5,
};

type Shape = Circle | Rectangle;

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function boxOf(s: Shape): Box {
  return s.type === 'circle'
    ? { x1: s.x - s.r, y1: s.y - s.r, x2: s.x + s.r, y2: s.y + s.r }
    : { x1: Math.min(s.x1, s.x2), y1: Math.min(s.y1, s.y2), x2: Math.max(s.x1, s.x2), y2: Math.max(s.y1, s.y2) };
}

/** Boxes closer than one grid unit count as overlapping: shapes never touch. */
function boxesClash(a: Box, b: Box): boolean {
  return a.x1 - 1 < b.x2 && b.x1 - 1 < a.x2 && a.y1 - 1 < b.y2 && b.y1 - 1 < a.y2;
}

/** Is the point inside the shape or on its outline? */
function touchesShape(s: Shape, x: number, y: number, margin = 0.05): boolean {
  if (s.type === 'circle') {
    return Math.hypot(x - s.x, y - s.y) <= s.r + margin;
  }
  const b = boxOf(s);
  return x >= b.x1 - margin && x <= b.x2 + margin && y >= b.y1 - margin && y <= b.y2 + margin;
}

/** Grid points on a shape's outline where a line may attach. */
export function attachmentPoints(s: Shape): Array<{ x: number; y: number }> {
  if (s.type === 'circle') {
    return [
      { x: s.x + s.r, y: s.y },
      { x: s.x - s.r, y: s.y },
      { x: s.x, y: s.y + s.r },
      { x: s.x, y: s.y - s.r },
    ];
  }
  const b = boxOf(s);
  const out: Array<{ x: number; y: number }> = [];
  // Points along the edges; the data set's lines practically never leave a corner.
  for (let x = b.x1 + 1; x < b.x2; x++) {
    out.push({ x, y: b.y1 }, { x, y: b.y2 });
  }
  for (let y = b.y1 + 1; y < b.y2; y++) {
    out.push({ x: b.x1, y }, { x: b.x2, y });
  }
  return out;
}

function segmentsCross(a: Line, b: Line): boolean {
  // Shared end points are fine; anything else in common (crossing or overlapping) is not.
  const samples = 40;
  for (let i = 0; i <= samples; i++) {
    const t = i / samples;
    const x = a.x1 + (a.x2 - a.x1) * t;
    const y = a.y1 + (a.y2 - a.y1) * t;
    const isEnd = (x === b.x1 && y === b.y1) || (x === b.x2 && y === b.y2);
    if (!isEnd && distanceToSegment(x, y, b) < 0.2) {
      return true;
    }
  }
  return false;
}

function distanceToSegment(x: number, y: number, l: Line): number {
  const dx = l.x2 - l.x1;
  const dy = l.y2 - l.y1;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - l.x1) * dx + (y - l.y1) * dy) / l2));
  return Math.hypot(x - (l.x1 + t * dx), y - (l.y1 + t * dy));
}

/** A line is valid when only its two ends touch shapes and it meets other lines only at shared ends. */
export function lineFits(line: Line, shapes: Shape[], lines: Line[]): boolean {
  const len = Math.hypot(line.x2 - line.x1, line.y2 - line.y1);
  if (len < 1) {
    return false;
  }
  const steps = Math.ceil(len * 10);
  for (let i = 1; i < steps; i++) {
    const t = i / steps;
    const x = line.x1 + (line.x2 - line.x1) * t;
    const y = line.y1 + (line.y2 - line.y1) * t;
    // Stay clear of every outline except right at the ends.
    const nearEnd = Math.min(t, 1 - t) * len < 0.15;
    if (!nearEnd && shapes.some((s) => touchesShape(s, x, y))) {
      return false;
    }
  }
  return !lines.some((l) => segmentsCross(line, l) || segmentsCross(l, line));
}

const DIRECTIONS = new Set(['1,0', '0,1', '1,1', '2,1', '1,2']);

/** A step (dx, dy) reduced to its smallest positive direction, e.g. (−4, 2) → "2,1". */
function direction(dx: number, dy: number): string {
  const gcd = (m: number, n: number): number => (n === 0 ? m : gcd(n, m % n));
  const g = gcd(Math.abs(dx), Math.abs(dy)) || 1;
  return `${Math.abs(dx) / g},${Math.abs(dy) / g}`;
}

function randomShape(rng: Rng, o: SceneOptions): Shape {
  if (rng() < o.circleProbability) {
    return { type: 'circle', x: randomInt(rng, o.lo + 1, o.hi - 1), y: randomInt(rng, o.lo + 1, o.hi - 1), r: 1 };
  }
  const w = rng() < 0.8 ? randomInt(rng, 1, 3) : randomInt(rng, 4, 8);
  const h = rng() < 0.8 ? randomInt(rng, 1, 3) : randomInt(rng, 4, 8);
  const x1 = randomInt(rng, o.lo, Math.max(o.lo, o.hi - w));
  const y1 = randomInt(rng, o.lo, Math.max(o.lo, o.hi - h));
  return { type: 'rectangle', x1, y1, x2: Math.min(o.hi, x1 + w), y2: Math.min(o.hi, y1 + h) };
}

/** A random scene. Pass a seed or a generator. */
export function sampleScene(seedOrRng: number | Rng, options: Partial<SceneOptions> = {}): Trace {
  const o = { ...DEFAULT_SCENE, ...options };
  const rng = typeof seedOrRng === 'number' ? seededRng(seedOrRng) : seedOrRng;
  const total = randomInt(rng, o.minObjects, o.maxObjects);
  const wantLines = Math.min(Math.floor(total * o.lineShare), Math.floor(rng() * (total + 1) * o.lineShare * 1.5));
  const wantShapes = Math.max(1, total - wantLines);
  const shapes: Shape[] = [];
  for (let tries = 0; shapes.length < wantShapes && tries < 400; tries++) {
    const s = randomShape(rng, o);
    const b = boxOf(s);
    if (b.x2 > o.hi || b.y2 > o.hi || b.x1 < o.lo || b.y1 < o.lo || b.x2 <= b.x1 || b.y2 <= b.y1) {
      continue;
    }
    if (!shapes.some((t) => boxesClash(b, boxOf(t)))) {
      shapes.push(s);
    }
  }
  const lines: Line[] = [];
  const wanted = Math.min(wantLines, total - shapes.length);
  for (let tries = 0; lines.length < wanted && tries < 300 && shapes.length >= 2; tries++) {
    const a = shapes[randomInt(rng, 0, shapes.length - 1)];
    const b = shapes[randomInt(rng, 0, shapes.length - 1)];
    if (a === b) {
      continue;
    }
    // Prefer short connections, as people draw them: pick among the closest attachment pairs.
    // Directions as in the data set: mostly horizontal and vertical, then 45° and 1:2 slopes.
    const pairs: Array<{ p: { x: number; y: number }; q: { x: number; y: number }; d: number }> = [];
    for (const p of attachmentPoints(a)) {
      for (const q of attachmentPoints(b)) {
        if (DIRECTIONS.has(direction(q.x - p.x, q.y - p.y))) {
          pairs.push({ p, q, d: Math.hypot(p.x - q.x, p.y - q.y) });
        }
      }
    }
    if (pairs.length === 0) {
      continue;
    }
    pairs.sort((u, v) => u.d - v.d);
    const pick = pairs[randomInt(rng, 0, Math.min(pairs.length - 1, 2))];
    if (pick.d > 6) {
      continue;
    }
    const forward = rng() < 0.5;
    const [from, to] = forward ? [pick.p, pick.q] : [pick.q, pick.p];
    const line: Line = {
      type: 'line',
      x1: from.x,
      y1: from.y,
      x2: to.x,
      y2: to.y,
      arrow: rng() < o.arrowProbability,
      solid: rng() >= o.dashedProbability,
    };
    if (Math.min(line.x1, line.x2, line.y1, line.y2) < o.lo || Math.max(line.x1, line.x2, line.y1, line.y2) > o.hi) {
      continue;
    }
    if (lineFits(line, shapes, lines)) {
      lines.push(line);
    }
  }
  const out: Primitive[] = [...shapes, ...lines];
  return out;
}
