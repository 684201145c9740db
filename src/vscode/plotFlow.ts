// Journeys 1 and 3 (and the chat participant): from a live DataFrame and a sentence to a working cell.
// No vscode import at runtime: the kernel, the cells, the questions, the settings and the model come in
// as PlotFlowDeps (built in src/extension.ts), so unit tests run the flow with fakes.
import type * as vscode from 'vscode';
import { describeCode, formatDescription, parseDescription, type DataFrameDescription } from '../core/describe.js';
import {
  environmentCode,
  listDataFramesCode,
  missingPackages,
  parseDataFrames,
  parseEnvironment,
  type DataFrameInfo,
  type KernelEnvironment,
} from '../core/kernelQueries.js';
import { generatePlot, shortenTask, type PlotOutcome, type PlotStage } from '../core/plotEngine.js';
import { loadPromptTemplates, type PlotLibrary, type PromptTemplates } from '../core/prompts.js';
import { streamText, type CodeKernel, type ExecutionResult } from '../kernel/kernel.js';
import { CellConsent } from '../core/cellConsent.js';
import type { ChatModel } from '../llm/chatModel.js';
import { RequestPreviews } from '../core/requestPreview.js';
import { CancelledError } from './apiKernel.js';
import { NotRunError, UserFixableError } from './flowErrors.js';
import { outcomeSummary } from './outcomeSummary.js';
import { explainVisualCheckOff, visualCheckRounds } from './visualCheckSetting.js';
import { FigureLintRunner } from './figureLintRunner.js';
import type { PlotCellRunner, PlotFlowDeps } from './plotFlowPorts.js';
import type { PlotwrightSettings } from './settingsSchema.js';
import { signalFrom } from './signal.js';

export { signalFrom } from './signal.js';

/** Where the DataFrame's description comes from. */
export type DataSource =
  /** A live DataFrame in the notebook's kernel; `variable` is asked for when absent (the only one is taken without asking). */
  | { kind: 'kernel'; variable?: string }
  /** A description made before any kernel exists (Plot CSV File: arquero reads the file). */
  | { kind: 'described'; variable: string; description: DataFrameDescription };

export interface PlotRequestOptions {
  notebook: vscode.NotebookDocument;
  /** Default: the kernel, asking which DataFrame. */
  source?: DataSource;
  task?: string;
  libraries?: PlotLibrary[];
  /** Where the first new cell goes; by default below the cell that defines the DataFrame (see plotCellIndex). */
  insertAt?: number;
  token: { readonly isCancellationRequested: boolean; onCancellationRequested(listener: () => void): unknown };
  progress?: (message: string) => void;
  /** Runs once the user allowed the generated cell, before it runs (e.g. the cell that loads a CSV). */
  beforeRun?: (signal?: AbortSignal) => Promise<void>;
  /** Appended to the consent question (what else will run). */
  consentNote?: string;
}

/** What the prompt says about the data, and the kernel's libraries when a kernel was asked. */
interface PreparedData {
  variable: string;
  task: string;
  description: DataFrameDescription;
  environment?: KernelEnvironment;
}

export interface LibraryOutcome {
  library: PlotLibrary;
  outcome?: PlotOutcome;
  cell?: vscode.NotebookCell;
  /** ok · failed after N repairs · wrong library · not run */
  summary: string;
}

/** One of Plotwright's queries failed in the kernel. */
export class KernelQueryError extends Error {
  constructor(readonly result: ExecutionResult) {
    super(`The kernel could not answer Plotwright's query (${result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status}).`);
  }
}

async function run(kernel: CodeKernel, code: string, signal: AbortSignal, timeoutMs: number): Promise<string> {
  const result = await kernel.execute(code, { signal, timeoutMs, captureFigures: false });
  if (result.status === 'cancelled' || signal.aborted) {
    throw new CancelledError();
  }
  if (result.status !== 'ok') {
    throw new KernelQueryError(result);
  }
  return streamText(result.outputs);
}

/** The versions the model must write for: Python, pandas and what the library draws with. */
export function kernelVersions(environment: KernelEnvironment, library: PlotLibrary): Record<string, string | undefined> {
  return {
    python: environment.python,
    pandas: environment.pandas ?? undefined,
    matplotlib: library === 'plotly' ? undefined : (environment.matplotlib ?? undefined),
    [library]: environment[library] ?? undefined,
  };
}

/** The engine's code-so-far callback for a runner that can show it (streaming into the cell). */
export function streamInto(runner: PlotCellRunner): ((code: string, round: number) => void) | undefined {
  return runner.stream ? (code, round) => runner.stream?.(code, round) : undefined;
}

const runAllCells = { title: 'Run All Cells', command: 'notebook.execute' };

export class PlotFlow {
  private readonly environments = new Map<string, KernelEnvironment>();
  private readonly requestPreviews: RequestPreviews;
  readonly templates: PromptTemplates;

  constructor(private readonly deps: PlotFlowDeps) {
    this.templates = loadPromptTemplates(deps.templatesDir);
    this.requestPreviews = new RequestPreviews((request, open) => deps.prompts.askBeforeSending(request, open));
  }

