// Other readings of a found structure that the search's single moves cannot reach, scored with the
// same energy: a rectangle whose two sides run along other primitives read as its remaining sides
// (two connectors between boxes), two collinear lines meeting end to end read as one line, and
// every line headed or none (drawings mostly draw all their connectors alike).
import type { Line, Primitive, Rectangle, Trace } from '../trace.js';
import { expectedInk, lineChoices } from './attributes.js';
import { candidateFor, modelSegments, type Candidate } from './candidates.js';
import type { InkMap } from './inkMap.js';
import type { InferParams } from './params.js';
import { energyOf } from './search.js';

type Point = [number, number];

function sides(r: Rectangle): Array<[Point, Point]> {
  return [
    [[r.x1, r.y1], [r.x2, r.y1]],
    [[r.x2, r.y1], [r.x2, r.y2]],
    [[r.x2, r.y2], [r.x1, r.y2]],
    [[r.x1, r.y2], [r.x1, r.y1]],
  ];
}

function outline(p: Primitive): Array<[Point, Point]> {
  return p.type === 'rectangle' ? sides(p) : p.type === 'line' ? [[[p.x1, p.y1], [p.x2, p.y2]]] : [];
}

/** Whether grid point q lies on segment a–b (exactly: the grid is integer). */
function onSegment(q: Point, a: Point, b: Point): boolean {
  const cross = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
  if (cross !== 0) {
    return false;
  }
  return Math.min(a[0], b[0]) <= q[0] && q[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= q[1] && q[1] <= Math.max(a[1], b[1]);
}

/** Whether segment a–b runs entirely along the outlines of `others` (checked at every half grid unit). */
function covered(a: Point, b: Point, others: Primitive[]): boolean {
  const steps = 2 * Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]));
  for (let i = 0; i <= steps; i++) {
    // Doubled coordinates keep half units integer.
    const q: Point = [2 * a[0] + ((b[0] - a[0]) * 2 * i) / steps, 2 * a[1] + ((b[1] - a[1]) * 2 * i) / steps];
    const on = others.some((o) => outline(o).some(([s, t]) => onSegment(q, [2 * s[0], 2 * s[1]], [2 * t[0], 2 * t[1]])));
    if (!on) {
      return false;
    }
  }
  return true;
}

function line(a: Point, b: Point): Line {
  return { type: 'line', x1: a[0], y1: a[1], x2: b[0], y2: b[1], arrow: false, solid: true };
}

/** Structural variants of a trace (lines without attributes): each single change, then all of them at once. */
export function structuralVariants(trace: Trace): Trace[] {
  const changes: Array<{ drop: number[]; add: Primitive[] }> = [];
  trace.forEach((p, i) => {
    if (p.type !== 'rectangle') {
      return;
    }
    const others = trace.filter((_, j) => j !== i);
    const open = sides(p).filter(([a, b]) => !covered(a, b, others));
    if (open.length > 0 && open.length < 4) {
      changes.push({ drop: [i], add: open.map(([a, b]) => line(a, b)) });
    }
  });
  const ends = (l: Line): [Point, Point] => [[l.x1, l.y1], [l.x2, l.y2]];
  trace.forEach((p, i) => {
    trace.forEach((q, j) => {
      if (j <= i || p.type !== 'line' || q.type !== 'line') {
        return;
      }
      for (const [a, shared] of [ends(p), [...ends(p)].reverse() as [Point, Point]]) {
        for (const [s2, b] of [ends(q), [...ends(q)].reverse() as [Point, Point]]) {
          if (shared[0] !== s2[0] || shared[1] !== s2[1]) {
            continue;
          }
          const u = [shared[0] - a[0], shared[1] - a[1]];
          const v = [b[0] - shared[0], b[1] - shared[1]];
          if (u[0] * v[1] - u[1] * v[0] === 0 && u[0] * v[0] + u[1] * v[1] > 0) {
            changes.push({ drop: [i, j], add: [line(a, b)] });
          }
        }
      }
    });
  });
  const apply = (chosen: typeof changes): Trace => {
    const dropped = new Set(chosen.flatMap((c) => c.drop));
    return [...trace.filter((_, k) => !dropped.has(k)), ...chosen.flatMap((c) => c.add)];
  };
  const out = changes.map((c) => apply([c]));
  // All changes at once, taking each primitive into at most one change.
  const used = new Set<number>();
  const disjoint = changes.filter((c) => {
    if (c.drop.some((k) => used.has(k))) {
      return false;
    }
    c.drop.forEach((k) => used.add(k));
    return true;
  });
  if (disjoint.length > 1) {
    out.push(apply(disjoint));
  }
  return out;
}

