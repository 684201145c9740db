// The command palette, menus and toolbar entries: thin handlers over PlotFlow and the core.
import { checkInstallRequest } from '../core/installablePackages.js';
import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { pipFailure } from '../core/kernelQueries.js';
import { shortenTask } from '../core/plotEngine.js';
import { readTableFile } from '../core/tableFile.js';
import type { PlotLibrary } from '../core/prompts.js';
import { API_KEY_SECRET, availableModels, chatModelFromSettings } from './chatModels.js';
import { UserFixableError, type ErrorPresenter } from './errorPresenter.js';
import { executeCell } from './notebookCellRunner.js';
import { PlotFlow, signalFrom, type LibraryOutcome } from './plotFlow.js';
import { readSettings } from './settings.js';

/** Reading more than this in the extension host would stall it; the kernel reads the whole file anyway. */
const MAX_CSV_BYTES = 200 * 1024 * 1024;

/** nbformat metadata of a notebook for Jupyter's standard `python3` kernelspec. */
const PYTHON3_NOTEBOOK_METADATA = {
  kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
  language_info: { name: 'python' },
};

function activeNotebook(): vscode.NotebookDocument {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (!notebook) {
    throw new Error('Open a Jupyter notebook first: Plotwright plots DataFrames that live in a notebook kernel.');
  }
  return notebook;
}

/** A cell's context menu passes the cell; the toolbar passes the editor or nothing. */
function insertionFromArgument(argument: unknown): number | undefined {
  const maybeCell = argument as Partial<vscode.NotebookCell> | undefined;
  return typeof maybeCell?.index === 'number' && maybeCell.notebook ? maybeCell.index + 1 : undefined;
}

async function withProgress<T>(title: string, work: (report: (m: string) => void, token: vscode.CancellationToken) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    work((message) => progress.report({ message }), token),
  );
}

function announce(results: LibraryOutcome[] | undefined): void {
  if (!results || results.length === 0) {
    return;
  }
  if (results.length === 1) {
    const [r] = results;
    if (r.outcome?.ok && !r.outcome.wrongLibrary) {
      void vscode.window.showInformationMessage(`Plotwright: plot ready (${r.summary}).`);
    } else {
      void vscode.window.showWarningMessage(`Plotwright: ${r.summary}.`);
    }
    return;
  }
  void vscode.window.showInformationMessage(`Plotwright: ${results.map((r) => `${r.library}: ${r.summary}`).join(' · ')}`);
}

/** Registers a command whose errors go through the presenter (cancellation silent, fixes as buttons). */
export function commandRegistrar(context: vscode.ExtensionContext, errors: ErrorPresenter) {
  return (id: string, handler: (...args: unknown[]) => Promise<unknown>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          await errors.present(error, id);
          return undefined;
        }
      }),
    );
  };
}