  async listDataFrames(kernel: CodeKernel, signal: AbortSignal): Promise<DataFrameInfo[]> {
    return parseDataFrames(await run(kernel, listDataFramesCode, signal, this.deps.timeouts.queryMs));
  }

  async pickDataFrame(kernel: CodeKernel, variable: string | undefined, signal: AbortSignal): Promise<string | undefined> {
    const frames = await this.listDataFrames(kernel, signal);
    if (variable) {
      if (!frames.some((f) => f.name === variable)) {
        throw new UserFixableError(`There is no DataFrame '${variable}' in this notebook's kernel. Run the cell that creates it.`, [runAllCells]);
      }
      return variable;
    }
    if (frames.length === 0) {
      throw new UserFixableError("There is no pandas DataFrame in this notebook's kernel yet. Run the cell that creates one first.", [runAllCells]);
    }
    if (frames.length === 1) {
      return frames[0].name;
    }
    return this.deps.prompts.pickDataFrame(frames);
  }

  /** The model for a notebook's requests, behind the "show me what will be sent" policy. */
  async modelFor(notebook: vscode.NotebookDocument, settings: PlotwrightSettings): Promise<ChatModel> {
    return this.requestPreviews.wrap(await this.deps.models(settings), notebook.uri.toString(), settings.previewRequests);
  }

  /** The kernel's Python and library versions (asked once per notebook). */
  async environment(notebook: vscode.NotebookDocument, kernel: CodeKernel, signal: AbortSignal): Promise<KernelEnvironment> {
    const key = notebook.uri.toString();
    let environment = this.environments.get(key);
    if (!environment) {
      environment = parseEnvironment(await run(kernel, environmentCode, signal, this.deps.timeouts.queryMs));
      this.environments.set(key, environment);
      this.deps.log.info(`Kernel of ${notebook.uri.fsPath}: ${JSON.stringify(environment)}`);
    }
    return environment;
  }

  /** Forget what was detected about a notebook's kernel (after an install, or a kernel change). */
  forgetEnvironment(notebook: vscode.NotebookDocument): void {
    this.environments.delete(notebook.uri.toString());
  }

  /** Which of these packages the notebook's kernel cannot import now (asked again, not remembered). */
  async missingInKernel(notebook: vscode.NotebookDocument, packages: string[], token: PlotRequestOptions['token']): Promise<string[]> {
    this.forgetEnvironment(notebook);
    const environment = await this.environment(notebook, await this.deps.kernels.kernelFor(notebook), signalFrom(token));
    return packages.filter((name) => !(environment as Record<string, string | null | undefined>)[name]);
  }

  async describe(kernel: CodeKernel, variable: string, settings: PlotwrightSettings, signal: AbortSignal): Promise<DataFrameDescription> {
    try {
      const stdout = await run(kernel, describeCode(variable, settings.dataDescription, { sampleRows: settings.sendSampleRows }), signal, this.deps.timeouts.queryMs);
      return parseDescription(stdout, variable, settings.dataDescription);
    } catch (error) {
      // Picked a moment ago, gone now: deleted, or the kernel restarted in between.
      if (error instanceof KernelQueryError && error.result.error?.ename === 'NameError') {
        throw new UserFixableError(`The DataFrame '${variable}' no longer exists in the kernel — run the cell that creates it.`, [runAllCells]);
      }
      throw error;
    }
  }

  private async askTask(variable: string, given: string | undefined): Promise<string | undefined> {
    const task = given ?? (await this.deps.prompts.askTask(variable));
    return task?.trim() ? task : undefined;
  }

