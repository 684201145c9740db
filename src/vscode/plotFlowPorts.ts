// What PlotFlow needs from VS Code and Jupyter, as interfaces: src/extension.ts builds the real ones
// (plotFlowAdapters.ts), unit tests pass fakes. Types only: no vscode import at runtime.
import type * as vscode from 'vscode';
import type { DataFrameInfo } from '../core/kernelQueries.js';
import type { AttemptRunner } from '../core/plotEngine.js';
import type { CodeKernel } from '../kernel/kernel.js';
import type { PendingRequest } from '../core/requestPreview.js';
import type { ChatModel } from '../llm/chatModel.js';
import type { PlotCellHeader } from './notebookCellRunner.js';
import type { PlotwrightSettings, RunConsent } from './settingsSchema.js';
import type { FlowTimeouts } from './timeouts.js';

/** The notebook's kernel, ready for Plotwright's queries (throws what the user can fix when it is not). */
export interface KernelProvider {
  kernelFor(notebook: vscode.NotebookDocument): Promise<CodeKernel>;
}

/** Runs each attempt as a notebook cell and remembers the cell it wrote. */
export interface PlotCellRunner extends AttemptRunner {
  readonly cell: vscode.NotebookCell | undefined;
  /** Shows the code so far while the answer streams (round > 0: a repair). */
  stream?(code: string, round: number): void;
  /** After the request, done or not: no half-written cell stays (deleted, or its last complete text back). */
  settle?(): Promise<void>;
}

export interface PlotCellRequest {
  notebook: vscode.NotebookDocument;
  insertAt: number;
  header: PlotCellHeader;
  consent: RunConsent;
  /** Asked once per request: the repairs of an allowed cell run too. */
  askToRun: (cell: vscode.NotebookCell) => Promise<boolean>;
  /** Runs after consent, before the cell (e.g. the cell that loads a CSV). */
  beforeRun?: (signal?: AbortSignal) => Promise<void>;
  /** Rewrite this cell instead of inserting one (Refine Plot). */
  target?: vscode.NotebookCell;
}

/** The notebook side: where cells go, the runner that writes and executes them, their metadata. */
export interface CellExecutor {
  /** Where the first generated cell goes when the caller did not say (see plotCellIndex). */
  insertIndex(notebook: vscode.NotebookDocument, variable: string): number;
  runner(request: PlotCellRequest): PlotCellRunner;
  recordProvenance(cell: vscode.NotebookCell, provenance: Record<string, unknown>): Promise<void>;
}

/** The questions the flow asks the user; undefined when the user backed out. */
export interface FlowPrompts {
  pickDataFrame(frames: DataFrameInfo[]): Promise<string | undefined>;
  askTask(variable: string): Promise<string | undefined>;
  /** True only for "Run". */
  askRunConsent(question: string): Promise<boolean>;
  /** "Show me what will be sent": true to send the request; `open` shows it right away. */
  askBeforeSending(request: PendingRequest, open: boolean): Promise<boolean>;
}

/**
 * A generated cell the user accepted: it ran (with the user's consent) and ended with a plot, no error
 * and the library asked for, and the user still has it in the notebook.
 */
export interface AcceptedPlot {
  notebook: vscode.NotebookDocument;
  cell: vscode.NotebookCell;
  variable: string;
  /** The user's sentence. */
  task: string;
  /** The task the model got (shortened, when taskDetail asks for it). */
  sentTask: string;
  model: string;
  library: string;
  settings: PlotwrightSettings;
}

/** Where accepted cells go (the task collector); it reports its own problems and never throws. */
export interface AcceptedPlotSink {
  accepted(plot: AcceptedPlot, signal: AbortSignal): Promise<void>;
}

export interface PlotFlowDeps {
  kernels: KernelProvider;
  cells: CellExecutor;
  prompts: FlowPrompts;
  settings: (notebook: vscode.NotebookDocument | undefined) => PlotwrightSettings;
  models: (settings: PlotwrightSettings) => Promise<ChatModel>;
  timeouts: FlowTimeouts;
  log: { info(message: string): void };
  templatesDir: string;
  /** Told of every accepted cell (plotwright.collectTasks). */
  tasks?: AcceptedPlotSink;
}