export function registerCommands(
  context: vscode.ExtensionContext,
  flow: PlotFlow,
  errors: ErrorPresenter,
  log: vscode.LogOutputChannel,
): void {
  const register = commandRegistrar(context, errors);

  register('plotwright.plotDataFrame', async (argument) => {
    const notebook = activeNotebook();
    const results = await withProgress('Plotwright', (report, token) =>
      flow.plot({ notebook, insertAt: insertionFromArgument(argument), token, progress: report }),
    );
    announce(results);
    return results?.map((r) => r.summary);
  });

  register('plotwright.compareLibraries', async (argument) => {
    const notebook = activeNotebook();
    const libraries: PlotLibrary[] = ['matplotlib', 'seaborn', 'plotly'];
    const results = await withProgress('Plotwright: comparing libraries', (report, token) =>
      flow.plot({ notebook, libraries, insertAt: insertionFromArgument(argument), token, progress: report }),
    );
    announce(results);
    return results?.map((r) => `${r.library}: ${r.summary}`);
  });

  register('plotwright.plotCsvFile', async (argument) => {
    let uri = argument instanceof vscode.Uri ? argument : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Data files': ['csv', 'tsv', 'tab', 'psv', 'txt', 'jsonl', 'ndjson', 'json'] }, title: 'Plotwright: plot a data file' });
      uri = picked?.[0];
    }
    if (!uri) {
      return undefined;
    }
    const info = await stat(uri.fsPath);
    if (info.size > MAX_CSV_BYTES) {
      throw new Error(`${uri.fsPath} is ${(info.size / 1e6).toFixed(0)} MB: open it in a notebook with pandas and use "Plot DataFrame…" instead.`);
    }
    const settings = readSettings(uri);
    // Sniffs encoding, delimiter and header; an unreadable file throws one sentence that names it.
    const table = readTableFile(await readFile(uri.fsPath), uri.fsPath, { mode: settings.dataDescription, sampleRows: settings.sendSampleRows });
    const { description } = table;
    const task = await vscode.window.showInputBox({
      title: `Plotwright: plot ${vscode.workspace.asRelativePath(uri)}`,
      prompt: `${description.rows.toLocaleString()} rows × ${description.columns} columns${table.reading ? `, ${table.reading}` : ''}. What should the plot show?`,
      ignoreFocusOut: true,
    });
    if (!task?.trim()) {
      return undefined;
    }
    const loadCode = `${table.loadCode}
df.head()`;
    const data = new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, loadCode, 'python')]);
    // Jupyter picks the kernel a notebook's kernelspec names: without one, running the first cell asks.
    data.metadata = { cells: [], metadata: PYTHON3_NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 };
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
    await vscode.window.showNotebookDocument(notebook);
    const results = await withProgress('Plotwright', (report, token) => {
      let loaded = false;
      // The loading cell is Plotwright's own code; it runs once the user allowed the generated cell.
      const loadCsv = async (signal?: AbortSignal) => {
        if (loaded) {
          return;
        }
        report('Loading the CSV in the kernel…');
        const load = await executeCell(notebook.cellAt(0), 120_000, signal);
        if (load.status !== 'ok') {
          const explained = load.error ? table.explainLoadError(load.error) : undefined;
          throw new Error(explained ?? `Loading the CSV in the kernel failed: ${load.error?.ename ?? load.status}: ${load.error?.evalue ?? ''}`);
        }
        loaded = true;
      };
      return flow.plot({
        notebook,
        source: { kind: 'described', variable: 'df', description },
        task,
        insertAt: 1,
        token,
        progress: report,
        beforeRun: loadCsv,
        consentNote: 'The cell that loads the CSV runs first.',
      });
    });
    announce(results);
    return results?.map((r) => r.summary);
  });

  register('plotwright.shortenTask', async () => {
    const settings = readSettings();
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const long = await vscode.window.showInputBox({
      title: 'Plotwright: shorten a task',
      prompt: 'The detailed task to shorten',
      value: selected,
      ignoreFocusOut: true,
    });
    if (!long?.trim()) {
      return undefined;
    }
    const level = await vscode.window.showQuickPick(
      [
        { label: 'Two or three sentences', detail: 'short' as const },
        { label: 'One sentence', detail: 'single' as const },
      ],
      { title: 'Plotwright: how short?' },
    );
    if (!level) {
      return undefined;
    }
    const short = await withProgress('Plotwright: shortening the task', async (_report, token) => {
      const signal = signalFrom(token);
      const model = await chatModelFromSettings(settings, context.secrets, log);
      return (await shortenTask(model, flow.templates, long, level.detail, signal)).task;
    });
    const accepted = await vscode.window.showInputBox({
      title: 'Plotwright: the shortened task (edit it, then Enter to plot)',
      value: short,
      ignoreFocusOut: true,
    });
    if (!accepted?.trim()) {
      return undefined;
    }
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook) {
      await vscode.env.clipboard.writeText(accepted);
      void vscode.window.showInformationMessage('Plotwright: the shortened task is on the clipboard (open a notebook to plot it).');
      return accepted;
    }
    const results = await withProgress('Plotwright', (report, token) => flow.plot({ notebook, task: accepted, token, progress: report }));
    announce(results);
    return accepted;
  });

  register('plotwright.setApiKey', async () => {
    const key = await vscode.window.showInputBox({
      title: 'Plotwright: API key',
      prompt: 'Kept in VS Code\'s secret storage, never in settings. Leave empty to remove the stored key.',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) {
      return undefined;
    }
    if (key.trim()) {
      await context.secrets.store(API_KEY_SECRET, key.trim());
      void vscode.window.showInformationMessage('Plotwright: API key saved.');
    } else {
      await context.secrets.delete(API_KEY_SECRET);
      void vscode.window.showInformationMessage('Plotwright: stored API key removed.');
    }
    return true;
  });

  register('plotwright.selectModel', async () => {
    const settings = readSettings();
    const { choices, endpointError } = await withProgress('Plotwright: listing models', () => availableModels(settings, context.secrets, log));
    if (endpointError) {
      log.warn(`Listing the endpoint's models failed: ${endpointError}`);
    }
    const items: Array<vscode.QuickPickItem & { choice?: (typeof choices)[number] }> = choices.map((choice) => ({
      label: choice.id,
      description: choice.provider === 'vscode-lm' ? 'VS Code language model' : 'endpoint',
      detail: choice.detail,
      choice,
    }));
    if (endpointError) {
      items.push({ label: '$(warning) The endpoint did not list its models', detail: endpointError });
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Plotwright: model', matchOnDetail: true });
    if (!picked?.choice) {
      return undefined;
    }
    const config = vscode.workspace.getConfiguration('plotwright');
    await config.update('provider', picked.choice.provider, vscode.ConfigurationTarget.Global);
    await config.update('model', picked.choice.id, vscode.ConfigurationTarget.Global);
    return picked.choice.id;
  });

  register('plotwright.installPackages', async (notebookUri, packages) => {
    const uri = notebookUri instanceof vscode.Uri ? notebookUri : activeNotebook().uri;
    const request = checkInstallRequest(packages);
    if (!request.ok) {
      void vscode.window.showErrorMessage(request.message);
      return undefined;
    }
    const names = request.packages;
    const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
    if (!notebook) {
      return undefined;
    }
    const answer = await vscode.window.showWarningMessage(
      `Install ${names.join(', ')} into this notebook's kernel environment with %pip?`,
      { modal: true },
      'Install',
    );
    if (answer !== 'Install') {
      return undefined;
    }
    const edit = new vscode.WorkspaceEdit();
    const at = notebook.cellCount;
    edit.set(notebook.uri, [
      vscode.NotebookEdit.insertCells(at, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, `%pip install ${names.join(' ')}`, 'python')]),
    ]);
    await vscode.workspace.applyEdit(edit);
    const { result, stillMissing } = await withProgress(`Plotwright: installing ${names.join(', ')}`, async (report, token) => {
      const result = await executeCell(notebook.cellAt(at), 15 * 60_000, signalFrom(token));
      if (result.status === 'cancelled') {
        throw new vscode.CancellationError();
      }
      report('Checking the kernel…');
      // %pip reports a failed install in its output, not as an error: ask the kernel what it can import now.
      return { result, stillMissing: await flow.missingInKernel(notebook, names, token) };
    });
    if (stillMissing.length > 0) {
      const output = result.outputs.map((o) => (o.kind === 'stream' || o.kind === 'text' ? o.text : o.kind === 'error' ? o.error.evalue : '')).join('');
      throw new UserFixableError(
        `Installing ${stillMissing.join(', ')} failed (pip: ${pipFailure(output)}). Install it into the kernel's environment yourself, or select a kernel that has it.`,
        [{ title: 'Select Kernel', command: 'notebook.selectKernel' }],
      );
    }
    void vscode.window.showInformationMessage(`Plotwright: installed ${names.join(', ')}.`);
    return true;
  });
}
