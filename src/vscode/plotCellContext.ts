// Which cells Plotwright made (and which it refined): context keys holding their URIs, so the cell
// toolbar shows Refine Plot and Undo Refine only there (`notebookCellResource in plotwright.plotCells`).
import * as vscode from 'vscode';
import { plotProvenance } from '../core/refinement.js';

export const PLOT_CELLS_KEY = 'plotwright.plotCells';
export const REFINED_CELLS_KEY = 'plotwright.refinedCells';

export function trackPlotCells(context: vscode.ExtensionContext): void {
  let timer: NodeJS.Timeout | undefined;
  const update = () => {
    const plotCells: string[] = [];
    const refinedCells: string[] = [];
    for (const notebook of vscode.workspace.notebookDocuments) {
      for (const cell of notebook.getCells()) {
        const provenance = plotProvenance(cell.metadata);
        if (provenance) {
          plotCells.push(cell.document.uri.toString());
          if (provenance.refinements?.length) {
            refinedCells.push(cell.document.uri.toString());
          }
        }
      }
    }
    void vscode.commands.executeCommand('setContext', PLOT_CELLS_KEY, plotCells);
    void vscode.commands.executeCommand('setContext', REFINED_CELLS_KEY, refinedCells);
  };
  // Cell text edits (a streaming answer) change nothing here: only cells and metadata count.
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 100);
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenNotebookDocument(schedule),
    vscode.workspace.onDidCloseNotebookDocument(schedule),
    vscode.workspace.onDidChangeNotebookDocument((event) => {
      if (event.contentChanges.length > 0 || event.cellChanges.some((change) => change.metadata !== undefined)) {
        schedule();
      }
    }),
    { dispose: () => clearTimeout(timer) },
  );
  update();
}
