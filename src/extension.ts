// Composition root: builds the objects, registers them, nothing else.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerChatParticipant } from './vscode/chatParticipant.js';
import { registerCommands } from './vscode/commands.js';
import { registerDrawingCommand } from './vscode/drawingCommand.js';
import { ErrorPresenter } from './vscode/errorPresenter.js';
import { PlotFlow } from './vscode/plotFlow.js';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Plotwright', { log: true });
  context.subscriptions.push(log);
  const flow = new PlotFlow(context.secrets, log, join(context.extensionPath, 'prompts'));
  const errors = new ErrorPresenter(log);
  registerCommands(context, flow, errors, log);
  registerDrawingCommand(context, errors, log);
  registerChatParticipant(context, flow, log);
  log.info(`Plotwright ${String(context.extension.packageJSON.version)} active`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
