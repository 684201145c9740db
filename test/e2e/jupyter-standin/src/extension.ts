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

  if (!vscode.extensions.getExtension('vscode.ipynb')) {
    context.subscriptions.push(
      vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new IpynbSerializer(), { transientOutputs: false }),
    );
    log.info('Registered the stand-in .ipynb serializer (the built-in ipynb extension is not enabled).');
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
  );
  log.info(`Activated; controller ${CONTROLLER_ID} is preferred for ${NOTEBOOK_TYPE} notebooks.`);
  return createJupyterApi(controller, log);
}

export function deactivate(): void {
  // Kernels are disposed through context.subscriptions.
}
