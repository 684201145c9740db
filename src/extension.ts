// Composition root: builds the objects, registers them, nothing else.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerChatParticipant } from './vscode/chatParticipant.js';
import { registerBenchmarkCommands } from './vscode/benchmarkCommands.js';
import { commandRegistrar, registerCommands } from './vscode/commands.js';
import { registerDrawingCommand } from './vscode/drawingCommand.js';
import { ErrorPresenter } from './vscode/errorPresenter.js';
import { PlotFlow } from './vscode/plotFlow.js';
import { BenchmarkReportPanels } from './vscode/reportPanel.js';
import { chatModelFromSettings } from './vscode/chatModels.js';
import { timeoutsFromEnv } from './vscode/timeouts.js';
import { jupyterKernels, notebookCells, windowPrompts } from './vscode/plotFlowAdapters.js';
import { readSettings } from './vscode/settings.js';
import { TaskCollector } from './vscode/taskCollector.js';
import { taskCollectorPorts } from './vscode/taskCollectorAdapter.js';
import type { PlotFlowDeps } from './vscode/plotFlowPorts.js';
import { trackPlotCells } from './vscode/plotCellContext.js';
import { askRefinement, registerRefineCommands } from './vscode/refineCommands.js';
import { RefineFlow } from './vscode/refineFlow.js';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Plotwright', { log: true });
  context.subscriptions.push(log);
  const timeouts = timeoutsFromEnv(process.env);
  const flowDeps: PlotFlowDeps = {
    kernels: jupyterKernels,
    cells: notebookCells,
    prompts: windowPrompts,
    settings: (notebook) => readSettings(notebook?.uri),
    models: (settings) => chatModelFromSettings(settings, context.secrets, log),
    timeouts,
    log,
    templatesDir: join(context.extensionPath, 'prompts'),
    tasks: new TaskCollector(taskCollectorPorts(jupyterKernels, log, timeouts.queryMs)),
  };
  const flow = new PlotFlow(flowDeps);
  const refine = new RefineFlow(flow, flowDeps, askRefinement);
  const errors = new ErrorPresenter(log);
  registerCommands(context, flow, errors, log);
  registerRefineCommands(commandRegistrar(context, errors), refine, notebookCells);
  trackPlotCells(context);
  const reports = new BenchmarkReportPanels(context.extensionUri, log);
  context.subscriptions.push(reports);
  registerBenchmarkCommands(context, commandRegistrar(context, errors), reports, log);
  registerDrawingCommand(context, errors, log);
  registerChatParticipant(context, flow, log, refine);
  log.info(`Plotwright ${String(context.extension.packageJSON.version)} active`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