export interface Rereading {
  trace: Trace;
  /** Energy of the structure plus the cost of its attributes: comparable with the ranked readings. */
  cost: number;
}

/**
 * Re-readings of `trace` (a structure the search found, lines without attributes): its structural
 * variants scored with the search's energy, each with its attributes read as usual, with every line
 * headed and with none. The trace itself is re-read with every line headed and with none.
 */
export function rereadings(map: InkMap, params: InferParams, trace: Trace): Rereading[] {
  const pixelCount = map.width * map.height;
  const cache = new Map<string, Candidate | undefined>();
  const candidate = (p: Primitive): Candidate | undefined => {
    const key = JSON.stringify(p);
    if (!cache.has(key)) {
      cache.set(key, candidateFor(map, params, p));
    }
    return cache.get(key);
  };
  const out: Rereading[] = [];
  for (const [v, variant] of [trace, ...structuralVariants(trace)].entries()) {
    const candidates = variant.map(candidate);
    if (candidates.some((c) => c === undefined)) {
      continue;
    }
    const energy = energyOf(candidates as Candidate[], candidates.map((_, k) => k), map.inkPixels.length, pixelCount);
    // The same clean renderings as attributeTrace compares the ink with.
    const segments = variant.flatMap((p) => modelSegments(p, params));
    const expected = expectedInk(segments, map.width, map.height, params.cleanStrokeWidth);
    const clear = params.barbWeight === 0 ? expected : expectedInk(segments, map.width, map.height, params.cleanStrokeWidth + 1);
    const choices = variant.map((p) => (p.type === 'line' ? lineChoices(map, params, p, expected, clear) : undefined));
    const modes: Array<(c: { line: Line }) => boolean> = [(c) => c.line.arrow, (c) => !c.line.arrow];
    if (v > 0) {
      modes.unshift(() => true);
    }
    for (const mode of modes) {
      let cost = energy;
      const t = variant.map((p, k) => {
        const pick = choices[k]?.find(mode);
        cost += pick?.cost ?? 0;
        return pick?.line ?? p;
      });
      out.push({ trace: t, cost });
    }
  }
  return out;
}

/**
 * The `top` best readings, except that the last `params.rereadSlots` places (never the first) go to
 * the best re-readings (keys in `rereadKeys`) the plain ranking leaves out, when they score within
 * `params.rereadSlack` of the best: they differ in structure, where the ranking's tail tends to
 * differ only in one doubtful head or a stray short line. Best first.
 */
export function topWithReserved<T extends { score: number }>(
  readings: T[],
  keyOf: (t: T) => string,
  rereadKeys: Set<string>,
  top: number,
  params: InferParams,
): T[] {
  const all = [...readings].sort((p, q) => q.score - p.score);
  const slots = Math.min(top - 1, Math.max(0, Math.floor(params.rereadSlots)));
  if (slots === 0 || all.length === 0) {
    return all.slice(0, top);
  }
  const head = all.slice(0, top - slots);
  const taken = new Set(head.map(keyOf));
  const floor = all[0].score - params.rereadSlack;
  const reserved = all.filter((t) => !taken.has(keyOf(t)) && rereadKeys.has(keyOf(t)) && t.score >= floor).slice(0, slots);
  reserved.forEach((t) => taken.add(keyOf(t)));
  const rest = all.filter((t) => !taken.has(keyOf(t))).slice(0, top - head.length - reserved.length);
  return [...head, ...reserved, ...rest].sort((p, q) => q.score - p.score);
}
