// The PandasPlotBench runner shared by the CLI (`plotwright bench`) and the VS Code palette command.
// It only wires the pieces and reports progress: the sampler (generation + execution,
// benchmark/sampler.ts), the grader (judges and scores, grader.ts), the result store (records,
// resume check, summary, result-store.ts) and the kernel pool (kernelPool.ts). `concurrency` bounds
// the model requests in flight (sampler and judge share it, backing off on 429); `kernels` bounds the
// code running at once. Every item × repeat ends in exactly one record, failures included.
// No vscode import and no console output: callers get progress through `onProgress`.
import { setMaxListeners } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { DescriptorMode } from '../src/core/describe.js';
import { loadPromptTemplates, type PlotLibrary, type PromptTemplates } from '../src/core/prompts.js';
import { PlotlyRenderer, type PlotlyRendererOptions } from '../src/kernel/plotlyRenderer.js';
import { resolvePython } from '../src/kernel/python.js';
import type { ChatModel } from '../src/llm/chatModel.js';
import { LimitedChatModel, RequestLimiter } from '../src/llm/requestLimiter.js';
import { CachingChatModel } from '../src/llm/responseCache.js';
import { SetupError } from '../src/kernel/dataFrameSession.js';
import { loadDataset, type LoadDatasetOptions, type PlotBenchItem, type TaskVariant } from './dataset.js';
import { Grader } from './grader.js';
import { ItemKernel, itemContainment } from './itemKernel.js';
import { PlotJudge, type JudgeKind } from './judge.js';
import { KernelPool } from './kernelPool.js';
import type { FailureStage, ItemRecord, Summary } from './metrics.js';
import { BenchmarkConfigError, datasetHash, ResultStore, writeSummary, type ResultLine, type RunConfig } from './resultStore.js';
import { isFatal, Sampler, type SampleTask } from './sampler.js';
import { shardItems, shardText, type Shard } from './shard.js';

export { BenchmarkConfigError, resultsPath, writeSummary, type RecordExtras, type ResultLine } from './resultStore.js';

export interface BenchmarkOptions {
  /** `hf`, `hf:<owner/name>` or a .parquet/.jsonl/.json path; ignored when `items` is given. */
  dataset: string;
  /** Items already loaded (compare loads once for every cell). */
  items?: PlotBenchItem[];
  datasetOptions?: LoadDatasetOptions;
  ids?: number[];
  limit?: number;
  /** Run only this deterministic share of the items (see shard.ts). */
  shard?: Shard;
  library: PlotLibrary;
  taskVariant: TaskVariant;
  descriptor: DescriptorMode;
  /** The sampler. Wrapped in the response cache here. */
  model: ChatModel;
  /** The grader; undefined (or no judges) means no judge scores. */
  judgeModel?: ChatModel;
  judges: JudgeKind[];
  /** Model requests in flight (generation and judging together). Default 8. */
  concurrency?: number;
  /** Kernels running generated code. Default: the number of CPU cores. */
  kernels?: number;
  /** Runs per item. Default 1. */
  repeats?: number;
  /** Per execution of generated code. Default 60 s. */
  timeoutMs?: number;
  /** Repair rounds after a failed attempt. Default 0. */
  selfDebug?: number;
  /** Visual self-check rounds after a plot renders (the model sees its PNG). Default 0: off. */
  visualCheck?: number;
  outDir: string;
  /** Skip (id, repeat) pairs already in results.jsonl. Without it an existing, non-empty results.jsonl is an error. */
  resume?: boolean;
  /** Response cache folder; null turns the cache off. Default `<outDir>/../.plotwright-cache`. */
  cacheDir?: string | null;
  python?: string;
  /** Address-space limit of each kernel. Default 4096 MB. */
  memoryLimitMb?: number;
  templates?: PromptTemplates;
  /** Per judge request. */
  judgeTimeoutMs?: number;
  /** How Plotly figures become PNG (the browser binary); default PLOTWRIGHT_CHROMIUM or /usr/bin/chromium. */
  plotly?: PlotlyRendererOptions;
  /** Makes the execution kernels (default: ItemKernel with the options above). */
  kernelFactory?: (index: number, homeDir: string, python: string) => ItemKernel;
  /** First pause after a 429 (default 1 s). */
  rateLimitBackoffMs?: number;
  /** Times each score is asked of the judge per run (default 1); the record keeps each score and their spread. */
  judgeRepeats?: number;
  /** Share (0–1) of items whose visual judge is also asked with the images in swapped order (default 0). */
  positionCheck?: number;
}

