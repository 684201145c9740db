// The PandasPlotBench runner shared by the CLI (`plotwright bench`) and the VS Code palette command:
// per item and repeat it writes the item's data into its own folder, loads `df` with the item's
// code_data in a clean warm kernel, asks the model (sampler), runs and optionally repairs the code,
// captures the plot as PNG, checks the library, and has the judge (grader) score it. One record per
// item and repeat is appended to results.jsonl as soon as it is finished, so a crash loses nothing.
// No vscode import and no console output: callers get progress through `onProgress`.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDescription, type DescriptorMode } from '../src/core/describe.js';
import { generatePlot, type PlotOutcome } from '../src/core/plotEngine.js';
import { loadPromptTemplates, type PlotLibrary, type PromptTemplates } from '../src/core/prompts.js';
import { SetupError } from '../src/kernel/dataFrameSession.js';
import { imageOutputs, plotlyOutputs } from '../src/kernel/kernel.js';
import { PlotlyRenderer, type PlotlyRendererOptions } from '../src/kernel/plotlyRenderer.js';
import { resolvePython } from '../src/kernel/python.js';
import type { ChatModel, TokenUsage } from '../src/llm/chatModel.js';
import { LlmError } from '../src/llm/errors.js';
import { CachingChatModel } from '../src/llm/responseCache.js';
import { loadDataset, taskText, type LoadDatasetOptions, type PlotBenchItem, type TaskVariant } from './dataset.js';
import { ItemKernel, itemContainment, ItemSession } from './itemKernel.js';
import { PlotJudge, type JudgeKind, type JudgeVerdict } from './judge.js';
import { readResults, summarize, type ItemRecord, type JudgeError, type Summary } from './metrics.js';
import { pixelScore } from './pixelScore.js';
import { summaryMarkdown } from './report.js';

export interface BenchmarkOptions {
  /** `hf`, `hf:<owner/name>` or a .parquet/.jsonl/.json path; ignored when `items` is given. */
  dataset: string;
  /** Items already loaded (compare loads once for every cell). */
  items?: PlotBenchItem[];
  datasetOptions?: LoadDatasetOptions;
  ids?: number[];
  limit?: number;
  library: PlotLibrary;
  taskVariant: TaskVariant;
  descriptor: DescriptorMode;
  /** The sampler. Wrapped in the response cache here. */
  model: ChatModel;
  /** The grader; undefined (or no judges) means no judge scores. */
  judgeModel?: ChatModel;
  judges: JudgeKind[];
  /** Items in flight, each with its own warm kernel. Default 2. */
  concurrency?: number;
  /** Runs per item. Default 1. */
  repeats?: number;
  /** Per execution of generated code. Default 60 s. */
  timeoutMs?: number;
  /** Repair rounds after a failed attempt. Default 0. */
  selfDebug?: number;
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
}

export interface ItemProgress {
  id: number;
  repeat: number;
  hasPlot: boolean;
  wrongLibrary: boolean;
  scores: ItemRecord['scores'];
  judgeErrors: number;
  /** Set for an item that produced no record (it is retried by --resume). */
  failure?: string;
}

export interface BenchmarkProgress {
  /** Finished item×repeat runs, including those skipped because results.jsonl had them. */
  done: number;
  total: number;
  skipped: number;
  /** Runs that ended without a record (model request failed, kernel could not start). */
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
  /** Runs without a record, with why. */
  failures: Array<{ id: number; repeat: number; message: string }>;
  /** Records written by this run (not counting skipped ones). */
  written: number;
}

/** Written next to results.jsonl; --resume refuses to mix runs of different settings. */
interface RunConfig {
  dataset: string;
  library: string;
  taskVariant: string;
  descriptor: string;
  model: string;
  judgeModel: string | null;
  judges: string[];
  selfDebug: number;
  timeoutS: number;
  promptVersion: string;
}

const MATCHED_ON_RESUME: Array<keyof RunConfig> = ['library', 'taskVariant', 'descriptor', 'model'];

