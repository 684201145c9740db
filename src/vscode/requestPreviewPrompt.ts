// The VS Code side of "show me what will be sent": a question with Send / Show Request / Don't Send,
// and the exact request opened as a JSON document.
import * as vscode from 'vscode';
import { requestText, type PendingRequest } from '../core/requestPreview.js';

async function openRequest(request: PendingRequest): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: requestText(request) });
  await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
}

export async function askBeforeSending(request: PendingRequest, open: boolean): Promise<boolean> {
  if (open) {
    await openRequest(request);
  }
  const size = requestText(request).length.toLocaleString('en-US');
  for (;;) {
    const choice = await vscode.window.showInformationMessage(
      `Plotwright is about to send ${size} characters to ${request.model}: the data description, the task and package versions.`,
      'Send',
      'Show Request',
      "Don't Send",
    );
    if (choice !== 'Show Request') {
      return choice === 'Send';
    }
    await openRequest(request);
  }
}
