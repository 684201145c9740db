// Errors in three tiers: cancellation stays silent; what the user can fix gets a button that fixes it;
// anything else is logged and shown once.
import * as vscode from 'vscode';
import { LlmError } from '../llm/errors.js';
import { CancelledError, KernelAccessError, KernelStateError, NoKernelError } from './apiKernel.js';
import { NotRunError, UserFixableError } from './flowErrors.js';

export { UserFixableError } from './flowErrors.js';

export function isCancellation(error: unknown): boolean {
  return (
    error instanceof vscode.CancellationError ||
    error instanceof CancelledError ||
    (error instanceof LlmError && error.kind === 'cancelled') ||
    (error instanceof Error && (error.name === 'AbortError' || error.message === 'Cancelled'))
  );
}

/** The fix for an error, when there is one. */
export function fixFor(error: unknown): UserFixableError | undefined {
  if (error instanceof UserFixableError) {
    return error;
  }
  if (error instanceof KernelAccessError) {
    return new UserFixableError(error.message, [{ title: 'Manage Access to Kernels', command: 'jupyter.manageAccessToKernels' }]);
  }
  if (error instanceof NoKernelError) {
    return error.reason === 'no-jupyter'
      ? new UserFixableError(error.message, [{ title: 'Show Jupyter Extension', command: 'workbench.extensions.search', args: ['ms-toolsai.jupyter'] }])
      : new UserFixableError(error.message, [
          { title: 'Select Kernel', command: 'notebook.selectKernel' },
          { title: 'Run All Cells', command: 'notebook.execute' },
        ]);
  }
  if (error instanceof KernelStateError) {
    return error.state === 'busy'
      ? new UserFixableError(error.message, [
          { title: 'Interrupt Kernel', command: 'notebook.cancelExecution' },
          { title: 'Try Again', command: 'plotwright.plotDataFrame' },
        ])
      : new UserFixableError(error.message, [
          { title: 'Restart Kernel', command: 'jupyter.restartkernel' },
          { title: 'Select Kernel', command: 'notebook.selectKernel' },
        ]);
  }
  if (error instanceof LlmError) {
    switch (error.kind) {
      case 'no-key':
      case 'auth':
        return new UserFixableError(error.message, [{ title: 'Set API Key', command: 'plotwright.setApiKey' }]);
      case 'model-not-found':
        return new UserFixableError(error.message, [{ title: 'Select Model', command: 'plotwright.selectModel' }]);
      case 'unreachable':
        return new UserFixableError(error.message, [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['plotwright.baseUrl'] }]);
      case 'rate-limited':
      case 'timeout':
        return new UserFixableError(error.message, [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['plotwright'] }]);
      default:
        return undefined;
    }
  }
  return undefined;
}

export class ErrorPresenter {
  private readonly shown = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async present(error: unknown, context: string): Promise<void> {
    if (isCancellation(error)) {
      this.log.debug(`${context}: cancelled`);
      return;
    }
    if (error instanceof NotRunError) {
      void vscode.window.showInformationMessage('Plotwright inserted the code without running it.');
      return;
    }
    const fix = fixFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (fix) {
      this.log.warn(`${context}: ${message}`);
      const choice = await vscode.window.showErrorMessage(`Plotwright: ${fix.message}`, ...fix.actions.map((a) => a.title));
      const action = fix.actions.find((a) => a.title === choice);
      if (action) {
        await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
      }
      return;
    }
    this.log.error(`${context}: ${error instanceof Error ? (error.stack ?? message) : message}`);
    if (!this.shown.has(message)) {
      this.shown.add(message);
      const choice = await vscode.window.showErrorMessage(`Plotwright: ${message}`, 'Show Log');
      if (choice === 'Show Log') {
        this.log.show(true);
      }
    }
  }
}
