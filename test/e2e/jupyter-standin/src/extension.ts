// Composition root of the Jupyter stand-in (extension id ms-toolsai.jupyter): the .ipynb serializer
// when VS Code's built-in one is absent, the notebook controller, and the exported kernels API.
import * as vscode from 'vscode';
import { HeadlessKernel } from '../../../../src/kernel/headlessKernel.js';
import { resolvePython } from '../../../../src/kernel/python.js';
import { CONTROLLER_ID, NOTEBOOK_TYPE, StandinController } from './controller.js';
import { createJupyterApi, type Jupyter } from './jupyterApi.js';
import { IpynbSerializer } from './serializer.js';

export function activate(context: vscode.ExtensionContext): Jupyter {
  const log = vscode.window.createOutputChannel('Jupyter (stand-in)', { log: true });
  context.subscriptions.push(log);

  // VS Code's built-in ipynb extension normally reads and writes .ipynb; a second serializer for
  // the same notebook type would be an error.
  if (!otherSerializerExtension(context.extension.id)) {
    context.subscriptions.push(
      vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new IpynbSerializer(), { transientOutputs: false }),
    );
    log.info('Registered the stand-in .ipynb serializer (no other extension provides one).');
  }

  const startKernel = async (cwd: string): Promise<HeadlessKernel> => {
    const explicit = vscode.workspace.getConfiguration('jupyterStandin').get<string>('pythonPath') || undefined;
    const python = await resolvePython(explicit ? { explicit } : {});
    return HeadlessKernel.start({ python: python.path, cwd });
  };
  const controller = new StandinController(startKernel, log);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand('jupyterStandin.restartKernel', async () => {
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      if (notebook) {
        await controller.restart(notebook);
      }
    }),
    // The real extension's command id, which other extensions call (optionally with a notebook URI).
    vscode.commands.registerCommand('jupyter.restartkernel', async (uri?: vscode.Uri) => {
      const notebook =
        (uri instanceof vscode.Uri ? vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === uri.toString()) : undefined) ??
        vscode.window.activeNotebookEditor?.notebook;
      if (notebook) {
        await controller.restart(notebook);
        void vscode.window.showInformationMessage('Jupyter (stand-in): kernel restarted.');
      }
    }),
  );
  log.info(`Activated; controller ${CONTROLLER_ID} is preferred for ${NOTEBOOK_TYPE} notebooks.`);
  return createJupyterApi(controller, log);
}

function otherSerializerExtension(ownId: string): vscode.Extension<unknown> | undefined {
  return vscode.extensions.all.find((extension) => {
    const notebooks = (extension.packageJSON as { contributes?: { notebooks?: { type?: string }[] } }).contributes?.notebooks ?? [];
    return extension.id.toLowerCase() !== ownId.toLowerCase() && notebooks.some((nb) => nb.type === NOTEBOOK_TYPE);
  });
}

export function deactivate(): void {
  // Kernels are disposed through context.subscriptions.
}
