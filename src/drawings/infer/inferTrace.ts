// Trace inference: a hand-drawn image → the primitives it most likely shows, best first.
//
// Analysis by synthesis on the integer grid: every circle, rectangle and line the ink could support
// is a candidate; a search picks the set that best explains the ink at the lowest complexity
// (search.ts); arrow heads and dashes are then read off the ink around each line (attributes.ts).
import { RASTER_SIZE, readRaster, resizeRaster, type Raster } from '../raster.js';
import { primitiveKey, traceKeys, type Trace } from '../trace.js';
import { estimateGridOffset, shiftRaster } from './alignment.js';
import { attributeTrace } from './attributes.js';
import { enumerateCandidates, modelSegments } from './candidates.js';
import { buildInkMap, type InkMap } from './inkMap.js';
import { DEFAULT_PARAMS } from './fittedParams.js';
import type { InferParams } from './params.js';
import { rereadings, topWithReserved } from './rereadings.js';
import { searchTraces } from './search.js';

export interface InferOptions {
  /** How many traces to return (at least 1). */
  top: number;
  signal?: AbortSignal;
  /** Time after which the search settles for what it has found (default 6000 ms). */
  budgetMs?: number;
}

export interface ScoredTrace {
  primitives: Trace;
  /** Higher is better: minus the energy (unexplained ink + off-ink model + complexity + attributes). */
  score: number;
}

export interface InferResult {
  traces: ScoredTrace[];
  ms: number;
}

/** Infers traces from a raster (any size; it is resampled to 256×256 first). */
export function inferTracesFromRaster(
  raster: Raster,
  options: InferOptions,
  params: InferParams = DEFAULT_PARAMS,
): InferResult {
  const start = performance.now();
  const readings = readStructures(raster, options, params);
  const traces = rankReadings(raster, readings, options.top, params, options.signal);
  return { traces, ms: Math.round(performance.now() - start) };
}

/** One view of the image (as is, or moved by `shift` onto the grid) with the structures its search found. */
export interface ViewReading {
  shift: { dx: number; dy: number };
  /** Primitives (lines without attributes yet) and the energy of each structure, best first. */
  structures: Array<{ trace: Trace; energy: number }>;
  /** The view's ink map, when the caller keeps it (the fit scores many attribute knobs on one reading). */
  map?: InkMap;
}

function viewOf(image: Raster, shift: { dx: number; dy: number }): Raster {
  return shift.dx === 0 && shift.dy === 0 ? image : shiftRaster(image, shift.dx, shift.dy);
}

/**
 * The geometric half of inference: ink map, candidates and search on every view. It depends on the
 * geometry knobs only, so the fit can score attribute knobs (arrow heads, dashes) on its output.
 */
export function readStructures(raster: Raster, options: InferOptions, params: InferParams = DEFAULT_PARAMS): ViewReading[] {
  const start = performance.now();
  const top = Math.max(1, Math.floor(options.top));
  const image = resizeRaster(raster, RASTER_SIZE, RASTER_SIZE);
  // A drawing noticeably off the grid is also read shifted back onto it; the better reading wins.
  const offset = estimateGridOffset(image);
  const shifted = Math.max(Math.abs(offset.dx), Math.abs(offset.dy)) >= params.realignFrom;
  const shifts = shifted ? [{ dx: 0, dy: 0 }, offset] : [{ dx: 0, dy: 0 }];
  const budget = options.budgetMs ?? 6000;
  return shifts.map((shift, v) => {
    const viewStart = performance.now();
    const deadline = viewStart + (start + budget - viewStart) / (shifts.length - v);
    const map = buildInkMap(viewOf(image, shift), params.inkThreshold);
    options.signal?.throwIfAborted();
    const candidates = enumerateCandidates(map, params, options.signal);
    const search = searchTraces(candidates, map.inkPixels.length, map.width * map.height, {
      neighbours: 3 * top + 5,
      signal: options.signal,
      deadline,
    });
    const structures = [{ selected: search.selected, energy: search.energy }, ...search.neighbours];
    return { shift, structures: structures.map((s) => ({ trace: s.selected.map((k) => candidates[k].primitive), energy: s.energy })) };
  });
}

