// Per-item benchmark records (one results.jsonl line each) and their summary, as in PandasPlotBench.
//
// Rules (PandasPlotBench, JetBrains-Research/PandasPlotBench `plotting_benchmark/vis_judge.py`):
// - an item without a plot, or whose code does not use the requested library, scores 0 (visual and
//   task; we apply the same rule to the pixel score so the three stay comparable);
// - "good" is the share of scores >= 75 (`np.sum(scores >= 75) / n`);
// - incorrect code is the share of responses that produced no plot; errors are counted separately.
// Where we differ on purpose: a judge error is excluded from the means and counted (the reference
// fills it with 0), and means are rounded, not truncated with int().
// Every item × repeat has exactly one record; a run that failed says at which stage (docs/benchmark.md):
// generation and execution failures are the model's and score 0; a rendering failure (our Plotly →
// PNG path) is ours, so it is left out of the means and of incorrect code, and counted; a judging
// failure is left out of the means of the scores it lost, and counted.
import { readFile } from 'node:fs/promises';
import * as aq from 'arquero';
import { z } from 'zod';
import { correlate, type Correlation } from './correlation.js';
import { positionBias, type PositionBias } from './positionCheck.js';

const { op } = aq;

export const GOOD_SCORE = 75;
/** Decimal places of the reported numbers. */
export const PRECISION = { mean: 1, std: 1, goodRatio: 2, pct: 1, seconds: 1 } as const;

export type ScoreKind = 'visual' | 'task' | 'pixel';
export const SCORE_KINDS: readonly ScoreKind[] = ['visual', 'task', 'pixel'];

const tokenCountsSchema = z.object({ promptTokens: z.number().nonnegative(), completionTokens: z.number().nonnegative() });

const score = z.number().min(0).max(100).nullable();

/** One item's structure scores (benchmark/structureScore.ts), as results.jsonl stores them. */
const structureScoresSchema = z.object({
  chartType: score,
  layout: score,
  text: score,
  data: score,
  color: score,
  combined: score,
  skipped: z.array(z.string()),
});

const judgeRepeatSchema = z.object({ scores: z.array(score), mean: score, stdev: z.number().nonnegative().nullable(), range: z.number().nonnegative().nullable() });

/** The structure parts a summary reports: each part and their combination. */
export const STRUCTURE_SUMMARY_PARTS = ['chartType', 'layout', 'text', 'data', 'color', 'combined'] as const;
export type StructureSummaryPart = (typeof STRUCTURE_SUMMARY_PARTS)[number];

export type FailureStage = 'generation' | 'execution' | 'rendering' | 'judging';
export const FAILURE_STAGES: readonly FailureStage[] = ['generation', 'execution', 'rendering', 'judging'];
const failureSchema = z.object({ stage: z.enum(['generation', 'execution', 'rendering', 'judging']), reason: z.string() });
export type RunFailure = z.infer<typeof failureSchema>;

export const itemRecordSchema = z.object({
  id: z.number().int(),
  /** 0-based repetition of the same item in one run. */
  repeat: z.number().int().nonnegative(),
  library: z.string(),
  /** The extracted code that was run ('' when the answer had none). */
  code: z.string(),
  hasPlot: z.boolean(),
  /** The exception the code raised (null when it ran cleanly; it may still have drawn a plot). */
  error: z.string().nullable(),
  wrongLibrary: z.boolean(),
  timings: z.object({
    generateMs: z.number().nonnegative(),
    executeMs: z.number().nonnegative().nullable(),
    judgeMs: z.number().nonnegative().nullable(),
  }),
  usage: z.object({ generate: tokenCountsSchema, judge: tokenCountsSchema.nullable() }),
  /** null: not judged (no plot, judge skipped or disabled) or a judge error (see judgeErrors). */
  scores: z.object({
    visual: score,
    task: score,
    pixel: score,
    /** Items with a ground truth code_plot only; null when it could not be computed (structureError). */
    structure: structureScoresSchema.nullable().optional(),
  }),
  /** With --judge-repeats R > 1: each repeat's score (null when it failed) and their spread; the score above is their mean. */
  judgeRepeats: z
    .object({ visual: judgeRepeatSchema.optional(), task: judgeRepeatSchema.optional() })
    .optional(),
  /** With --position-check: the visual judge asked again with the generated chart first. */
  positionCheck: z
    .object({ swapped: score, usual: score, difference: z.number().nullable(), error: z.string().optional() })
    .optional(),
  /** Why the structure scores of an item with a code_plot could not be computed. */
  structureError: z.string().nullable().optional(),
  /** Final judge failures after retries, e.g. an answer with no parsable score. */
  judgeErrors: z.array(z.object({ score: z.enum(['visual', 'task']), message: z.string() })),
  /** 'failed' with `failure` set, else 'ok' (a plot that was judged, possibly drawn with the wrong library). Absent in old records. */
  outcome: z.enum(['ok', 'failed']).optional(),
  failure: failureSchema.nullable().optional(),
  /** Every model answer of this run came from the response cache (its time is not a model's time). */
  cached: z.boolean().optional(),
  /** Per attempt (0 = first answer, then repairs): null when it drew a plot, else its error type. */
  attemptErrors: z.array(z.string().nullable()).optional(),
  /** What the visual self-check did (runs with --visual-check whose plot rendered). */
  visualCheck: z.enum(['accepted', 'corrected', 'correction-failed', 'unclear', 'unsupported', 'skipped']).optional(),
});

