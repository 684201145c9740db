// The notebook's own kernel through the Jupyter extension's API: executeCode leaves the user's execution
// count and history alone, and Plotwright's snippets leave no names behind.
import type { Jupyter, Kernel } from '@vscode/jupyter-extension';
import * as vscode from 'vscode';
import type { CodeKernel, ExecuteOptions, ExecutionResult, KernelOutput } from '../kernel/kernel.js';
import { resultFromOutputs, toKernelOutputs } from './outputs.js';

export class NoKernelError extends Error {
  constructor(readonly reason: 'no-jupyter' | 'no-kernel' | 'not-python') {
    super(
      reason === 'no-jupyter'
        ? 'The Jupyter extension (ms-toolsai.jupyter) is not available.'
        : reason === 'no-kernel'
          ? 'This notebook has no running kernel yet. Select a Python kernel and run a cell first.'
          : "This notebook's kernel is not Python.",
    );
  }
}

/** The kernel cannot take Plotwright's request now: busy with a cell, or dead (its variables gone). */
export class KernelStateError extends Error {
  constructor(readonly state: 'busy' | 'dead') {
    super(
      state === 'busy'
        ? "The notebook's kernel is busy running a cell. Wait for it to finish, or interrupt it, then try again."
        : "The notebook's kernel died, and its variables with it. Restart the kernel, then run the cells that create your DataFrame.",
    );
  }
}

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

function isDead(status: Kernel['status']): boolean {
  return status === 'dead' || status === 'terminating';
}

export async function jupyterApi(): Promise<Jupyter> {
  const extension = vscode.extensions.getExtension<Jupyter>('ms-toolsai.jupyter');
  if (!extension) {
    throw new NoKernelError('no-jupyter');
  }
  return extension.isActive ? extension.exports : await extension.activate();
}

export async function notebookKernel(notebook: vscode.NotebookDocument): Promise<NotebookApiKernel> {
  const kernel = await (await jupyterApi()).kernels.getKernel(notebook.uri);
  if (!kernel) {
    throw new NoKernelError('no-kernel');
  }
  if (kernel.language && kernel.language.toLowerCase() !== 'python') {
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
  return new NotebookApiKernel(kernel, notebook);
}

export class NotebookApiKernel implements CodeKernel {
  constructor(
    private readonly kernel: Kernel,
    private readonly notebook: vscode.NotebookDocument,
  ) {}

  get cwd(): string {
    return vscode.Uri.joinPath(this.notebook.uri, '..').fsPath;
  }

  get status(): string {
    return this.kernel.status;
  }

  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    if (isDead(this.kernel.status)) {
      throw new KernelStateError('dead');
    }
    const started = Date.now();
    const source = new vscode.CancellationTokenSource();
    const onAbort = () => source.cancel();
    options.signal?.addEventListener('abort', onAbort);
    const timer = options.timeoutMs ? setTimeout(() => source.cancel(), options.timeoutMs) : undefined;
    const outputs: KernelOutput[] = [];
    try {
      for await (const output of this.kernel.executeCode(code, source.token)) {
        outputs.push(...toKernelOutputs(output.items));
      }
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
    const status = options.signal?.aborted ? 'cancelled' : source.token.isCancellationRequested ? 'timeout' : undefined;
    return resultFromOutputs(outputs, Date.now() - started, status);
  }

  async restart(): Promise<void> {
    await vscode.commands.executeCommand('jupyter.restartkernel', this.notebook.uri);
  }

  async dispose(): Promise<void> {
    // The kernel belongs to the notebook, not to Plotwright.
  }
}