  /** Asks for what is missing (the DataFrame, the task) and describes the data; undefined when the user backed out. */
  private async prepare(options: PlotRequestOptions, settings: PlotwrightSettings, libraries: PlotLibrary[], signal: AbortSignal): Promise<PreparedData | undefined> {
    const source = options.source ?? { kind: 'kernel' };
    if (source.kind === 'described') {
      const task = await this.askTask(source.variable, options.task);
      return task ? { variable: source.variable, task, description: source.description } : undefined;
    }
    const kernel = await this.deps.kernels.kernelFor(options.notebook);
    const variable = await this.pickDataFrame(kernel, source.variable, signal);
    const task = variable && (await this.askTask(variable, options.task));
    if (!variable || !task) {
      return undefined;
    }
    const report = options.progress ?? (() => undefined);
    report('Describing the DataFrame…');
    const description = await this.describe(kernel, variable, settings, signal);
    const environment = await this.environment(options.notebook, kernel, signal);
    for (const library of libraries) {
      const missing = missingPackages(environment, library);
      if (missing.length > 0) {
        throw new UserFixableError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed in this notebook's kernel.`, [
          { title: 'Install', command: 'plotwright.installPackages', args: [options.notebook.uri, missing] },
        ]);
      }
    }
    return { variable, task, environment, description };
  }

  async plot(options: PlotRequestOptions): Promise<LibraryOutcome[] | undefined> {
    const { notebook, token } = options;
    const report = options.progress ?? (() => undefined);
    const signal = signalFrom(token);
    const settings = this.deps.settings(notebook);
    const libraries = options.libraries ?? [settings.library];
    const prepared = await this.prepare(options, settings, libraries, signal);
    if (!prepared) {
      return undefined;
    }
    const { variable, description, environment } = prepared;
    let task = prepared.task;
    const model = await this.modelFor(notebook, settings);
    if (settings.taskDetail !== 'full') {
      report('Shortening the task…');
      task = (await shortenTask(model, this.templates, task, settings.taskDetail, signal)).task;
    }
    let insertAt = options.insertAt ?? this.deps.cells.insertIndex(notebook, variable);
    // One question per cell: a "Run" covers that cell and its repairs, never a cell not generated yet.
    const consent = new CellConsent<vscode.NotebookCell>(settings.runGeneratedCode, (cell) =>
      this.deps.prompts.askRunConsent(
        `Plotwright inserted generated code in cell ${cell.index + 1}. Run it in your kernel?${options.consentNote ? ` ${options.consentNote}` : ''} Its repairs will run too.`,
      ),
    );
    const askToRun = (cell: vscode.NotebookCell) => consent.mayRun(cell);
    const versionsFor = (library: PlotLibrary) => environment && kernelVersions(environment, library);
    const results: LibraryOutcome[] = [];
    for (const library of libraries) {
      const cellRunner = this.deps.cells.runner({
        notebook,
        insertAt,
        header: { task, model: model.model, library },
        consent: settings.runGeneratedCode,
        askToRun,
        beforeRun: options.beforeRun,
      });
      const runner = this.lintingRunner(cellRunner, notebook, library, options.source);
      const stageText: Record<PlotStage, string> = {
        'asking-model': `Asking ${model.model} (${library})…`,
        running: 'Running the cell…',
        repairing: 'Repairing from the error…',
        'checking-figure': 'Showing the figure to the model…',
      };
      try {
        const outcome = await generatePlot(model, this.templates, runner, {
          library,
          task,
          variable,
          dataDescription: formatDescription(description),
          versions: versionsFor(library),
          maxRepairs: settings.maxRepairs,
          timeoutMs: this.deps.timeouts.runMs,
          visualCheckRounds: visualCheckRounds(settings),
          signal,
          onProgress: (stage, attempt) => report(`${stageText[stage]}${attempt > 0 ? ` (round ${attempt})` : ''}`),
          onCode: streamInto(runner),
        }).finally(() => runner.settle?.());
        explainVisualCheckOff(settings, outcome);
        if (runner.cell) {
          await this.recordProvenance(runner.cell, { task, model: model.model, library, variable, outcome });
          if (outcome.ok && !outcome.wrongLibrary) {
            await this.deps.tasks?.accepted({ notebook, cell: runner.cell, variable, task: prepared.task, sentTask: task, model: model.model, library, settings }, signal);
          }
        }
        results.push({ library, outcome, cell: runner.cell, summary: outcomeSummary(outcome) });
      } catch (error) {
        if (error instanceof NotRunError) {
          results.push({ library, cell: error.cell, summary: 'inserted, not run' });
        } else {
          throw error;
        }
      }
      insertAt = (results.at(-1)?.cell?.index ?? insertAt - 1) + 1;
    }
    return results;
  }

  /**
   * Matplotlib and Seaborn cells get the figure hook in the kernel the DataFrame lives in (Plotly's
   * figures come back as JSON anyway). A CSV file's kernel is not Plotwright's to touch before the cell runs.
   */
  lintingRunner(runner: PlotCellRunner, notebook: vscode.NotebookDocument, library: PlotLibrary, source: DataSource | undefined): PlotCellRunner {
    if (library === 'plotly' || (source !== undefined && source.kind !== 'kernel')) {
      return runner;
    }
    return new FigureLintRunner(runner, () => this.deps.kernels.kernelFor(notebook), this.deps.timeouts.queryMs, this.deps.log);
  }

  /** Writes what made the cell into its metadata; `extra` adds fields (a refined cell's history). */
  async recordProvenance(
    cell: vscode.NotebookCell,
    info: { task: string; model: string; library: PlotLibrary; variable: string; outcome: PlotOutcome },
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const provenance = {
      task: info.task,
      variable: info.variable,
      model: info.model,
      library: info.library,
      promptVersion: info.outcome.promptVersion,
      attempts: info.outcome.attempts.map((a) => ({ hasPlot: a.hasPlot, error: a.error, llmMs: a.llmMs, execMs: a.execMs })),
      tokens: info.outcome.usage,
      latencyMs: info.outcome.timings,
      ok: info.outcome.ok,
      ...(info.outcome.lint.length > 0 ? { lint: info.outcome.lint.map((finding) => finding.message) } : {}),
      ...extra,
    };
    await this.deps.cells.recordProvenance(cell, provenance);
  }
}

