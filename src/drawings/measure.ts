// Scores the synthesizer and trace inference over a drawings data set (used by the CLI and the bench).
import { evaluateProgram } from './evaluate.js';
import { printProgram } from './print.js';
import { synthesize } from './synthesize.js';
import { primitiveKey, sameTrace, type DrawingRecord, type Trace } from './trace.js';

/** `n` of `of` drawings, so a fraction is never shown without its count. */
export interface Count {
  n: number;
  of: number;
}

export interface SynthesisItem {
  id: string;
  primitives: number;
  program: string;
  cost: number;
  referenceCost: number | null;
  exact: boolean;
  /** False when the search stopped at its time limit (the program is still exact). */
  optimal: boolean;
  ms: number;
}

export interface SynthesisSummary {
  exact: Count;
  /** Among drawings with a reference program. */
  costLeqReference: Count;
  costBelowReference: Count;
  /** Search stopped by the time limit before proving its answer optimal. */
  timeouts: Count;
  medianMs: number;
  maxMs: number;
}

export type InferFunction = (
  imagePath: string,
  options: { top: number; signal?: AbortSignal },
) => Promise<{ traces: { primitives: Trace; score: number }[]; ms: number }>;

export interface InferenceItem {
  id: string;
  top1Exact: boolean;
  topKExact: boolean;
  /** Primitives of the best trace that are in the ground truth, of the best trace, of the ground truth. */
  matched: number;
  predicted: number;
  actual: number;
  ms: number;
}

export interface InferenceSummary {
  top1Exact: Count;
  /** Ground truth among the first `top` traces. */
  top5Exact: Count;
  top: number;
  /** Per primitive, over the best trace of every drawing (micro-averaged). */
  precision: number;
  recall: number;
  medianMs: number;
  maxMs: number;
}

export function median(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function measureSynthesis(
  drawings: DrawingRecord[],
  options: {
    timeoutMs?: number;
    signal?: AbortSignal;
    allowSkipOnlyLoops?: boolean;
    onItem?: (item: SynthesisItem) => void;
  } = {},
): Promise<{ items: SynthesisItem[]; summary: SynthesisSummary }> {
  const items: SynthesisItem[] = [];
  for (const drawing of drawings) {
    options.signal?.throwIfAborted();
    const result = await synthesize(drawing.primitives, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      allowSkipOnlyLoops: options.allowSkipOnlyLoops,
    });
    const item: SynthesisItem = {
      id: drawing.id,
      primitives: drawing.primitives.length,
      program: printProgram(result.program),
      cost: result.cost,
      referenceCost: drawing.reference?.cost ?? null,
      exact: sameTrace(evaluateProgram(result.program), drawing.primitives),
      optimal: result.optimal,
      ms: Math.round(result.ms),
    };
    items.push(item);
    options.onItem?.(item);
  }
  const withReference = items.filter((item) => item.referenceCost !== null);
  const ms = items.map((item) => item.ms);
  return {
    items,
    summary: {
      exact: { n: items.filter((item) => item.exact).length, of: items.length },
      costLeqReference: {
        n: withReference.filter((item) => item.cost <= (item.referenceCost as number)).length,
        of: withReference.length,
      },
      costBelowReference: {
        n: withReference.filter((item) => item.cost < (item.referenceCost as number)).length,
        of: withReference.length,
      },
      timeouts: { n: items.filter((item) => !item.optimal).length, of: items.length },
      medianMs: Math.round(median(ms)),
      maxMs: Math.max(0, ...ms),
    },
  };
}

export async function measureInference(
  drawings: DrawingRecord[],
  infer: InferFunction,
  options: { top?: number; signal?: AbortSignal; onItem?: (item: InferenceItem) => void } = {},
): Promise<{ items: InferenceItem[]; summary: InferenceSummary }> {
  const top = options.top ?? 5;
  const items: InferenceItem[] = [];
  for (const drawing of drawings) {
    options.signal?.throwIfAborted();
    const result = await infer(drawing.imagePath, { top, signal: options.signal });
    const truth = new Set(drawing.primitives.map(primitiveKey));
    const best = new Set((result.traces[0]?.primitives ?? []).map(primitiveKey));
    const item: InferenceItem = {
      id: drawing.id,
      top1Exact: result.traces.length > 0 && sameTrace(result.traces[0].primitives, drawing.primitives),
      topKExact: result.traces.slice(0, top).some((t) => sameTrace(t.primitives, drawing.primitives)),
      matched: [...best].filter((k) => truth.has(k)).length,
      predicted: best.size,
      actual: truth.size,
      ms: Math.round(result.ms),
    };
    items.push(item);
    options.onItem?.(item);
  }
  const matched = items.reduce((sum, item) => sum + item.matched, 0);
  const predicted = items.reduce((sum, item) => sum + item.predicted, 0);
  const actual = items.reduce((sum, item) => sum + item.actual, 0);
  const ms = items.map((item) => item.ms);
  return {
    items,
    summary: {
      top1Exact: { n: items.filter((item) => item.top1Exact).length, of: items.length },
      top5Exact: { n: items.filter((item) => item.topKExact).length, of: items.length },
      top,
      precision: predicted === 0 ? 0 : matched / predicted,
      recall: actual === 0 ? 0 : matched / actual,
      medianMs: Math.round(median(ms)),
      maxMs: Math.max(0, ...ms),
    },
  };
}

export function formatCount(count: Count): string {
  const percent = count.of === 0 ? 0 : (100 * count.n) / count.of;
  return `${count.n}/${count.of} (${percent.toFixed(0)}%)`;
}
