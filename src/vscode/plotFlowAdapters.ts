// The real PlotFlowDeps: Jupyter's kernel, notebook cells, VS Code's quick picks and messages, the settings.
import * as vscode from 'vscode';
import type { DataFrameInfo } from '../core/kernelQueries.js';
import { notebookKernel } from './jupyterKernel.js';
import { askRunConsent, NotebookCellRunner, plotCellInsertIndex } from './notebookCellRunner.js';
import { askBeforeSending } from './requestPreviewPrompt.js';
import type { CellExecutor, FlowPrompts, KernelProvider } from './plotFlowPorts.js';

export const jupyterKernels: KernelProvider = { kernelFor: notebookKernel };

export const notebookCells: CellExecutor = {
  insertIndex: plotCellInsertIndex,
  runner: (request) =>
    new NotebookCellRunner(request.notebook, request.insertAt, request.header, request.consent, request.askToRun, request.beforeRun, request.target),
  async recordProvenance(cell, provenance) {
    // VS Code's ipynb serializer answers a finished execution with its own metadata edit (execution_count),
    // computed from the metadata it saw then: written before that edit lands, the provenance is overwritten.
    await serializerCaughtUp(cell, SERIALIZER_WAIT_MS);
    const write = async () => {
      const current = cell.metadata as { metadata?: Record<string, unknown> } & Record<string, unknown>;
      const edit = new vscode.WorkspaceEdit();
      edit.set(cell.notebook.uri, [
        vscode.NotebookEdit.updateCellMetadata(cell.index, {
          ...current,
          // The ipynb serializer keeps a cell's own metadata under `metadata`.
          metadata: { ...(current.metadata ?? {}), plotwright: provenance },
        }),
      ]);
      await vscode.workspace.applyEdit(edit);
    };
    await write();
  },
};

/** How long the ipynb serializer gets to record a finished execution in the cell's metadata. */
const SERIALIZER_WAIT_MS = 5_000;

/** Resolves once the cell's metadata records its last execution (execution_count), or after waitMs. */
function serializerCaughtUp(cell: vscode.NotebookCell, waitMs: number): Promise<void> {
  const recorded = () => {
    const order = cell.executionSummary?.executionOrder;
    return order === undefined || (cell.metadata as { execution_count?: number | null }).execution_count === order;
  };
  if (recorded()) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    const listener = vscode.workspace.onDidChangeNotebookDocument((event) => {
      if (event.notebook === cell.notebook && recorded()) {
        done();
      }
    });
  });
}

export const windowPrompts: FlowPrompts = {
  async pickDataFrame(frames: DataFrameInfo[]) {
    const picked = await vscode.window.showQuickPick(
      frames.map((f) => ({ label: f.name, description: `${f.rows.toLocaleString()} rows × ${f.columns.toLocaleString()} columns` })),
      { title: 'Plotwright: which DataFrame?', placeHolder: 'Pick the DataFrame to plot' },
    );
    return picked?.label;
  },
  askTask: (variable) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: `Plotwright: plot ${variable}`,
        prompt: 'What should the plot show? A sentence is enough.',
        placeHolder: 'e.g. histogram of price by region',
        ignoreFocusOut: true,
      }),
    ),
  askRunConsent,
  askBeforeSending,
};
