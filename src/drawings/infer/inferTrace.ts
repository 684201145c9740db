// Trace inference: a hand-drawn image → the primitives it most likely shows, best first.
//
// Analysis by synthesis on the integer grid: every circle, rectangle and line the ink could support
// is a candidate; a search picks the set that best explains the ink at the lowest complexity
// (search.ts); arrow heads and dashes are then read off the ink around each line (attributes.ts).
import { RASTER_SIZE, readRaster, resizeRaster, type Raster } from '../raster.js';
import { primitiveKey, traceKeys, type Trace } from '../trace.js';
import { estimateGridOffset, shiftRaster } from './alignment.js';
import { attributeTrace } from './attributes.js';
import { enumerateCandidates } from './candidates.js';
import { buildInkMap } from './inkMap.js';
import { DEFAULT_PARAMS, type InferParams } from './params.js';
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
  const top = Math.max(1, Math.floor(options.top));
  const image = resizeRaster(raster, RASTER_SIZE, RASTER_SIZE);
  // A drawing noticeably off the grid is also read shifted back onto it; the better reading wins.
  const offset = estimateGridOffset(image);
  const shifted = Math.max(Math.abs(offset.dx), Math.abs(offset.dy)) >= params.realignFrom;
  const views = shifted ? [image, shiftRaster(image, offset.dx, offset.dy)] : [image];
  const budget = options.budgetMs ?? 6000;
  const scored: ScoredTrace[] = [];
  views.forEach((view, v) => {
    const viewStart = performance.now();
    const deadline = viewStart + (start + budget - viewStart) / (views.length - v);
    scored.push(...readView(view, top, params, options.signal, deadline));
  });
  scored.sort((p, q) => q.score - p.score);
  const seen = new Set<string>();
  const traces: ScoredTrace[] = [];
  for (const t of scored) {
    const key = traceKeys(t.primitives).join('|');
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    traces.push({ primitives: sortTrace(t.primitives), score: Math.round(t.score * 100) / 100 });
    if (traces.length >= top) {
      break;
    }
  }
  return { traces, ms: Math.round(performance.now() - start) };
}

/** Candidates, search and attributes on one view of the image; every reading worth ranking. */
function readView(image: Raster, top: number, params: InferParams, signal: AbortSignal | undefined, deadline: number): ScoredTrace[] {
  const map = buildInkMap(image, params.inkThreshold);
  signal?.throwIfAborted();
  const candidates = enumerateCandidates(map, params, signal);
  const search = searchTraces(candidates, map.inkPixels.length, map.width * map.height, {
    neighbours: 3 * top + 5,
    signal,
    deadline,
  });
  const structures = [{ selected: search.selected, energy: search.energy }, ...search.neighbours];
  const scored: ScoredTrace[] = [];
  for (const s of structures) {
    signal?.throwIfAborted();
    const trace = s.selected.map((k) => candidates[k].primitive);
    const segments = s.selected.map((k) => candidates[k].segments);
    for (const a of attributeTrace(map, params, trace, segments, top)) {
      scored.push({ primitives: a.trace, score: -(s.energy + a.cost) });
    }
  }
  return scored;
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