export interface ItemProgress {
  id: number;
  repeat: number;
  hasPlot: boolean;
  wrongLibrary: boolean;
  scores: ItemRecord['scores'];
  judgeErrors: number;
  /** Set for a run that failed: "<stage>: <reason>". */
  failure?: string;
}

export interface BenchmarkProgress {
  /** Finished item×repeat runs, including those skipped because results.jsonl had them. */
  done: number;
  total: number;
  skipped: number;
  /** Runs of this session whose record says they failed (any stage). */
  failed: number;
  elapsedMs: number;
  /** Estimated time left; null until one item finished in this run. */
  etaMs: number | null;
  item?: ItemProgress;
  /** Phase messages ("starting 2 kernels"). */
  message?: string;
}

export interface BenchmarkHooks {
  onProgress?: (progress: BenchmarkProgress) => void;
  signal?: AbortSignal;
}

export interface BenchmarkResult {
  summary: Summary;
  outDir: string;
  cancelled: boolean;
  /** Runs of this session that failed, with the stage and why (each also has its record). */
  failures: Array<{ id: number; repeat: number; stage: FailureStage; message: string }>;
  /** Records written by this run (not counting skipped ones). */
  written: number;
  /** 429 answers the request limiter backed off from. */
  rateLimited: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MEMORY_LIMIT_MB = 4096;
export const DEFAULT_CONCURRENCY = 8;

/**
 * How many item runs are under way at once. A run waits on the model twice (its answer, the judge's)
 * with a kernel in between; were runs bounded by the requests allowed in flight, every run waiting
 * for a kernel would leave a request slot idle. Twice the requests, plus one run per kernel, keeps
 * the model busy while runs wait for kernels, and the kernels busy while runs wait for the model.
 */
export function runsInProgress(concurrency: number, kernels: number): number {
  return 2 * Math.max(1, concurrency) + Math.max(1, kernels);
}

/**
 * Kernels booting at once: a boot keeps about two cores busy (the kernel importing pandas and
 * Matplotlib, its bridge importing zmq), so more at once only delays the first kernel the run needs.
 */
export function kernelBootsAtOnce(): number {
  return Math.max(1, Math.floor(cpus().length / 2));
}

export function defaultKernels(): number {
  return Math.max(1, cpus().length);
}

export function defaultCacheDir(outDir: string): string {
  return join(resolve(outDir), '..', '.plotwright-cache');
}

/** Items of the run, in dataset order: `ids` picks and orders nothing, it filters; then `limit`. */
export function selectItems(items: readonly PlotBenchItem[], ids?: number[], limit?: number): PlotBenchItem[] {
  let picked = [...items];
  if (ids && ids.length > 0) {
    const wanted = new Set(ids);
    const missing = ids.filter((id) => !items.some((item) => item.id === id));
    if (missing.length > 0) {
      throw new BenchmarkConfigError(`ids not in the dataset: ${missing.join(', ')}`);
    }
    picked = picked.filter((item) => wanted.has(item.id));
  }
  if (limit !== undefined) {
    picked = picked.slice(0, limit);
  }
  return picked;
}

/** What decides the numbers of a run (run.json); resume and merge compare it. */
export function runConfigOf(options: BenchmarkOptions, selected: readonly PlotBenchItem[], templates: PromptTemplates): RunConfig {
  const judges = options.judgeModel ? [...new Set(options.judges)] : [];
  return {
    dataset: options.items ? '(items given)' : options.dataset,
    datasetHash: datasetHash(selected),
    itemIds: selected.map((item) => item.id),
    library: options.library,
    taskVariant: options.taskVariant,
    descriptor: options.descriptor,
    model: options.model.model,
    endpoint: options.model.endpoint ?? null,
    judgeModel: judges.length > 0 ? (options.judgeModel?.model ?? null) : null,
    judgeEndpoint: judges.length > 0 ? (options.judgeModel?.endpoint ?? null) : null,
    judges,
    selfDebug: options.selfDebug ?? 0,
    visualCheck: options.visualCheck ?? 0,
    timeoutS: (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000,
    judgeTimeoutS: options.judgeTimeoutMs === undefined ? null : options.judgeTimeoutMs / 1000,
    promptVersion: templates.version,
    repeats: Math.max(1, Math.floor(options.repeats ?? 1)),
    shard: shardText(options.shard),
    ...(judges.length > 0 && judgeRepeatsOf(options) > 1 ? { judgeRepeats: judgeRepeatsOf(options) } : {}),
    ...(judges.includes('visual') && (options.positionCheck ?? 0) > 0 ? { positionCheck: options.positionCheck } : {}),
  };
}

export function judgeRepeatsOf(options: Pick<BenchmarkOptions, 'judgeRepeats'>): number {
  return Math.max(1, Math.floor(options.judgeRepeats ?? 1));
}

export async function runBenchmark(options: BenchmarkOptions, hooks: BenchmarkHooks = {}): Promise<BenchmarkResult> {
  const signal = hooks.signal;
  const started = performance.now();
  const outDir = resolve(options.outDir);
  const repeats = Math.max(1, Math.floor(options.repeats ?? 1));
  const templates = options.templates ?? loadPromptTemplates();
  const dataset = options.items ?? (await loadDataset(options.dataset, { ...options.datasetOptions, signal })).items;
  const selected = selectItems(dataset, options.ids, options.limit);
  const items = shardItems(selected, options.shard);
  const config = runConfigOf(options, selected, templates);
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir(outDir) : options.cacheDir;
  // Item code must not see the results or the response cache; kept out of RunConfig, so --resume does not compare it.
  const hidePaths = [outDir, ...(cacheDir === null ? [] : [cacheDir])];
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const containment = itemContainment({ hidePaths, memoryLimitMb });
  const store = await ResultStore.open(outDir, config, options.resume ?? false, { containment });

  const tasks: SampleTask[] = items.flatMap((item) => Array.from({ length: repeats }, (_, repeat) => ({ item, repeat }))).filter((t) => !store.has(t.item.id, t.repeat));
  const total = items.length * repeats;
  const skipped = total - tasks.length;
  const failures: BenchmarkResult['failures'] = [];
  let written = 0;
  const report = (progress: Omit<BenchmarkProgress, 'elapsedMs' | 'total' | 'skipped' | 'failed' | 'done' | 'etaMs'> = {}): void => {
    const finished = written;
    const elapsed = performance.now() - started;
    hooks.onProgress?.({
      done: skipped + finished,
      total,
      skipped,
      failed: failures.length,
      elapsedMs: elapsed,
      etaMs: finished > 0 ? (elapsed / finished) * (tasks.length - finished) : null,
      ...progress,
    });
  };

  // Stops everything on a fatal error (wrong key, unreachable model, no kernel) as well as on the caller's signal.
  const stop = new AbortController();
  // Every item in flight waits on it (for a kernel, a model slot, a 429 pause): more than node's default 10 listeners.
  setMaxListeners(0, stop.signal);
  let fatal: Error | undefined;
  const onAbort = (): void => stop.abort(signal?.reason instanceof Error ? signal.reason : new Error('Cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) {
    onAbort();
  }

  const limiter = new RequestLimiter({ maxInFlight: options.concurrency ?? DEFAULT_CONCURRENCY, ...(options.rateLimitBackoffMs ? { backoffMs: options.rateLimitBackoffMs } : {}) });
  const cached = (model: ChatModel, promptVersion: string): ChatModel => {
    const limited = new LimitedChatModel(model, limiter);
    return cacheDir === null ? limited : new CachingChatModel(limited, { dir: cacheDir, promptVersion });
  };
  // One cache namespace per repeat, so repeats are separate samples yet each is reproducible.
  const models = Array.from({ length: repeats }, (_, repeat) => cached(options.model, repeat === 0 ? templates.version : `${templates.version}/repeat-${repeat}`));
  // One judge per judge repeat; repeats after the first get their own cache namespace, so the cache
  // answers a rerun with the same R scores instead of collapsing them into one.
  const judgeModel = options.judgeModel;
  const judgePanel =
    judgeModel && config.judges.length > 0
      ? Array.from(
          { length: config.judgeRepeats ?? 1 },
          (_, repeat) =>
            new PlotJudge(
              cached(judgeModel, repeat === 0 ? templates.version : `${templates.version}/judge-repeat-${repeat}`),
              templates,
              options.judgeTimeoutMs === undefined ? {} : { timeoutMs: options.judgeTimeoutMs },
            ),
        )
      : [];
  const judge = judgePanel[0];
  const renderer = new PlotlyRenderer(options.plotly);
  // Items run in a temporary folder outside the results and cache folders, removed at the end.
  const homeDir = mkdtempSync(join(tmpdir(), 'plotwright-items-'));
  let pool: KernelPool<ItemKernel> | undefined;

  try {
    if (tasks.length > 0 && !stop.signal.aborted) {
      const resolving = resolvePython(options.python ? { explicit: options.python } : {});
      resolving.catch(() => undefined);
      const kernelCount = Math.max(1, Math.min(options.kernels ?? defaultKernels(), tasks.length));
      const workers = Math.min(runsInProgress(limiter.maxInFlight, kernelCount), tasks.length);
      report({ message: `starting ${kernelCount} kernel(s), ${limiter.maxInFlight} model request(s) in flight, ${workers} run(s) in progress${containment.fallback ? ` (not fully contained: ${containment.fallback})` : ''}` });
      // Kernels boot (seconds) while the interpreter's package versions are read.
      const python = options.python ?? (await resolving).path;
      const factory =
        options.kernelFactory ??
        ((_index: number, home: string, path: string) => new ItemKernel({ root: home, hidePaths, python: path, memoryLimitMb }));
      pool = new KernelPool(kernelCount, (index) => factory(index, homeDir, python), (error) => error instanceof SetupError, kernelBootsAtOnce());
      pool.start();
      const versions = Object.fromEntries(Object.entries((await resolving).versions));
      if (options.library === 'plotly') {
        renderer.warmUp().catch(() => undefined);
      }
      const sampler = new Sampler({ ...options, templates, models, pool, renderer, homeDir, versions, selfDebug: options.selfDebug ?? 0, visualCheck: options.visualCheck ?? 0, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
      const grader = new Grader({ library: options.library, judge, judges: config.judges as JudgeKind[], outDir, repeatJudges: judgePanel.slice(1), positionCheck: config.positionCheck ?? 0 });

      const runOne = async (task: SampleTask): Promise<void> => {
        const sample = await sampler.sample(task, stop.signal);
        const record = await grader.grade(task, sample, stop.signal);
        if (stop.signal.aborted) {
          return;
        }
        store.append(record);
        written++;
        if (record.failure) {
          failures.push({ id: task.item.id, repeat: task.repeat, stage: record.failure.stage, message: record.failure.reason });
        }
        report({ item: itemProgress(record) });
      };
      const queue = [...tasks];
      const worker = async (): Promise<void> => {
        for (let task = queue.shift(); task && !stop.signal.aborted; task = queue.shift()) {
          try {
            await runOne(task);
          } catch (error) {
            if (stop.signal.aborted) {
              // Cancelled mid-item: no record, --resume reruns it.
              return;
            }
            // isFatal errors stop the run; anything else here is a bug the records would hide.
            fatal ??= isFatal(error) ? new Error(runStopMessage(error), { cause: error }) : error instanceof Error ? error : new Error(String(error));
            stop.abort(fatal);
            return;
          }
        }
      };
      await Promise.all(Array.from({ length: workers }, () => worker()));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    store.close();
    await Promise.all([pool?.dispose(), renderer.close().catch(() => undefined)]);
    rmSync(homeDir, { recursive: true, force: true });
  }

  const summary = await writeSummary(outDir, { model: options.model.model, taskVariant: options.taskVariant, descriptor: options.descriptor, library: options.library, visualCheck: options.visualCheck ?? 0 }, items, repeats);
  if (fatal) {
    throw fatal;
  }
  return { summary, outDir, cancelled: Boolean(signal?.aborted), failures, written, rateLimited: limiter.rateLimited };
}

function runStopMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof Error && error.name === 'LlmError' ? `the model request failed: ${message}` : message;
}

function itemProgress(record: ResultLine): ItemProgress {
  return {
    id: record.id,
    repeat: record.repeat,
    hasPlot: record.hasPlot,
    wrongLibrary: record.wrongLibrary,
    scores: record.scores,
    judgeErrors: record.judgeErrors.length,
    ...(record.failure ? { failure: `${record.failure.stage}: ${record.failure.reason}` } : {}),
  };
}
