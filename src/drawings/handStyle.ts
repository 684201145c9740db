// A simulated hand-drawing style for synthetic training and test images: wobbly pencil strokes,
// slightly misplaced and misshapen primitives, uneven ink and a small global shift. Deterministic
// for a given seed.
import {
  arrowHeadSegments,
  blankRaster,
  drawSegments,
  gridToPixel,
  GRID_PX,
  type Raster,
  type Segment,
} from './raster.js';
import { FITTED_HAND_STYLE } from './fittedHandStyle.js';
import type { Primitive, Trace } from './trace.js';

/** A random number generator returning floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seedable generator (32-bit state). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Integer in [lo, hi], both included. */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export interface HandStyleOptions {
  /** Ink darkness factor range; strokes are scaled by one factor per image. The default is fitted (fittedHandStyle.ts). */
  intensity: [number, number];
  /** Largest global translation in px, each axis. The default is fitted (fittedHandStyle.ts). */
  maxShift: number;
  /** Largest displacement in px of a primitive's defining points (ends, corners, centre). The default is fitted (fittedHandStyle.ts). */
  positionJitter: number;
  /** Largest relative change of a circle's radii. The default is fitted (fittedHandStyle.ts). */
  sizeJitter: number;
  /** Amplitude in px of the slow sideways wobble of a stroke. The default is fitted (fittedHandStyle.ts). */
  wobble: number;
  /** Stroke width range in px. The default is fitted (fittedHandStyle.ts). */
  strokeWidth: [number, number];
  /** Fraction of ink randomly lost per pixel, like pencil grain. The default is fitted (fittedHandStyle.ts). */
  grain: number;
}

/** The style fitted to the scans' stroke statistics (scripts/drawings/fitHandStyle.ts). */
export const DEFAULT_HAND_STYLE: HandStyleOptions = FITTED_HAND_STYLE;

interface Pt {
  x: number;
  y: number;
}

/** A polyline from a to b with a smooth random sideways wobble (zero at both ends). */
function wobblyPath(rng: Rng, a: Pt, b: Pt, amplitude: number): Pt[] {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  if (len < 1e-6) {
    return [a, b];
  }
  const nx = -(b.y - a.y) / len;
  const ny = (b.x - a.x) / len;
  const waves = [1, 2, 3].map((k) => ({
    amp: (uniform(rng, -1, 1) * amplitude) / k,
    freq: k * uniform(rng, 0.5, 1.2) * Math.max(1, len / 48),
    phase: uniform(rng, 0, 2 * Math.PI),
  }));
  const steps = Math.max(2, Math.ceil(len / 3));
  const out: Pt[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    // sin(πt) keeps the ends where the drawer aimed.
    let off = 0;
    for (const w of waves) {
      off += w.amp * Math.sin(2 * Math.PI * w.freq * t + w.phase);
    }
    off *= Math.sin(Math.PI * t);
    out.push({ x: a.x + (b.x - a.x) * t + nx * off, y: a.y + (b.y - a.y) * t + ny * off });
  }
  return out;
}

function toSegments(path: Pt[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    out.push({ x1: path[i].x, y1: path[i].y, x2: path[i + 1].x, y2: path[i + 1].y });
  }
  return out;
}

function jitter(rng: Rng, p: Pt, amount: number): Pt {
  return { x: p.x + uniform(rng, -amount, amount), y: p.y + uniform(rng, -amount, amount) };
}

/** Dashes of random lengths along a polyline. */
function dashPath(rng: Rng, path: Pt[]): Segment[] {
  const out: Segment[] = [];
  let drawing = true;
  let left = uniform(rng, 3, 7);
  for (let i = 0; i + 1 < path.length; i++) {
    let a = path[i];
    const b = path[i + 1];
    let segLeft = Math.hypot(b.x - a.x, b.y - a.y);
    while (segLeft > 1e-9) {
      const step = Math.min(left, segLeft);
      const t = step / segLeft;
      const c = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
      if (drawing) {
        out.push({ x1: a.x, y1: a.y, x2: c.x, y2: c.y });
      }
      a = c;
      segLeft -= step;
      left -= step;
      if (left <= 1e-9) {
        drawing = !drawing;
        left = drawing ? uniform(rng, 3, 7) : uniform(rng, 2, 5);
      }
    }
  }
  return out;
}

