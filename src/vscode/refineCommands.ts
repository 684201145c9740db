// Refine Plot… and Undo Refine: on the cell whose toolbar was clicked, else the selected cell.
import * as vscode from 'vscode';
import { lastRefinement, plotProvenance } from '../core/refinement.js';
import { findCell, type PlotTurnMetadata } from './chatFollowUp.js';
import type { PlotFlowDeps } from './plotFlowPorts.js';
import type { RefineFlow } from './refineFlow.js';

type Register = (id: string, handler: (...args: unknown[]) => Promise<unknown>) => void;

/** The cell toolbar passes the cell, a chat button the cell's URIs; the palette acts on the selected cell. */
export function targetCell(argument: unknown): vscode.NotebookCell {
  const maybeCell = argument as Partial<vscode.NotebookCell> | undefined;
  if (typeof maybeCell?.index === 'number' && maybeCell.notebook && maybeCell.document) {
    return maybeCell as vscode.NotebookCell;
  }
  const named = argument as Partial<PlotTurnMetadata> | undefined;
  if (typeof named?.cell === 'string' && typeof named.notebook === 'string') {
    const cell = findCell(vscode.workspace.notebookDocuments, { notebook: named.notebook, cell: named.cell });
    if (!cell) {
      throw new Error('That cell is no longer in an open notebook.');
    }
    return cell;
  }
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) {
    throw new Error('Open a notebook and select the Plotwright cell to refine.');
  }
  const index = editor.selection.start;
  if (index >= editor.notebook.cellCount) {
    throw new Error('Select the Plotwright cell to refine first.');
  }
  return editor.notebook.cellAt(index);
}

export function askRefinement(cellIndex: number, provenance: { task: string }): Promise<string | undefined> {
  return Promise.resolve(
    vscode.window.showInputBox({
      title: `Plotwright: refine cell ${cellIndex + 1} (${provenance.task.length > 60 ? `${provenance.task.slice(0, 59)}…` : provenance.task})`,
      prompt: 'How should the plot change? The cell\'s current code, its last error and the data description go with it.',
      placeHolder: 'e.g. make the bars horizontal · log scale on y · one subplot per region',
      ignoreFocusOut: true,
    }),
  );
}

export function registerRefineCommands(register: Register, refine: RefineFlow, cells: PlotFlowDeps['cells']): void {
  register('plotwright.refinePlot', async (argument) => {
    const cell = targetCell(argument);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Plotwright: refining', cancellable: true },
      (progress, token) => refine.refine({ cell, token, progress: (message) => progress.report({ message }) }),
    );
    if (result) {
      const message = `Plotwright: cell ${result.cell.index + 1} refined (${result.summary}).`;
      if (!result.changed) {
        void vscode.window.showWarningMessage(`Plotwright: cell ${result.cell.index + 1} kept its code (${result.summary}).`);
      } else if (result.outcome?.ok) {
        void vscode.window.showInformationMessage(message, 'Undo Refine').then((choice) =>
          choice ? vscode.commands.executeCommand('plotwright.undoRefine', result.cell) : undefined,
        );
      } else {
        void vscode.window.showWarningMessage(message, 'Undo Refine').then((choice) =>
          choice ? vscode.commands.executeCommand('plotwright.undoRefine', result.cell) : undefined,
        );
      }
    }
    return result?.summary;
  });

  register('plotwright.undoRefine', async (argument) => {
    const cell = targetCell(argument);
    const provenance = plotProvenance(cell.metadata);
    const step = lastRefinement(provenance?.refinements);
    if (!provenance || !step) {
      throw new Error(`Cell ${cell.index + 1} has no refinement to undo.`);
    }
    const document = cell.document;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), step.last.previousSource);
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error(`Could not restore cell ${cell.index + 1}.`);
    }
    await cells.recordProvenance(cell, { ...provenance, refinements: step.rest });
    void vscode.window.showInformationMessage(`Plotwright: cell ${cell.index + 1} is back to before "${step.last.instruction}".`);
    return step.last.instruction;
  });
}
