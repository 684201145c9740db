// Errors the plotting flow throws for the presenter to show: no vscode import, so the flow's unit tests load them.
import type * as vscode from 'vscode';

export class UserFixableError extends Error {
  constructor(
    message: string,
    readonly actions: Array<{ title: string; command: string; args?: unknown[] }>,
  ) {
    super(message);
  }
}

/** Thrown when the user declines to run generated code; the cell stays in the notebook. */
export class NotRunError extends Error {
  constructor(readonly cell: vscode.NotebookCell) {
    super('The generated code was inserted but not run.');
  }
}
