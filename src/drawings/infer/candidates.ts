// Every primitive on the grid that the ink could support, with what it would explain and what it costs.
import { arrowHeadSegments, circlePolygon, gridToPixel, primitiveSegments, segmentDistance, type Segment } from '../raster.js';
import type { Primitive } from '../trace.js';
import { missCost, ramp, samplePoints, support } from './evidence.js';
import { distanceAt, type InkMap } from './inkMap.js';
import type { InferParams } from './params.js';

export interface Candidate {
  primitive: Primitive;
  segments: Segment[];
  /** Cost of including it regardless of the rest: model drawn off the ink, plus the primitive's own cost. */
  intrinsic: number;
  /** Ink pixels (positions in InkMap.inkPixels) it helps explain, and the residual cost of each. */
  pixels: Int32Array;
  residual: Float32Array;
  /** Pixels on the primitive's own stroke, and pixels within 2 px of it (line ends left out of both). */
  stroke: Int32Array;
  halo: Int32Array;
  /** Cost per px of another primitive's stroke inside this one's halo. */
  haloCost: number;
}

/** Pixels on, and within `reach` px of, the segments; a line's last `endClear` px at each end are left out. */
function strokeAndHalo(segments: Segment[], width: number, height: number, reach: number, endClear: number): { stroke: Int32Array; halo: Int32Array } {
  const trimmed: Segment[] = [];
  for (const s of segments) {
    const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
    if (endClear > 0) {
      if (len <= 2 * endClear) {
        continue;
      }
      const ux = (s.x2 - s.x1) / len;
      const uy = (s.y2 - s.y1) / len;
      trimmed.push({ x1: s.x1 + ux * endClear, y1: s.y1 + uy * endClear, x2: s.x2 - ux * endClear, y2: s.y2 - uy * endClear });
    } else {
      trimmed.push(s);
    }
  }
  const stroke = new Set<number>();
  for (const p of samplePoints(trimmed, 1)) {
    const col = Math.round(p.x);
    const row = Math.round(p.y);
    if (col >= 0 && row >= 0 && col < width && row < height) {
      stroke.add(row * width + col);
    }
  }
  const halo = new Set<number>();
  for (const i of stroke) {
    const col = i % width;
    const row = (i - col) / width;
    for (let dr = -reach; dr <= reach; dr++) {
      for (let dc = -reach; dc <= reach; dc++) {
        const c = col + dc;
        const r = row + dr;
        if (dr * dr + dc * dc <= reach * reach && c >= 0 && r >= 0 && c < width && r < height) {
          halo.add(r * width + c);
        }
      }
    }
  }
  return { stroke: Int32Array.from(stroke), halo: Int32Array.from(halo) };
}

const GRID_MAX = 15;

/** The pixel strokes inference models a primitive with (lines without heads; circles of `circleRadius`). */
export function modelSegments(primitive: Primitive, params: InferParams): Segment[] {
  if (primitive.type === 'circle') {
    const { px, py } = gridToPixel(primitive.x, primitive.y);
    return circlePolygon(px, py, params.circleRadius, 48);
  }
  return primitiveSegments({ ...primitive, ...(primitive.type === 'line' ? { arrow: false, solid: true } : {}) });
}

/** Residual cost of the ink near `segments` (or near a circle) given this primitive alone. */
function explainList(
  map: InkMap,
  params: InferParams,
  segments: Segment[],
  circle?: { cx: number; cy: number; r: number },
): { pixels: Int32Array; residual: Float32Array } {
  const far = params.explainFar;
  let c0 = Infinity;
  let c1 = -Infinity;
  let r0 = Infinity;
  let r1 = -Infinity;
  for (const s of segments) {
    c0 = Math.min(c0, s.x1, s.x2);
    c1 = Math.max(c1, s.x1, s.x2);
    r0 = Math.min(r0, s.y1, s.y2);
    r1 = Math.max(r1, s.y1, s.y2);
  }
  const colMin = Math.max(0, Math.floor(c0 - far));
  const colMax = Math.min(map.width - 1, Math.ceil(c1 + far));
  const rowMin = Math.max(0, Math.floor(r0 - far));
  const rowMax = Math.min(map.height - 1, Math.ceil(r1 + far));
  const pixels: number[] = [];
  const residual: number[] = [];
  for (let row = rowMin; row <= rowMax; row++) {
    for (let col = colMin; col <= colMax; col++) {
      const q = map.inkIndex[row * map.width + col];
      if (q < 0) {
        continue;
      }
      let d: number;
      if (circle) {
        d = Math.abs(Math.hypot(col - circle.cx, row - circle.cy) - circle.r);
      } else {
        d = Infinity;
        for (const s of segments) {
          d = Math.min(d, segmentDistance(col, row, s));
        }
      }
      if (d < far) {
        pixels.push(q);
        residual.push(ramp(d, params.explainNear, far));
      }
    }
  }
  return { pixels: Int32Array.from(pixels), residual: Float32Array.from(residual) };
}