export type ItemRecord = z.infer<typeof itemRecordSchema>;
export type JudgeError = ItemRecord['judgeErrors'][number];

export interface SummaryMeta {
  model: string;
  taskVariant: string;
  descriptor: string;
  /** Defaults to the records' library (they must agree). */
  library?: string;
  /** Visual self-check rounds (0 or unset: off). */
  visualCheck?: number;
}

export interface ScoreStats {
  /** Mean over items, 0–100; null when no item has this score. */
  mean: number | null;
  /** Share (0–1) of scores >= 75. */
  goodRatio: number | null;
  /** Population standard deviation over items. */
  std: number | null;
}

export type FailureCounts = Record<FailureStage, number>;

export interface StructureSummary {
  /** Per part, over the items with structure scores (repeats averaged per item first). */
  parts: Record<StructureSummaryPart, ScoreStats & { n: number }>;
  /** Item × repeat runs whose structure scores could not be computed (left out of the means). */
  errors: number;
  /** Why parts were skipped, with how many runs skipped them. */
  skipped: Record<string, number>;
  /** Each part against each judge score, over the item × repeat runs that have both. */
  judgeCorrelation?: Array<Correlation & { part: StructureSummaryPart; judge: 'visual' | 'task' }>;
}

export interface SelfDebugStats {
  /** Share (0–100) of item×repeat runs with a plot after attempt 0, 1, …, N. */
  passAfterAttempt: number[];
  /** Error types of the first answers that drew no plot, with counts. */
  errorsBefore: Record<string, number>;
  /** Error types left after the last repair, with counts. */
  errorsAfter: Record<string, number>;
}

export interface Summary {
  /** Item × repeat records. */
  items: number;
  repeats: number;
  library: string;
  taskVariant: string;
  descriptor: string;
  model: string;
  /** The visual self-check mode: 'off', 'on', or 'on (N rounds)'. Absent in summaries made before it existed ('off'). */
  visualCheck?: string;
  /** With the visual check on: how many runs got each verdict (accepted, corrected, ...). */
  visualChecks?: Record<string, number>;
  /** Share (0–100) of item×repeat runs that produced no plot. */
  incorrectCodePct: number;
  /** Share (0–100) of item×repeat runs whose code raised. */
  errorPct: number;
  wrongLibrary: number;
  /** Mean generation time per item×repeat whose answers came from the model (not the cache), seconds; null if none did. */
  timePerItemS: number | null;
  /** Item×repeat runs answered from the response cache. */
  cachedRuns?: number;
  /** Failed runs by stage. */
  failures?: FailureCounts;
  /** Pass rate by attempt and error types before and after repair (with self-debug). */
  selfDebug?: SelfDebugStats;
  visual: ScoreStats;
  task: ScoreStats;
  pixel: ScoreStats;
  judgeErrors: number;
  /** Deterministic structure scores, when the items carry a ground truth code_plot. */
  structure?: StructureSummary;
  /** With --position-check: how much swapping the images moved the visual score. */
  positionBias?: PositionBias;
  /** With --judge-repeats: per judge, the mean over runs of each run's spread of repeated scores. */
  judgeSpread?: Partial<Record<'visual' | 'task', JudgeSpreadStats>>;
}

export interface JudgeSpreadStats {
  /** Runs with at least two parsed repeat scores. */
  n: number;
  /** Mean of the runs' population standard deviations. */
  meanStdev: number;
  /** Mean of the runs' max − min. */
  meanRange: number;
}

