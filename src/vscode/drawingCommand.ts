// "Figure from Drawing…": pick a PNG/JPEG (or get one from the explorer) or draw a sketch, then the panel.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DrawingPanel, type DrawingSource } from './drawingPanel.js';
import type { ErrorPresenter } from './errorPresenter.js';

export const FIGURE_FROM_DRAWING = 'plotwright.figureFromDrawing';

async function pickSource(argument: unknown): Promise<DrawingSource | undefined> {
  if (argument instanceof vscode.Uri) {
    return { kind: 'image', uri: argument };
  }
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(file-media) Open a Drawing…', detail: 'A PNG or JPEG of a hand-drawn diagram (boxes, circles, lines, arrows)', source: 'image' as const },
      { label: '$(edit) Draw a Sketch…', detail: 'Draw with the mouse or a pen on the 16×16 grid', source: 'sketch' as const },
    ],
    { title: 'Plotwright: figure from a drawing' },
  );
  if (!choice) {
    return undefined;
  }
  if (choice.source === 'sketch') {
    return { kind: 'sketch' };
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { Images: ['png', 'jpg', 'jpeg'] },
    title: 'Plotwright: pick a hand drawing',
    openLabel: 'Read Drawing',
  });
  return picked?.[0] ? { kind: 'image', uri: picked[0] } : undefined;
}

export function registerDrawingCommand(context: vscode.ExtensionContext, errors: ErrorPresenter, log: vscode.LogOutputChannel): void {
  const deps = { extensionUri: context.extensionUri, workerFile: join(context.extensionPath, 'dist', 'inferWorker.cjs'), log, errors };
  const panels = new Set<DrawingPanel>();
  context.subscriptions.push(
    vscode.commands.registerCommand(FIGURE_FROM_DRAWING, async (argument?: unknown) => {
      try {
        // Remember the notebook now: once the panel has the focus, no notebook editor is active.
        const notebook = vscode.window.activeNotebookEditor?.notebook;
        const source = await pickSource(argument);
        if (!source) {
          return undefined;
        }
        const panel = DrawingPanel.open(deps, source, notebook, () => panels.delete(panel));
        panels.add(panel);
        return source.kind;
      } catch (error) {
        await errors.present(error, FIGURE_FROM_DRAWING);
        return undefined;
      }
    }),
    { dispose: () => panels.forEach((p) => p.dispose()) },
  );
}
