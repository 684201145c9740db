// @plot in VS Code chat: "@plot df: histogram of price by region" runs journey 1 on the active notebook.
import * as vscode from 'vscode';
import { parseChatPrompt } from './chatPrompt.js';
import { fixFor, isCancellation } from './errorPresenter.js';
import type { PlotFlow } from './plotFlow.js';

export function registerChatParticipant(context: vscode.ExtensionContext, flow: PlotFlow, log: vscode.LogOutputChannel): void {
  if (!vscode.chat?.createChatParticipant) {
    log.info('This VS Code has no chat API: @plot is not available.');
    return;
  }
  const participant = vscode.chat.createChatParticipant('plotwright.plot', async (request, _context, stream, token) => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook) {
      stream.markdown('Open a Jupyter notebook with a running kernel first: `@plot` plots a DataFrame that lives in it.');
      return {};
    }
    const { variable, task } = parseChatPrompt(request.prompt);
    if (!task) {
      stream.markdown('Say what to plot, for example `@plot df: histogram of price by region`.');
      return {};
    }
    try {
      const results = await flow.plot({ notebook, source: { kind: 'kernel', variable }, task, token, progress: (message) => stream.progress(message) });
      for (const result of results ?? []) {
        stream.markdown(`**${result.library}**: ${result.summary}${result.cell ? ` (cell ${result.cell.index + 1})` : ''}\n\n`);
        if (result.outcome?.code) {
          stream.markdown(`\`\`\`python\n${result.outcome.code}\n\`\`\`\n`);
        }
      }
    } catch (error) {
      if (isCancellation(error)) {
        return {};
      }
      const fix = fixFor(error);
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`@plot: ${message}`);
      stream.markdown(`Plotwright could not plot this: ${fix?.message ?? message}`);
      for (const action of fix?.actions ?? []) {
        stream.button({ title: action.title, command: action.command, arguments: action.args });
      }
    }
    return {};
  });
  participant.iconPath = new vscode.ThemeIcon('graph');
  context.subscriptions.push(participant);
}
