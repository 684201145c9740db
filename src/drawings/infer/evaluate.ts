// How well inferred traces match the ground truth of a set of drawings.
import { traceKeys, type DrawingRecord, type Trace } from '../trace.js';
import { inferTraces } from './inferTrace.js';

export interface DrawingEvaluation {
  id: string;
  top1Exact: boolean;
  /** Rank (1-based) of the first exact trace among those returned, or null. */
  exactRank: number | null;
  truePositives: number;
  predicted: number;
  actual: number;
  ms: number;
  best: Trace;
}

export interface InferenceEvaluation {
  count: number;
  top1Exact: number;
  top5Exact: number;
  /** Per-primitive precision and recall of the top-1 traces, pooled over drawings (matching by primitiveKey). */
  precision: number;
  recall: number;
  medianMs: number;
  maxMs: number;
  perDrawing: DrawingEvaluation[];
}

export function comparePrimitives(predicted: Trace, actual: Trace): { truePositives: number; predicted: number; actual: number } {
  const p = traceKeys(predicted);
  const a = new Set(traceKeys(actual));
  return { truePositives: p.filter((k) => a.has(k)).length, predicted: p.length, actual: a.size };
}

export function summarize(perDrawing: DrawingEvaluation[], top: number): InferenceEvaluation {
  const n = perDrawing.length;
  const tp = perDrawing.reduce((s, d) => s + d.truePositives, 0);
  const predicted = perDrawing.reduce((s, d) => s + d.predicted, 0);
  const actual = perDrawing.reduce((s, d) => s + d.actual, 0);
  const times = perDrawing.map((d) => d.ms).sort((a, b) => a - b);
  const median = n === 0 ? 0 : n % 2 === 1 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  return {
    count: n,
    top1Exact: n === 0 ? 0 : perDrawing.filter((d) => d.top1Exact).length / n,
    top5Exact: n === 0 ? 0 : perDrawing.filter((d) => d.exactRank !== null && d.exactRank <= Math.min(5, top)).length / n,
    precision: predicted === 0 ? 0 : tp / predicted,
    recall: actual === 0 ? 0 : tp / actual,
    medianMs: median,
    maxMs: times.length === 0 ? 0 : times[times.length - 1],
    perDrawing,
  };
}

export function evaluateOne(id: string, truth: Trace, traces: Trace[], ms: number): DrawingEvaluation {
  const truthKey = traceKeys(truth).join('|');
  const rank = traces.findIndex((t) => traceKeys(t).join('|') === truthKey);
  const best = traces[0] ?? [];
  return {
    id,
    top1Exact: rank === 0,
    exactRank: rank < 0 ? null : rank + 1,
    ...comparePrimitives(best, truth),
    ms,
    best,
  };
}

/** Runs inference on every record (sequentially, so timings are per drawing) and scores it. */
export async function evaluateInference(
  records: DrawingRecord[],
  options: { top: number; signal?: AbortSignal; onDrawing?: (d: DrawingEvaluation) => void },
): Promise<InferenceEvaluation> {
  const perDrawing: DrawingEvaluation[] = [];
  for (const r of records) {
    const result = await inferTraces(r.imagePath, { top: options.top, signal: options.signal });
    const d = evaluateOne(r.id, r.primitives, result.traces.map((t) => t.primitives), result.ms);
    perDrawing.push(d);
    options.onDrawing?.(d);
  }
  return summarize(perDrawing, options.top);
}
