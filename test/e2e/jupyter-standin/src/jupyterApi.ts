// ms-toolsai.jupyter's exported API, typed by the real `@vscode/jupyter-extension` typings. Differences
// from the real extension: access is always granted (the real one asks the user once per
// extension), and createJupyterServerCollection returns a collection that shows nothing.
import type { Jupyter, JupyterServerCollection, Kernel, KernelStatus } from '@vscode/jupyter-extension';
import * as vscode from 'vscode';
import type { NotebookKernel } from './notebookKernel.js';
import { cellOutputs } from './outputs.js';

export type { Jupyter, Kernel, KernelStatus };

export interface KernelLookup {
  kernelFor(notebook: vscode.NotebookDocument): NotebookKernel | undefined;
  captureFigures(): boolean;
}

export function createJupyterApi(lookup: KernelLookup, log: vscode.LogOutputChannel): Jupyter {
  const wrappers = new WeakMap<NotebookKernel, Kernel>();
  return Object.freeze({
    kernels: Object.freeze({
      async getKernel(uri: vscode.Uri): Promise<Kernel | undefined> {
        const notebook = vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === uri.toString());
        const kernel = notebook && lookup.kernelFor(notebook);
        // Like the real extension: only kernels the user started by running a cell.
        if (!kernel?.startedByUser) {
          log.info(`getKernel(${uri.toString()}): no started kernel`);
          return undefined;
        }
        let wrapper = wrappers.get(kernel);
        if (!wrapper) {
          wrapper = apiKernel(kernel, lookup, log);
          wrappers.set(kernel, wrapper);
        }
        return wrapper;
      },
    }),
    createJupyterServerCollection(id: string, label: string): JupyterServerCollection {
      log.info(`createJupyterServerCollection(${id}) is not supported by the stand-in; ignored.`);
      return { id, label, dispose: () => undefined };
    },
  });
}

function apiKernel(kernel: NotebookKernel, lookup: KernelLookup, log: vscode.LogOutputChannel): Kernel {
  return Object.freeze({
    language: 'python',
    get status(): KernelStatus {
      return kernel.status;
    },
    onDidChangeStatus: kernel.onDidChangeStatus,
    executeCode(code: string, token: vscode.CancellationToken) {
      return executeCode(kernel, code, token, lookup.captureFigures(), log);
    },
  });
}

async function* executeCode(
  kernel: NotebookKernel,
  code: string,
  token: vscode.CancellationToken,
  captureFigures: boolean,
  log: vscode.LogOutputChannel,
): AsyncGenerator<vscode.NotebookCellOutput, void, unknown> {
  if (token.isCancellationRequested) {
    throw new vscode.CancellationError();
  }
  log.debug(`executeCode for ${kernel.notebook.uri.fsPath}:\n${code}`);
  const result = await kernel.execute(code, { token, captureFigures });
  log.debug(`executeCode finished: ${result.status} in ${Math.round(result.durationMs)} ms`);
  if (result.status === 'cancelled' || token.isCancellationRequested) {
    throw new vscode.CancellationError();
  }
  // The real extension yields NotebookCellOutput objects too.
  yield* cellOutputs(result);
}
