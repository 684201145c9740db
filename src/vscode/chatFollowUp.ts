// @plot follow-ups: the cell a chat thread last plotted is named in that turn's result metadata, so a
// later message in the same thread ("make the bars horizontal") refines it. Types only at runtime.
import type * as vscode from 'vscode';

export const PLOT_PARTICIPANT_ID = 'plotwright.plot';

/** What @plot keeps in a turn's result: the cell it made or refined. */
export interface PlotTurnMetadata {
  notebook: string;
  cell: string;
}

interface TurnLike {
  participant: string;
  result?: { metadata?: Record<string, unknown> };
}

/** The cell this thread's last @plot answer made or refined, if any. */
export function lastPlottedCell(history: readonly unknown[]): PlotTurnMetadata | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i] as Partial<TurnLike>;
    if (turn.participant !== PLOT_PARTICIPANT_ID || !turn.result) {
      continue;
    }
    const metadata = turn.result.metadata as Partial<PlotTurnMetadata> | undefined;
    if (typeof metadata?.cell === 'string' && typeof metadata.notebook === 'string') {
      return { notebook: metadata.notebook, cell: metadata.cell };
    }
  }
  return undefined;
}

/** The cell, wherever it moved in its notebook; undefined once deleted or its notebook closed. */
export function findCell(notebooks: readonly vscode.NotebookDocument[], turn: PlotTurnMetadata): vscode.NotebookCell | undefined {
  const notebook = notebooks.find((n) => n.uri.toString() === turn.notebook);
  return notebook?.getCells().find((cell) => cell.document.uri.toString() === turn.cell);
}

export function turnMetadata(cell: vscode.NotebookCell): PlotTurnMetadata {
  return { notebook: cell.notebook.uri.toString(), cell: cell.document.uri.toString() };
}
