// Sketch geometry for the drawing panel: snapping to the grid, shapes from a drag, freehand strokes
// rasterized like the hand drawings, and hit-testing primitives for deletion. All in raster pixels
// (0..256, row 0 at the top), the coordinates the panel's canvas reports.
import { blankRaster, drawSegments, GRID_PX, primitiveSegments, RASTER_SIZE, renderTrace, segmentDistance, type Raster, type Segment } from './raster.js';
import type { Primitive, Trace } from './trace.js';

/** A point in raster pixels: [column, row]. */
export type PixelPoint = [number, number];
/** A freehand stroke: the pointer's path, in raster pixels. */
export type Stroke = PixelPoint[];

export type ShapeTool = 'circle' | 'rectangle' | 'line' | 'dashed' | 'arrow' | 'dashedArrow';

/** Grid coordinates the panel allows: the drawings use 0..15; 16 is the raster's far edge. */
export const GRID_MAX = RASTER_SIZE / GRID_PX;

/** Stroke width of a sketched stroke: the 2.5 px of the clean renderer, like a pencil on the scans. */
export const SKETCH_STROKE_PX = 2.5;

/** A freehand stroke's end snaps onto a grid point closer than this (px). */
export const END_SNAP_PX = 6;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The nearest grid point of a pixel, in grid units (y up), kept inside the raster. */
export function snapToGrid([px, py]: PixelPoint): { x: number; y: number } {
  return {
    x: clamp(Math.round(px / GRID_PX), 0, GRID_MAX),
    y: clamp(Math.round((RASTER_SIZE - py) / GRID_PX), 0, GRID_MAX),
  };
}

function gridPixel(x: number, y: number): PixelPoint {
  return [x * GRID_PX, RASTER_SIZE - y * GRID_PX];
}

/**
 * A freehand stroke with its ends pulled onto the grid: an end within END_SNAP_PX of a grid point moves
 * there, and the points near it follow, fading out over the first and last 16 px of the stroke, so the
 * stroke stays smooth. Points outside the raster are clamped; repeated points are dropped.
 */
export function snapStroke(stroke: Stroke): Stroke {
  const points: Stroke = [];
  for (const [x, y] of stroke) {
    const p: PixelPoint = [clamp(x, 0, RASTER_SIZE), clamp(y, 0, RASTER_SIZE)];
    const last = points.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) {
      points.push(p);
    }
  }
  if (points.length < 2) {
    return points;
  }
  // Arc length from the start, to fade each end's correction along the stroke.
  const along = [0];
  for (let k = 1; k < points.length; k++) {
    along.push(along[k - 1] + Math.hypot(points[k][0] - points[k - 1][0], points[k][1] - points[k - 1][1]));
  }
  const total = along.at(-1) as number;
  const fade = Math.min(GRID_PX, total / 2);
  const correction = (end: PixelPoint): PixelPoint => {
    const g = snapToGrid(end);
    const [gx, gy] = gridPixel(g.x, g.y);
    return Math.hypot(gx - end[0], gy - end[1]) <= END_SNAP_PX ? [gx - end[0], gy - end[1]] : [0, 0];
  };
  const start = correction(points[0]);
  const finish = correction(points[points.length - 1]);
  return points.map(([x, y], k) => {
    const ws = fade === 0 ? 0 : Math.max(0, 1 - along[k] / fade);
    const wf = fade === 0 ? 0 : Math.max(0, 1 - (total - along[k]) / fade);
    return [x + ws * start[0] + wf * finish[0], y + ws * start[1] + wf * finish[1]];
  });
}

/**
 * The primitive a drag with a shape tool draws, both ends snapped to the grid: a circle (radius 1)
 * centred where the drag started, a rectangle between the two corners, or a line from start to end
 * (arrow head at the end). Undefined when the drag collapses to nothing on the grid.
 */
export function shapeFromDrag(tool: ShapeTool, from: PixelPoint, to: PixelPoint): Primitive | undefined {
  const a = snapToGrid(from);
  const b = snapToGrid(to);
  switch (tool) {
    case 'circle':
      // A circle of radius 1 must fit on the raster.
      return { type: 'circle', x: clamp(a.x, 1, GRID_MAX - 1), y: clamp(a.y, 1, GRID_MAX - 1), r: 1 };
    case 'rectangle':
      return a.x === b.x || a.y === b.y
        ? undefined
        : { type: 'rectangle', x1: Math.min(a.x, b.x), y1: Math.min(a.y, b.y), x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
    default: {
      if (a.x === b.x && a.y === b.y) {
        return undefined;
      }
      const arrow = tool === 'arrow' || tool === 'dashedArrow';
      const solid = tool === 'line' || tool === 'arrow';
      return { type: 'line', x1: a.x, y1: a.y, x2: b.x, y2: b.y, arrow, solid };
    }
  }
}

/** The segments of a stroke's polyline. */
export function strokeSegments(stroke: Stroke): Segment[] {
  if (stroke.length === 1) {
    const [x, y] = stroke[0];
    return [{ x1: x, y1: y, x2: x, y2: y }];
  }
  return stroke.slice(1).map(([x, y], k) => ({ x1: stroke[k][0], y1: stroke[k][1], x2: x, y2: y }));
}

/**
 * A sketch as a 256×256 raster with the geometry of the hand drawings: freehand strokes drawn as
 * 2.5 px pencil lines, and primitives placed with the shape tools drawn by the clean renderer.
 */
export function rasterizeSketch(strokes: Stroke[], shapes: Trace = []): Raster {
  const raster = shapes.length > 0 ? renderTrace(shapes) : blankRaster();
  for (const stroke of strokes) {
    drawSegments(raster, strokeSegments(stroke), SKETCH_STROKE_PX);
  }
  return raster;
}

/**
 * The primitive under a click: the one whose drawn outline passes closest to `at`, if within
 * `tolerancePx`. A click inside a circle also counts (circles are small); not inside a rectangle, which
 * often encloses other shapes. Outlines win over insides.
 */
export function hitTest(trace: Trace, at: PixelPoint, tolerancePx = 6): number | undefined {
  let best: { index: number; distance: number } | undefined;
  trace.forEach((p, index) => {
    // Dashes drawn whole: a click on a gap of a dashed line still hits it.
    let distance = Math.min(...primitiveSegments(p, { dashes: false }).map((s) => segmentDistance(at[0], at[1], s)));
    if (distance > tolerancePx && inside(p, at)) {
      distance = tolerancePx;
    }
    if (distance <= tolerancePx && (!best || distance < best.distance)) {
      best = { index, distance };
    }
  });
  return best?.index;
}

function inside(p: Primitive, [px, py]: PixelPoint): boolean {
  if (p.type !== 'circle') {
    return false;
  }
  const [cx, cy] = gridPixel(p.x, p.y);
  return Math.hypot(px - cx, py - cy) < p.r * GRID_PX;
}
