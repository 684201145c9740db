// Runs each attempt as a real notebook cell: inserted below the cell that made the DataFrame, edited in place by repairs,
// executed with VS Code's notebook execution, judged by the outputs the cell ends up with.
import * as vscode from 'vscode';
import type { AttemptRunner } from '../core/plotEngine.js';
import { plotCellIndex, type CellOverview } from '../core/plotCellPosition.js';
import type { ExecutionResult, KernelOutput } from '../kernel/kernel.js';
import { resultFromOutputs, toKernelOutputs } from './outputs.js';
import { NotRunError } from './flowErrors.js';
import { LatestThrottle } from '../core/latestThrottle.js';
import { generatingSource, STREAM_EDIT_INTERVAL_MS } from '../core/plotCellSource.js';
import type { RunConsent } from './settings.js';

export { NotRunError } from './flowErrors.js';

export interface PlotCellHeader {
  task: string;
  model: string;
  library: string;
  /** Follow-up instructions that changed the plot since, oldest first. */
  refinements?: string[];
}

/** A generated plot's header (task, model, library), or comment lines of another source (e.g. a drawing). */
export type CellHeader = PlotCellHeader | { lines: string[] };

export function cellSource(header: CellHeader, code: string): string {
  if ('lines' in header) {
    return `${header.lines.map((line) => `# ${line.replace(/\s+/g, ' ').trim()}`).join('\n')}\n${code.trimEnd()}\n`;
  }
  const task = header.task.replace(/\s+/g, ' ').trim();
  const shown = task.length > 150 ? `${task.slice(0, 149)}…` : task;
  const refined = header.refinements?.length ? `# refined: ${oneLine(header.refinements.slice(-3).join(' · '), 150)}\n` : '';
  return `# Plotwright: ${shown}\n${refined}# model: ${header.model} · library: ${header.library}\n${code.trimEnd()}\n`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function overview(notebook: vscode.NotebookDocument): CellOverview[] {
  return notebook.getCells().map((cell) => ({
    kind: cell.kind === vscode.NotebookCellKind.Code ? 'code' : 'markup',
    source: cell.document.getText(),
    executionOrder: cell.executionSummary?.executionOrder,
  }));
}

function selectedIndex(notebook: vscode.NotebookDocument): number | undefined {
  const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
  const selection = editor?.selection;
  return selection && selection.end > selection.start ? selection.end - 1 : undefined;
}

/** Where a generated cell goes: below the cell that defined `variable`, else below the selected code cell, else at the end. */
export function plotCellInsertIndex(notebook: vscode.NotebookDocument, variable: string | undefined): number {
  return plotCellIndex(overview(notebook), variable, selectedIndex(notebook));
}

/** Where a new cell goes when no DataFrame is involved: below the selected code cell, else at the end. */
export function insertIndexBelowSelection(notebook: vscode.NotebookDocument): number {
  return plotCellInsertIndex(notebook, undefined);
}

/** Asks whether to run inserted code in the user's kernel; true only for "Run". */
export async function askRunConsent(question: string): Promise<boolean> {
  return (await vscode.window.showInformationMessage(question, 'Run', "Don't Run")) === 'Run';
}

export class NotebookCellRunner implements AttemptRunner {
  cell: vscode.NotebookCell | undefined;
  private consented: boolean;
  /** The cell's last complete text (the original of a refined cell, the last attempt that ran); undefined: no such text. */
  private committed: string | undefined;
  private streamWriter: LatestThrottle<string> | undefined;

  constructor(
    private readonly notebook: vscode.NotebookDocument,
    private readonly insertAt: number,
    private readonly header: CellHeader,
    private readonly consent: RunConsent,
    /** Asked once per request: the repairs of an allowed cell run too. */
    private readonly askToRun: (cell: vscode.NotebookCell) => Promise<boolean>,
    /** Runs after consent, before the cell (e.g. the cell that loads a CSV). */
    private readonly beforeRun?: (signal?: AbortSignal) => Promise<void>,
    /** Write into this cell instead of inserting one (a refinement). */
    target?: vscode.NotebookCell,
  ) {
    this.consented = consent === 'always';
    if (target) {
      this.cell = target;
      this.committed = target.document.getText();
    }
  }

  /** Shows the code so far, marked as still being written (throttled: the last value wins). */
  stream(code: string, round: number): void {
    this.streamWriter ??= new LatestThrottle((source) => this.writeSource(source).then(() => undefined), STREAM_EDIT_INTERVAL_MS);
    this.streamWriter.push(generatingSource(cellSource(this.header, code), round));
  }

  /**
   * The request ended (done, failed or cancelled): a cell left mid-stream goes back to its last complete
   * text, and a new cell that never got one is deleted: no half cell stays behind.
   */
  async settle(): Promise<void> {
    if (!this.streamWriter) {
      return;
    }
    await this.endStream();
    const cell = this.cell && currentCell(this.notebook, this.cell);
    if (!cell) {
      return;
    }
    if (this.committed !== undefined) {
      await this.writeSource(this.committed);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.set(this.notebook.uri, [vscode.NotebookEdit.deleteCells(new vscode.NotebookRange(cell.index, cell.index + 1))]);
    await vscode.workspace.applyEdit(edit);
    this.cell = undefined;
  }

  async run(code: string, _attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
    await this.endStream();
    const source = cellSource(this.header, code);
    const cell = await this.writeSource(source);
    this.committed = source;
    if (this.consent === 'never') {
      throw new NotRunError(cell);
    }
    if (!this.consented) {
      this.consented = await this.askToRun(cell);
      if (!this.consented) {
        throw new NotRunError(cell);
      }
    }
    await this.beforeRun?.(options.signal);
    return executeCell(cell, options.timeoutMs, options.signal);
  }

  private async endStream(): Promise<void> {
    const writer = this.streamWriter;
    this.streamWriter = undefined;
    await writer?.stop();
  }

  private async writeSource(source: string): Promise<vscode.NotebookCell> {
    const edit = new vscode.WorkspaceEdit();
    const existing = this.cell && currentCell(this.notebook, this.cell);
    if (existing && !existing.document.isClosed) {
      const document = existing.document;
      if (document.getText() === source) {
        return existing;
      }
      edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), source);
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw new Error('Could not update the generated cell.');
      }
      this.cell = existing;
      return existing;
    }
    const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'python');
    edit.set(this.notebook.uri, [vscode.NotebookEdit.insertCells(this.insertAt, [data])]);
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error('Could not insert a cell into the notebook.');
    }
    this.cell = this.notebook.cellAt(this.insertAt);
    return this.cell;
  }
}