/** The wobbly pen strokes of one primitive, in pixel coordinates. */
export function handDrawnSegments(p: Primitive, rng: Rng, style: HandStyleOptions = DEFAULT_HAND_STYLE): Segment[] {
  const j = style.positionJitter;
  switch (p.type) {
    case 'circle': {
      const c = jitter(rng, { x: gridToPixel(p.x, p.y).px, y: gridToPixel(p.x, p.y).py }, j);
      const rx = p.r * GRID_PX * (1 + uniform(rng, -style.sizeJitter, style.sizeJitter));
      const ry = p.r * GRID_PX * (1 + uniform(rng, -style.sizeJitter, style.sizeJitter));
      const start = uniform(rng, 0, 2 * Math.PI);
      // Hand circles rarely close exactly: a little gap or overlap.
      const sweep = 2 * Math.PI + uniform(rng, -0.15, 0.25);
      const bumps = [1, 2, 3].map((k) => ({ amp: (uniform(rng, -1, 1) * style.wobble) / k, phase: uniform(rng, 0, 2 * Math.PI), k: k + 1 }));
      const path: Pt[] = [];
      const steps = 72;
      for (let i = 0; i <= steps; i++) {
        const a = start + (sweep * i) / steps;
        let dr = 0;
        for (const b of bumps) {
          dr += b.amp * Math.sin(b.k * a + b.phase);
        }
        path.push({ x: c.x + (rx + dr) * Math.cos(a), y: c.y + (ry + dr) * Math.sin(a) });
      }
      return toSegments(path);
    }
    case 'rectangle': {
      const a = gridToPixel(p.x1, p.y1);
      const b = gridToPixel(p.x2, p.y2);
      const corners = [
        { x: a.px, y: a.py },
        { x: b.px, y: a.py },
        { x: b.px, y: b.py },
        { x: a.px, y: b.py },
      ].map((q) => jitter(rng, q, j));
      const out: Segment[] = [];
      for (let i = 0; i < 4; i++) {
        out.push(...toSegments(wobblyPath(rng, corners[i], corners[(i + 1) % 4], style.wobble)));
      }
      return out;
    }
    case 'line': {
      const a = gridToPixel(p.x1, p.y1);
      const b = gridToPixel(p.x2, p.y2);
      const from = jitter(rng, { x: a.px, y: a.py }, j);
      const to = jitter(rng, { x: b.px, y: b.py }, j);
      const path = wobblyPath(rng, from, to, style.wobble);
      const out = p.solid ? toSegments(path) : dashPath(rng, path);
      if (p.arrow) {
        const before = path[Math.max(0, path.length - 3)];
        const length = uniform(rng, 7, 11);
        const angle = uniform(rng, 22, 40);
        for (const barb of arrowHeadSegments(before.x, before.y, to.x, to.y, length, angle)) {
          const tip = jitter(rng, { x: barb.x2, y: barb.y2 }, 1);
          out.push({ x1: barb.x1, y1: barb.y1, x2: tip.x, y2: tip.y });
        }
      }
      return out;
    }
  }
}

/** Renders a trace as if drawn by hand. The same trace and seed give the same image. */
export function renderHandDrawn(trace: Trace, seed: number, style: HandStyleOptions = DEFAULT_HAND_STYLE): Raster {
  const rng = seededRng(seed);
  const intensity = uniform(rng, style.intensity[0], style.intensity[1]);
  const dx = uniform(rng, -style.maxShift, style.maxShift);
  const dy = uniform(rng, -style.maxShift, style.maxShift);
  // Draw into a coverage buffer first so intensity and grain apply to ink, not to paper.
  const cover = blankRaster();
  for (const p of trace) {
    const width = uniform(rng, style.strokeWidth[0], style.strokeWidth[1]);
    const segments = handDrawnSegments(p, rng, style).map((s) => ({ x1: s.x1 + dx, y1: s.y1 + dy, x2: s.x2 + dx, y2: s.y2 + dy }));
    drawSegments(cover, segments, width, 1);
  }
  const out = blankRaster();
  for (let i = 0; i < out.data.length; i++) {
    const ink = 1 - cover.data[i] / 255;
    if (ink > 0) {
      const grain = 1 - style.grain * rng();
      out.data[i] = Math.round(255 * (1 - Math.min(1, ink * intensity * grain)));
    }
  }
  return out;
}
