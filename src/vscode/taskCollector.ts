// plotwright.collectTasks: an accepted Plotwright cell becomes a task in the workspace's
// .plotwright/tasks (benchmark/taskFolder.ts). The DataFrame's snapshot comes from the notebook's
// kernel through the same kernel provider as Plotwright's other queries; the PNG from the cell's
// outputs. No vscode import at runtime: the workspace, the cell's outputs and the messages come in as
// ports (taskCollectorAdapter.ts builds the real ones), so unit tests run it with a real kernel and fakes.
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { TASKS_FOLDER, writeTask, type WrittenTask } from '../../benchmark/taskFolder.js';
import { DEFAULT_SNAPSHOT_LIMITS, parseSnapshot, snapshotCode, type SnapshotLimits } from '../core/dataFrameSnapshot.js';
import { streamText } from '../kernel/kernel.js';
import type { AcceptedPlot, AcceptedPlotSink, KernelProvider } from './plotFlowPorts.js';

/** Where the notebook's workspace folder is, or the one sentence saying why tasks cannot be saved. */
export type TaskWorkspace = { folder: string } | { refusal: string };

export interface TaskCollectorPorts {
  kernels: KernelProvider;
  workspaceOf(notebook: vscode.NotebookDocument): TaskWorkspace;
  /** The cell's source as the notebook has it now. */
  cellSource(cell: vscode.NotebookCell): string;
  /** The cell's plot as PNG (a Plotly figure rendered), undefined when it has none. */
  cellPng(cell: vscode.NotebookCell, signal: AbortSignal): Promise<Buffer | undefined>;
  /** A passing word (the status bar). */
  status(message: string): void;
  /** A message the user should read once. */
  warn(message: string): void;
  log: { info(message: string): void; warn(message: string): void };
  queryTimeoutMs: number;
  limits?: SnapshotLimits;
}

export const NO_FOLDER = 'Plotwright did not save this plot as a task: plotwright.collectTasks saves tasks in the workspace folder\'s .plotwright/tasks, and no folder is open.';
export const UNTRUSTED = 'Plotwright did not save this plot as a task: this workspace is not trusted, and plotwright.collectTasks writes only into trusted folders.';

export class TaskCollector implements AcceptedPlotSink {
  /** Refusals already shown in this session: each once. */
  private readonly told = new Set<string>();

  constructor(private readonly ports: TaskCollectorPorts) {}

  async accepted(plot: AcceptedPlot, signal: AbortSignal): Promise<void> {
    await this.collect(plot, signal);
  }

  /** The written task, or undefined when collection is off, refused or failed (each said once). */
  async collect(plot: AcceptedPlot, signal: AbortSignal): Promise<WrittenTask | undefined> {
    if (!plot.settings.collectTasks) {
      return undefined;
    }
    const { ports } = this;
    const workspace = ports.workspaceOf(plot.notebook);
    if ('refusal' in workspace) {
      this.tellOnce(workspace.refusal);
      return undefined;
    }
    const limits = ports.limits ?? DEFAULT_SNAPSHOT_LIMITS;
    try {
      const kernel = await ports.kernels.kernelFor(plot.notebook);
      const result = await kernel.execute(snapshotCode(plot.variable, limits), { signal, timeoutMs: ports.queryTimeoutMs, captureFigures: false });
      if (signal.aborted) {
        return undefined;
      }
      if (result.status !== 'ok') {
        throw new Error(result.error ? `${result.error.ename}: ${result.error.evalue}` : `the snapshot query ended with status ${result.status}`);
      }
      const snapshot = parseSnapshot(streamText(result.outputs), limits);
      const png = await ports.cellPng(plot.cell, signal);
      const root = join(workspace.folder, TASKS_FOLDER);
      const written = await writeTask(root, {
        task: plot.task,
        shortTask: plot.sentTask,
        cellSource: ports.cellSource(plot.cell),
        variable: plot.variable,
        snapshot,
        ...(png ? { png } : {}),
        model: plot.model,
        library: plot.library,
        notebook: plot.notebook.uri.fsPath || plot.notebook.uri.toString(),
      });
      const notes = [
        snapshot.capNote,
        png ? undefined : 'the cell has no PNG plot, so the visual judge has no reference for it',
        written.duplicateOf === undefined ? undefined : `the same task, code and data as task ${written.duplicateOf}`,
      ].filter((n): n is string => n !== undefined);
      ports.log.info(`Saved task ${written.id} in ${written.dir}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`);
      ports.status(`Plotwright: saved as task ${written.id} in ${TASKS_FOLDER}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
      return written;
    } catch (error) {
      if (signal.aborted) {
        return undefined;
      }
      const reason = error instanceof Error ? error.message : String(error);
      ports.log.warn(`Could not save the plot as a task: ${reason}`);
      this.tellOnce(`Plotwright could not save this plot as a task (${reason.replace(/\.$/, '')}); the plot itself is fine.`);
      return undefined;
    }
  }

  private tellOnce(message: string): void {
    if (!this.told.has(message)) {
      this.told.add(message);
      this.ports.warn(message);
    }
  }
}