function outputsOf(cell: vscode.NotebookCell): KernelOutput[] {
  return cell.outputs.flatMap((output) => toKernelOutputs(output.items));
}

/** After a stop request, how long the cell gets to end before the kernel is interrupted, and then before giving up on it. */
const STOP_GRACE_MS = 5_000;

/** The cell as the notebook has it now (its index moves when cells are inserted or deleted above it). */
function currentCell(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell): vscode.NotebookCell | undefined {
  const uri = cell.document.uri.toString();
  return notebook.getCells().find((c) => c.document.uri.toString() === uri);
}

/**
 * Executes a cell and waits until its execution summary says it finished, the timeout passes or the
 * signal aborts. `notebook.cell.execute` itself resolves only when the cell ends (a `while True: pass`
 * never does), so it is raced, never awaited alone; a stopped cell is cancelled, then its kernel interrupted.
 */
export async function executeCell(cell: vscode.NotebookCell, timeoutMs: number, signal?: AbortSignal): Promise<ExecutionResult> {
  const notebook = cell.notebook;
  if (signal?.aborted) {
    return stoppedResult(cell, 0, 'cancelled', timeoutMs);
  }
  const started = Date.now();
  // A repair re-runs the same cell: its last run's summary must not count as this run's end.
  const previous = cell.executionSummary;
  const isDone = () => {
    const summary = (currentCell(notebook, cell) ?? cell).executionSummary;
    if (summary?.success === undefined || summary.timing?.endTime === undefined) {
      return false;
    }
    return (
      previous?.timing?.endTime === undefined ||
      summary.executionOrder !== previous.executionOrder ||
      summary.timing.endTime > previous.timing.endTime
    );
  };
  let finished!: () => void;
  const done = new Promise<'done'>((resolve) => {
    finished = () => resolve('done');
  });
  const listener = vscode.workspace.onDidChangeNotebookDocument((event) => {
    if (event.notebook === notebook && isDone()) {
      finished();
    }
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'cancelled'>((resolve) => {
    onAbort = () => resolve('cancelled');
    signal?.addEventListener('abort', onAbort);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const execution = Promise.resolve(
      vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: cell.index, end: cell.index + 1 }], document: notebook.uri }),
    ).then(() => (isDone() ? ('done' as const) : done));
    const outcome = await Promise.race([execution, done, timedOut, aborted]);
    if (outcome === 'done') {
      return resultFromOutputs(outputsOf(currentCell(notebook, cell) ?? cell), Date.now() - started);
    }
    await stopCell(notebook, cell, isDone, done);
    return stoppedResult(currentCell(notebook, cell) ?? cell, Date.now() - started, outcome, timeoutMs);
  } finally {
    clearTimeout(timer);
    listener.dispose();
    if (onAbort) {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** Cancels the cell's execution (Jupyter interrupts the kernel for it); interrupts the kernel itself if the cell still runs. */
async function stopCell(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell, isDone: () => boolean, done: Promise<'done'>): Promise<void> {
  const waitForEnd = (ms: number) =>
    Promise.race([done.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(isDone()), ms))]);
  const now = currentCell(notebook, cell);
  if (now) {
    await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: now.index, end: now.index + 1 }], document: notebook.uri });
  }
  if (isDone() || (await waitForEnd(STOP_GRACE_MS))) {
    return;
  }
  await Promise.resolve(vscode.commands.executeCommand('jupyter.interruptkernel', { notebookEditor: { notebookUri: notebook.uri } })).catch(() => undefined);
  await waitForEnd(STOP_GRACE_MS);
}

function stoppedResult(cell: vscode.NotebookCell, durationMs: number, status: 'timeout' | 'cancelled', timeoutMs: number): ExecutionResult {
  const result = resultFromOutputs(outputsOf(cell), durationMs, status);
  result.error = {
    ename: status === 'timeout' ? 'TimeoutError' : 'Cancelled',
    evalue: status === 'timeout' ? `Execution timed out after ${Math.round(timeoutMs / 1000)} s and was interrupted` : 'Cancelled',
    traceback: [],
  };
  return result;
}
