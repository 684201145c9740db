// The sampler: one item × repeat from task text to a PNG. It loads the item's data in a pooled
// kernel, asks the model (through the response cache), runs and repairs the code, and turns the
// figure into PNG. What went wrong is returned as a failure with its stage, never thrown, except a
// cancellation and what stops the whole run (a wrong key, a kernel that cannot start).
import { rmSync } from 'node:fs';
import { formatDescription, type DataFrameDescription, type DescriptorMode } from '../src/core/describe.js';
import { answerAttempt, attemptErrorType, formatKernelError, generatePlot, type PlotOutcome } from '../src/core/plotEngine.js';
import type { VisualCheckVerdict } from '../src/core/visualCheck.js';
import type { PlotLibrary, PromptTemplates } from '../src/core/prompts.js';
import { SetupError } from '../src/kernel/dataFrameSession.js';
import { imageOutputs, plotlyOutputs } from '../src/kernel/kernel.js';
import type { ChatModel } from '../src/llm/chatModel.js';
import { LlmError } from '../src/llm/errors.js';
import { taskText, type PlotBenchItem, type TaskVariant } from './dataset.js';
import { makeItemFolder, type ItemKernel } from './itemKernel.js';
import type { KernelPool } from './kernelPool.js';
import { KernelStartError } from './kernelPool.js';
import type { RunFailure } from './metrics.js';
import { PooledItemSession } from './pooledSession.js';
import { gradeStructure, type StructureOutcome } from './structureGrade.js';

export interface SampleTask {
  item: PlotBenchItem;
  repeat: number;
}

/** Turns a Plotly figure into PNG; throws when it cannot (the renderer's failure, not the code's). */
export interface FigureRenderer {
  render(figure: unknown): Promise<Buffer>;
}

export interface Sample {
  /** The task text the model got. */
  task: string;
  outcome?: PlotOutcome;
  png?: Buffer;
  /** The exception the last attempt's code raised, "Name: message". */
  error: string | null;
  /** Its traceback as the model saw it. */
  traceback: string | null;
  /** Why there is no plot when it was not an exception, or the wrong library. */
  note: string | null;
  failure: RunFailure | null;
  /** Every answer came from the response cache. */
  cached: boolean;
  /** Per attempt: null when it drew a plot, else its error type. */
  attemptErrors: Array<string | null>;
  /** Set for items with a ground truth `code_plot`. */
  structure?: StructureOutcome;
  /** What the visual self-check did, when it was on and a plot rendered. */
  visualCheck?: VisualCheckVerdict;
}

export interface SamplerOptions {
  library: PlotLibrary;
  taskVariant: TaskVariant;
  descriptor: DescriptorMode;
  templates: PromptTemplates;
  /** One model per repeat (each with its own cache namespace, so repeats are separate samples). */
  models: readonly ChatModel[];
  pool: KernelPool<ItemKernel>;
  renderer: FigureRenderer;
  /** Items run in <homeDir>/<id>-<repeat>/cwd: a temporary folder outside the results and cache folders. */
  homeDir: string;
  versions: Record<string, string>;
  selfDebug: number;
  /** Visual self-check rounds (0: off). */
  visualCheck: number;
  timeoutMs: number;
}