/** Extra fields each results.jsonl line carries beyond ItemRecord (readResults drops them). */
export interface RecordExtras {
  /** The task text the model got. */
  task: string;
  attempts: number;
  /** Why there is no plot or score when it was not an exception (no code, no figure, wrong library, render failure). */
  note: string | null;
  /** `plots/<id>-<repeat>.png`, relative to the results folder. */
  plot: string | null;
  judgeAnswers: Partial<Record<JudgeKind, string>>;
}

export type ResultLine = ItemRecord & Partial<RecordExtras>;

export class BenchmarkConfigError extends Error {}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MEMORY_LIMIT_MB = 4096;
const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

export function resultsPath(outDir: string): string {
  return join(outDir, 'results.jsonl');
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

/** Appends one JSON line per record with a single write each, and syncs it to disk. */
class ResultsWriter {
  private readonly fd: number;

  constructor(path: string) {
    repairTail(path);
    this.fd = openSync(path, 'a');
  }

  append(line: ResultLine): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A kill in the middle of a write leaves a cut-off last line: drop it so the next append starts a line. */
function repairTail(path: string): void {
  if (!existsSync(path)) {
    return;
  }
  const text = readFileSync(path, 'utf8');
  if (text === '' || text.endsWith('\n')) {
    return;
  }
  truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8'));
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Task {
  item: PlotBenchItem;
  repeat: number;
}

export async function runBenchmark(options: BenchmarkOptions, hooks: BenchmarkHooks = {}): Promise<BenchmarkResult> {
  const signal = hooks.signal;
  const started = performance.now();
  const outDir = resolve(options.outDir);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const repeats = Math.max(1, Math.floor(options.repeats ?? 1));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const selfDebug = options.selfDebug ?? 0;
  const templates = options.templates ?? loadPromptTemplates();
  const judges = options.judgeModel ? [...new Set(options.judges)] : [];
  const report = (progress: Omit<BenchmarkProgress, 'elapsedMs'>): void => {
    hooks.onProgress?.({ ...progress, elapsedMs: performance.now() - started });
  };

  const dataset = options.items ?? (await loadDataset(options.dataset, { ...options.datasetOptions, signal })).items;
  const items = selectItems(dataset, options.ids, options.limit);

  mkdirSync(join(outDir, 'plots'), { recursive: true });
  mkdirSync(join(outDir, 'gt'), { recursive: true });
  const results = resultsPath(outDir);
  const config: RunConfig = {
    dataset: options.items ? '(items given)' : options.dataset,
    library: options.library,
    taskVariant: options.taskVariant,
    descriptor: options.descriptor,
    model: options.model.model,
    judgeModel: options.judgeModel?.model ?? null,
    judges,
    selfDebug,
    timeoutS: timeoutMs / 1000,
    promptVersion: templates.version,
  };
  // Decided before the cache folder is: kept out of RunConfig so --resume does not compare it.
  const hidePaths = (cacheDir: string | null): string[] => [outDir, ...(cacheDir === null ? [] : [cacheDir])];
  const existing = existsSync(results) ? await readResults(results) : undefined;
  if (existing && existing.records.length > 0) {
    if (!options.resume) {
      throw new BenchmarkConfigError(
        `${results} already holds ${existing.records.length} record(s): pass --resume to continue that run, or choose another --out`,
      );
    }
    const previous = readRunConfig(outDir);
    const differs = previous ? MATCHED_ON_RESUME.filter((key) => previous[key] !== config[key]) : [];
    if (differs.length > 0) {
      const what = differs.map((key) => `${key} ${JSON.stringify(previous?.[key])} → ${JSON.stringify(config[key])}`).join(', ');
      throw new BenchmarkConfigError(`cannot resume ${outDir} with other settings (${what}): choose another --out`);
    }
  }
  const containment = itemContainment({ hidePaths: hidePaths(options.cacheDir === undefined ? defaultCacheDir(outDir) : options.cacheDir), memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB });
  writeFileSync(join(outDir, 'run.json'), `${JSON.stringify({ ...config, containment, startedAt: new Date().toISOString() }, null, 2)}\n`);

  const doneKeys = new Set((existing?.records ?? []).map((r) => `${r.id}:${r.repeat}`));
  const tasks: Task[] = [];
  for (const item of items) {
    for (let repeat = 0; repeat < repeats; repeat++) {
      if (!doneKeys.has(`${item.id}:${repeat}`)) {
        tasks.push({ item, repeat });
      }
    }
  }
  const total = items.length * repeats;
  const skipped = total - tasks.length;

  // One cache wrapper per repeat, so repeats are separate samples yet each is reproducible.
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir(outDir) : options.cacheDir;
  const samplers = Array.from({ length: repeats }, (_, repeat) =>
    cacheDir === null
      ? options.model
      : new CachingChatModel(options.model, { dir: cacheDir, promptVersion: repeat === 0 ? templates.version : `${templates.version}/repeat-${repeat}` }),
  );
  const judge =
    options.judgeModel && judges.length > 0
      ? new PlotJudge(
          cacheDir === null ? options.judgeModel : new CachingChatModel(options.judgeModel, { dir: cacheDir, promptVersion: templates.version }),
          templates,
          options.judgeTimeoutMs === undefined ? {} : { timeoutMs: options.judgeTimeoutMs },
        )
      : undefined;

  const writer = new ResultsWriter(results);
  const renderer = new PlotlyRenderer(options.plotly);
  const kernels: ItemKernel[] = [];
  const failures: BenchmarkResult['failures'] = [];
  let written = 0;
  let fatal: Error | undefined;
  // Stops the workers on a fatal error (wrong key, unreachable model) as well as on the caller's signal.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal ? abortError(signal) : new Error('Cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) {
    onAbort();
  }

  const progress = (item?: ItemProgress): void => {
    const finished = written + failures.length;
    const left = tasks.length - finished;
    const elapsed = performance.now() - started;
    report({
      done: skipped + finished,
      total,
      skipped,
      failed: failures.length,
      etaMs: finished > 0 ? (elapsed / finished) * left : null,
      ...(item ? { item } : {}),
    });
  };

  try {
    if (tasks.length > 0 && !stop.signal.aborted) {
      const resolving = resolvePython(options.python ? { explicit: options.python } : {});
      resolving.catch(() => undefined);
      const workers = Math.min(concurrency, tasks.length);
      report({ done: skipped, total, skipped, failed: 0, etaMs: null, message: `starting ${workers} kernel(s)${containment.fallback ? ` (not fully contained: ${containment.fallback})` : ''}` });
      // Kernels boot (seconds) while the interpreter's package versions are read.
      const kernelPython = options.python ?? (await resolving).path;
      for (let i = 0; i < workers; i++) {
        const kernel = new ItemKernel({ hidePaths: hidePaths(cacheDir), python: kernelPython, memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB });
        kernel.warmUp().catch(() => undefined);
        kernels.push(kernel);
      }
      const versions = Object.fromEntries(Object.entries((await resolving).versions));
      if (options.library === 'plotly') {
        renderer.warmUp().catch(() => undefined);
      }
      const queue = [...tasks];
      const pendingJudging = new Set<Promise<void>>();

      const finish = (task: Task, record: ResultLine): void => {
        writer.append(record);
        written++;
        progress({
          id: task.item.id,
          repeat: task.repeat,
          hasPlot: record.hasPlot,
          wrongLibrary: record.wrongLibrary,
          scores: record.scores,
          judgeErrors: record.judgeErrors.length,
        });
      };
      const fail = (task: Task, message: string): void => {
        failures.push({ id: task.item.id, repeat: task.repeat, message });
        progress({
          id: task.item.id,
          repeat: task.repeat,
          hasPlot: false,
          wrongLibrary: false,
          scores: { visual: null, task: null, pixel: null },
          judgeErrors: 0,
          failure: message,
        });
      };

      const worker = async (kernel: ItemKernel): Promise<void> => {
        try {
          await kernel.warmUp();
        } catch (error) {
          if (!stop.signal.aborted) {
            fatal ??= new Error(`the Python kernel did not start: ${errorText(error)}`);
            stop.abort(fatal);
          }
          return;
        }
        for (let task = queue.shift(); task && !stop.signal.aborted; task = queue.shift()) {
          let executed: Executed;
          try {
            executed = await executeTask(task, kernel);
          } catch (error) {
            if (stop.signal.aborted) {
              return;
            }
            if (error instanceof LlmError && error.isConfiguration) {
              // The cause keeps the kind (no key, 401, unreachable) for callers that offer a fix.
              fatal ??= new Error(`the model request failed: ${error.message}`, { cause: error });
              stop.abort(fatal);
              return;
            }
            if (!(error instanceof LlmError)) {
              // Whatever broke may be the kernel: the next item gets a new one.
              await kernel.discard();
            }
            fail(task, errorText(error));
            continue;
          }
          if (stop.signal.aborted) {
            // Cancelled mid-item (a terminal's Ctrl-C also reaches the kernel processes): no record, --resume reruns it.
            return;
          }
          // Judging needs no kernel: let the next item use it meanwhile.
          const current = task;
          const judging = scoreTask(current, executed).then(
            (record) => finish(current, record),
            (error: unknown) => {
              if (!stop.signal.aborted) {
                fail(current, `judging failed: ${errorText(error)}`);
              }
            },
          );
          pendingJudging.add(judging);
          void judging.finally(() => pendingJudging.delete(judging));
          while (pendingJudging.size >= concurrency * 2) {
            await Promise.race(pendingJudging);
          }
        }
      };

      interface Executed {
        outcome: PlotOutcome | undefined;
        task: string;
        png?: Buffer;
        note: string | null;
        error: string | null;
      }

      const executeTask = async (task: Task, itemKernel: ItemKernel): Promise<Executed> => {
        const { item, repeat } = task;
        const key = `${item.id}-${repeat}`;
        const cwd = itemKernel.itemFolder(key, { 'data.csv': item.data_csv });
        const prompt = taskText(item, options.taskVariant);
        // Cleaning, the item's code_data and the description all run in one execute, in the item's folder.
        const session = new ItemSession(itemKernel, cwd, item.code_data, options.descriptor);
        let description;
        try {
          description = await session.prepare(stop.signal);
        } catch (error) {
          if (stop.signal.aborted) {
            throw abortError(stop.signal);
          }
          if (!(error instanceof SetupError)) {
            throw error;
          }
          const detail = `${error.message}${error.traceback ? `\n${error.traceback}` : ''}`;
          return { outcome: undefined, task: prompt, note: "the item's data could not be loaded", error: `SetupError: ${detail}` };
        }
        const outcome = await generatePlot(samplers[repeat], templates, session, {
          library: options.library,
          task: prompt,
          variable: 'df',
          dataDescription: formatDescription(description),
          versions,
          maxRepairs: selfDebug,
          timeoutMs,
          signal: stop.signal,
        });
        const last = outcome.attempts[outcome.attempts.length - 1];
        const result = last?.result;
        const error = result && result.status !== 'ok' && result.error ? `${result.error.ename}: ${result.error.evalue}` : null;
        let note: string | null = outcome.ok ? (outcome.wrongLibrary ? (outcome.error ?? 'wrong library') : null) : (outcome.error ?? null);
        let png: Buffer | undefined;
        if (last?.hasPlot && result) {
          const images = imageOutputs(result);
          if (images.length > 0) {
            png = Buffer.from(images[0], 'base64');
          } else {
            const figure = plotlyOutputs(result)[0];
            try {
              png = await renderer.render(figure);
            } catch (renderError) {
              note = `the Plotly figure could not be rendered: ${errorText(renderError)}`;
            }
          }
        }
        if (error !== null && note === error) {
          note = null;
        }
        return { outcome, task: prompt, png, note, error };
      };

      const scoreTask = async (task: Task, executed: Executed): Promise<ResultLine> => {
        const { item, repeat } = task;
        const outcome = executed.outcome;
        const hasPlot = executed.png !== undefined;
        const wrongLibrary = hasPlot && (outcome?.wrongLibrary ?? false);
        let plot: string | null = null;
        if (executed.png) {
          plot = `plots/${item.id}-${repeat}.png`;
          writeFileSync(join(outDir, plot), executed.png);
        }
        const gtBase64 = item.plots_gt[0];
        const gt = gtBase64 ? Buffer.from(gtBase64, 'base64') : undefined;
        if (gt) {
          const gtPath = join(outDir, 'gt', `${item.id}.png`);
          if (!existsSync(gtPath)) {
            writeFileSync(gtPath, gt);
          }
        }
        const useVisual = judges.includes('visual') && gt !== undefined;
        const useTask = judges.includes('task');
        const scores: ItemRecord['scores'] = { visual: null, task: null, pixel: null };
        const judgeErrors: JudgeError[] = [];
        const judgeAnswers: RecordExtras['judgeAnswers'] = {};
        let judgeUsage: TokenUsage | null = null;
        let judgeMs: number | null = null;
        if (!hasPlot || wrongLibrary) {
          // As in the paper: no plot, or the wrong library, scores 0 without asking the judge.
          scores.visual = useVisual ? 0 : null;
          scores.task = useTask && judge ? 0 : null;
          scores.pixel = gt ? 0 : null;
        } else {
          const png = executed.png as Buffer;
          if (gt) {
            try {
              scores.pixel = Math.round(pixelScore(png, gt) * 10) / 10;
            } catch {
              scores.pixel = null;
            }
          }
          if (judge) {
            const asks: Array<Promise<JudgeVerdict>> = [];
            if (useVisual) {
              asks.push(judge.visual(png, gt as Buffer, stop.signal));
            }
            if (useTask) {
              // Whatever variant the model got, the task judge grades against the full task, so variants compare.
              asks.push(judge.task(png, taskText(item, 'full'), stop.signal));
            }
            const verdicts = await Promise.all(asks);
            if (verdicts.length > 0) {
              judgeUsage = { ...NO_USAGE };
              judgeMs = 0;
            }
            for (const verdict of verdicts) {
              judgeUsage = { promptTokens: (judgeUsage?.promptTokens ?? 0) + verdict.usage.promptTokens, completionTokens: (judgeUsage?.completionTokens ?? 0) + verdict.usage.completionTokens };
              judgeMs = Math.max(judgeMs ?? 0, verdict.ms);
              if (verdict.answer) {
                judgeAnswers[verdict.kind] = verdict.answer;
              }
              if (verdict.score === null) {
                judgeErrors.push({ score: verdict.kind, message: verdict.error ?? 'no score' });
              } else {
                scores[verdict.kind] = verdict.score;
              }
            }
          }
        }
        return {
          id: item.id,
          repeat,
          library: options.library,
          code: outcome?.code ?? '',
          hasPlot,
          error: executed.error,
          wrongLibrary,
          timings: {
            generateMs: Math.round(outcome?.timings.llmMs ?? 0),
            executeMs: outcome && outcome.attempts.some((a) => a.result) ? Math.round(outcome.timings.execMs) : null,
            judgeMs: judgeMs === null ? null : Math.round(judgeMs),
          },
          usage: { generate: outcome?.usage ?? { ...NO_USAGE }, judge: judgeUsage },
          scores,
          judgeErrors,
          task: executed.task,
          attempts: outcome?.attempts.length ?? 0,
          note: executed.note,
          plot,
          judgeAnswers,
        };
      };

      await Promise.all(kernels.map((kernel) => worker(kernel)));
      await Promise.all([...pendingJudging]);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    writer.close();
    await Promise.all([...kernels.map((kernel) => kernel.dispose()), renderer.close().catch(() => undefined)]);
  }

  const summary = await writeSummary(outDir, options, items, repeats);
  if (fatal) {
    throw fatal;
  }
  return { summary, outDir, cancelled: Boolean(signal?.aborted), failures, written };
}

function readRunConfig(outDir: string): RunConfig | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as RunConfig;
  } catch {
    return undefined;
  }
}

/** summary.json and summary.md over the records of the selected items and repeats (valid after a partial run too). */
export async function writeSummary(
  outDir: string,
  options: Pick<BenchmarkOptions, 'model' | 'taskVariant' | 'descriptor' | 'library'>,
  items: readonly PlotBenchItem[],
  repeats: number,
): Promise<Summary> {
  const path = resultsPath(outDir);
  const ids = new Set(items.map((item) => item.id));
  const records = existsSync(path) ? (await readResults(path)).records.filter((r) => ids.has(r.id) && r.repeat < repeats) : [];
  const summary = summarize(records, {
    model: options.model.model,
    taskVariant: options.taskVariant,
    descriptor: options.descriptor,
    library: options.library,
  });
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(outDir, 'summary.md'), summaryMarkdown(summary));
  return summary;
}
