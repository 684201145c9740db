// The real TaskCollectorPorts: the workspace folder and its trust, the cell's outputs (a Plotly figure
// rendered to PNG in the browser the benchmark uses), the status bar and the log.
import * as vscode from 'vscode';
import { findBrowser } from '../kernel/browserPath.js';
import { PlotlyRenderer } from '../kernel/plotlyRenderer.js';
import { toKernelOutputs } from './outputs.js';
import type { KernelProvider } from './plotFlowPorts.js';
import { readSettings } from './settings.js';
import { NO_FOLDER, UNTRUSTED, type TaskCollectorPorts } from './taskCollector.js';

async function cellPng(cell: vscode.NotebookCell, signal: AbortSignal): Promise<Buffer | undefined> {
  const outputs = cell.outputs.flatMap((output) => toKernelOutputs(output.items));
  for (const output of outputs) {
    if (output.kind === 'image') {
      return Buffer.from(output.data, 'base64');
    }
  }
  const plotly = outputs.find((output) => output.kind === 'plotly');
  const settings = readSettings(cell.notebook.uri);
  const browser = plotly && !signal.aborted ? findBrowser(settings.browserPath ? { explicit: settings.browserPath } : {}) : undefined;
  if (!plotly || !browser) {
    return undefined;
  }
  const renderer = new PlotlyRenderer({ executablePath: browser });
  try {
    return await renderer.render(plotly.figure);
  } finally {
    await renderer.close();
  }
}

export function taskCollectorPorts(kernels: KernelProvider, log: vscode.LogOutputChannel, queryTimeoutMs: number): TaskCollectorPorts {
  return {
    kernels,
    workspaceOf(notebook) {
      if (!vscode.workspace.isTrusted) {
        return { refusal: UNTRUSTED };
      }
      // An untitled notebook (Plot CSV File makes one) belongs to the first folder.
      const folder = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
      return folder && folder.uri.scheme === 'file' ? { folder: folder.uri.fsPath } : { refusal: NO_FOLDER };
    },
    cellSource: (cell) => cell.document.getText(),
    cellPng,
    status: (message) => {
      vscode.window.setStatusBarMessage(message, 15_000);
    },
    warn: (message) => {
      void vscode.window.showWarningMessage(message);
    },
    log,
    queryTimeoutMs,
  };
}