/** Errors that stop the run rather than fail one item. */
export function isFatal(error: unknown): boolean {
  return (error instanceof LlmError && error.isConfiguration) || error instanceof KernelStartError;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Sampler {
  private readonly descriptions = new Map<string, Promise<DataFrameDescription>>();

  constructor(private readonly options: SamplerOptions) {}

  async sample(task: SampleTask, signal: AbortSignal): Promise<Sample> {
    const { item, repeat } = task;
    const options = this.options;
    const { dir, cwd } = makeItemFolder(options.homeDir, `${item.id}-${repeat}`, { 'data.csv': item.data_csv });
    try {
      // Figure summaries only feed the structure scores (records keep no lint, and self-debug repairs
      // errors only), so an item without ground-truth code spares its kernel the summarizing.
      const hasGroundTruth = item.code_plot.trim() !== '';
      const session = new PooledItemSession(options.pool, cwd, item.code_data, options.descriptor, { summarizeFigures: hasGroundTruth });
      const sample = await this.sampleIn(task, session, signal);
      if (hasGroundTruth) {
        sample.structure = await this.structure(item, session, sample, signal);
      }
      return sample;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Ground truth and the final code, each on a fresh copy of the item's frame in the item's kernel. */
  private async structure(item: PlotBenchItem, session: PooledItemSession, sample: Sample, signal: AbortSignal): Promise<StructureOutcome> {
    if (!sample.outcome && sample.failure?.stage === 'execution') {
      return { scores: null, error: `not computed: ${sample.failure.reason}` };
    }
    const last = sample.outcome?.attempts.at(-1);
    const generated = last?.hasPlot && sample.outcome ? sample.outcome.code : null;
    try {
      return await gradeStructure(session, item.code_plot, generated, { timeoutMs: this.options.timeoutMs, signal });
    } catch (error) {
      throwIfFatal(error, signal);
      return { scores: null, error: `the structure scores could not be computed: ${errorText(error)}` };
    }
  }

  private async sampleIn(task: SampleTask, session: PooledItemSession, signal: AbortSignal): Promise<Sample> {
    const { item, repeat } = task;
    const options = this.options;
    const prompt = taskText(item, options.taskVariant);
    const empty: Sample = { task: prompt, error: null, traceback: null, note: null, failure: null, cached: false, attemptErrors: [] };

    let description: DataFrameDescription;
    try {
      description = await session.describe(this.descriptions, `${item.id}`, signal);
    } catch (error) {
      throwIfFatal(error, signal);
      if (error instanceof SetupError) {
        const detail = `${error.message}${error.traceback ? `\n${error.traceback}` : ''}`;
        return { ...empty, error: `SetupError: ${detail}`, note: "the item's data could not be loaded", failure: { stage: 'execution', reason: `the item's data could not be loaded: ${error.message}` } };
      }
      return { ...empty, failure: { stage: 'execution', reason: `the kernel failed while loading the item's data: ${errorText(error)}` } };
    }

    let outcome: PlotOutcome;
    try {
      outcome = await generatePlot(options.models[repeat], options.templates, session, {
        library: options.library,
        task: prompt,
        variable: 'df',
        dataDescription: formatDescription(description),
        versions: options.versions,
        maxRepairs: options.selfDebug,
        // The self-debug protocol repairs errors only, as the paper's; lint findings do not cost a round here.
        maxLintRepairs: 0,
        visualCheckRounds: options.visualCheck,
        renderFigure: (figure) => options.renderer.render(figure),
        timeoutMs: options.timeoutMs,
        signal,
      });
    } catch (error) {
      throwIfFatal(error, signal);
      const stage = error instanceof LlmError ? 'generation' : 'execution';
      const what = stage === 'generation' ? 'the model request failed' : 'running the code failed';
      return { ...empty, attemptErrors: [stage === 'generation' ? 'model request failed' : 'kernel failure'], failure: { stage, reason: `${what}: ${errorText(error)}` } };
    }

    // A visual check that only looked (accepted) ran nothing: it is not an attempt of the self-debug count.
    const attempts = outcome.attempts.filter((a) => a.kind !== 'visual-check' || a.visualVerdict === 'corrected');
    // The attempt whose figure is the answer: a visual correction that failed leaves the plot before it.
    const last = answerAttempt(outcome);
    const result = last?.result;
    const raised = result && result.status !== 'ok' && result.error ? result.error : undefined;
    const sample: Sample = {
      ...empty,
      outcome,
      error: raised ? `${raised.ename}: ${raised.evalue}` : null,
      traceback: raised ? formatKernelError(raised) : null,
      cached: outcome.attempts.length > 0 && outcome.attempts.every((a) => a.cached === true),
      attemptErrors: attempts.map((a) => attemptErrorType(a)),
      ...(outcome.visualCheck ? { visualCheck: outcome.visualCheck.verdict } : {}),
    };
    if (!last || last.code === '') {
      sample.failure = { stage: 'generation', reason: last?.error ?? 'the model gave no answer' };
      return sample;
    }
    if (!last.hasPlot || !result) {
      sample.note = raised ? null : (outcome.error ?? 'no figure');
      sample.failure = { stage: 'execution', reason: sample.error ?? outcome.error ?? 'the code drew no figure' };
      return sample;
    }
    if (outcome.wrongLibrary) {
      sample.note = outcome.error ?? 'wrong library';
    }
    const images = imageOutputs(result);
    if (images.length > 0) {
      sample.png = Buffer.from(images[0], 'base64');
      return sample;
    }
    try {
      sample.png = await options.renderer.render(plotlyOutputs(result)[0]);
    } catch (renderError) {
      if (signal.aborted) {
        throw renderError;
      }
      sample.note = `the Plotly figure could not be rendered: ${errorText(renderError)}`;
      sample.failure = { stage: 'rendering', reason: sample.note };
    }
    return sample;
  }
}

function throwIfFatal(error: unknown, signal: AbortSignal): void {
  if (signal.aborted) {
    throw signal.reason instanceof Error ? signal.reason : error;
  }
  if (isFatal(error)) {
    throw error;
  }
}
