// Runs each attempt as a real notebook cell: inserted below the active cell, edited in place by repairs,
// executed with VS Code's notebook execution, judged by the outputs the cell ends up with.
import * as vscode from 'vscode';
import type { AttemptRunner } from '../core/plotEngine.js';
import type { ExecutionResult, KernelOutput } from '../kernel/kernel.js';
import { resultFromOutputs, toKernelOutputs } from './outputs.js';
import type { RunConsent } from './settings.js';

export interface PlotCellHeader {
  task: string;
  model: string;
  library: string;
}

/** A generated plot's header (task, model, library), or comment lines of another source (e.g. a drawing). */
export type CellHeader = PlotCellHeader | { lines: string[] };

export function cellSource(header: CellHeader, code: string): string {
  if ('lines' in header) {
    return `${header.lines.map((line) => `# ${line.replace(/\s+/g, ' ').trim()}`).join('\n')}\n${code.trimEnd()}\n`;
  }
  const task = header.task.replace(/\s+/g, ' ').trim();
  const shown = task.length > 150 ? `${task.slice(0, 149)}…` : task;
  return `# Plotwright: ${shown}\n# model: ${header.model} · library: ${header.library}\n${code.trimEnd()}\n`;
}

/** Where a new cell goes: below the selection of the notebook's editor, else at the end. */
export function insertIndexBelowSelection(notebook: vscode.NotebookDocument): number {
  const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
  return Math.min(editor ? editor.selection.end : notebook.cellCount, notebook.cellCount);
}

/** Asks whether to run inserted code in the user's kernel; true only for "Run". */
export async function askRunConsent(question: string): Promise<boolean> {
  return (await vscode.window.showInformationMessage(question, 'Run', "Don't Run")) === 'Run';
}

/** Thrown when the user declines to run generated code; the cell stays in the notebook. */
export class NotRunError extends Error {
  constructor(readonly cell: vscode.NotebookCell) {
    super('The generated code was inserted but not run.');
  }
}

export class NotebookCellRunner implements AttemptRunner {
  cell: vscode.NotebookCell | undefined;
  private consented: boolean;

  constructor(
    private readonly notebook: vscode.NotebookDocument,
    private readonly insertAt: number,
    private readonly header: CellHeader,
    private readonly consent: RunConsent,
    /** Asked once per request: the repairs of an allowed cell run too. */
    private readonly askToRun: (cell: vscode.NotebookCell) => Promise<boolean>,
    /** Runs after consent, before the cell (e.g. the cell that loads a CSV). */
    private readonly beforeRun?: (signal?: AbortSignal) => Promise<void>,
  ) {
    this.consented = consent === 'always';
  }

  async run(code: string, _attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
    const cell = await this.writeCell(code);
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

  private async writeCell(code: string): Promise<vscode.NotebookCell> {
    const source = cellSource(this.header, code);
    const edit = new vscode.WorkspaceEdit();
    if (this.cell && this.cell.index >= 0 && !this.cell.document.isClosed) {
      const document = this.cell.document;
      edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), source);
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw new Error('Could not update the generated cell.');
      }
      return this.cell;
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

/** Executes a cell and waits until its execution summary says it finished. */
export async function executeCell(cell: vscode.NotebookCell, timeoutMs: number, signal?: AbortSignal): Promise<ExecutionResult> {
  const started = Date.now();
  const notebook = cell.notebook;
  const range = { start: cell.index, end: cell.index + 1 };
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const isDone = () => {
    const summary = cell.executionSummary;
    return summary?.success !== undefined && (summary.timing?.endTime ?? 0) >= started - 1000;
  };
  const listener = vscode.workspace.onDidChangeNotebookDocument((event) => {
    if (event.notebook === notebook && isDone()) {
      finished();
    }
  });
  const onAbort = () => finished();
  signal?.addEventListener('abort', onAbort);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [range], document: notebook.uri });
    const outcome = isDone() ? 'done' : await Promise.race([done.then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout' || signal?.aborted) {
      await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [range], document: notebook.uri });
      const status = signal?.aborted ? 'cancelled' : 'timeout';
      const result = resultFromOutputs(outputsOf(cell), Date.now() - started, status);
      result.error = {
        ename: status === 'timeout' ? 'TimeoutError' : 'Cancelled',
        evalue: status === 'timeout' ? `Execution timed out after ${Math.round(timeoutMs / 1000)} s and was interrupted` : 'Cancelled',
        traceback: [],
      };
      return result;
    }
    return resultFromOutputs(outputsOf(cell), Date.now() - started);
  } finally {
    clearTimeout(timer);
    listener.dispose();
    signal?.removeEventListener('abort', onAbort);
  }
}
