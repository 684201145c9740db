// One real Python kernel per notebook, shared by the notebook's cells and by API callers (like the
// real Jupyter extension, whose API runs code in the very kernel the cells use).
import * as vscode from 'vscode';
import { HeadlessKernel } from '../../../../src/kernel/headlessKernel.js';
import type { CodeKernel, ExecutionResult } from '../../../../src/kernel/kernel.js';
import type { KernelStatus } from './jupyterApi.js';

export interface KernelStarter {
  (cwd: string): Promise<CodeKernel>;
}

export class NotebookKernel implements vscode.Disposable {
  /** Execution count of the last cell run (API executions do not count, as in Jupyter). */
  executionCount = 0;
  private kernel: Promise<CodeKernel> | undefined;
  private currentStatus: KernelStatus = 'unknown';
  private inFlight = 0;
  private disposed = false;
  private readonly running = new Set<AbortController>();
  private readonly statusEmitter = new vscode.EventEmitter<KernelStatus>();
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly start: KernelStarter,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get status(): KernelStatus {
    return this.currentStatus;
  }

  /** True once the user ran a cell: the real extension hides kernels nobody started. */
  get startedByUser(): boolean {
    return this.executionCount > 0 && this.kernel !== undefined;
  }

  async execute(code: string, options: { token?: vscode.CancellationToken; captureFigures: boolean }): Promise<ExecutionResult> {
    if (this.disposed) {
      throw new Error('The notebook was closed and its kernel shut down.');
    }
    if (this.currentStatus === 'dead') {
      throw new Error('The kernel died. Restart it to run code again.');
    }
    const abort = new AbortController();
    const listener = options.token?.onCancellationRequested(() => abort.abort());
    this.running.add(abort);
    this.inFlight++;
    try {
      const kernel = await this.ensureStarted();
      this.setStatus('busy');
      const result = await kernel.execute(code, { signal: abort.signal, captureFigures: options.captureFigures });
      if (result.status === 'died') {
        // The headless kernel replaces a dead process at once; Jupyter shows the kernel dead until the
        // user restarts it, and so does the stand-in (the replacement has none of the old variables).
        this.log.warn(`The kernel of ${this.notebook.uri.fsPath} died: ${result.error?.evalue ?? ''}`);
        this.setStatus('dead');
      }
      return result;
    } finally {
      listener?.dispose();
      this.running.delete(abort);
      this.inFlight--;
      if (this.inFlight === 0 && !this.disposed && this.currentStatus === 'busy') {
        this.setStatus('idle');
      }
    }
  }

  interrupt(): void {
    for (const abort of this.running) {
      abort.abort();
    }
  }

  async restart(): Promise<void> {
    if (!this.kernel) {
      return;
    }
    this.interrupt();
    this.setStatus('restarting');
    const kernel = await this.kernel;
    await kernel.restart();
    this.executionCount = 0;
    this.setStatus('idle');
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.interrupt();
    this.setStatus('terminating');
    const kernel = this.kernel;
    this.kernel = undefined;
    void kernel
      ?.then((k) => k.dispose())
      .catch((err: unknown) => this.log.warn(`Shutting down the kernel failed: ${String(err)}`))
      .finally(() => {
        this.setStatus('dead');
        this.statusEmitter.dispose();
      });
    if (!kernel) {
      this.statusEmitter.dispose();
    }
  }

  private ensureStarted(): Promise<CodeKernel> {
    if (!this.kernel) {
      const cwd = vscode.Uri.joinPath(this.notebook.uri, '..').fsPath;
      this.setStatus('starting');
      const started = performance.now();
      this.kernel = this.start(cwd).then(
        (kernel) => {
          const info = kernel instanceof HeadlessKernel ? kernel.startInfo : undefined;
          this.log.info(
            `Kernel for ${this.notebook.uri.fsPath} started in ${Math.round(performance.now() - started)} ms` +
              (info ? ` (${info.python}, pid ${String(info.pid)})` : ''),
          );
          this.setStatus('idle');
          return kernel;
        },
        (err: unknown) => {
          this.log.error(`Kernel for ${this.notebook.uri.fsPath} failed to start: ${String(err)}`);
          this.kernel = undefined;
          this.setStatus('dead');
          throw err;
        },
      );
    }
    return this.kernel;
  }

  private setStatus(status: KernelStatus): void {
    if (status !== this.currentStatus) {
      this.currentStatus = status;
      this.statusEmitter.fire(status);
    }
  }
}
