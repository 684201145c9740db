// @plot in VS Code chat: "@plot df: histogram of price by region" runs journey 1 on the active notebook;
// a later message in the same thread without a DataFrame name refines the cell the thread last plotted.
import * as vscode from 'vscode';
import { findCell, lastPlottedCell, PLOT_PARTICIPANT_ID, turnMetadata } from './chatFollowUp.js';
import { parseChatPrompt } from './chatPrompt.js';
import { fixFor, isCancellation } from './errorPresenter.js';
import type { PlotFlow } from './plotFlow.js';
import type { RefineFlow } from './refineFlow.js';

export function registerChatParticipant(context: vscode.ExtensionContext, flow: PlotFlow, log: vscode.LogOutputChannel, refine: RefineFlow): void {
  if (!vscode.chat?.createChatParticipant) {
    log.info('This VS Code has no chat API: @plot is not available.');
    return;
  }
  const participant = vscode.chat.createChatParticipant(PLOT_PARTICIPANT_ID, async (request, chatContext, stream, token) => {
    const { variable, task } = parseChatPrompt(request.prompt);
    if (!task) {
      stream.markdown('Say what to plot, for example `@plot df: histogram of price by region`.');
      return {};
    }
    const earlier = variable ? undefined : lastPlottedCell(chatContext.history);
    const followUp = earlier && findCell(vscode.workspace.notebookDocuments, earlier);
    try {
      if (followUp) {
        const result = await refine.refine({ cell: followUp, instruction: task, token, progress: (message) => stream.progress(message) });
        if (!result) {
          return {};
        }
        stream.markdown(`**Refined cell ${result.cell.index + 1}**: ${result.summary}\n\n`);
        if (result.changed) {
          stream.markdown(`\`\`\`python\n${result.outcome?.code ?? ''}\n\`\`\`\n`);
          stream.button({ title: 'Undo Refine', command: 'plotwright.undoRefine', arguments: [turnMetadata(result.cell)] });
        }
        return { metadata: turnMetadata(result.cell) };
      }
      if (earlier) {
        stream.markdown('The cell this conversation plotted is gone, so this is a new plot.\n\n');
      }
      const notebook = vscode.window.activeNotebookEditor?.notebook;
      if (!notebook) {
        stream.markdown('Open a Jupyter notebook with a running kernel first: `@plot` plots a DataFrame that lives in it.');
        return {};
      }
      const results = await flow.plot({ notebook, source: { kind: 'kernel', variable }, task, token, progress: (message) => stream.progress(message) });
      for (const result of results ?? []) {
        stream.markdown(`**${result.library}**: ${result.summary}${result.cell ? ` (cell ${result.cell.index + 1})` : ''}\n\n`);
        if (result.outcome?.code) {
          stream.markdown(`\`\`\`python\n${result.outcome.code}\n\`\`\`\n`);
        }
      }
      const cell = results?.at(-1)?.cell;
      if (cell) {
        stream.markdown('Reply in this thread to change this plot (start with `df:` for a new one).');
      }
      return cell ? { metadata: turnMetadata(cell) } : {};
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