/**
 * The attribute half: arrow heads and dashes on every structure, then the `top` distinct traces,
 * best first. `raster` is the image the readings were made from.
 */
export function rankReadings(
  raster: Raster,
  readings: ViewReading[],
  topWanted: number,
  params: InferParams = DEFAULT_PARAMS,
  signal?: AbortSignal,
): ScoredTrace[] {
  const top = Math.max(1, Math.floor(topWanted));
  const image = resizeRaster(raster, RASTER_SIZE, RASTER_SIZE);
  // Structures cheapest first; attribute costs are never negative, so once `top` distinct traces
  // score better than the next structure's energy alone, no later structure can enter the ranking.
  const queue = readings
    .flatMap((view, v) => view.structures.map((s) => ({ view: v, ...s })))
    .sort((p, q) => p.energy - q.energy);
  const maps = new Map<number, InkMap>();
  const best = new Map<string, ScoredTrace>();
  for (const s of queue) {
    signal?.throwIfAborted();
    if (best.size >= top) {
      const scores = [...best.values()].map((t) => t.score).sort((p, q) => q - p);
      if (scores[top - 1] > -s.energy) {
        break;
      }
    }
    const view = readings[s.view];
    let map = maps.get(s.view);
    if (!map) {
      map = view.map ?? buildInkMap(viewOf(image, view.shift), params.inkThreshold);
      maps.set(s.view, map);
    }
    const segments = s.trace.map((p) => modelSegments(p, params));
    for (const a of attributeTrace(map, params, s.trace, segments, top)) {
      const key = traceKeys(a.trace).join('|');
      const score = -(s.energy + a.cost);
      const known = best.get(key);
      if (!known || score > known.score) {
        best.set(key, { primitives: a.trace, score });
      }
    }
  }
  const rereadKeys = new Set<string>();
  if (params.rereadSlots > 0) {
    // Re-readings of each view's best structure join the ranking (rereadings.ts).
    readings.forEach((view, v) => {
      const first = view.structures[0];
      if (first === undefined) {
        return;
      }
      const map = maps.get(v) ?? view.map ?? buildInkMap(viewOf(image, view.shift), params.inkThreshold);
      maps.set(v, map);
      for (const r of rereadings(map, params, first.trace)) {
        const key = traceKeys(r.trace).join('|');
        rereadKeys.add(key);
        const known = best.get(key);
        if (!known || -r.cost > known.score) {
          best.set(key, { primitives: r.trace, score: -r.cost });
        }
      }
    });
  }
  const chosen = topWithReserved([...best.values()], (t) => traceKeys(t.primitives).join('|'), rereadKeys, top, params);
  const traces = chosen
    .map((t) => ({ primitives: sortTrace(t.primitives), score: Math.round(t.score * 100) / 100 }));
  return traces;
}

function sortTrace(trace: Trace): Trace {
  return [...trace].sort((a, b) => (primitiveKey(a) < primitiveKey(b) ? -1 : primitiveKey(a) > primitiveKey(b) ? 1 : 0));
}

/** Infers traces from a PNG file (grayscale, RGB or RGBA; JPEG is not supported). */
export async function inferTraces(
  imagePath: string,
  options: { top: number; signal?: AbortSignal },
): Promise<{ traces: { primitives: Trace; score: number }[]; ms: number }> {
  const start = performance.now();
  options.signal?.throwIfAborted();
  const raster = readRaster(imagePath);
  // Yield once so a caller's abort or progress update can run before the synchronous search.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const result = inferTracesFromRaster(raster, options);
  return { traces: result.traces, ms: Math.round(performance.now() - start) };
}