function diskPixels(cx: number, cy: number, radius: number, width: number, height: number): Int32Array {
  const out: number[] = [];
  for (let row = Math.max(0, Math.floor(cy - radius)); row <= Math.min(height - 1, Math.ceil(cy + radius)); row++) {
    for (let col = Math.max(0, Math.floor(cx - radius)); col <= Math.min(width - 1, Math.ceil(cx + radius)); col++) {
      if (Math.hypot(col - cx, row - cy) <= radius) {
        out.push(row * width + col);
      }
    }
  }
  return Int32Array.from(out);
}

function possibleHeads(s: Segment): Segment[] {
  return [...arrowHeadSegments(s.x1, s.y1, s.x2, s.y2, 10, 30), ...arrowHeadSegments(s.x2, s.y2, s.x1, s.y1, 10, 30)];
}

function makeCandidate(
  map: InkMap,
  params: InferParams,
  primitive: Primitive,
  segments: Segment[],
  circle?: { cx: number; cy: number; r: number },
): Candidate | undefined {
  const points = samplePoints(segments, 1);
  if (support(map, points, params.supportTolerance) < params.minSupport) {
    return undefined;
  }
  const miss = missCost(map, points, params.missNear, params.missFar) * params.missWeight;
  return {
    primitive,
    segments,
    intrinsic: miss + params.primitiveCost[primitive.type],
    // A line may carry a head at either end: its explanation reaches the ink of both possible heads,
    // so head ink never has to be explained by spurious little lines.
    ...explainList(map, params, primitive.type === 'line' ? [...segments, ...possibleHeads(segments[0])] : segments, circle),
    // A circle's outline takes no part in the overlap cost (the drawings have circles touching
    // circles and circles inscribed in boxes), but nothing may be drawn well inside it.
    ...(circle
      ? { stroke: new Int32Array(0), halo: diskPixels(circle.cx, circle.cy, circle.r - 3, map.width, map.height) }
      : strokeAndHalo(segments, map.width, map.height, 2, primitive.type === 'line' ? 4 : 0)),
    haloCost: circle ? params.insideCircleCost : params.overlapCost,
  };
}

/** The candidate for one given primitive (lines without attributes), or undefined when the ink does not support it. */
export function candidateFor(map: InkMap, params: InferParams, primitive: Primitive): Candidate | undefined {
  if (primitive.type === 'circle') {
    const { px, py } = gridToPixel(primitive.x, primitive.y);
    return makeCandidate(map, params, primitive, modelSegments(primitive, params), { cx: px, cy: py, r: params.circleRadius });
  }
  return makeCandidate(map, params, primitive, modelSegments(primitive, params));
}

export function enumerateCandidates(map: InkMap, params: InferParams, signal?: AbortSignal): Candidate[] {
  const out: Candidate[] = [];
  // Grid points close enough to ink to be a corner or an end.
  const nearInk: boolean[][] = [];
  for (let x = 0; x <= GRID_MAX; x++) {
    nearInk.push([]);
    for (let y = 0; y <= GRID_MAX; y++) {
      const { px, py } = gridToPixel(x, y);
      nearInk[x].push(distanceAt(map, px, py) <= params.supportTolerance + 2);
    }
  }
  const radius = params.circleRadius;
  for (let x = 0; x <= GRID_MAX; x++) {
    for (let y = 0; y <= GRID_MAX; y++) {
      const { px, py } = gridToPixel(x, y);
      const primitive: Primitive = { type: 'circle', x, y, r: 1 };
      const c = makeCandidate(map, params, primitive, modelSegments(primitive, params), { cx: px, cy: py, r: radius });
      if (c) {
        out.push(c);
      }
    }
  }
  signal?.throwIfAborted();
  for (let x1 = 0; x1 <= GRID_MAX; x1++) {
    for (let x2 = x1 + 1; x2 <= GRID_MAX; x2++) {
      for (let y1 = 0; y1 <= GRID_MAX; y1++) {
        if (!nearInk[x1][y1] || !nearInk[x2][y1]) {
          continue;
        }
        for (let y2 = y1 + 1; y2 <= GRID_MAX; y2++) {
          if (!nearInk[x1][y2] || !nearInk[x2][y2]) {
            continue;
          }
          const primitive: Primitive = { type: 'rectangle', x1, y1, x2, y2 };
          const c = makeCandidate(map, params, primitive, primitiveSegments(primitive));
          if (c) {
            out.push(c);
          }
        }
      }
    }
  }
  signal?.throwIfAborted();
  const ends: Array<[number, number]> = [];
  for (let x = 0; x <= GRID_MAX; x++) {
    for (let y = 0; y <= GRID_MAX; y++) {
      if (nearInk[x][y]) {
        ends.push([x, y]);
      }
    }
  }
  for (let i = 0; i < ends.length; i++) {
    for (let j = i + 1; j < ends.length; j++) {
      const [x1, y1] = ends[i];
      const [x2, y2] = ends[j];
      const primitive: Primitive = { type: 'line', x1, y1, x2, y2, arrow: false, solid: true };
      const c = makeCandidate(map, params, primitive, primitiveSegments(primitive));
      if (c) {
        out.push(c);
      }
    }
  }
  return out;
}