/** Undefined when no run was judged more than once. */
export function judgeSpreadSummary(records: readonly ItemRecord[]): Summary['judgeSpread'] {
  const result: NonNullable<Summary['judgeSpread']> = {};
  for (const kind of ['visual', 'task'] as const) {
    const spreads = records.flatMap((r) => {
      const repeat = r.judgeRepeats?.[kind];
      const parsed = repeat?.scores.filter((v) => v !== null).length ?? 0;
      return repeat && parsed >= 2 && repeat.stdev !== null && repeat.range !== null ? [{ stdev: repeat.stdev, range: repeat.range }] : [];
    });
    if (spreads.length > 0) {
      const mean = (values: number[]) => roundTo(values.reduce((s, v) => s + v, 0) / values.length, PRECISION.std);
      result[kind] = { n: spreads.length, meanStdev: mean(spreads.map((x) => x.stdev)), meanRange: mean(spreads.map((x) => x.range)) };
    }
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Half-up rounding to `digits` decimals that is exact on decimal ties (1.005 -> 1.01). */
export function roundTo(value: number, digits: number): number {
  if (!Number.isFinite(value)) {
    return value;
  }
  const shifted = Math.round(Number(`${value}e${digits}`));
  return Number(`${shifted}e-${digits}`);
}

/** The score that counts for the mean: 0 without a plot or with the wrong library, null if missing. */
export function effectiveScore(record: ItemRecord, kind: ScoreKind): number | null {
  if (record.failure?.stage === 'rendering') {
    return null;
  }
  if (!record.hasPlot || record.wrongLibrary) {
    return 0;
  }
  return record.scores[kind];
}

/**
 * The structure score that counts: 0 on every part without a plot or with the wrong library (as the
 * judge scores); null when the item has none, it could not be computed, or the part was skipped.
 */
export function effectiveStructure(record: ItemRecord, part: StructureSummaryPart): number | null {
  const structure = record.scores.structure;
  if (!structure) {
    return null;
  }
  if (!record.hasPlot || record.wrongLibrary) {
    return 0;
  }
  return structure[part];
}

/**
 * Mean, std and good ratio over items of a per-record value: each item's repeats are averaged first
 * (as summarize does), nulls left out.
 */
export function statsOverItems(records: readonly ItemRecord[], value: (record: ItemRecord) => number | null): ScoreStats & { n: number } {
  const byItem = new Map<number, { sum: number; good: number; count: number }>();
  for (const r of records) {
    const v = value(r);
    if (v === null) {
      continue;
    }
    const entry = byItem.get(r.id) ?? { sum: 0, good: 0, count: 0 };
    entry.sum += v;
    entry.good += v >= GOOD_SCORE ? 1 : 0;
    entry.count++;
    byItem.set(r.id, entry);
  }
  const means = [...byItem.values()].map((e) => e.sum / e.count);
  const goods = [...byItem.values()].map((e) => e.good / e.count);
  const n = means.length;
  if (n === 0) {
    return { mean: null, goodRatio: null, std: null, n: 0 };
  }
  const mean = means.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(means.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return {
    mean: roundTo(mean, PRECISION.mean),
    goodRatio: roundTo(goods.reduce((s, v) => s + v, 0) / n, PRECISION.goodRatio),
    std: roundTo(std, PRECISION.std),
    n,
  };
}

/** The structure part of a summary; undefined when no record carries structure scores or their error. */
export function structureSummary(records: readonly ItemRecord[]): StructureSummary | undefined {
  const withStructure = records.filter((r) => r.scores.structure !== undefined || (r.structureError ?? null) !== null);
  if (withStructure.length === 0) {
    return undefined;
  }
  const skipped: Record<string, number> = {};
  for (const r of withStructure) {
    for (const reason of r.scores.structure?.skipped ?? []) {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    }
  }
  return {
    parts: Object.fromEntries(STRUCTURE_SUMMARY_PARTS.map((part) => [part, statsOverItems(withStructure, (r) => effectiveStructure(r, part))])) as StructureSummary['parts'],
    errors: withStructure.filter((r) => !r.scores.structure && r.structureError).length,
    skipped,
    ...withDefined('judgeCorrelation', structureJudgeCorrelation(withStructure)),
  };
}

/** Undefined when no run has a judge score beside its structure scores. */
function structureJudgeCorrelation(records: readonly ItemRecord[]): StructureSummary['judgeCorrelation'] {
  const judges = (['visual', 'task'] as const).filter((judge) => records.some((r) => r.scores[judge] !== null));
  if (judges.length === 0) {
    return undefined;
  }
  return judges.flatMap((judge) =>
    STRUCTURE_SUMMARY_PARTS.map((part) => {
      const pairs = records.flatMap((r) => {
        const structure = effectiveStructure(r, part);
        const judged = effectiveScore(r, judge);
        return structure === null || judged === null ? [] : [[structure, judged] as const];
      });
      return { part, judge, ...correlate(pairs) };
    }),
  );
}

/** Later lines win when the same (id, repeat) was written twice, e.g. by a resumed run. */
function latestRecords(records: readonly ItemRecord[]): ItemRecord[] {
  const byKey = new Map<string, ItemRecord>();
  for (const r of records) {
    const key = `${r.id}\u0000${r.repeat}`;
    byKey.delete(key);
    byKey.set(key, r);
  }
  return [...byKey.values()];
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Summary of one run (one model × library × task variant × descriptor).
 * With repeats, each item's scores are averaged over its repeats first, so every item weighs the
 * same; mean and std are then taken over items, and goodRatio is the mean over items of the share
 * of an item's repeats scoring >= 75 (with one repeat this is exactly the paper's "good").
 */
export function summarize(records: readonly ItemRecord[], meta: SummaryMeta): Summary {
  const rows = latestRecords(records);
  const libraries = [...new Set(rows.map((r) => r.library))];
  if (meta.library === undefined && libraries.length > 1) {
    throw new Error(`records mix libraries (${libraries.join(', ')}): summarize one library at a time`);
  }
  const library = meta.library ?? libraries[0] ?? '';

  const col = <T>(f: (r: ItemRecord) => T): T[] => rows.map(f);
  const columns: Record<string, unknown[]> = {
    id: col((r) => r.id),
    noPlot: col((r) => (r.hasPlot || r.failure?.stage === 'rendering' ? 0 : 1)),
    raised: col((r) => (r.error !== null && r.error.trim() !== '' ? 1 : 0)),
    wrongLibrary: col((r) => (r.wrongLibrary ? 1 : 0)),
    generateS: col((r) => (r.cached ? null : r.timings.generateMs / 1000)),
    judgeErrors: col((r) => r.judgeErrors.length),
  };
  // A score nobody produced (visual on a dataset without ground truth, a judge left out) is "not
  // measured" for the whole run: failed items must not turn it into a mean of zeros.
  const measured = (kind: ScoreKind) =>
    rows.some((r) => r.scores[kind] !== null || r.judgeErrors.some((e) => e.score === kind));
  for (const kind of SCORE_KINDS) {
    columns[kind] = col((r) => (measured(kind) ? effectiveScore(r, kind) : null));
    columns[`${kind}Good`] = col((r) => {
      const s = measured(kind) ? effectiveScore(r, kind) : null;
      return s === null ? null : s >= GOOD_SCORE ? 1 : 0;
    });
  }
  const table = aq.table(columns);

  const runs = table
    .rollup({
      n: op.count(),
      items: op.distinct('id'),
      noPlot: op.mean('noPlot'),
      raised: op.mean('raised'),
      wrongLibrary: op.sum('wrongLibrary'),
      generateS: op.mean('generateS'),
      judgeErrors: op.sum('judgeErrors'),
    })
    .object() as Record<string, unknown>;

  const perItem = table.groupby('id').rollup({
    repeats: op.count(),
    visual: op.mean('visual'),
    visualGood: op.mean('visualGood'),
    task: op.mean('task'),
    taskGood: op.mean('taskGood'),
    pixel: op.mean('pixel'),
    pixelGood: op.mean('pixelGood'),
  });

  const stats = (kind: ScoreKind): ScoreStats => {
    const agg = perItem
      .rollup({
        n: op.valid(kind),
        mean: op.mean(kind),
        std: op.stdevp(kind),
        good: op.mean(`${kind}Good`),
      })
      .object() as Record<string, unknown>;
    const n = finite(agg.n) ?? 0;
    if (n === 0) {
      return { mean: null, goodRatio: null, std: null };
    }
    const mean = finite(agg.mean);
    const good = finite(agg.good);
    // arquero leaves the deviation of a single value undefined; it is 0.
    const std = n === 1 ? 0 : finite(agg.std);
    return {
      mean: mean === null ? null : roundTo(mean, PRECISION.mean),
      goodRatio: good === null ? null : roundTo(good, PRECISION.goodRatio),
      std: std === null ? null : roundTo(std, PRECISION.std),
    };
  };

  const repeats = rows.length === 0 ? 0 : Math.max(...(perItem.array('repeats') as number[]));
  const n = finite(runs.n) ?? 0;
  return {
    items: n,
    repeats,
    library,
    taskVariant: meta.taskVariant,
    descriptor: meta.descriptor,
    model: meta.model,
    visualCheck: visualCheckMode(meta.visualCheck ?? 0),
    ...((meta.visualCheck ?? 0) > 0 ? { visualChecks: countTypes(rows.map((r) => r.visualCheck)) } : {}),
    incorrectCodePct: n === 0 ? 0 : roundTo(100 * (finite(runs.noPlot) ?? 0), PRECISION.pct),
    errorPct: n === 0 ? 0 : roundTo(100 * (finite(runs.raised) ?? 0), PRECISION.pct),
    wrongLibrary: finite(runs.wrongLibrary) ?? 0,
    timePerItemS: finite(runs.generateS) === null ? null : roundTo(finite(runs.generateS) as number, PRECISION.seconds),
    cachedRuns: rows.filter((r) => r.cached).length,
    failures: failureCounts(rows),
    selfDebug: selfDebugStats(rows),
    visual: stats('visual'),
    task: stats('task'),
    pixel: stats('pixel'),
    judgeErrors: finite(runs.judgeErrors) ?? 0,
    ...withDefined('structure', structureSummary(rows)),
    ...withDefined('judgeSpread', judgeSpreadSummary(rows)),
    ...withDefined('positionBias', positionBias(rows)),
  };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export function visualCheckMode(rounds: number): string {
  return rounds <= 0 ? 'off' : rounds === 1 ? 'on' : `on (${rounds} rounds)`;
}

export function failureCounts(records: readonly ItemRecord[]): FailureCounts {
  const counts: FailureCounts = { generation: 0, execution: 0, rendering: 0, judging: 0 };
  for (const r of records) {
    if (r.failure) {
      counts[r.failure.stage]++;
    }
  }
  return counts;
}

function countTypes(types: ReadonlyArray<string | null | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) {
    if (type) {
      counts[type] = (counts[type] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/**
 * Self-debug as VisCoder reports it: the share of runs with a plot after attempt k counts a run that
 * passed at attempt j <= k; a run that stopped earlier keeps its last state. Runs without attempts
 * (the model request failed) count as not passed.
 */
export function selfDebugStats(records: readonly ItemRecord[]): SelfDebugStats {
  const attempts = Math.max(1, ...records.map((r) => r.attemptErrors?.length ?? 1));
  const n = records.length;
  const passAfterAttempt = Array.from({ length: attempts }, (_, k) => {
    if (n === 0) {
      return 0;
    }
    const passed = records.filter((r) => {
      const errors = r.attemptErrors ?? [r.hasPlot ? null : 'no plot'];
      const first = errors.findIndex((e) => e === null);
      return first >= 0 && first <= k;
    }).length;
    return roundTo((100 * passed) / n, PRECISION.pct);
  });
  return {
    passAfterAttempt,
    errorsBefore: countTypes(records.map((r) => r.attemptErrors?.[0])),
    errorsAfter: countTypes(records.map((r) => (r.attemptErrors && r.attemptErrors.length > 0 ? r.attemptErrors[r.attemptErrors.length - 1] : undefined))),
  };
}

// ---------------------------------------------------------------------------------------------
// results.jsonl

export interface ResultsLineError {
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface ReadResults {
  records: ItemRecord[];
  /** Lines that are not valid JSON or not a valid record (skipped). */
  errors: ResultsLineError[];
  /** Set when the last line is cut off, as a crash mid-write leaves it; that line is skipped. */
  truncatedLastLine: { line: number; text: string } | null;
}

/** Reads results.jsonl; a cut-off last line is reported, not fatal. A missing file throws. */
export async function readResults(path: string): Promise<ReadResults> {
  return parseResults(await readFile(path, 'utf8'));
}

export function parseResults(text: string): ReadResults {
  const lines = text.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') {
    last--;
  }
  const records: ItemRecord[] = [];
  const errors: ResultsLineError[] = [];
  let truncatedLastLine: ReadResults['truncatedLastLine'] = null;
  for (let i = 0; i <= last; i++) {
    const text = lines[i];
    if (text.trim() === '') {
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (i === last) {
        truncatedLastLine = { line: i + 1, text: text.length > 120 ? `${text.slice(0, 120)}…` : text };
      } else {
        errors.push({ line: i + 1, message: `invalid JSON (${(e as Error).message})` });
      }
      continue;
    }
    const parsed = itemRecordSchema.safeParse(value);
    if (parsed.success) {
      records.push(parsed.data);
    } else {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`)
        .join('; ');
      errors.push({ line: i + 1, message: `not a result record (${detail})` });
    }
  }
  return { records, errors, truncatedLastLine };
}
