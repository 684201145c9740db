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
    if (this.kernel.status === 'dead' || this.kernel.status === 'terminating') {
      throw new Error(`The notebook's kernel is ${this.kernel.status}: restart it and run a cell first.`);
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
