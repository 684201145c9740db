// The notebook controller ("kernel" in the picker) for .ipynb files. It marks itself Preferred for
// every Jupyter notebook, so VS Code selects it without asking when the user runs a cell.
import * as vscode from 'vscode';
import type { KernelLookup } from './jupyterApi.js';
import { NotebookKernel, type KernelStarter } from './notebookKernel.js';
import { cellOutputs } from './outputs.js';

export const NOTEBOOK_TYPE = 'jupyter-notebook';
export const CONTROLLER_ID = 'plotwright-standin-python3';

export class StandinController implements vscode.Disposable, KernelLookup {
  private readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<vscode.NotebookDocument, NotebookKernel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly startKernel: KernelStarter,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Python 3 (ipykernel, stand-in)');
    this.controller.supportedLanguages = ['python'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Plotwright e2e stand-in for the Jupyter extension';
    this.controller.executeHandler = (cells, notebook) => this.runCells(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.kernels.get(notebook)?.interrupt();

    for (const notebook of vscode.workspace.notebookDocuments) {
      this.prefer(notebook);
    }
    this.disposables.push(
      this.controller,
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.prefer(notebook)),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        this.kernels.get(notebook)?.dispose();
        this.kernels.delete(notebook);
      }),
    );
  }

  kernelFor(notebook: vscode.NotebookDocument): NotebookKernel | undefined {
    return this.kernels.get(notebook);
  }

  captureFigures(): boolean {
    return vscode.workspace.getConfiguration('jupyterStandin').get<boolean>('captureFigures', false);
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.kernels.get(notebook)?.restart();
  }

  dispose(): void {
    for (const kernel of this.kernels.values()) {
      kernel.dispose();
    }
    this.kernels.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private prefer(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType === NOTEBOOK_TYPE) {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private async runCells(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    let kernel = this.kernels.get(notebook);
    if (!kernel) {
      kernel = new NotebookKernel(notebook, this.startKernel, this.log);
      this.kernels.set(notebook, kernel);
    }
    if (kernel.status === 'dead') {
      // Jupyter offers to restart a dead kernel when a cell runs; the stand-in just does it.
      this.log.info(`Restarting the dead kernel of ${notebook.uri.fsPath} to run cells`);
      await kernel.restart();
    }
    // Jupyter queues all requested cells, and clears the queue when one fails.
    const executions = cells.map((cell) => this.controller.createNotebookCellExecution(cell));
    for (let i = 0; i < executions.length; i++) {
      const ok = await this.runCell(executions[i], kernel);
      if (!ok) {
        for (const rest of executions.slice(i + 1)) {
          // Never started: ending it without a result takes it off the queue, as Jupyter does.
          rest.end(undefined);
        }
        return;
      }
    }
  }

  private async runCell(execution: vscode.NotebookCellExecution, kernel: NotebookKernel): Promise<boolean> {
    const code = execution.cell.document.getText();
    execution.start(Date.now());
    await execution.clearOutput();
    if (code.trim() === '') {
      execution.end(true, Date.now());
      return true;
    }
    execution.executionOrder = ++kernel.executionCount;
    try {
      const result = await kernel.execute(code, { token: execution.token, captureFigures: this.captureFigures() });
      await execution.replaceOutput(cellOutputs(result));
      const ok = result.status === 'ok';
      execution.end(result.status === 'cancelled' ? undefined : ok, Date.now());
      return ok;
    } catch (err) {
      this.log.error(`Cell execution failed: ${String(err)}`);
      const error = err instanceof Error ? err : new Error(String(err));
      await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)], { outputType: 'error' }));
      execution.end(false, Date.now());
      return false;
    }
  }
}
