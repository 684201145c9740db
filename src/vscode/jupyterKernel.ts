// The notebook's own kernel through the Jupyter extension's API: executeCode leaves the user's execution
// count and history alone, and Plotwright's snippets leave no names behind.
import type { Jupyter, Kernel } from '@vscode/jupyter-extension';
import * as vscode from 'vscode';
import { ApiKernel, isDead, KernelStateError, NoKernelError, type ApiKernelLike } from './apiKernel.js';
import { isPythonNotebook } from './kernelLanguage.js';

export { KernelAccessError, KernelStateError, NoKernelError } from './apiKernel.js';

/** A cell that is finishing gets this long before the kernel counts as busy. */
const BUSY_GRACE_MS = 2_000;

/** Resolves with the kernel's status once it is not busy, or when the grace period ends. */
function settledStatus(kernel: Kernel, graceMs: number): Promise<Kernel['status']> {
  if (kernel.status !== 'busy') {
    return Promise.resolve(kernel.status);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(kernel.status);
    }, graceMs);
    const listener = kernel.onDidChangeStatus((status) => {
      if (status !== 'busy') {
        clearTimeout(timer);
        listener.dispose();
        resolve(status);
      }
    });
  });
}

export async function jupyterApi(): Promise<Jupyter> {
  const extension = vscode.extensions.getExtension<Jupyter>('ms-toolsai.jupyter');
  if (!extension) {
    throw new NoKernelError('no-jupyter');
  }
  return extension.isActive ? extension.exports : await extension.activate();
}

/** The notebook's Python kernel, idle and alive; throws what the user can fix otherwise. */
export async function notebookKernel(notebook: vscode.NotebookDocument): Promise<ApiKernel> {
  const kernel = await (await jupyterApi()).kernels.getKernel(notebook.uri);
  if (!kernel) {
    throw new NoKernelError('no-kernel');
  }
  // A remote Jupyter session reports "python" whatever it runs: the notebook's own languages count too.
  const metadata = notebook.metadata as { metadata?: NotebookMetadata } & NotebookMetadata;
  const meta = metadata.metadata ?? metadata;
  const python = isPythonNotebook({
    kernelLanguage: kernel.language,
    kernelspecLanguage: meta.kernelspec?.language,
    languageInfo: meta.language_info?.name,
    cellLanguages: notebook.getCells().flatMap((cell) => (cell.kind === vscode.NotebookCellKind.Code ? [cell.document.languageId] : [])),
  });
  if (!python) {
    throw new NoKernelError('not-python');
  }
  // Plotwright's queries would queue behind a running cell, and cancelling them would interrupt it.
  const status = await settledStatus(kernel, BUSY_GRACE_MS);
  if (status === 'busy') {
    throw new KernelStateError('busy');
  }
  if (isDead(status)) {
    throw new KernelStateError('dead');
  }
  return new ApiKernel(
    kernel as ApiKernelLike,
    vscode.Uri.joinPath(notebook.uri, '..').fsPath,
    () => new vscode.CancellationTokenSource(),
    async () => {
      await vscode.commands.executeCommand('jupyter.restartkernel', notebook.uri);
    },
  );
}

interface NotebookMetadata {
  kernelspec?: { language?: string };
  language_info?: { name?: string };
}
